from __future__ import annotations

from django.core import mail
from django.test import override_settings

from esafety.audit.models import AuditEntry
from esafety.core.models import OutboundEmail
from esafety.monitoring.models import Alert, Capture
from esafety.monitoring.tests.helpers import BENIGN, CONCERN, URGENT, MonitoringTestCase


class CaptureTextTests(MonitoringTestCase):
    def test_it_keeps_a_capture_with_alerts_and_context(self) -> None:
        result = self.capture("Hi miss. " + CONCERN + " See you tomorrow.")
        self.assertTrue(result.created)
        capture = result.capture
        alert = result.alerts[0]
        self.assertEqual(alert.category, "self_harm")
        self.assertGreaterEqual(alert.severity, 4)
        self.assertEqual(capture.text[alert.start : alert.end], alert.evidence)
        self.assertIn(alert.evidence, alert.context)
        self.assertTrue(alert.context_before.startswith("Hi miss."))
        self.assertEqual(capture.person, self.pupil)
        self.assertTrue(
            AuditEntry.objects.filter(action="capture.create", object_id=str(capture.pk)).exists()
        )

    def test_it_keeps_nothing_of_no_concern(self) -> None:
        result = self.capture(BENIGN)
        self.assertIsNone(result.capture)
        self.assertFalse(Capture.objects.exists())

    def test_it_deduplicates_by_message_id(self) -> None:
        first = self.capture(CONCERN, message_id="<a@x>")
        second = self.capture(CONCERN, message_id="<a@x>")
        self.assertTrue(first.created)
        self.assertFalse(second.created)
        self.assertEqual(first.capture.pk, second.capture.pk)
        self.assertEqual(Capture.objects.count(), 1)
        self.assertEqual(Alert.objects.count(), len(first.alerts))

    def test_it_allows_the_same_message_id_at_another_school(self) -> None:
        self.capture(CONCERN, message_id="<a@x>")
        other = self.capture(CONCERN, message_id="<a@x>", school=self.other_school, person=None)
        self.assertTrue(other.created)

    def test_it_resolves_the_person_from_the_sender(self) -> None:
        result = self.capture(CONCERN, person=None, sender="Ava.Ashdown@pupils.school.example")
        self.assertEqual(result.capture.person, self.pupil)

    def test_it_emails_the_head_and_coordinator_for_severity_5_without_content(self) -> None:
        with self.captureOnCommitCallbacks(execute=False):
            result = self.capture(URGENT)
        self.assertEqual(max(a.severity for a in result.alerts), 5)
        email = OutboundEmail.objects.get(key=f"monitoring-severity5:{result.capture.pk}")
        self.assertEqual(sorted(email.to), sorted([self.head.email, self.coordinator.email]))
        body = (email.subject + email.body).lower()
        for word in ("pills", "last message", "ava", "ashdown", "self"):
            self.assertNotIn(word, body)
        self.assertIn("/monitoring/alerts/", email.body)

    def test_it_sends_no_email_below_severity_5(self) -> None:
        self.capture(CONCERN)
        self.assertFalse(OutboundEmail.objects.exists())
        self.assertEqual(len(mail.outbox), 0)

    @override_settings(TASKS={"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}})
    def test_it_delivers_the_severity_5_email(self) -> None:
        with self.captureOnCommitCallbacks(execute=True):
            self.capture(URGENT)
        self.assertEqual(len(mail.outbox), 1)
        self.assertNotIn("pills", mail.outbox[0].body)
