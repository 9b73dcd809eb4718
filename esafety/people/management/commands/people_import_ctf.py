from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from esafety.people.actions import apply_people
from esafety.people.ctf import read_ctf
from esafety.people.importer import ImportRejected
from esafety.people.management.commands._importing import print_problems, print_report, school_by_slug


class Command(BaseCommand):
    help = (
        "Import pupils and their contacts from a Common Transfer File (DfE XML), matched by UPN. All or nothing; "
        "re-importing the same file changes nothing."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("file", help="The CTF (XML) exported by the MIS")
        parser.add_argument("--school", required=True, help="The school's short name (slug)")
        parser.add_argument("--dry-run", action="store_true", help="Check and count, write nothing")

    def handle(self, *args: Any, **options: Any) -> None:
        school = school_by_slug(options["school"])
        path = Path(options["file"])
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise CommandError(f"Cannot read {path}: {exc.strerror}") from None
        try:
            report = apply_people(
                school, read_ctf(school, data), dry_run=options["dry_run"], detail={"file": path.name}
            )
        except ImportRejected as rejected:
            print_problems(self, rejected.report)
        else:
            print_report(self, report, options)
