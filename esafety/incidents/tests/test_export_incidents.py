from __future__ import annotations

import csv
import io

from django.urls import reverse

from esafety.audit.models import AuditEntry
from esafety.incidents import actions
from esafety.incidents.models import Category, Outcome
from esafety.incidents.tests.helpers import IncidentTestCase


class ExportTests(IncidentTestCase):
    def test_it_neutralises_formulas_in_the_csv(self) -> None:
        self.report(description='=HYPERLINK("http://evil.example","click")', location="+SUM(A1)")
        self.login(self.coordinator)
        response = self.client.get(reverse("incidents:export"))
        rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
        self.assertEqual(rows[1][10], '\'=HYPERLINK("http://evil.example","click")')
        self.assertEqual(rows[1][7], "'+SUM(A1)")
        self.assertTrue(AuditEntry.objects.filter(action="incident.export_csv", kind="export").exists())

    def test_it_exports_only_what_the_filters_and_access_allow(self) -> None:
        self.report(category=Category.OFF_TASK, description="off task one")
        self.report(category=Category.GROOMING, description="grooming one", reporter=self.teacher2)
        self.login(self.teacher)
        body = b"".join(self.client.get(reverse("incidents:export")).streaming_content).decode()
        self.assertIn("off task one", body)
        self.assertNotIn("grooming one", body)

    def test_it_filters_the_list_by_category_status_person_class_and_date(self) -> None:
        first = self.report(category=Category.OFF_TASK, people=[self.pupil])
        second = self.report(category=Category.GROOMING, people=[self.pupil2])
        actions.triage_incident(second, by=self.coordinator)
        self.login(self.coordinator)
        url = reverse("incidents:list")
        cases = {
            "category=off_task": first,
            "status=triaged": second,
            "person=Bramley": second,
            "person=ava": first,
            "class_name=kestrels": None,
            "date_from=2000-01-01&date_to=2000-01-02": "none",
        }
        for query, expected in cases.items():
            page = self.client.get(f"{url}?{query}").content.decode()
            shown = {incident.number for incident in (first, second) if f">#{incident.number}<" in page}
            want = {1, 2} if expected is None else set() if expected == "none" else {expected.number}
            self.assertEqual(shown, want, query)

    def test_it_exports_an_incident_and_a_chronology_as_pdf(self) -> None:
        incident = self.report(description="Zoë’s report")
        actions.triage_incident(incident, by=self.coordinator)
        actions.record_outcome(incident, by=self.coordinator, kind=Outcome.Kind.HANDLED_IN_CLASS)
        self.login(self.coordinator)
        for url in (
            reverse("incidents:pdf", args=[incident.pk]),
            reverse("incidents:chronology_pdf", args=[self.pupil.pk]),
        ):
            response = self.client.get(url)
            self.assertEqual(response["Content-Type"], "application/pdf")
            self.assertTrue(response.content.startswith(b"%PDF-"))
            self.assertTrue(response["Content-Disposition"].startswith("attachment"))
        self.assertEqual(AuditEntry.objects.filter(kind="export").count(), 2)

    def test_it_shows_descriptions_and_names_escaped(self) -> None:
        self.pupil.first_name = "<b>Ava</b>"
        self.pupil.save()
        incident = self.report(description="<script>alert('x')</script>")
        self.login(self.coordinator)
        for url in (
            reverse("incidents:detail", args=[incident.pk]),
            reverse("incidents:list"),
            reverse("incidents:chronology", args=[self.pupil.pk]),
        ):
            page = self.client.get(url).content.decode()
            self.assertNotIn("<script>alert", page, url)
            self.assertNotIn("<b>Ava</b>", page, url)
            self.assertIn("&lt;b&gt;Ava&lt;/b&gt;", page, url)
