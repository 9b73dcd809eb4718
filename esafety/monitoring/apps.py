from datetime import timedelta

from django.apps import AppConfig


class MonitoringConfig(AppConfig):
    name = "esafety.monitoring"
    label = "monitoring"
    verbose_name = "Monitoring"

    def ready(self) -> None:
        from esafety.core.schedule import register

        register("monitoring.poll_mailboxes", timedelta(minutes=5), "esafety.monitoring.tasks.poll_mailboxes")
        register(
            "monitoring.end_expired_enhanced_monitoring",
            timedelta(hours=1),
            "esafety.monitoring.tasks.end_expired_enhanced_monitoring",
        )
        register("monitoring.purge_captures", timedelta(hours=6), "esafety.monitoring.tasks.purge_captures")
