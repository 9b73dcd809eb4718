"""The Head marks a filed incident as about a member of staff (restricted), or lifts that, with a reason."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.urls import reverse

from esafety.audit.models import AuditEntry
from esafety.incidents import actions
from esafety.incidents.models import IncidentConflict, IncidentSettings, TimelineEntry, WorkflowError
from esafety.incidents.tests.helpers import IncidentTestCase

REASON = "The concern is about Mr Example's messages to a pupil"


class RestrictIncidentTests(IncidentTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.incident = self.report()
        self.page = reverse("incidents:detail", args=[self.incident.pk])
        self.url = reverse("incidents:restriction", args=[self.incident.pk])

    def post(self, restricted: bool, reason: str = REASON, version: int | None = None) -> object:
        self.incident.refresh_from_db()
        return self.client.post(
            self.url,
            {
                "restricted": "1" if restricted else "0",
                "reason": reason,
                "version": version or self.incident.version,
            },
        )

    def test_it_takes_the_incident_from_the_coordinator_and_gives_it_back(self) -> None:
        self.login(self.coordinator)
        self.assertEqual(self.client.get(self.page).status_code, 200)
        self.login(self.head)
        self.assertContains(self.client.get(self.page), "Restrict this incident")
        self.assertRedirects(self.post(True), self.page, fetch_redirect_response=False)
        self.incident.refresh_from_db()
        self.assertTrue(self.incident.restricted)
        self.assertContains(self.client.get(self.page), "Lift the restriction")
        self.login(self.coordinator)
        self.assertEqual(self.client.get(self.page).status_code, 404)
        self.assertNotContains(self.client.get(reverse("incidents:list")), self.incident.label)

        self.login(self.head)
        self.post(False, "It turned out to be about a pupil after all")
        self.incident.refresh_from_db()
        self.assertFalse(self.incident.restricted)
        self.login(self.coordinator)
        self.assertEqual(self.client.get(self.page).status_code, 200)

    def test_it_records_the_reason_on_the_timeline_and_keeps_it_off_the_audit_trail(self) -> None:
        actions.set_restricted(self.incident, by=self.head, restricted=True, reason=REASON)
        actions.set_restricted(self.incident, by=self.head, restricted=False, reason="Lifted: wrong person")
        entries = list(
            self.incident.timeline.filter(
                kind__in=[TimelineEntry.Kind.RESTRICTED, TimelineEntry.Kind.UNRESTRICTED]
            ).values_list("kind", "actor", "text")
        )
        self.assertEqual(
            entries,
            [
                ("restricted", self.head.pk, f"Restricted to the Headteacher and the named deputy: {REASON}"),
                ("unrestricted", self.head.pk, "Restriction lifted: Lifted: wrong person"),
            ],
        )
        audit = AuditEntry.objects.filter(object_id=str(self.incident.pk), action__startswith="incident.")
        audit = list(audit.exclude(action="incident.report").order_by("seq"))
        self.assertEqual(
            [(a.action, a.actor) for a in audit],
            [("incident.restrict", self.head), ("incident.unrestrict", self.head)],
        )
        for entry in audit:
            self.assertNotIn("Example", str(entry.detail))
            self.assertNotIn("wrong person", str(entry.detail))
            self.assertEqual(entry.object_repr, self.incident.label)

    def test_it_is_for_the_head_only(self) -> None:
        IncidentSettings.objects.update_or_create(
            school=self.school, defaults={"restricted_deputy": self.deputy}
        )
        for user in (self.coordinator, self.deputy, self.trust_lead):
            with self.assertRaises(PermissionDenied):
                actions.set_restricted(self.incident, by=user, restricted=True, reason=REASON)
            self.login(user)
            self.assertNotContains(self.client.get(self.page), "Restrict this incident")
            self.assertEqual(self.post(True).status_code, 404)  # refused like a record they may not see
        for user in (self.teacher2, self.sibling, self.outsider):
            self.login(user)
            self.assertEqual(self.post(True).status_code, 404)
        self.incident.refresh_from_db()
        self.assertFalse(self.incident.restricted)

    def test_it_needs_a_reason(self) -> None:
        self.login(self.head)
        response = self.post(True, reason="  ")
        self.assertEqual(response.status_code, 400)
        self.incident.refresh_from_db()
        self.assertFalse(self.incident.restricted)
        with self.assertRaises(ValueError):
            actions.set_restricted(self.incident, by=self.head, restricted=True, reason="")

    def test_it_refuses_a_stale_version_and_a_repeated_request(self) -> None:
        stale = self.incident.version
        actions.triage_incident(self.incident, by=self.coordinator)
        self.login(self.head)
        response = self.post(True, version=stale)
        self.assertRedirects(response, self.page, fetch_redirect_response=False)
        self.incident.refresh_from_db()
        self.assertFalse(self.incident.restricted)
        with self.assertRaises(IncidentConflict):
            actions.set_restricted(
                self.incident, by=self.head, restricted=True, reason=REASON, expected_version=stale
            )
        actions.set_restricted(self.incident, by=self.head, restricted=True, reason=REASON)
        with self.assertRaises(WorkflowError):
            actions.set_restricted(self.incident, by=self.head, restricted=True, reason=REASON)
        self.assertEqual(AuditEntry.objects.filter(action="incident.restrict").count(), 1)
