"""Filter reports: SVG charts, CSV, the register of what is blocked or allowed and why; governors see no names."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone

from esafety.filtering.models import BlockedEvent, DailyCount
from esafety.filtering.tests.helpers import FilteringTestCase


class TestViewReports(FilteringTestCase):
    def setUp(self) -> None:
        super().setUp()
        today = timezone.localdate()
        DailyCount.objects.create(
            school=self.school, day=today, person=self.pupil, category="chat", blocked=7
        )
        BlockedEvent.objects.create(
            school=self.school,
            at=timezone.now(),
            person=self.pupil,
            host="12buzz.com",
            url="http://12buzz.com/",
            category="chat",
        )

    def test_it_draws_charts_as_svg_for_the_chain_with_names(self) -> None:
        self.login(self.coordinator)
        page = self.client.get(reverse("filtering:reports"))
        self.assertContains(page, "<svg", count=3)
        self.assertContains(page, "Kestrels")
        self.assertContains(page, "Ashdown")
        self.assertContains(page, "12buzz.com")

    def test_it_shows_governors_no_pupil_names(self) -> None:
        self.login(self.governor)
        page = self.client.get(reverse("filtering:reports"))
        self.assertEqual(page.status_code, 200)
        self.assertNotContains(page, "Ashdown")
        self.assertNotContains(page, "Ava")
        self.assertContains(page, "Kestrels")

    def test_it_exports_the_register_as_csv_with_reasons(self) -> None:
        self.login(self.governor)
        response = self.client.get(reverse("filtering:reports_csv", args=["register"]))
        self.assertEqual(response["Content-Type"], "text/csv; charset=utf-8")
        rows = response.content.decode().splitlines()
        self.assertEqual(rows[0], "when,group,change,entry,why,by")
        self.assertTrue(any("Initial profile" in row and "Category blocked" in row for row in rows))
        self.assertTrue(any("IWF list" in row for row in rows))
