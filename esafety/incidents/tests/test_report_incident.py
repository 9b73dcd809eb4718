from __future__ import annotations

from django.db import connection
from django.db.utils import InterfaceError, OperationalError
from django.urls import reverse

from esafety.audit.models import AuditEntry
from esafety.incidents.models import Category, Incident, IncidentPerson, TimelineEntry
from esafety.incidents.tests.helpers import IncidentTestCase, png_bytes
from esafety.test import refusing_database


class ReportIncidentTests(IncidentTestCase):
    def test_it_numbers_incidents_per_school(self) -> None:
        first, second = self.report(), self.report()
        other = self.report(school=self.sibling_school, reporter=self.sibling, people=[])
        self.assertEqual((first.number, second.number, other.number), (1, 2, 1))
        self.assertEqual(str(second), "Incident #2")

    def test_it_records_the_report_in_the_audit_trail_and_timeline_without_details(self) -> None:
        incident = self.report(description="Ava was sent a photo")
        entry = AuditEntry.objects.get(action="incident.report")
        self.assertEqual(entry.object_repr, f"Incident #{incident.number}")
        self.assertNotIn("Ava", str(entry.detail) + entry.object_repr)
        self.assertEqual(incident.timeline.get().kind, TimelineEntry.Kind.REPORTED)

    def test_it_returns_the_same_incident_for_the_same_idempotency_key(self) -> None:
        first = self.report(idempotency_key="alert-7")
        again = self.report(idempotency_key="alert-7")
        self.assertEqual(first.pk, again.pk)
        self.assertTrue(again.replayed)
        self.assertEqual(Incident.objects.count(), 1)

    def test_it_refuses_a_person_of_another_school(self) -> None:
        riverside_staff = self.sibling.person  # the sibling school's co-ordinator, as a person of Riverside
        with self.assertRaises(ValueError):
            self.report(people=[riverside_staff])
        self.assertEqual(Incident.objects.count(), 0)

    def test_it_keeps_the_source_of_an_automatic_report(self) -> None:
        incident = self.report(
            reporter=None, source="monitoring", source_ref="alert:12", evidence=[("capture.png", png_bytes())]
        )
        self.assertEqual((incident.source, incident.source_ref), ("monitoring", "alert:12"))
        self.assertEqual(incident.evidence.count(), 1)


