from django.urls import path

from esafety.filtering import api

urlpatterns = [
    path("filtering/requests/", api.RequestListCreate.as_view(), name="api-filter-requests"),
    path("filtering/requests/<int:pk>/", api.RequestDetail.as_view(), name="api-filter-request"),
    path(
        "filtering/requests/<int:pk>/<slug:step>/", api.RequestStep.as_view(), name="api-filter-request-step"
    ),
]
