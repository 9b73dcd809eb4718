from django.urls import path

from esafety.people import views

app_name = "people"
urlpatterns = [
    path("", views.person_list, name="list"),
    path("new/", views.person_edit, name="new"),
    path("<int:person_id>/", views.person_detail, name="detail"),
    path("<int:person_id>/edit/", views.person_edit, name="edit"),
    path("import/", views.import_view, name="import"),
    path("import/ctf/", views.import_ctf_view, name="import_ctf"),
    path("import/oneroster/", views.import_oneroster_view, name="import_oneroster"),
    path("export.csv", views.export_view, name="export"),
    path("pick/", views.pick, name="pick"),
]
