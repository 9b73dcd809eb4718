from django.urls import path

from esafety.transfers import views

app_name = "transfers"
urlpatterns = [
    path("", views.transfer_list, name="list"),
    path("new/", views.new_transfer, name="new"),
    path("<int:transfer_id>/", views.transfer_detail, name="detail"),
    path("<int:transfer_id>/send/", views.send, name="send"),
    path("<int:transfer_id>/archive/", views.prepare_archive, name="archive"),
    path("<int:transfer_id>/archive.age", views.download_archive, name="download"),
    path("<int:transfer_id>/step/<slug:step>/", views.take_step, name="step"),
    path("<int:transfer_id>/check/", views.check, name="check"),
    path("incoming/new/", views.expect, name="expect"),
    path("incoming/<int:incoming_id>/", views.incoming_detail, name="incoming"),
    path("incoming/<int:incoming_id>/accept/", views.accept, name="accept"),
    path("incoming/<int:incoming_id>/reject/", views.reject, name="reject"),
    path("records/<int:record_id>/", views.transferred_record, name="record"),
    path("records/<int:record_id>/files/<int:file_id>/", views.transferred_file, name="record_file"),
]
