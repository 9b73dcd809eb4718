from __future__ import annotations

from django.urls import reverse

from esafety.audit.models import AuditEntry
from esafety.incidents.models import Evidence, Incident
from esafety.monitoring.actions import review_alert
from esafety.monitoring.models import Alert, WorkflowError
from esafety.monitoring.tests.helpers import CONCERN, GROOMING, URGENT, MonitoringTestCase


class ReviewAlertTests(MonitoringTestCase):
    def test_it_lists_open_alerts_most_severe_first_with_the_hit_marked(self) -> None:
        low = self.alert("everyone hates you, nobody wants you here", person=self.pupil2)
        high = self.alert(URGENT)
        self.login(self.coordinator)
        response = self.client.get(reverse("monitoring:alerts"))
        body = response.content.decode()
        self.assertLess(body.index(f"Alert #{high.pk}<"), body.index(f"Alert #{low.pk}<"))
        self.assertIn(f'<mark class="hit">{high.evidence}</mark>', body)
        self.assertContains(response, self.pupil.full_name)
        self.assertTrue(
            AuditEntry.objects.filter(action="capture.list_view", kind=AuditEntry.Kind.VIEW).exists()
        )

    def test_it_escapes_captured_text(self) -> None:
        alert = self.alert("<script>alert(1)</script> i want to kill myself <b>now</b>")
        self.login(self.coordinator)
        for url in (reverse("monitoring:alerts"), reverse("monitoring:alert", args=[alert.pk])):
            body = self.client.get(url).content.decode()
            self.assertNotIn("<script>alert(1)", body)
            self.assertIn("&lt;script&gt;alert(1)&lt;/script&gt;", body)
            self.assertNotIn("<b>now</b>", body)

    def test_it_filters_by_status_category_severity_and_person(self) -> None:
        a = self.alert(CONCERN)
        b = self.alert(GROOMING, person=self.pupil2)
        review_alert(b, by=self.coordinator, status="false_positive", reason="Drama script")
        self.login(self.coordinator)
        url = reverse("monitoring:alerts")
        self.assertContains(self.client.get(url, {"category": "self_harm"}), f"Alert #{a.pk}<")
        self.assertNotContains(self.client.get(url, {"category": "self_harm"}), f"Alert #{b.pk}<")
        self.assertNotContains(self.client.get(url), f"Alert #{b.pk}<")  # open only by default
        self.assertContains(self.client.get(url, {"status": "false_positive"}), f"Alert #{b.pk}<")
        self.assertNotContains(self.client.get(url, {"severity": "5"}), f"Alert #{a.pk}<")
        self.assertContains(self.client.get(url, {"person": "Bramley", "status": "all"}), f"Alert #{b.pk}<")
        self.assertNotContains(
            self.client.get(url, {"person": "Bramley", "status": "all"}), f"Alert #{a.pk}<"
        )

    def test_it_walks_new_reviewed_action_taken(self) -> None:
        alert = self.alert()
        self.login(self.head)
        self.client.post(
            reverse("monitoring:alert_review", args=[alert.pk]),
            {"status": "reviewed", "reason": "Read; class teacher to check in"},
        )
        alert.refresh_from_db()
        self.assertEqual((alert.status, alert.reviewed_by), ("reviewed", self.head))
        self.client.post(
            reverse("monitoring:alert_review", args=[alert.pk]),
            {"status": "action_taken", "reason": "Spoke to Ava"},
        )
        alert.refresh_from_db()
        self.assertEqual((alert.status, alert.reason), ("action_taken", "Spoke to Ava"))
        actions = list(
            AuditEntry.objects.filter(object_id=str(alert.pk), action="alert.review")
            .order_by("seq")
            .values_list("detail", flat=True)
        )
        self.assertEqual([d["to"] for d in actions], ["reviewed", "action_taken"])
        with self.assertRaises(WorkflowError):
            review_alert(alert, by=self.coordinator, status="reviewed")

    def test_it_needs_a_reason_for_a_false_positive(self) -> None:
        alert = self.alert()
        self.login(self.coordinator)
        self.client.post(reverse("monitoring:alert_review", args=[alert.pk]), {"status": "false_positive"})
        alert.refresh_from_db()
        self.assertEqual(alert.status, "new")
        self.client.post(
            reverse("monitoring:alert_review", args=[alert.pk]),
            {"status": "false_positive", "reason": "Quoting a song lyric"},
        )
        alert.refresh_from_db()
        self.assertEqual((alert.status, alert.reason), ("false_positive", "Quoting a song lyric"))

    def test_it_turns_an_alert_into_an_incident_with_the_evidence_in_one_click(self) -> None:
        alert = self.alert("Re: tonight\n\n" + CONCERN, sender="ava.ashdown@pupils.school.example")
        self.login(self.coordinator)
        response = self.client.post(
            reverse("monitoring:alert_incident", args=[alert.pk]), {"note": "Disclosure: DSL today"}
        )
        alert.refresh_from_db()
        self.assertEqual(alert.status, Alert.Status.INCIDENT)
        incident = alert.incident
        self.assertIsNotNone(incident)
        self.assertRedirects(
            response, reverse("incidents:detail", args=[incident.pk]), fetch_redirect_response=False
        )
        self.assertEqual((incident.source, incident.source_ref), ("monitoring", f"alert:{alert.pk}"))
        self.assertEqual(incident.category, "self_harm")
        self.assertEqual(list(incident.involvements.values_list("person", flat=True)), [self.pupil.pk])
        evidence = Evidence.objects.get(incident=incident)
        with evidence.file.open("rb") as handle:
            content = handle.read().decode()
        self.assertIn(CONCERN, content)
        self.assertIn(f"capture {alert.capture.pk}", content)
        self.assertTrue(AuditEntry.objects.filter(action="alert.incident", object_id=str(alert.pk)).exists())
        # A second click (or a double submit) makes no second incident.
        self.client.post(reverse("monitoring:alert_incident", args=[alert.pk]), {"note": "Again"})
        self.assertEqual(Incident.objects.count(), 1)

    def test_it_records_every_view_of_a_capture(self) -> None:
        alert = self.alert()
        self.login(self.head)
        self.client.get(reverse("monitoring:alert", args=[alert.pk]))
        entry = AuditEntry.objects.get(action="capture.view")
        self.assertEqual((entry.actor, entry.object_id), (self.head, str(alert.capture.pk)))
        self.assertNotIn("kill", entry.object_repr)

    def test_it_draws_the_persons_risk_summary(self) -> None:
        self.alert()
        self.alert(URGENT)
        self.login(self.coordinator)
        response = self.client.get(reverse("monitoring:person", args=[self.pupil.pk]))
        self.assertContains(response, "<svg")
        self.assertContains(response, 'class="bar alert"')
        self.assertNotContains(response, "style=")
