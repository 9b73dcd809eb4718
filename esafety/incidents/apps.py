from datetime import timedelta

from django.apps import AppConfig


class IncidentsConfig(AppConfig):
    name = "esafety.incidents"
    label = "incidents"
    verbose_name = "Safeguarding log"

    def ready(self) -> None:
        from esafety.core.schedule import register

        # Hourly, so a reminder missed while the server was down goes out the same day; the e-mail key keeps it to
        # one a day per owner.
        register(
            "incidents.remind_overdue_actions",
            timedelta(hours=1),
            "esafety.incidents.tasks.remind_overdue_actions",
        )
        # Every ten minutes: the school's reminder time is counted in hours, so a reminder is at most ten
        # minutes late; the e-mail key keeps each stage to one reminder per incident.
        register(
            "incidents.remind_untriaged_urgent",
            timedelta(minutes=10),
            "esafety.incidents.tasks.remind_untriaged_urgent",
        )
