from __future__ import annotations

from datetime import date, timedelta

from django.core import mail
from django.urls import reverse
from django.utils import timezone

from esafety.audit.models import AuditEntry
from esafety.core.models import OutboundEmail
from esafety.incidents import actions
from esafety.incidents.models import Incident, IncidentAction, IncidentConflict, Outcome, WorkflowError
from esafety.incidents.tests.helpers import IncidentTestCase


class WorkflowTests(IncidentTestCase):
    def test_it_walks_every_step_recording_who_when_and_why(self) -> None:
        incident = self.report()
        actions.triage_incident(incident, by=self.coordinator, reason="Taking it", assigned=self.coordinator)
        actions.escalate_incident(incident, by=self.coordinator, reason="Serious")
        # Escalating hands it to the Head; it does not make it urgent (issue 12 point 3).
        self.assertEqual((incident.status, incident.urgent), ("escalated", False))
        actions.start_investigation(incident, by=self.head, reason="Talking to staff")
        actions.record_outcome(
            incident,
            by=self.head,
            kind=Outcome.Kind.REFERRAL,
            agency=Outcome.Agency.CEOP,
            referred_on=date(2026, 3, 4),
            agency_reference="CEOP-1",
        )
        actions.record_outcome(
            incident,
            by=self.head,
            kind=Outcome.Kind.PARENTS_INFORMED,
            informed_at=timezone.now(),
            informed_by="Helen Marsh",
        )
        actions.close_incident(incident, by=self.head, reason="Done")
        self.assertIsNotNone(incident.closed_at)
        actions.reopen_incident(incident, by=self.head, reason="New information")
        incident.refresh_from_db()
        self.assertEqual((incident.status, incident.closed_at), ("investigating", None))
        audit = list(
            AuditEntry.objects.filter(object_id=str(incident.pk))
            .order_by("seq")
            .values_list("action", "actor__username")
        )
        self.assertEqual(
            audit,
            [
                ("incident.report", "teacher"),
                ("incident.triage", "coordinator"),
                ("incident.escalate", "coordinator"),
                ("incident.investigate", "head"),
                ("incident.outcome", "head"),
                ("incident.outcome", "head"),
                ("incident.close", "head"),
                ("incident.reopen", "head"),
            ],
        )
        self.assertEqual(AuditEntry.objects.get(action="incident.escalate").detail["reason"], "Serious")
        kinds = list(incident.timeline.values_list("kind", flat=True))
        self.assertEqual(
            kinds,
            ["reported", "triaged", "escalated", "investigating", "outcome", "outcome", "closed", "reopened"],
        )

    def test_it_refuses_steps_that_do_not_fit_the_status(self) -> None:
        incident = self.report()
        with self.assertRaises(WorkflowError):
            actions.close_incident(incident, by=self.coordinator)
        with self.assertRaises(WorkflowError):
            actions.reopen_incident(incident, by=self.coordinator, reason="x")

    def test_it_requires_the_details_each_outcome_needs(self) -> None:
        incident = self.report()
        actions.triage_incident(incident, by=self.coordinator)
        for kind in (
            Outcome.Kind.REFERRAL,
            Outcome.Kind.BEHAVIOUR_SANCTION,
            Outcome.Kind.STAFF_DISCIPLINARY,
            Outcome.Kind.PARENTS_INFORMED,
        ):
            with self.assertRaises(ValueError):
                actions.record_outcome(incident, by=self.coordinator, kind=kind)
        actions.record_outcome(
            incident,
            by=self.coordinator,
            kind=Outcome.Kind.BEHAVIOUR_SANCTION,
            sanction=Outcome.Sanction.PERMANENT_EXCLUSION,
        )
        self.assertEqual(
            incident.outcomes.get().summary, "Pupil sanction under the behaviour policy · Permanent exclusion"
        )

    def test_it_tells_the_head_about_an_escalation_without_details(self) -> None:
        incident = self.report(description="Private detail")
        actions.triage_incident(incident, by=self.coordinator)
        mail.outbox.clear()
        with self.captureOnCommitCallbacks(execute=True):
            actions.escalate_incident(incident, by=self.coordinator, reason="Detail in reason")
        self.assertEqual(mail.outbox[0].to, ["head@school.example"])
        self.assertNotIn("Detail", mail.outbox[0].body)

    def test_it_keeps_restricted_reasons_out_of_the_audit_trail(self) -> None:
        incident = self.report(about_staff=True)
        actions.triage_incident(incident, by=self.head, reason="Mr X was seen")
        self.assertNotIn("Mr X", str(AuditEntry.objects.get(action="incident.triage").detail))
        self.assertEqual(incident.timeline.get(kind="triaged").text, "Mr X was seen")

    def test_it_lets_only_the_head_side_decide_an_escalated_incident_over_http(self) -> None:
        incident = self.report()
        actions.triage_incident(incident, by=self.coordinator)
        actions.escalate_incident(incident, by=self.coordinator, reason="Serious")
        self.login(self.coordinator)
        page = self.client.get(reverse("incidents:detail", args=[incident.pk]))
        self.assertNotContains(page, "Record outcome")
        self.login(self.head)
        response = self.client.post(
            reverse("incidents:outcome", args=[incident.pk]),
            {
                "kind": Outcome.Kind.HANDLED_IN_CLASS,
                "version": incident.version + 0,
            },
        )
        self.assertRedirects(response, reverse("incidents:detail", args=[incident.pk]))
        incident.refresh_from_db()
        response = self.client.post(
            reverse("incidents:step", args=[incident.pk, "close"]),
            {"version": incident.version, "reason": "Finished"},
        )
        incident.refresh_from_db()
        self.assertEqual(incident.status, "closed")

    def test_it_requires_a_reason_to_escalate(self) -> None:
        incident = self.report()
        self.login(self.coordinator)
        response = self.client.post(
            reverse("incidents:step", args=[incident.pk, "escalate"]),
            {"version": incident.version, "reason": ""},
        )
        self.assertContains(response, "Say why", status_code=400)

    def test_it_requires_a_reason_to_escalate_or_reopen_through_the_actions_too(self) -> None:
        incident = self.report()
        with self.assertRaises(ValueError):
            actions.escalate_incident(incident, by=self.coordinator, reason=" ")
        incident.refresh_from_db()
        self.assertEqual(incident.status, "reported")

    def test_it_answers_404_for_a_step_that_does_not_exist_or_has_its_own_form(self) -> None:
        incident = self.report()
        self.login(self.coordinator)
        for step in ("publish", "record_outcome"):
            response = self.client.post(
                reverse("incidents:step", args=[incident.pk, step]), {"version": incident.version}
            )
            self.assertEqual(response.status_code, 404, step)

    def test_it_explains_a_step_the_status_has_moved_past(self) -> None:
        incident = self.report()
        self.login(self.coordinator)
        response = self.client.post(
            reverse("incidents:step", args=[incident.pk, "close"]),
            {"version": incident.version, "reason": "Done"},
            follow=True,
        )
        self.assertContains(response, "Someone else changed this incident")
        incident.refresh_from_db()
        self.assertEqual(incident.status, "reported")


