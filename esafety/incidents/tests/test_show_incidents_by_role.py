"""The record rules of permissions.py, walked as a matrix over every persona and kind of incident."""

from __future__ import annotations

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from esafety.audit.models import AuditEntry
from esafety.incidents import permissions
from esafety.incidents.actions import add_action
from esafety.incidents.models import Category, IncidentPerson, IncidentSettings
from esafety.incidents.tests.helpers import IncidentTestCase

# Who can open which incident: x = opens it, . = 404 (or 403 where the list itself is refused).
#                   own  other_teacher  restricted  actioned
EXPECTED = {
    "head": "x x x x",
    "deputy": "x x . x",  # not named yet: see the named-deputy test
    "coordinator": "x x . x",
    "technician": ". . . .",
    "teacher": "x . . x",
    "teacher2": ". x . .",
    "office": ". . . .",
    "governor": ". . . .",
    "trust_lead": "x x . x",
    "sibling": ". . . .",
    "outsider": ". . . .",
}


class IncidentAccessTests(IncidentTestCase):
    def setUp(self) -> None:
        self.own = self.report(reporter=self.teacher)
        self.other = self.report(reporter=self.teacher2)
        self.restricted = self.report(
            reporter=self.office, people=[(self.staff_member, IncidentPerson.Role.SUBJECT)]
        )
        self.actioned = self.report(reporter=self.coordinator, category=Category.OFF_TASK)
        add_action(
            self.actioned,
            by=self.coordinator,
            title="Speak to parents",
            owner=self.teacher,
            due_on=timezone.localdate(),
        )

    def incidents(self) -> list:
        return [self.own, self.other, self.restricted, self.actioned]

    def test_it_lets_each_persona_open_exactly_the_incidents_in_the_table(self) -> None:
        moved = []
        for name, user in self.staff_personas.items():
            expected = EXPECTED[name].split()
            self.client.logout()
            self.login(user)
            for incident, cell in zip(self.incidents(), expected, strict=True):
                status = self.client.get(reverse("incidents:detail", args=[incident.pk])).status_code
                opened = status == 200
                if opened != (cell == "x"):
                    moved.append(f"{name} on incident {incident.number}: got {status}, expected {cell}")
        self.assertEqual(moved, [])

    def test_it_matches_visible_to_with_the_detail_pages(self) -> None:
        for name, user in self.staff_personas.items():
            visible = set(permissions.visible_to(user, self.school).values_list("pk", flat=True))
            expected = {
                incident.pk
                for incident, cell in zip(self.incidents(), EXPECTED[name].split(), strict=True)
                if cell == "x"
            }
            self.assertEqual(visible, expected, name)

    def test_it_shows_restricted_incidents_to_the_named_deputy(self) -> None:
        IncidentSettings.objects.update_or_create(
            school=self.school, defaults={"restricted_deputy": self.deputy}
        )
        self.login(self.deputy)
        self.assertEqual(
            self.client.get(reverse("incidents:detail", args=[self.restricted.pk])).status_code, 200
        )
        self.assertContains(self.client.get(reverse("incidents:list")), f">#{self.restricted.number}<")

    def test_it_does_not_show_restricted_incidents_to_the_trust_lead_or_coordinator(self) -> None:
        for user in (self.trust_lead, self.coordinator):
            self.login(user)
            response = self.client.get(reverse("incidents:list"))
            self.assertNotContains(response, f">#{self.restricted.number}<")
            self.assertContains(response, f">#{self.other.number}<")

    def test_it_refuses_the_list_and_actions_to_governors_with_403(self) -> None:
        self.login(self.governor)
        for name in ("incidents:list", "incidents:actions", "incidents:export"):
            self.assertEqual(self.client.get(reverse(name)).status_code, 403, name)

    def test_it_sends_anonymous_visitors_to_sign_in_everywhere(self) -> None:
        for url in (
            reverse("incidents:list"),
            reverse("incidents:actions"),
            reverse("incidents:new"),
            reverse("incidents:detail", args=[self.own.pk]),
            reverse("incidents:settings"),
        ):
            response = self.client.get(url)
            self.assertEqual(response.status_code, 302, url)
            self.assertTrue(response["Location"].startswith("/accounts/login/"), url)

    def test_it_opens_the_list_and_actions_for_the_roles_in_done_means(self) -> None:
        for user in (self.coordinator, self.head, self.teacher):
            self.login(user)
            self.assertEqual(self.client.get(reverse("incidents:list")).status_code, 200)
        for user in (self.coordinator, self.teacher):
            self.login(user)
            self.assertEqual(self.client.get(reverse("incidents:actions")).status_code, 200)

    def test_it_shows_a_teacher_only_their_own_reports_in_the_list(self) -> None:
        self.login(self.teacher)
        response = self.client.get(reverse("incidents:list"))
        self.assertContains(response, f">#{self.own.number}<")
        self.assertNotContains(response, f">#{self.other.number}<")
        self.assertNotContains(response, f">#{self.restricted.number}<")

    def test_it_shows_a_teacher_the_actions_given_to_them(self) -> None:
        self.login(self.teacher)
        self.assertContains(self.client.get(reverse("incidents:actions")), "Speak to parents")
        self.login(self.teacher2)
        self.assertNotContains(self.client.get(reverse("incidents:actions")), "Speak to parents")

    def test_it_gives_another_schools_users_404_on_every_incident_page(self) -> None:
        for user in (self.sibling, self.outsider):
            self.login(user)
            for name in ("incidents:detail", "incidents:pdf", "incidents:edit"):
                self.assertEqual(
                    self.client.get(reverse(name, args=[self.own.pk])).status_code, 404, (user, name)
                )
            self.assertEqual(
                self.client.get(reverse("incidents:chronology", args=[self.pupil.pk])).status_code, 404
            )
            self.assertNotContains(self.client.get(reverse("incidents:list")), f">#{self.own.number}<")

    def test_it_audits_every_view_of_an_incident(self) -> None:
        self.login(self.coordinator)
        self.client.get(reverse("incidents:detail", args=[self.own.pk]))
        entry = AuditEntry.objects.filter(kind=AuditEntry.Kind.VIEW, action="incident.view").get()
        self.assertEqual(
            (entry.actor, entry.object_id, entry.object_repr),
            (self.coordinator, str(self.own.pk), f"Incident #{self.own.number}"),
        )

    def test_it_limits_workflow_steps_by_role(self) -> None:
        self.assertEqual(permissions.allowed_steps(self.teacher, self.own), [])
        self.assertIn("triage", permissions.allowed_steps(self.coordinator, self.own))
        self.assertEqual(permissions.allowed_steps(self.coordinator, self.restricted), [])
        self.assertIn("triage", permissions.allowed_steps(self.head, self.restricted))
        self.login(self.teacher)
        response = self.client.post(
            reverse("incidents:step", args=[self.own.pk, "triage"]), {"version": self.own.version}
        )
        # A step that is not theirs answers 404, like a record they may not see (not a redirect with a message).
        self.assertEqual(response.status_code, 404)
        self.own.refresh_from_db()
        self.assertEqual(self.own.status, "reported")

    def test_it_opens_the_settings_page_for_the_coordinator_and_lets_only_the_head_name_the_deputy(
        self,
    ) -> None:
        self.login(self.coordinator)
        page = self.client.get(reverse("incidents:settings"))
        self.assertEqual(page.status_code, 200)
        self.assertNotContains(page, "restricted_deputy")
        self.login(self.teacher)
        self.assertEqual(self.client.get(reverse("incidents:settings")).status_code, 403)
        self.login(self.head)
        response = self.client.post(
            reverse("incidents:settings"),
            {
                "restricted_deputy": self.deputy.pk,
                "guidance_off_task": "Handle it in class.",
            },
        )
        self.assertRedirects(response, reverse("incidents:settings"))
        self.assertEqual(IncidentSettings.objects.get(school=self.school).restricted_deputy, self.deputy)
        self.login(self.teacher)
        self.assertContains(self.client.get(reverse("incidents:new")), "Handle it in class.")

    def test_it_filters_the_chronology_by_what_the_viewer_may_see(self) -> None:
        self.report(reporter=self.teacher2, description="Second concern about Ava", category=Category.SEXTING)
        self.login(self.coordinator)
        page = self.client.get(reverse("incidents:chronology", args=[self.pupil.pk]))
        self.assertContains(page, "Second concern about Ava")
        self.login(self.teacher)
        page = self.client.get(reverse("incidents:chronology", args=[self.pupil.pk]))
        self.assertNotContains(page, "Second concern about Ava")
        self.assertContains(page, f"Incident #{self.own.number}")
        self.assertTrue(AuditEntry.objects.filter(action="incident.chronology.view").exists())

    def test_it_links_the_chronology_from_the_person_page_for_those_who_may_list(self) -> None:
        self.login(self.coordinator)
        url = reverse("incidents:chronology", args=[self.pupil.pk])
        self.assertContains(self.client.get(reverse("people:detail", args=[self.pupil.pk])), url)

    def test_it_lists_overdue_actions_for_the_coordinator(self) -> None:
        add_action(
            self.other,
            by=self.coordinator,
            title="Check filter logs",
            owner=self.technician,
            due_on=timezone.localdate() - timedelta(days=2),
        )
        self.login(self.coordinator)
        response = self.client.get(reverse("incidents:actions"))
        self.assertContains(response, "Check filter logs")
        self.assertContains(response, "Overdue")

    def test_it_lets_the_trust_lead_see_every_school_of_the_trust_but_no_other(self) -> None:
        riverside = self.report(school=self.sibling_school, reporter=self.sibling, people=[])
        elsewhere = self.report(school=self.other_school, reporter=self.outsider, people=[])
        self.assertIn(riverside, permissions.visible_to(self.trust_lead, self.sibling_school))
        self.assertNotIn(riverside, permissions.visible_to(self.coordinator, self.sibling_school))
        self.assertFalse(permissions.visible_to(self.trust_lead, self.other_school).exists())
        self.assertNotIn(elsewhere, permissions.visible_to(self.trust_lead, self.school))
        self.login(self.trust_lead)
        self.client.post("/school/", {"school": self.sibling_school.pk, "next": "/incidents/"})
        self.assertEqual(self.client.get(reverse("incidents:detail", args=[riverside.pk])).status_code, 200)
        self.assertEqual(self.client.get(reverse("incidents:detail", args=[elsewhere.pk])).status_code, 404)
