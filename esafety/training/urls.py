from django.urls import path

from esafety.training import views

app_name = "training"
urlpatterns = [
    path("", views.index, name="index"),
    path("sessions/", views.session_list, name="sessions"),
    path("sessions/<int:session_id>/", views.session_detail, name="session"),
    path("attendance/<int:attendance_id>/certificate/", views.upload_certificate, name="upload_certificate"),
    path("attendance/<int:attendance_id>/certificate/file", views.download_certificate, name="certificate"),
    path("induction/<int:item_id>/done/", views.complete_induction, name="induction_done"),
    path("requirements/", views.requirement_list, name="requirements"),
    path("overdue/", views.overdue, name="overdue"),
    path("overdue/remind/", views.send_reminders, name="remind"),
    path("people/<int:person_id>/", views.person_record, name="person"),
]
