from datetime import timedelta

from django.apps import AppConfig


class FilteringConfig(AppConfig):
    name = "esafety.filtering"
    label = "filtering"
    verbose_name = "Web filtering"

    def ready(self) -> None:
        from esafety.core.schedule import register

        # Temporary changes end on time: every five minutes the expired ones end and their schools republish.
        register("filtering.end_expired", timedelta(minutes=5), "esafety.filtering.tasks.end_expired")
        # Hourly, so a reminder missed while the server was down still goes out the same day (one a day).
        register("filtering.remind", timedelta(hours=1), "esafety.filtering.tasks.remind")
        # Filter-log data is disposed of by governance's nightly run (filtering/records.py), which honours
        # legal holds: there is no second purge here.
