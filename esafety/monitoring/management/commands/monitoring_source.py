from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from esafety.monitoring.actions import save_imap_source
from esafety.monitoring.models import WorkflowError
from esafety.people.models import School


class Command(BaseCommand):
    help = "Add or update a journal mailbox (IMAP) source for a school."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--school", required=True, help="School slug")
        parser.add_argument("--name", default="Journal mailbox")
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=993)
        parser.add_argument("--ssl", action="store_true", help="Connect over TLS (IMAPS)")
        parser.add_argument("--starttls", action="store_true")
        parser.add_argument("--user", required=True)
        parser.add_argument("--password-env", help="Name of the environment variable holding the password")
        parser.add_argument("--password", help="The password itself (prefer --password-env)")
        parser.add_argument("--mailbox", default="INBOX")
        parser.add_argument(
            "--processed-folder", default="", help="Move processed messages here (else a keyword)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        school = School.objects.filter(slug=options["school"]).first()
        if school is None:
            raise CommandError(f"No school {options['school']!r}.")
        if not options["password_env"] and options["password"] is None:
            raise CommandError("Give --password-env (or --password).")
        try:
            source, created = save_imap_source(
                school=school,
                name=options["name"],
                host=options["host"],
                port=options["port"],
                ssl=options["ssl"],
                starttls=options["starttls"],
                user=options["user"],
                password_env=options["password_env"] or "",
                password=None if options["password_env"] else options["password"],
                mailbox=options["mailbox"],
                processed_folder=options["processed_folder"],
            )
        except WorkflowError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"{'Added' if created else 'Updated'} source {source.pk}: {source}")
