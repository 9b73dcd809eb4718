"""``publishing_check``: JSON lines, exit 1 on findings, 0 when clean, 2 on bad input."""

from __future__ import annotations

import json
from io import StringIO
from pathlib import Path
from tempfile import TemporaryDirectory

from django.core.management import call_command
from django.core.management.base import CommandError

from esafety.consent.actions import record_consent
from esafety.publishing.actions import settings_for
from esafety.test import BaseTestCase

PARAGRAPH = "Well done to Ava Ashdown and Leo Bramley, who read their poems in assembly."
FIRST_NAMES = "Well done to Ava and Leo, who read their poems in assembly."


class PublishingCheckCommandTests(BaseTestCase):
    def setUp(self) -> None:
        self.dir = TemporaryDirectory()
        self.addCleanup(self.dir.cleanup)

    def file(self, name: str, content: str | bytes) -> str:
        path = Path(self.dir.name) / name
        path.write_bytes(content if isinstance(content, bytes) else content.encode())
        return str(path)

    def run_check(self, *args: str) -> tuple[int, str]:
        out = StringIO()
        try:
            call_command("publishing_check", "--school", "hollybrook", *args, stdout=out, stderr=StringIO())
        except SystemExit as exc:
            return int(exc.code or 0), out.getvalue()
        return 0, out.getvalue()

    def test_it_prints_a_json_line_per_full_name_and_exits_1(self) -> None:
        code, out = self.run_check(self.file("news.txt", PARAGRAPH), "--format", "json")
        lines = [json.loads(line) for line in out.splitlines()]
        self.assertEqual(code, 1)
        self.assertEqual(
            [(line["kind"], line["text"], line["offset"], line["person"]) for line in lines],
            [
                ("pupil-full-name", "Ava Ashdown", 13, self.pupil.pk),
                ("pupil-full-name", "Leo Bramley", 29, self.pupil2.pk),
            ],
        )

    def test_it_exits_0_on_first_names_only(self) -> None:
        code, out = self.run_check(self.file("news.txt", FIRST_NAMES), "--format", "json")
        self.assertEqual((code, out), (0, ""))

    def test_it_reads_html_and_reports_source_offsets(self) -> None:
        html = "<p>Well done to <b>Ava</b>\n<i>Ashdown</i></p>"
        code, out = self.run_check(self.file("page.html", html), "--format", "json")
        (line,) = [json.loads(line) for line in out.splitlines()]
        self.assertEqual((code, line["kind"], line["offset"]), (1, "pupil-full-name", html.index("Ava")))

    def test_it_lets_the_school_publish_its_own_number_but_not_a_parents(self) -> None:
        publishing = settings_for(self.school)
        publishing.allowed_contacts = "01632 960000\n"
        publishing.save()
        self.parent.phone = "07700 900123"
        self.parent.save()
        code, out = self.run_check(
            self.file("a.txt", "Office 01632 960000. Ring Dawn on 07700-900-123."), "--format", "json"
        )
        (line,) = [json.loads(line) for line in out.splitlines()]
        self.assertEqual((code, line["kind"], line["person"]), (1, "phone-number", self.parent.pk))

    def test_it_prints_readable_lines_without_json(self) -> None:
        code, out = self.run_check(self.file("news.txt", PARAGRAPH))
        self.assertEqual(code, 1)
        self.assertIn("news.txt:13: pupil-full-name: Ava Ashdown", out)

    def test_it_exits_2_on_bad_input(self) -> None:
        png = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(64)
        for args in (
            [self.file("photo.png", png)],
            [self.file("latin1.txt", "caf\xe9".encode("latin-1"))],
            [str(Path(self.dir.name) / "missing.txt")],
            [self.file("huge.txt", "a" * 900_000)],
        ):
            with self.subTest(args=args), self.assertRaises(CommandError) as raised:
                call_command("publishing_check", "--school", "hollybrook", *args, stdout=StringIO())
            self.assertEqual(raised.exception.returncode, 2)
        with self.assertRaises(CommandError) as raised:
            call_command(
                "publishing_check", "--school", "nowhere", self.file("a.txt", "x"), stdout=StringIO()
            )
        self.assertEqual(raised.exception.returncode, 2)

    def test_it_knows_who_may_be_photographed(self) -> None:
        record_consent(person=self.pupil, answers={"website": "granted"}, given_by=self.parent)
        html = '<img src="/sports.jpg" alt="Ava Ashdown runs">'
        code, out = self.run_check(self.file("p.html", html), "--format", "json")
        kinds = [json.loads(line)["kind"] for line in out.splitlines()]
        self.assertEqual(kinds, ["pupil-full-name", "named-beside-photo"])