class ReportFormTests(IncidentTestCase):
    def form_data(self, **extra: str) -> dict[str, object]:
        data: dict[str, object] = {
            "category": Category.CYBERBULLYING,
            "occurred_at": "2026-03-02T10:15",
            "location": "Year 2 classroom",
            "description": "Name-calling in the class chat",
            "reporter_actions": "Spoke to Ava",
            "token": "abc123def456",
            "people": [str(self.pupil.pk), str(self.pupil2.pk)],
            f"role_{self.pupil.pk}": "victim",
            f"role_{self.pupil2.pk}": "subject",
            "send": "1",
        }
        data.update(extra)
        return data

    def test_it_opens_the_form_for_every_role_that_reports(self) -> None:
        for user in (self.teacher, self.office, self.technician, self.governor, self.head, self.coordinator):
            self.login(user)
            self.assertEqual(self.client.get(reverse("incidents:new")).status_code, 200, user)

    def test_it_sends_anonymous_visitors_to_sign_in(self) -> None:
        response = self.client.get(reverse("incidents:new"))
        self.assertRedirects(response, "/accounts/login/?next=/incidents/new/", fetch_redirect_response=False)

    def test_it_files_a_report_with_people_and_their_roles(self) -> None:
        self.login(self.teacher)
        response = self.client.post(reverse("incidents:new"), self.form_data())
        incident = Incident.objects.get()
        self.assertRedirects(response, reverse("incidents:detail", args=[incident.pk]))
        self.assertEqual(incident.reporter, self.teacher)
        roles = dict(incident.involvements.values_list("person_id", "role"))
        self.assertEqual(
            roles, {self.pupil.pk: IncidentPerson.Role.VICTIM, self.pupil2.pk: IncidentPerson.Role.SUBJECT}
        )

    def test_it_creates_one_incident_when_the_form_is_sent_twice(self) -> None:
        self.login(self.teacher)
        first = self.client.post(reverse("incidents:new"), self.form_data())
        second = self.client.post(reverse("incidents:new"), self.form_data())
        self.assertEqual(Incident.objects.count(), 1)
        self.assertEqual(first["Location"], second["Location"])

    def test_it_keeps_everything_typed_when_the_form_has_errors(self) -> None:
        self.login(self.teacher)
        upload = self.evidence_upload()
        response = self.client.post(reverse("incidents:new"), self.form_data(category="", evidence=upload))
        self.assertEqual(response.status_code, 400)
        self.assertContains(response, "Name-calling in the class chat", status_code=400)
        self.assertContains(response, "Spoke to Ava", status_code=400)
        self.assertContains(response, 'value="Year 2 classroom"', status_code=400)
        self.assertContains(
            response, f'value="{self.pupil2.pk}" id="person-{self.pupil2.pk}" checked', status_code=400
        )
        self.assertContains(response, "you do not need to choose it again", status_code=400)
        self.assertNotContains(response, "choose this file again", status_code=400)
        self.assertEqual(Incident.objects.count(), 0)

    def test_it_searches_the_directory_without_losing_the_report(self) -> None:
        self.login(self.teacher)
        response = self.client.post(
            reverse("incidents:new"), self.form_data(find="Bramley", find_people="1", people=[])
        )
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "Leo Bramley (pupil, Year 2, Kestrels)")
        self.assertContains(response, "Name-calling in the class chat")
        self.assertNotContains(response, "This field is required")
        self.assertEqual(Incident.objects.count(), 0)
        # Searching first, before anything else is typed, shows no errors either.
        response = self.client.post(
            reverse("incidents:new"), {"find": "Ashdown", "find_people": "1", "token": "t0k3n123"}
        )
        self.assertContains(response, "Ava Ashdown (pupil, Year 2, Kestrels)")
        self.assertNotContains(response, "errorlist")

    def test_it_says_not_saved_and_keeps_the_text_when_the_database_is_unreachable(self) -> None:
        self.login(self.teacher)
        for error in (OperationalError("connection refused"), InterfaceError("connection already closed")):
            # The database refuses the first write, as a server that goes away mid-request does.
            with connection.execute_wrapper(refusing_database(error, writes_only=True)):
                response = self.client.post(reverse("incidents:new"), self.form_data())
            self.assertEqual(response.status_code, 503)
            self.assertContains(response, "Your report has not been saved", status_code=503)
            self.assertContains(response, "Name-calling in the class chat", status_code=503)
            self.assertContains(response, 'value="abc123def456"', status_code=503)

    def test_it_shows_a_governor_only_that_the_report_was_received(self) -> None:
        self.login(self.governor)
        # A governor cannot browse the directory (the ids posted are not theirs to name): nobody known, and why.
        data = self.form_data(nobody_known="on", nobody_known_reason="A parent told me; I do not know who")
        response = self.client.post(reverse("incidents:new"), data)
        incident = Incident.objects.get()
        self.assertRedirects(response, reverse("incidents:received", args=[incident.pk]))
        page = self.client.get(response["Location"])
        self.assertContains(page, f"Incident #{incident.number}")
        self.assertNotContains(page, "Name-calling")

    def test_it_shows_the_reporter_of_a_staff_concern_only_a_receipt(self) -> None:
        self.login(self.teacher)
        response = self.client.post(reverse("incidents:new"), self.form_data(about_staff="on"))
        incident = Incident.objects.get()
        self.assertTrue(incident.restricted)
        self.assertRedirects(response, reverse("incidents:received", args=[incident.pk]))
        detail = self.client.get(reverse("incidents:detail", args=[incident.pk]))
        self.assertRedirects(detail, reverse("incidents:received", args=[incident.pk]))
        self.assertNotContains(self.client.get(reverse("incidents:list")), f"#{incident.number}<")

    def evidence_upload(self) -> object:
        from django.core.files.uploadedfile import SimpleUploadedFile

        return SimpleUploadedFile("screenshot.png", png_bytes(), content_type="image/png")
