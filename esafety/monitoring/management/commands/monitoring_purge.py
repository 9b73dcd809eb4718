from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from esafety.monitoring.actions import end_expired_enhanced_monitoring, purge_captures


class Command(BaseCommand):
    help = "Purge captures past retention (false positives sooner) and end expired enhanced monitoring now."

    def handle(self, *args: Any, **options: Any) -> None:
        ended = end_expired_enhanced_monitoring()
        counts = purge_captures()
        self.stdout.write(
            f"Purged {counts['retention']} captures past retention and {counts['false_positive']} dismissed "
            f"false positives; ended {ended} enhanced monitoring authorisations."
        )
