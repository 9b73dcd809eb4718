"""``manage.py expire_accounts [--as-of DATE]``: close network accounts whose last day has passed.

The scheduler runs this every hour through the task worker; the command is for a first run after an outage and
for rehearsing tomorrow's expiries (``--as-of``).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from esafety.registers.actions import expire_due_accounts, push_directory_changes


class Command(BaseCommand):
    help = "Expire network accounts past their last day, then push the changes to the directory."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--as-of", type=date.fromisoformat, default=None, help="Treat this date as today")

    def handle(self, *args: Any, **options: Any) -> None:
        count = expire_due_accounts(options["as_of"])
        pushed = push_directory_changes()
        self.stdout.write(
            f"expired {count} account(s); directory: {pushed['done']} done, {pushed['failed']} failed"
        )
