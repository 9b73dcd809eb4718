"""The governors' report: a printable page and a PDF with its charts, with nobody's name in either."""

from __future__ import annotations

import io
import re

from pypdf import PdfReader

from esafety.governance import actions
from esafety.test import BaseTestCase

from .support import alert, at, incident


def visible_text(html: str) -> str:
    main = html[html.index("<main") : html.index("</main>")]
    return re.sub(r"<[^>]+>", " ", main)


class GovernorsReportTests(BaseTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        from django.utils import timezone

        year = timezone.localdate().year if timezone.localdate().month >= 9 else timezone.localdate().year - 1
        cls.year = year
        for day in (3, 9):
            incident(
                cls.school,
                "cyberbullying",
                at(year, 10, day),
                (cls.pupil, "victim"),
                (cls.pupil2, "subject"),
                (cls.staff_member, "witness"),
                description="Leo Bramley sent Ava Ashdown unkind messages; Mark Staffer saw it.",
            )
        alert(cls.school, 3, at(year, 9, 20), 5, person=cls.pupil, text="Ava Ashdown wrote this")
        review = actions.start_review(cls.school, year, by=cls.coordinator)
        actions.add_action(
            review,
            title="Re-test filtering",
            owner=cls.technician,
            due_on=at(year + 1, 1, 1).date(),
            by=cls.coordinator,
        )

    def names(self) -> list[str]:
        return ["Ava", "Ashdown", "Leo Bramley", "Mark Staffer", "Technician Tester", "Head Tester"]

    def test_it_prints_the_report_page_with_charts_and_no_names(self) -> None:
        self.login(self.governor)
        response = self.client.get(f"/governance/report/?year={self.year}")
        html = response.content.decode()
        self.assertIn("report to the governing body", html)
        self.assertIn('<svg class="chart"', html)
        self.assertIn("ICT Technician", html, "the action's owner is shown by role")
        text = visible_text(html)
        for name in self.names():
            self.assertNotIn(name, text)

    def test_it_downloads_a_pdf_with_the_charts_drawn_and_no_names(self) -> None:
        self.login(self.governor)
        response = self.client.get(f"/governance/report.pdf?year={self.year}")
        self.assertEqual(response["Content-Type"], "application/pdf")
        reader = PdfReader(io.BytesIO(response.content))
        text = " ".join(" ".join(page.extract_text() for page in reader.pages).split())
        for expected in (
            "report to the governing body",
            "Incidents by month",
            "No filter test was run this year",
            "2 incidents recorded",
        ):
            self.assertIn(expected, text)
        for name in self.names():
            self.assertNotIn(name, text)
        drawn = b"".join(page.get_contents().get_data() for page in reader.pages)
        self.assertGreaterEqual(len(re.findall(rb" re\s+f", drawn)), 3, "bars are drawn as filled rectangles")

    def test_it_shows_the_dashboard_to_a_governor_without_names(self) -> None:
        self.login(self.governor)
        text = visible_text(self.client.get(f"/governance/?year={self.year}").content.decode())
        self.assertIn("Incidents by category", text)
        for name in self.names():
            self.assertNotIn(name, text)
