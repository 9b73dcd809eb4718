"""Every uploaded evidence file and monitoring document goes through ClamAV (a real clamd, started for the class).

Security drill finding 7: uploads were not scanned. An infected file is refused with a clear message, nothing is
stored and the refusal is audited; where no scanner is configured or answering, the Head's dashboard says so.
"""

from __future__ import annotations

import base64

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse

from esafety.accounts.models import ApiToken
from esafety.audit.models import AuditEntry
from esafety.core import antivirus
from esafety.core.tests.clamav import EICAR, SIGNATURE, ClamdMixin
from esafety.incidents.models import Category, Evidence, Incident
from esafety.incidents.tests.helpers import IncidentTestCase
from esafety.monitoring.models import Capture

CLEAN = b"Screenshot notes: the messages were sent at 9pm.\n"


class ScanUploadsTests(ClamdMixin, IncidentTestCase):
    def report_form(self, upload: SimpleUploadedFile) -> dict[str, object]:
        return {
            "category": Category.CYBERBULLYING,
            "occurred_at": "2026-03-02T10:15",
            "description": "Messages in the class chat",
            "token": "scanreport1",
            "nobody_known": "on",
            "nobody_known_reason": "The chat account is anonymous",
            "evidence": upload,
            "send": "1",
        }

    def assert_refusal_audited(self, where: str, actor: object) -> None:
        entry = AuditEntry.objects.get(action="upload.infected")
        self.assertEqual(entry.detail["where"], where)
        self.assertTrue(entry.detail["signature"].startswith(SIGNATURE))
        self.assertEqual(entry.actor, actor)
        self.assertEqual(entry.school, self.school)

    def test_it_refuses_an_infected_evidence_file_and_keeps_the_report_form(self) -> None:
        self.login(self.teacher)
        upload = SimpleUploadedFile("notes.txt", b"see below\n" + EICAR + b"\n", content_type="text/plain")
        response = self.client.post(reverse("incidents:new"), self.report_form(upload))
        self.assertContains(response, "the virus scanner found", status_code=400)
        self.assertContains(response, "Messages in the class chat", status_code=400)
        self.assertFalse(Incident.objects.exists())
        self.assertFalse(Evidence.objects.exists())
        self.assert_refusal_audited("incidents.evidence", self.teacher)

    def test_it_accepts_a_clean_file(self) -> None:
        self.login(self.teacher)
        upload = SimpleUploadedFile("notes.txt", CLEAN, content_type="text/plain")
        response = self.client.post(reverse("incidents:new"), self.report_form(upload))
        self.assertEqual(response.status_code, 302)
        self.assertEqual(Evidence.objects.get().size, len(CLEAN))
        self.assertFalse(AuditEntry.objects.filter(action="upload.infected").exists())

    def test_it_refuses_an_infected_file_added_to_an_incident(self) -> None:
        incident = self.report()
        self.login(self.coordinator)
        upload = SimpleUploadedFile("more.txt", EICAR, content_type="text/plain")
        response = self.client.post(
            reverse("incidents:add_evidence", args=[incident.pk]), {"evidence": upload}
        )
        self.assertContains(response, "the virus scanner found", status_code=400)
        self.assertFalse(incident.evidence.exists())
        self.assert_refusal_audited("incidents.evidence", self.coordinator)

    def test_it_refuses_an_infected_file_through_the_api_with_a_json_reason(self) -> None:
        _, key = ApiToken.issue(self.teacher, "test", second_factor=True)
        payload = {
            "category": Category.CYBERBULLYING,
            "description": "From a monitoring tool",
            "people_unknown_reason": "Sent by a monitoring tool that names nobody",
            "evidence": [{"filename": "log.txt", "content_base64": base64.b64encode(EICAR).decode()}],
        }
        response = self.client.post(
            reverse("api-incidents"),
            payload,
            content_type="application/json",
            HTTP_AUTHORIZATION=f"Token {key}",
        )
        self.assertEqual(response.status_code, 400)
        self.assertIn("the virus scanner found", response.json()["evidence"][0])
        self.assertFalse(Incident.objects.exists())
        self.assert_refusal_audited("incidents.evidence", self.teacher)

    def test_it_refuses_an_infected_monitoring_document(self) -> None:
        self.login(self.coordinator)
        upload = SimpleUploadedFile("handed-in.txt", b"a note\n" + EICAR, content_type="text/plain")
        response = self.client.post(reverse("monitoring:upload"), {"file": upload})
        self.assertContains(response, "the virus scanner found", status_code=400)
        self.assertFalse(Capture.objects.exists())
        self.assert_refusal_audited("monitoring.upload", self.coordinator)

    def test_it_reports_the_scanner_as_answering(self) -> None:
        state = antivirus.status()
        self.assertTrue(state.answering)
        self.assertIn("ClamAV", state.version)
        self.login(self.head)
        self.assertNotContains(self.client.get(reverse("dashboard")), "Virus scanning")


