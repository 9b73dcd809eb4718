from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from esafety.audit.models import AuditEntry
from esafety.incidents.models import Evidence
from esafety.monitoring.actions import (
    create_incident_from_alert,
    purge_captures,
    request_enhanced_monitoring,
    review_alert,
)
from esafety.monitoring.models import Alert, Capture, MonitoringSettings
from esafety.monitoring.tests.helpers import CONCERN, GROOMING, MonitoringTestCase


class PurgeCapturesTests(MonitoringTestCase):
    def age(self, capture: Capture, days: int) -> None:
        Capture.objects.filter(pk=capture.pk).update(received_at=timezone.now() - timedelta(days=days))

    def test_it_deletes_captures_past_the_schools_retention(self) -> None:
        self.school.retention_days = 100
        self.school.save(update_fields=["retention_days"])
        old, young = self.capture(CONCERN).capture, self.capture(GROOMING).capture
        self.age(old, 101)
        self.age(young, 99)
        self.assertEqual(purge_captures()["retention"], 1)
        self.assertEqual(list(Capture.objects.all()), [young])
        self.assertEqual(Alert.objects.filter(capture_id=old.pk).count(), 0)
        entry = AuditEntry.objects.get(action="capture.purge")
        self.assertEqual(entry.detail["retention"], 1)

    def test_it_purges_dismissed_false_positives_sooner(self) -> None:
        MonitoringSettings.objects.create(school=self.school, false_positive_days=30)
        dismissed = self.alert(CONCERN)
        review_alert(dismissed, by=self.coordinator, status="false_positive", reason="Song lyric")
        recent = self.alert(GROOMING)
        review_alert(recent, by=self.coordinator, status="false_positive", reason="Drama")
        still_open = self.alert("everyone hates you, nobody wants you here", person=self.pupil2)
        Alert.objects.filter(pk=dismissed.pk).update(reviewed_at=timezone.now() - timedelta(days=31))
        Alert.objects.filter(pk=still_open.pk).update(created=timezone.now() - timedelta(days=60))
        self.assertEqual(purge_captures()["false_positive"], 1)
        self.assertFalse(Capture.objects.filter(pk=dismissed.capture_id).exists())
        self.assertTrue(Capture.objects.filter(pk=recent.capture_id).exists())
        self.assertTrue(Capture.objects.filter(pk=still_open.capture_id).exists())

    def test_it_keeps_a_capture_with_any_real_alert(self) -> None:
        result = self.capture("i want to kill myself. dont tell your mum we talk")
        first, second = result.alerts
        review_alert(first, by=self.coordinator, status="false_positive", reason="x")
        Alert.objects.filter(pk=first.pk).update(reviewed_at=timezone.now() - timedelta(days=90))
        purge_captures()
        self.assertTrue(Capture.objects.filter(pk=result.capture.pk).exists())

    def test_it_keeps_the_incidents_copy_of_the_evidence(self) -> None:
        alert = self.alert(CONCERN)
        incident = create_incident_from_alert(alert, by=self.coordinator, note="Logged")
        self.age(alert.capture, self.school.retention_days + 1)
        purge_captures()
        self.assertFalse(Capture.objects.exists())
        with Evidence.objects.get(incident=incident).file.open("rb") as handle:
            self.assertIn(CONCERN, handle.read().decode())

    def test_it_keeps_false_positives_of_a_person_under_enhanced_monitoring(self) -> None:
        today = timezone.localdate()
        request_enhanced_monitoring(
            school=self.school,
            person=self.pupil,
            reason="r",
            starts=today,
            ends=today + timedelta(days=3),
            by=self.head,
        )
        alert = self.alert(CONCERN)
        review_alert(alert, by=self.coordinator, status="false_positive", reason="x")
        Alert.objects.filter(pk=alert.pk).update(reviewed_at=timezone.now() - timedelta(days=90))
        purge_captures()
        self.assertTrue(Capture.objects.filter(pk=alert.capture_id).exists())

    def test_it_purges_nothing_twice(self) -> None:
        self.age(self.capture(CONCERN).capture, 1000)
        purge_captures()
        self.assertEqual(purge_captures(), {"retention": 0, "false_positive": 0})
