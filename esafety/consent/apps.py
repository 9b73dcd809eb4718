from datetime import timedelta

from django.apps import AppConfig


class ConsentConfig(AppConfig):
    name = "esafety.consent"
    label = "consent"
    verbose_name = "Consent"

    def ready(self) -> None:
        from esafety.core.schedule import register

        # Daily: each request is reminded at most once per its campaign's interval (a week by default).
        register("consent.send_reminders", timedelta(days=1), "esafety.consent.tasks.send_reminders")
