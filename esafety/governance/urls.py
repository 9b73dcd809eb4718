from django.urls import path

from esafety.governance import views

app_name = "governance"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("people/", views.responsible_people, name="people"),
    path("filtering-review/", views.review_index, name="reviews"),
    path("filtering-review/start/", views.start_review, name="start_review"),
    path("filtering-review/compare/", views.compare_reviews, name="compare"),
    path("filtering-review/actions/<int:action_id>/done/", views.complete_action, name="action_done"),
    path("filtering-review/<int:year>/", views.review, name="review"),
    path("filtering-review/<int:year>/actions/", views.add_action, name="add_action"),
    path("filtering-review/<int:year>/sign/", views.sign_review, name="sign"),
    path("report/", views.report, name="report"),
    path("report.pdf", views.report_pdf, name="report_pdf"),
    path("retention/", views.retention, name="retention"),
    path("retention/periods/<str:key>/", views.set_period, name="set_period"),
    path("retention/holds/", views.place_hold, name="place_hold"),
    path("retention/holds/<int:hold_id>/lift/", views.lift_hold, name="lift_hold"),
    path("retention/dispose/", views.run_disposal, name="dispose"),
    path("retention/subject-access/<int:person_id>.<str:fmt>", views.subject_access, name="subject_access"),
]
