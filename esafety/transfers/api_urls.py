from django.urls import path

from esafety.transfers import api

urlpatterns = [
    path("transfers/handshake/", api.Handshake.as_view(), name="api-transfer-handshake"),
    path("transfers/bundle/", api.Upload.as_view(), name="api-transfer-bundle"),
    path("transfers/status/", api.TransferStatus.as_view(), name="api-transfer-status"),
]
