"""Issue 12 point 3: an incident with open actions cannot be closed until each is done or cancelled with a
reason; closing clears "Urgent"; escalating does not set it."""

from __future__ import annotations

from datetime import date

from django.urls import reverse

from esafety.audit.models import AuditEntry
from esafety.incidents import actions
from esafety.incidents.models import Incident, OpenActionsError, Outcome
from esafety.incidents.tests.helpers import IncidentTestCase


class CloseWithOpenActionsTests(IncidentTestCase):
    def _decided(self, **kwargs: object) -> Incident:
        incident = self.report(**kwargs)
        actions.triage_incident(incident, by=self.coordinator)
        actions.record_outcome(incident, by=self.coordinator, kind=Outcome.Kind.HANDLED_IN_CLASS)
        return incident

    def _action(self, incident: Incident, title: str) -> object:
        return actions.add_action(
            incident, by=self.coordinator, title=title, owner=self.teacher2, due_on=date(2026, 12, 4)
        )

    def test_it_refuses_to_close_and_lists_the_open_actions(self) -> None:
        incident = self._decided()
        self._action(incident, "Speak to the class")
        done = self._action(incident, "Check the chat settings")
        actions.complete_action(done, by=self.teacher2)
        self.login(self.coordinator)
        page = self.client.get(reverse("incidents:detail", args=[incident.pk]))
        self.assertContains(page, "Before closing, complete or cancel")
        response = self.client.post(
            reverse("incidents:step", args=[incident.pk, "close"]), {"version": incident.version}
        )
        self.assertEqual(response.status_code, 400)
        self.assertContains(
            response, "Complete or cancel (with a reason) each open action before closing", status_code=400
        )
        self.assertContains(response, "“Speak to the class”", status_code=400)
        self.assertNotContains(response, "“Check the chat settings”", status_code=400)
        incident.refresh_from_db()
        self.assertEqual(incident.status, Incident.Status.OUTCOME_RECORDED)
        with self.assertRaises(OpenActionsError):
            actions.close_incident(incident, by=self.coordinator)

    def test_it_closes_once_the_open_action_is_cancelled_with_a_reason(self) -> None:
        incident = self._decided()
        action = self._action(incident, "Speak to the class")
        self.login(self.coordinator)
        url = reverse("incidents:action_cancel", args=[action.pk])
        refused = self.client.post(url, {"reason": "  "})
        self.assertEqual(refused.status_code, 400)
        self.assertContains(refused, "Say why “Speak to the class” is cancelled", status_code=400)
        self.assertIsNone(incident.actions.get().done_at)
        self.assertEqual(
            self.client.post(url, {"reason": "The class has left for the year"}).status_code, 302
        )
        cancelled = incident.actions.get()
        self.assertEqual(
            (cancelled.cancelled, cancelled.cancel_reason), (True, "The class has left for the year")
        )
        self.assertTrue(AuditEntry.objects.filter(action="incident.action.cancel").exists())
        self.assertTrue(
            incident.timeline.filter(text__contains="Action cancelled: Speak to the class").exists()
        )
        incident.refresh_from_db()
        response = self.client.post(
            reverse("incidents:step", args=[incident.pk, "close"]), {"version": incident.version}
        )
        self.assertEqual(response.status_code, 302)
        incident.refresh_from_db()
        self.assertEqual(incident.status, Incident.Status.CLOSED)
        page = self.client.get(reverse("incidents:detail", args=[incident.pk]))
        self.assertContains(page, "Cancelled")
        self.assertContains(page, "The class has left for the year")

    def test_the_owner_alone_may_not_cancel_their_action(self) -> None:
        incident = self._decided()
        action = self._action(incident, "Speak to the class")
        self.login(self.teacher2)
        url = reverse("incidents:action_cancel", args=[action.pk])
        self.assertEqual(self.client.post(url, {"reason": "Not needed"}).status_code, 404)
        self.assertIsNone(incident.actions.get().done_at)

    def test_closing_clears_urgent_and_says_so(self) -> None:
        incident = self._decided(urgent=True)
        actions.close_incident(incident, by=self.coordinator, reason="Resolved")
        incident.refresh_from_db()
        self.assertFalse(incident.urgent)
        self.assertTrue(
            AuditEntry.objects.filter(action="incident.urgency", object_id=str(incident.pk)).exists()
        )
        self.login(self.coordinator)
        page = self.client.get(reverse("incidents:detail", args=[incident.pk]))
        self.assertNotContains(page, '<span class="badge alert">Urgent</span>')

    def test_escalating_does_not_make_a_report_urgent(self) -> None:
        incident = self.report()
        actions.escalate_incident(incident, by=self.coordinator, reason="The Head must decide")
        incident.refresh_from_db()
        self.assertEqual((incident.status, incident.urgent), (Incident.Status.ESCALATED, False))
