from datetime import timedelta

from django.apps import AppConfig


class PoliciesConfig(AppConfig):
    name = "esafety.policies"
    label = "policies"
    verbose_name = "Policies and acknowledgements"

    def ready(self) -> None:
        from esafety.core.schedule import register

        # Hourly, so a run missed while the server was down catches up the same day; e-mail keys keep every
        # invitation and reminder to one per person per step, however often this runs.
        register(
            "policies.send_campaign_emails", timedelta(hours=1), "esafety.policies.tasks.send_campaign_emails"
        )
        register("policies.remind_reviews", timedelta(hours=6), "esafety.policies.tasks.remind_reviews")
