from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from esafety.filtering import ingest
from esafety.people.models import School


class Command(BaseCommand):
    help = (
        "Count a Squid or e2guardian log into the school's filter reports; a second run reads only new lines. "
        "Malformed lines are counted with their reason, never fatal."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file")
        parser.add_argument("--format", choices=sorted(ingest.PARSERS), default="squid")
        parser.add_argument("--school", help="the school's slug (default: the only school)")
        parser.add_argument("--follow", action="store_true", help="keep reading new lines as they arrive")
        parser.add_argument("--interval", type=float, default=2.0, help="seconds between reads with --follow")
        parser.add_argument(
            "--no-searches", action="store_true", help="do not send search terms to monitoring"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["school"]:
            school = School.objects.filter(slug=options["school"]).first()
        else:
            schools = list(School.objects.all()[:2])
            school = schools[0] if len(schools) == 1 else None
        if school is None:
            raise CommandError("Name the school with --school SLUG.")
        try:
            if not options["follow"]:
                self._report(
                    ingest.ingest_file(
                        school, options["file"], options["format"], searches=not options["no_searches"]
                    )
                )
                return
            for totals in ingest.follow(
                school, options["file"], options["format"], interval=options["interval"]
            ):
                if totals.lines:
                    self._report(totals)
        except FileNotFoundError as exc:
            raise CommandError(f"Cannot read {options['file']}: {exc.strerror}") from None
        except KeyboardInterrupt:
            return

    def _report(self, totals: ingest.Totals) -> None:
        malformed = ", ".join(f"{reason}: {n}" for reason, n in sorted(totals.malformed.items()))
        self.stdout.write(
            f"{totals.lines} lines, {totals.records} requests, {totals.blocked} blocked, "
            f"{totals.got_through} got through to listed sites, {totals.searches} searches scanned"
            + (f"; malformed lines: {malformed}" if malformed else "")
        )