class NoScannerTests(IncidentTestCase):
    def test_it_says_so_on_the_head_dashboard_when_no_scanner_is_configured(self) -> None:
        with override_settings(ESAFETY_CLAMD_SOCKET=""):
            self.login(self.head)
            response = self.client.get(reverse("dashboard"))
            self.assertContains(response, "Virus scanning")
            self.assertContains(response, "no virus scanner is configured")
            self.login(self.teacher)
            self.assertNotContains(self.client.get(reverse("dashboard")), "Virus scanning")

    def test_it_says_so_and_still_takes_the_report_when_the_scanner_does_not_answer(self) -> None:
        with override_settings(ESAFETY_CLAMD_SOCKET="/nonexistent/clamd.sock"):
            self.login(self.head)
            self.assertContains(self.client.get(reverse("dashboard")), "does not answer")
            self.login(self.teacher)
            upload = SimpleUploadedFile("notes.txt", CLEAN, content_type="text/plain")
            response = self.client.post(
                reverse("incidents:new"),
                {
                    "category": Category.CYBERBULLYING,
                    "occurred_at": "2026-03-02T10:15",
                    "description": "Still reported",
                    "token": "unscanned1",
                    "nobody_known": "on",
                    "nobody_known_reason": "The chat account is anonymous",
                    "evidence": upload,
                    "send": "1",
                },
            )
            self.assertEqual(response.status_code, 302)
            self.assertTrue(Evidence.objects.exists())


class ScanFormUploadsTests(ClamdMixin, IncidentTestCase):
    def test_every_other_form_upload_goes_through_the_scanner_too(self) -> None:
        # Policy scans, training certificates, website media, people and device imports: one file field,
        # LimitedFileField, scans them all before the form is valid.
        from esafety.people.models import Person

        self.login(self.head)
        before = Person.objects.filter(school=self.school).count()
        csv = b"kind,first_name,last_name\npupil,Eve," + EICAR + b"\n"
        response = self.client.post(reverse("people:import"), {"file": SimpleUploadedFile("people.csv", csv)})
        self.assertContains(response, "the virus scanner found")
        self.assertEqual(Person.objects.filter(school=self.school).count(), before)
        entry = AuditEntry.objects.get(action="upload.infected")
        self.assertEqual(entry.detail["where"], "form upload")
        self.assertTrue(entry.detail["signature"].startswith(SIGNATURE))

    def test_a_clean_form_upload_is_read_from_the_start(self) -> None:
        from esafety.policies.forms import PaperForm

        form = PaperForm(
            {"person": "1", "signed_on": "2026-11-30"},
            {"scan": SimpleUploadedFile("form.pdf", b"%PDF-1.4 signed")},
            choices=[("1", "Vera Visitor")],
        )
        self.assertTrue(form.is_valid(), form.errors)
        self.assertEqual(form.cleaned_data["scan"].read(), b"%PDF-1.4 signed")
