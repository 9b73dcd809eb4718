from __future__ import annotations

from datetime import timedelta

from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from esafety.audit.models import AuditEntry
from esafety.monitoring import actions
from esafety.monitoring.models import Capture, EnhancedMonitoring, LexiconAddition
from esafety.monitoring.tests.helpers import MonitoringTestCase

LOW = "he keeps asking about the den"  # a school term of severity 1, below the usual threshold of 2


class EnhancedMonitoringTests(MonitoringTestCase):
    def setUp(self) -> None:
        LexiconAddition.objects.create(
            school=self.school, phrase="about the den", category="grooming", severity=1
        )
        self.today = timezone.localdate()

    def request(self, by=None, **kwargs):
        kwargs.setdefault("starts", self.today)
        kwargs.setdefault("ends", self.today + timedelta(days=14))
        return actions.request_enhanced_monitoring(
            school=self.school,
            person=self.pupil,
            reason="Disclosure to a TA",
            by=by or self.coordinator,
            **kwargs,
        )

    def test_it_waits_for_the_heads_authorisation(self) -> None:
        self.login(self.coordinator)
        response = self.client.post(
            reverse("monitoring:enhanced"),
            {
                "person": self.pupil.pk,
                "reason": "Disclosure to a TA",
                "starts": self.today,
                "ends": self.today + timedelta(days=7),
                "threshold": 1,
            },
        )
        self.assertRedirects(response, reverse("monitoring:enhanced"))
        item = EnhancedMonitoring.objects.get()
        self.assertFalse(item.is_active())
        self.assertEqual(item.state, "awaiting authorisation")
        # The Co-ordinator may not authorise it.
        response = self.client.post(reverse("monitoring:enhanced_authorise", args=[item.pk]))
        self.assertEqual(response.status_code, 403)
        with self.assertRaises(PermissionDenied):
            actions.authorise_enhanced_monitoring(item, by=self.coordinator)
        self.login(self.head)
        self.client.post(reverse("monitoring:enhanced_authorise", args=[item.pk]))
        item.refresh_from_db()
        self.assertEqual(item.authorised_by, self.head)
        self.assertTrue(item.is_active())
        self.assertEqual(
            list(
                AuditEntry.objects.filter(object_type="monitoring.enhancedmonitoring", object_id=str(item.pk))
                .order_by("seq")
                .values_list("action", flat=True)
            ),
            ["enhanced_monitoring.request", "enhanced_monitoring.authorise"],
        )

    def test_it_is_authorised_at_once_when_the_head_asks(self) -> None:
        item = self.request(by=self.head)
        self.assertTrue(item.is_active())

    def test_it_refuses_the_technician(self) -> None:
        self.login(self.technician)
        self.assertEqual(self.client.get(reverse("monitoring:enhanced")).status_code, 403)
        with self.assertRaises(PermissionDenied):
            self.request(by=self.technician)

    def test_it_lowers_the_threshold_and_keeps_every_capture_while_active(self) -> None:
        self.assertIsNone(self.capture(LOW).capture)
        self.assertIsNone(self.capture("see you at lunch").capture)
        item = self.request(by=self.head)
        low = self.capture(LOW)
        self.assertEqual([(a.category, a.severity) for a in low.alerts], [("grooming", 1)])
        clean = self.capture("see you at lunch")
        self.assertEqual((clean.capture.status, clean.capture.enhanced), (Capture.Status.KEPT, item))
        self.assertEqual(clean.alerts, [])
        # Someone else is not affected.
        self.assertIsNone(self.capture(LOW, person=self.pupil2).capture)

    def test_it_ends_by_itself(self) -> None:
        item = self.request(
            by=self.head, starts=self.today - timedelta(days=10), ends=self.today - timedelta(days=1)
        )
        self.assertFalse(item.is_active())
        self.assertIsNone(self.capture(LOW).capture)
        self.assertEqual(actions.end_expired_enhanced_monitoring(), 1)
        item.refresh_from_db()
        self.assertIsNotNone(item.ended_at)
        self.assertEqual(item.end_reason, "End date reached")
        self.assertTrue(
            AuditEntry.objects.filter(action="enhanced_monitoring.end", object_id=str(item.pk)).exists()
        )
        self.assertEqual(actions.end_expired_enhanced_monitoring(), 0)

    def test_it_can_be_ended_early_with_a_reason(self) -> None:
        item = self.request(by=self.head)
        self.login(self.coordinator)
        self.client.post(reverse("monitoring:enhanced_end", args=[item.pk]), {"reason": "Concern resolved"})
        item.refresh_from_db()
        self.assertFalse(item.is_active())
        self.assertEqual((item.ended_by, item.end_reason), (self.coordinator, "Concern resolved"))

    def test_it_can_be_declined_by_the_head(self) -> None:
        item = self.request()
        self.login(self.head)
        self.client.post(
            reverse("monitoring:enhanced_authorise", args=[item.pk]),
            {"decision": "decline", "reason": "Not needed"},
        )
        item.refresh_from_db()
        self.assertEqual(item.state, "declined")

    def test_it_hides_other_schools_authorisations(self) -> None:
        item = self.request(by=self.head)
        self.login(self.outsider)
        response = self.client.post(reverse("monitoring:enhanced_end", args=[item.pk]), {"reason": "x"})
        self.assertEqual(response.status_code, 404)
