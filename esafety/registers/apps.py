from datetime import timedelta

from django.apps import AppConfig


class RegistersConfig(AppConfig):
    name = "esafety.registers"
    label = "registers"
    verbose_name = "Registers"

    def ready(self) -> None:
        from esafety.core.schedule import register

        # Hourly, so a visitor account ending today is closed within the hour after midnight, and a server that
        # was down catches up on its next run.
        register("registers.expire_accounts", timedelta(hours=1), "esafety.registers.tasks.expire_accounts")
        # Every five minutes: a directory that was unreachable gets the change soon after it comes back.
        register("registers.push_directory", timedelta(minutes=5), "esafety.registers.tasks.push_directory")
