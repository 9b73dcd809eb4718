"""The demo school end to end: the Done-means access, a year of data behind every chart, and no pupil's or
staff member's name anywhere on the governance dashboard or in the governors' report (page and PDF)."""

from __future__ import annotations

import io
import re
from datetime import timedelta

from django.test import TestCase
from django.utils import timezone
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice
from pypdf import PdfReader

from esafety.accounts.models import User
from esafety.core.demo import build_demo
from esafety.governance import evidence
from esafety.governance.report import GROUPS
from esafety.people.models import Person


class DemoGovernanceTests(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        cls.ctx = build_demo("demo-password-for-tests")

    def sign_in(self, username: str) -> None:
        user = User.objects.get(username=username)
        self.client.force_login(user)
        device, _ = TOTPDevice.objects.get_or_create(user=user, name="test", defaults={"confirmed": True})
        session = self.client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()

    def status(self, username: str, path: str) -> int:
        self.sign_in(username)
        return self.client.get(path).status_code

    def test_it_answers_the_done_means_table(self) -> None:
        table = [
            ("teacher", "/training/", 200),
            ("coordinator", "/training/", 200),
            ("teacher", "/curriculum/", 200),
            ("head", "/governance/", 200),
            ("governor", "/governance/", 200),
            ("coordinator", "/governance/", 200),
            ("teacher", "/governance/", 403),
            ("office", "/governance/", 403),
            ("head", "/governance/filtering-review/", 200),
            ("head", "/governance/retention/", 200),
            ("teacher", "/governance/retention/", 403),
            ("governor", "/governance/report/", 200),
        ]
        for username, path, expected in table:
            with self.subTest(username=username, path=path):
                self.assertEqual(self.status(username, path), expected)

    def test_it_has_a_year_of_data_behind_every_chart_of_the_rooms_present(self) -> None:
        today = timezone.localdate()
        last_twelve_months = evidence.Period(today - timedelta(days=365), today + timedelta(days=1))
        present = {
            "incidents",
            "monitoring",
            "training",
            "governance",
            "filtering",
            "policies",
            "consent",
            "registers",
        }
        for _, keys in GROUPS:
            for key in keys:
                found = evidence.get(self.ctx.school, last_twelve_months, key)
                with self.subTest(key=key):
                    self.assertEqual(found.recorded, found.room in present)
                    if found.measure and found.measure.series:
                        self.assertGreater(sum(value for _, value in found.measure.series), 0)

    def names(self) -> set[str]:
        people = Person.objects.filter(
            school=self.ctx.school, kind__in=[Person.Kind.PUPIL, Person.Kind.STAFF]
        )
        return {person.full_name for person in people} | {f"{p.first_name} {p.last_name}" for p in people}

    def test_it_never_shows_a_pupils_or_staff_members_name_to_governors(self) -> None:
        self.sign_in("governor")
        this_year = evidence.Period.containing(timezone.localdate())
        pages = []
        for year in (this_year.first_year, this_year.first_year - 1):
            for path in (f"/governance/?year={year}", f"/governance/report/?year={year}"):
                html = self.client.get(path).content.decode()
                pages.append(re.sub(r"<[^>]+>", " ", html))
            pdf = self.client.get(f"/governance/report.pdf?year={year}").content
            pages.append(
                " ".join(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages).split())
            )
        text = " ".join(" ".join(page.split()) for page in pages)
        self.assertIn("Incidents by category", text)
        leaked = sorted(name for name in self.names() if name in text)
        self.assertEqual(leaked, [])
