"""``manage.py publishing_check --school SLUG FILE... [--format json] [--use website]``

Checks text or HTML files against the school's directory and consents, as the web page does. Prints each finding
(as JSON, one object a line, with ``--format json``) and exits 1 when there is a finding, 0 when every file is
clean, and 2 on bad input (an unknown school, a missing, binary or oversized file), so a publishing pipeline can
stop on it.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from esafety.people.models import School
from esafety.publishing.actions import BadInput, directory_for, read_upload, run_check
from esafety.publishing.models import Channel


class Command(BaseCommand):
    help = (
        "Check text or HTML for pupils' full names, contact details and unconsented photos before publishing."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--school", required=True, help="the school's slug, e.g. hollybrook")
        parser.add_argument(
            "files", nargs="+", metavar="FILE", help="text or HTML files; - reads standard input"
        )
        parser.add_argument("--format", choices=["text", "json"], default="text")
        parser.add_argument(
            "--use", choices=Channel.values, default=Channel.WEBSITE, help="where it will be published"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        school = School.objects.filter(slug=options["school"]).first()
        if school is None:
            raise CommandError(f"no school with the slug {options['school']!r}", returncode=2)
        texts = []
        for name in options["files"]:
            try:
                data = sys.stdin.buffer.read() if name == "-" else Path(name).read_bytes()
                texts.append((name, read_upload(data, name)))
            except OSError as exc:
                raise CommandError(f"{name}: {exc.strerror or exc}", returncode=2) from None
            except BadInput as exc:
                raise CommandError(str(exc), returncode=2) from None
        directory = directory_for(school)
        found = 0
        for name, text in texts:
            for finding in run_check(text, directory, use=options["use"]):
                found += 1
                if options["format"] == "json":
                    self.stdout.write(json.dumps({**finding.as_dict(), "file": name}, ensure_ascii=False))
                else:
                    person = f" (person #{finding.person})" if finding.person is not None else ""
                    shown = " ".join(finding.text.split())
                    self.stdout.write(f"{name}:{finding.offset}: {finding.kind}: {shown}{person}")
        if found:
            self.stderr.write(f"{found} finding(s): do not publish until they are fixed or approved.")
            raise SystemExit(1)
        if options["format"] == "text":
            self.stdout.write("Nothing found.")
