"""Issue 12 point 5: the outcome form groups the fields each outcome type needs under its heading (a static
script shows only the chosen group; without it, all are shown, and the server checks and keeps only the chosen
type's); an error summary at the top links to each field; times and dates in the future are refused."""

from __future__ import annotations

from datetime import UTC, datetime

from django.urls import reverse
from freezegun import freeze_time

from esafety.incidents import actions
from esafety.incidents.models import Incident, Outcome
from esafety.incidents.tests.helpers import IncidentTestCase

# 08:01 in London on Tuesday 1 December 2026 (GMT).
MORNING = datetime(2026, 12, 1, 8, 1, tzinfo=UTC)


@freeze_time(MORNING)
class RecordOutcomeByTypeTests(IncidentTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.incident = self.report()
        actions.triage_incident(self.incident, by=self.coordinator)
        self.login(self.coordinator)

    def _post(self, **data: object) -> object:
        self.incident.refresh_from_db()
        return self.client.post(
            reverse("incidents:outcome", args=[self.incident.pk]), {"version": self.incident.version, **data}
        )

    def test_it_groups_the_fields_under_the_type_they_belong_to(self) -> None:
        page = self.client.get(reverse("incidents:detail", args=[self.incident.pk]))
        self.assertContains(page, '<fieldset class="outcome-group" data-kind="referral">')
        self.assertContains(page, "<legend>Only for: Referral to an outside agency</legend>")
        self.assertContains(page, "<legend>Only for: Parents or carers informed</legend>")
        self.assertContains(page, "<legend>Only for: Pupil sanction under the behaviour policy</legend>")
        self.assertContains(page, 'src="/static/incidents/outcome.js"')
        self.assertNotContains(page, "<script>")  # strict CSP: the script is a static file

    def test_it_refuses_a_time_in_the_future_with_a_summary_linking_to_the_field(self) -> None:
        response = self._post(
            kind=Outcome.Kind.PARENTS_INFORMED, informed_at="2026-12-01T15:30", informed_by="Mrs Marsh"
        )
        self.assertEqual(response.status_code, 400)
        self.assertContains(response, 'class="error-summary', status_code=400)
        self.assertContains(
            response, '<a href="#id_informed_at">Parents told at: That time is in the future', status_code=400
        )
        self.assertContains(response, "it is 08:01 on 01 December now", status_code=400)
        self.assertContains(response, 'value="Mrs Marsh"', status_code=400)  # what was typed is kept
        self.assertFalse(Outcome.objects.exists())

    def test_it_refuses_a_referral_dated_tomorrow(self) -> None:
        response = self._post(kind=Outcome.Kind.REFERRAL, agency="ceop", referred_on="2026-12-02")
        self.assertEqual(response.status_code, 400)
        self.assertContains(response, '<a href="#id_referred_on">', status_code=400)

    def test_it_requires_the_fields_of_the_chosen_type_and_links_each_one(self) -> None:
        response = self._post(kind=Outcome.Kind.REFERRAL)
        self.assertEqual(response.status_code, 400)
        self.assertContains(response, '<a href="#id_agency">', status_code=400)
        self.assertContains(response, '<a href="#id_referred_on">', status_code=400)
        self.assertNotContains(response, '<a href="#id_sanction">', status_code=400)

    def test_it_keeps_only_the_chosen_types_fields(self) -> None:
        # Without JavaScript every group is on the page: a sanction typed before choosing "referral" is dropped.
        response = self._post(
            kind=Outcome.Kind.REFERRAL,
            agency="ceop",
            referred_on="2026-11-30",
            sanction=Outcome.Sanction.DETENTION,
            informed_at="2026-12-01T15:30",
        )
        self.assertEqual(response.status_code, 302)
        outcome = Outcome.objects.get()
        self.assertEqual((outcome.agency, outcome.sanction, outcome.informed_at), ("ceop", "", None))
        self.incident.refresh_from_db()
        self.assertEqual(self.incident.status, Incident.Status.OUTCOME_RECORDED)

    def test_it_accepts_parents_told_earlier_today(self) -> None:
        response = self._post(
            kind=Outcome.Kind.PARENTS_INFORMED, informed_at="2026-12-01T07:45", informed_by="Mrs Marsh"
        )
        self.assertEqual(response.status_code, 302)
