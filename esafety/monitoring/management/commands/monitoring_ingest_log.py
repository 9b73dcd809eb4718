from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from esafety.monitoring.searchlog import ingest_log
from esafety.people.models import School


class Command(BaseCommand):
    help = "Scan the search terms in a web filter log (Squid or E2Guardian); reading a log twice is harmless."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("file", help="The log file ('-' for standard input)")
        parser.add_argument("--school", required=True, help="The school the log belongs to (slug)")
        parser.add_argument("--format", choices=["squid", "e2guardian"], default="squid")

    def handle(self, *args: Any, **options: Any) -> None:
        school = School.objects.filter(slug=options["school"]).first()
        if school is None:
            raise CommandError(f"No school {options['school']!r}.")
        if options["file"] == "-":
            import sys

            lines = sys.stdin.readlines()
        else:
            try:
                with open(options["file"], encoding="utf-8", errors="replace") as handle:
                    lines = handle.readlines()
            except OSError as exc:
                raise CommandError(str(exc)) from exc
        counts = ingest_log(school, lines, fmt=options["format"])
        self.stdout.write(
            f"{counts['searches']} searches, {counts['captured']} captured, {counts['duplicates']} already captured"
        )
