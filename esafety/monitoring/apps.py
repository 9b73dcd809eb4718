from django.apps import AppConfig


class MonitoringConfig(AppConfig):
    name = "esafety.monitoring"
    label = "monitoring"