class PeopleTests(IncidentTestCase):
    def test_it_adds_people_to_an_incident_from_its_page(self) -> None:
        incident = self.report(people=[])
        self.login(self.coordinator)
        page = self.client.get(reverse("incidents:detail", args=[incident.pk]), {"find": "Kestrels"})
        self.assertContains(page, "Leo Bramley (pupil, Year 2, Kestrels)")
        response = self.client.post(
            reverse("incidents:add_people", args=[incident.pk]),
            {"people": [self.pupil2.pk], f"role_{self.pupil2.pk}": "subject"},
        )
        self.assertRedirects(response, reverse("incidents:detail", args=[incident.pk]))
        self.assertEqual(
            list(incident.involvements.values_list("person", "role")), [(self.pupil2.pk, "subject")]
        )
        self.login(self.teacher)  # the reporter may add notes, not people
        response = self.client.post(
            reverse("incidents:add_people", args=[incident.pk]), {"people": [self.pupil.pk]}
        )
        self.assertEqual(response.status_code, 404)


class ConcurrencyTests(IncidentTestCase):
    def test_it_refuses_a_stale_version_in_the_model(self) -> None:
        incident = self.report()
        stale = Incident.objects.get(pk=incident.pk)
        actions.triage_incident(incident, by=self.coordinator)
        with self.assertRaises(IncidentConflict):
            actions.escalate_incident(stale, by=self.head, reason="x")
        incident.refresh_from_db()
        self.assertEqual(incident.status, "triaged")

    def test_it_shows_a_conflict_instead_of_overwriting_an_edit(self) -> None:
        incident = self.report(description="First version")
        self.login(self.coordinator)
        form = {
            "category": incident.category,
            "occurred_at": "2026-03-02T10:15",
            "location": "Hall",
            "description": "Coordinator's version",
            "version": incident.version,
        }
        actions.update_incident(
            incident,
            by=self.head,
            expected_version=incident.version,
            changes={"description": "Head's version"},
        )
        response = self.client.post(reverse("incidents:edit", args=[incident.pk]), form)
        self.assertContains(response, "someone else changed this incident", status_code=409)
        self.assertContains(response, "Coordinator&#x27;s version", status_code=409)
        self.assertContains(response, "Head&#x27;s version", status_code=409)
        incident.refresh_from_db()
        self.assertEqual(incident.description, "Head's version")
        # Seen the other change, saving again is a deliberate choice and goes through.
        form["version"] = incident.version
        self.assertEqual(
            self.client.post(reverse("incidents:edit", args=[incident.pk]), form).status_code, 302
        )
        incident.refresh_from_db()
        self.assertEqual(incident.description, "Coordinator's version")

    def test_it_refuses_a_workflow_button_pressed_on_a_stale_page(self) -> None:
        incident = self.report()
        self.login(self.coordinator)
        old_version = incident.version
        actions.triage_incident(incident, by=self.deputy)
        response = self.client.post(
            reverse("incidents:step", args=[incident.pk, "escalate"]),
            {"version": old_version, "reason": "Serious"},
            follow=True,
        )
        self.assertContains(response, "Someone else changed this incident")
        incident.refresh_from_db()
        self.assertEqual(incident.status, "triaged")


