from django.urls import path

from esafety.incidents import api

urlpatterns = [
    path("incidents/", api.IncidentListCreate.as_view(), name="api-incidents"),
    path("incidents/<int:pk>/", api.IncidentDetail.as_view(), name="api-incident"),
]
