from django.urls import path

from esafety.publishing import views

app_name = "publishing"
urlpatterns = [
    path("", views.item_list, name="list"),
    path("check/", views.check, name="check"),
    path("settings/", views.settings_view, name="settings"),
    path("audits/", views.audits, name="audits"),
    path("audits/run/", views.run_audit, name="run_audit"),
    path("audits/<int:audit_id>/", views.audit_detail, name="audit"),
    path("people/<int:person_id>/", views.appearances, name="appearances"),
    path("appearances/<int:appearance_id>/removed/", views.record_removal, name="remove"),
    path("<int:publication_id>/", views.detail, name="detail"),
    path("<int:publication_id>/revise/", views.revise, name="revise"),
    path("<int:publication_id>/step/<slug:step>/", views.take_step, name="step"),
]
