"""Report a site that got through: one step files an incident in the safeguarding log and a block request."""

from __future__ import annotations

from django.urls import reverse

from esafety.filtering.models import ChangeRequest
from esafety.filtering.tests.helpers import FilteringTestCase
from esafety.incidents.models import Category, Incident


class TestReportSite(FilteringTestCase):
    def test_it_files_an_incident_and_a_block_request_in_one_step(self) -> None:
        self.login(self.office)
        response = self.client.post(
            reverse("filtering:report"),
            {"url": "https://www.nasty.example/page", "description": "A pupil in the library saw it."},
        )
        self.assertRedirects(response, reverse("dashboard"))
        incident = Incident.objects.get(school=self.school, source="filtering")
        self.assertEqual(incident.category, Category.INAPPROPRIATE_CONTENT)
        self.assertEqual(incident.reporter, self.office)
        self.assertIn("nasty.example", incident.description)
        block = ChangeRequest.objects.get(school=self.school, source="report")
        self.assertEqual((block.kind, block.site, block.scope), ("block", "nasty.example", "school"))
        self.assertEqual(block.status, ChangeRequest.Status.COORDINATOR)
        self.assertIn(incident.label, block.reason)

    def test_it_lets_a_governor_report_too_and_keeps_the_form_on_bad_input(self) -> None:
        self.login(self.governor)
        response = self.client.post(
            reverse("filtering:report"), {"url": "https://x.example/", "description": ""}
        )
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, 'value="https://x.example/"')
        self.assertFalse(Incident.objects.filter(school=self.school).exists())
