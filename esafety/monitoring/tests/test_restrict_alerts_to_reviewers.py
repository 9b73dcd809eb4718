"""Issue 12, point 9: per DfE roles the ICT Technician manages the system, so they see alerts' metadata only
(category, severity, time, source, account) unless the Head grants them review; every review decision needs a
note, whoever takes it."""

from __future__ import annotations

from django.urls import reverse

from esafety.audit.models import AuditEntry
from esafety.monitoring.models import Alert, MonitoringSettings
from esafety.monitoring.tests.helpers import MonitoringTestCase

WORDS = "taken the pills"
URGENT_TEXT = "i have taken the pills, this is my last message"


class TechnicianSeesMetadataTests(MonitoringTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.urgent = self.alert(URGENT_TEXT)

    def test_the_technician_sees_the_queue_without_the_words(self) -> None:
        self.login(self.technician)
        response = self.client.get(reverse("monitoring:alerts"))
        self.assertContains(response, f"Alert #{self.urgent.pk}<")
        self.assertContains(response, "Self-harm and suicide")
        self.assertContains(response, self.pupil.full_name)
        self.assertNotContains(response, WORDS)
        self.assertNotContains(response, "Review<span")
        self.assertTrue(AuditEntry.objects.filter(action="alert.metadata_view").exists())
        self.assertFalse(AuditEntry.objects.filter(action="capture.list_view").exists())

    def test_the_technician_sees_an_alerts_metadata_only(self) -> None:
        self.login(self.technician)
        response = self.client.get(reverse("monitoring:alert", args=[self.urgent.pk]))
        self.assertContains(response, "Self-harm and suicide, severity")
        self.assertContains(response, 'class="severity severity-5"')
        self.assertContains(response, self.pupil.full_name)
        self.assertContains(response, "API submissions")
        self.assertNotContains(response, WORDS)
        self.assertNotContains(response, "The whole captured text")
        self.assertNotContains(response, 'name="reason"')
        self.assertFalse(AuditEntry.objects.filter(action="capture.view").exists())

    def test_the_technician_may_not_review_or_raise_an_incident(self) -> None:
        self.login(self.technician)
        review = self.client.post(
            reverse("monitoring:alert_review", args=[self.urgent.pk]), {"status": "reviewed", "reason": "ok"}
        )
        incident = self.client.post(
            reverse("monitoring:alert_incident", args=[self.urgent.pk]), {"note": "Logged"}
        )
        self.assertEqual((review.status_code, incident.status_code), (403, 403))
        self.urgent.refresh_from_db()
        self.assertEqual(self.urgent.status, Alert.Status.NEW)

    def test_the_head_grants_the_technician_review_and_it_is_audited(self) -> None:
        self.login(self.head)
        self.client.post(reverse("monitoring:settings"), {"technician_reviews": "on"})
        self.assertTrue(MonitoringSettings.for_school(self.school).technician_reviews)
        entry = AuditEntry.objects.get(action="monitoring_settings.technician_reviews")
        self.assertEqual((entry.actor, entry.detail), (self.head, {"technician_reviews": True}))
        self.login(self.technician)
        self.assertContains(self.client.get(reverse("monitoring:alert", args=[self.urgent.pk])), WORDS)
        self.client.post(
            reverse("monitoring:alert_review", args=[self.urgent.pk]),
            {"status": "reviewed", "reason": "Passed to the DSL at once"},
        )
        self.urgent.refresh_from_db()
        self.assertEqual((self.urgent.status, self.urgent.reviewed_by), ("reviewed", self.technician))

    def test_only_the_head_changes_the_setting(self) -> None:
        for user in (self.coordinator, self.technician):
            self.login(user)
            response = self.client.post(reverse("monitoring:settings"), {"technician_reviews": "on"})
            self.assertEqual(response.status_code, 403)
        self.assertFalse(MonitoringSettings.for_school(self.school).technician_reviews)


class EveryDecisionNeedsANoteTests(MonitoringTestCase):
    def test_no_decision_is_taken_without_a_note(self) -> None:
        alert = self.alert(URGENT_TEXT)
        self.login(self.coordinator)
        for status in ("reviewed", "false_positive", "action_taken"):
            response = self.client.post(
                reverse("monitoring:alert_review", args=[alert.pk]), {"status": status, "reason": " "}
            )
            self.assertEqual(response.status_code, 302)
        self.client.post(reverse("monitoring:alert_incident", args=[alert.pk]), {"note": ""})
        alert.refresh_from_db()
        self.assertEqual((alert.status, alert.incident), (Alert.Status.NEW, None))
        self.assertFalse(AuditEntry.objects.filter(action__startswith="alert.").exists())

    def test_the_note_is_kept_with_the_decision(self) -> None:
        alert = self.alert(URGENT_TEXT)
        self.login(self.coordinator)
        self.client.post(
            reverse("monitoring:alert_review", args=[alert.pk]),
            {"status": "reviewed", "reason": "Spoke to Ava with her class teacher"},
        )
        alert.refresh_from_db()
        self.assertEqual((alert.status, alert.reason), ("reviewed", "Spoke to Ava with her class teacher"))
        entry = AuditEntry.objects.get(action="alert.review")
        self.assertEqual(entry.detail["reason"], "Spoke to Ava with her class teacher")
