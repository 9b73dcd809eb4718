from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from esafety.monitoring.actions import ingest_mailbox
from esafety.monitoring.imap import MailboxError
from esafety.monitoring.models import Source


class Command(BaseCommand):
    help = "Read the journal mailboxes now: scan every unprocessed message, then mark it processed."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--school", help="Only this school (slug)")
        parser.add_argument("--source", type=int, help="Only this source (id)")
        parser.add_argument("--limit", type=int, help="At most this many messages per mailbox")

    def handle(self, *args: Any, **options: Any) -> None:
        sources = Source.objects.filter(kind=Source.Kind.IMAP, active=True).select_related("school")
        if options["school"]:
            sources = sources.filter(school__slug=options["school"])
        if options["source"]:
            sources = sources.filter(pk=options["source"])
        if not sources:
            raise CommandError("No active journal mailbox matches.")
        failed = False
        for source in sources:
            try:
                report = ingest_mailbox(source, limit=options["limit"])
            except (MailboxError, OSError) as exc:
                source.note_run(f"{type(exc).__name__}: {exc}")
                self.stderr.write(f"{source.school.slug} / {source.name}: {exc}")
                failed = True
                continue
            source.note_run("; ".join(report.errors))
            self.stdout.write(
                f"{source.school.slug} / {source.name}: {report.fetched} read, {report.captured} captured, "
                f"{report.duplicates} already captured, {report.clean} of no concern, {report.failed} failed"
            )
            failed = failed or bool(report.failed)
        if failed:
            raise CommandError("Some messages could not be read; they stay unprocessed and are retried.")
