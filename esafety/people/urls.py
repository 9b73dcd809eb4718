from django.urls import path

from esafety.people import views

app_name = "people"
urlpatterns = [
    path("", views.person_list, name="list"),
    path("<int:person_id>/", views.person_detail, name="detail"),
    path("import/", views.import_view, name="import"),
    path("export.csv", views.export_view, name="export"),
]
