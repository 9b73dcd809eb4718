from datetime import timedelta

from django.apps import AppConfig


class TransfersConfig(AppConfig):
    name = "esafety.transfers"
    label = "transfers"
    verbose_name = "Safeguarding file transfers"

    def ready(self) -> None:
        from esafety.core.schedule import register

        # The receiving school's answer (viewed, accepted with its signed receipt, rejected) is fetched by the
        # sender: the sender need not be reachable from outside, only the receiver's API must be.
        register(
            "transfers.check_sent_transfers",
            timedelta(minutes=15),
            "esafety.transfers.tasks.check_sent_transfers",
        )
