from django.urls import path

from esafety.monitoring import api

urlpatterns = [
    path("monitoring/captures/", api.CaptureCreate.as_view(), name="api-monitoring-captures"),
]
