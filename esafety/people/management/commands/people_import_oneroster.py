from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from esafety.people import oneroster
from esafety.people.actions import apply_people
from esafety.people.importer import ImportRejected
from esafety.people.management.commands._importing import print_problems, print_report, school_by_slug
from esafety.people.models import School


class Command(BaseCommand):
    help = (
        "Import students, teachers, parents and guardians, their links and classes from a OneRoster 1.2 CSV "
        "export (a zip, or a folder of CSV files), matched by sourcedId. All or nothing; re-importing the same "
        "files changes nothing."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("path", help="The OneRoster zip, or a folder holding orgs.csv, users.csv...")
        parser.add_argument(
            "--school", help="The school's short name (slug); by default the school whose URN orgs.csv names"
        )
        parser.add_argument("--dry-run", action="store_true", help="Check and count, write nothing")

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["path"])
        try:
            if path.is_dir():
                uploads = {
                    child.name: child.read_bytes()
                    for child in sorted(path.iterdir())
                    if child.is_file() and child.suffix.lower() in (".csv", ".zip")
                }
            else:
                uploads = {path.name: path.read_bytes()}
        except OSError as exc:
            raise CommandError(f"Cannot read {path}: {exc.strerror}") from None
        try:
            files = oneroster.gather(uploads)
            school = school_by_slug(options["school"]) if options["school"] else self._school_by_urn(files)
            report = apply_people(
                school,
                oneroster.read_oneroster(school, files),
                dry_run=options["dry_run"],
                detail={"files": sorted(files)},
            )
        except ImportRejected as rejected:
            print_problems(self, rejected.report)
        else:
            print_report(self, report, options)

    def _school_by_urn(self, files: dict[str, bytes]) -> School:
        urns = oneroster.school_identifiers(files)
        schools = list(School.objects.filter(urn__in=urns).exclude(urn=""))
        if len(schools) != 1:
            raise CommandError(
                f"orgs.csv names the school(s) {', '.join(sorted(urns)) or '(none)'}, which match "
                f"{len(schools)} school(s) here by URN: give --school."
            )
        return schools[0]
