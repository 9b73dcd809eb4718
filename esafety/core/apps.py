from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "esafety.core"
    label = "core"

    def ready(self) -> None:
        from datetime import timedelta

        from esafety.core.schedule import register

        register("core.deliver_outbox", timedelta(minutes=5), "esafety.core.tasks.deliver_outbox")
        register("core.purge_pending_uploads", timedelta(hours=1), "esafety.core.tasks.purge_pending_uploads")