class ActionTests(IncidentTestCase):
    def test_it_reminds_owners_of_overdue_actions_once_a_day(self) -> None:
        incident = self.report()
        today = timezone.localdate()
        for days in (3, 1):
            actions.add_action(
                incident,
                by=self.coordinator,
                title="Call parents",
                owner=self.teacher,
                due_on=today - timedelta(days=days),
            )
        actions.add_action(
            incident,
            by=self.coordinator,
            title="Later",
            owner=self.teacher2,
            due_on=today + timedelta(days=2),
        )
        self.assertEqual(actions.send_overdue_reminders(today), 1)
        self.assertEqual(actions.send_overdue_reminders(today), 0)
        email = OutboundEmail.objects.get(key__startswith="incident-actions-overdue")
        self.assertEqual(email.to, ["teacher@school.example"])
        self.assertIn("2 overdue actions", email.body)
        self.assertNotIn("Call parents", email.body)
        self.assertEqual(actions.send_overdue_reminders(today + timedelta(days=1)), 1)

    def test_it_lets_the_owner_mark_an_action_done_once(self) -> None:
        incident = self.report()
        action = actions.add_action(
            incident, by=self.coordinator, title="Call", owner=self.teacher2, due_on=timezone.localdate()
        )
        self.login(self.teacher2)
        self.client.post(reverse("incidents:action_done", args=[action.pk]))
        self.client.post(reverse("incidents:action_done", args=[action.pk]))
        action.refresh_from_db()
        self.assertEqual(action.done_by, self.teacher2)
        self.assertEqual(AuditEntry.objects.filter(action="incident.action.done").count(), 1)
        self.login(self.office)
        other = IncidentAction.objects.create(
            incident=incident, school=self.school, title="x", owner=self.teacher, due_on=timezone.localdate()
        )
        self.assertEqual(self.client.post(reverse("incidents:action_done", args=[other.pk])).status_code, 404)

    def test_it_adds_an_action_from_the_incident_page(self) -> None:
        incident = self.report()
        self.login(self.coordinator)
        response = self.client.post(
            reverse("incidents:add_action", args=[incident.pk]),
            {"title": "Check logs", "owner": self.technician.pk, "due_on": "2030-01-01"},
        )
        self.assertRedirects(response, reverse("incidents:detail", args=[incident.pk]))
        self.assertEqual(incident.actions.get().owner, self.technician)


class DashboardTests(IncidentTestCase):
    def test_it_shows_the_coordinator_what_awaits_triage(self) -> None:
        incident = self.report()
        self.login(self.coordinator)
        response = self.client.get("/")
        self.assertContains(response, "Reports awaiting triage")
        self.assertContains(response, f"Incident #{incident.number}")

    def test_it_shows_the_head_escalations(self) -> None:
        incident = self.report()
        actions.escalate_incident(incident, by=self.coordinator, reason="x")
        self.login(self.head)
        self.assertContains(self.client.get("/"), "Escalated or urgent")
