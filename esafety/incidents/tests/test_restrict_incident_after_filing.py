"""A report that becomes one about a member of staff after filing is restricted then, routed as at filing.

Security drill finding 3: adding a staff person as subject, or changing the category to a staff AUP breach, used
to leave the incident open to its reporter, the Co-ordinator and the trust lead.
"""

from __future__ import annotations

from django.urls import reverse

from esafety.audit.models import AuditEntry
from esafety.core.models import OutboundEmail
from esafety.incidents import actions
from esafety.incidents.models import Category, IncidentPerson, IncidentSettings, TimelineEntry
from esafety.incidents.tests.helpers import IncidentTestCase
from esafety.test import make_person


class RestrictAfterFilingTests(IncidentTestCase):
    def setUp(self) -> None:
        super().setUp()
        IncidentSettings.objects.update_or_create(
            school=self.school, defaults={"restricted_deputy": self.deputy}
        )
        self.incident = self.report()
        self.page = reverse("incidents:detail", args=[self.incident.pk])

    def assert_restricted_for_everyone_but_head_and_deputy(self) -> None:
        self.incident.refresh_from_db()
        self.assertTrue(self.incident.restricted)
        for who, status in (
            (self.head, 200),
            (self.deputy, 200),
            (self.coordinator, 404),
            (self.trust_lead, 404),
        ):
            self.login(who)
            self.assertEqual(self.client.get(self.page).status_code, status, who.username)
        # The reporter learns only that the report arrived.
        self.login(self.teacher)
        self.assertRedirects(
            self.client.get(self.page),
            reverse("incidents:received", args=[self.incident.pk]),
            fetch_redirect_response=False,
        )

    def assert_routed_and_audited(self, by: object) -> None:
        entry = self.incident.timeline.get(kind=TimelineEntry.Kind.RESTRICTED)
        self.assertIn("member of staff", entry.text)
        audit = AuditEntry.objects.get(object_id=str(self.incident.pk), action="incident.restrict")
        self.assertEqual(audit.actor, by)
        self.assertIn("staff_restricted", audit.detail["rules"])
        mail = OutboundEmail.objects.get(key=f"incident:{self.incident.pk}:restricted")
        self.assertEqual(sorted(mail.to), ["deputy@school.example", "head@school.example"])
        self.assertNotIn("Unkind", mail.body)

    def test_it_restricts_when_a_staff_member_is_added_as_subject(self) -> None:
        self.login(self.coordinator)
        response = self.client.post(
            reverse("incidents:add_people", args=[self.incident.pk]),
            {"people": [self.staff_member.pk], f"role_{self.staff_member.pk}": IncidentPerson.Role.SUBJECT},
        )
        # The co-ordinator who made the change can no longer open the incident: they are told so.
        self.assertRedirects(response, reverse("incidents:list"), fetch_redirect_response=False)
        self.assert_restricted_for_everyone_but_head_and_deputy()
        self.assert_routed_and_audited(self.coordinator)

    def test_it_restricts_for_supply_and_trainee_subjects_too(self) -> None:
        for kind in ("supply", "trainee"):
            with self.subTest(kind=kind):
                incident = self.report()
                person = make_person(self.school, kind, "Sam", kind.title())
                actions.add_people(
                    incident, by=self.coordinator, people=[(person, IncidentPerson.Role.SUBJECT)]
                )
                incident.refresh_from_db()
                self.assertTrue(incident.restricted)

    def test_it_restricts_when_the_category_becomes_a_staff_aup_breach(self) -> None:
        self.login(self.coordinator)
        self.incident.refresh_from_db()
        response = self.client.post(
            reverse("incidents:edit", args=[self.incident.pk]),
            {
                "category": Category.STAFF_AUP_BREACH,
                "occurred_at": self.incident.occurred_at.strftime("%Y-%m-%dT%H:%M"),
                "location": "",
                "description": self.incident.description,
                "reporter_actions": "",
                "version": self.incident.version,
            },
        )
        self.assertRedirects(response, reverse("incidents:list"), fetch_redirect_response=False)
        self.assert_restricted_for_everyone_but_head_and_deputy()
        self.assert_routed_and_audited(self.coordinator)

    def test_it_leaves_a_pupil_subject_or_witness_staff_alone(self) -> None:
        actions.add_people(
            self.incident,
            by=self.coordinator,
            people=[
                (self.pupil2, IncidentPerson.Role.SUBJECT),
                (self.staff_member, IncidentPerson.Role.WITNESS),
            ],
        )
        self.incident.refresh_from_db()
        self.assertFalse(self.incident.restricted)
        self.assertFalse(OutboundEmail.objects.filter(key__endswith=":restricted").exists())

    def test_it_does_not_restrict_twice_or_undo_a_lifted_restriction_by_itself(self) -> None:
        actions.add_people(
            self.incident, by=self.coordinator, people=[(self.staff_member, IncidentPerson.Role.SUBJECT)]
        )
        self.incident.refresh_from_db()
        actions.set_restricted(self.incident, by=self.head, restricted=False, reason="About a visitor")
        self.incident.refresh_from_db()
        # An unrelated edit afterwards must not silently re-restrict what the Head deliberately opened.
        actions.update_incident(
            self.incident,
            by=self.head,
            expected_version=self.incident.version,
            changes={"location": "Library"},
        )
        self.incident.refresh_from_db()
        self.assertFalse(self.incident.restricted)
        self.assertEqual(
            AuditEntry.objects.filter(object_id=str(self.incident.pk), action="incident.restrict").count(), 1
        )
