from datetime import timedelta

from django.apps import AppConfig


class GovernanceConfig(AppConfig):
    name = "esafety.governance"
    label = "governance"
    verbose_name = "Governance"

    def ready(self) -> None:
        from esafety.core.schedule import register

        # Daily: records become due by the day; a missed night is caught up the next.
        register(
            "governance.dispose_due_records",
            timedelta(days=1),
            "esafety.governance.tasks.dispose_due_records",
        )
