from django.urls import path

from esafety.training import curriculum_views as views

app_name = "curriculum"
urlpatterns = [
    path("", views.overview, name="overview"),
    path("lessons/new/", views.new_lesson, name="new_lesson"),
    path("plan/", views.add_unit, name="add_unit"),
    path("resources/", views.resource_list, name="resources"),
    path("resources/new/", views.add_resource, name="add_resource"),
    path("resources/<int:resource_id>/review/", views.review_resource, name="review_resource"),
]
