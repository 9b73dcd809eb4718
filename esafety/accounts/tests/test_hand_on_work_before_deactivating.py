"""Deactivating an account first lists and hands on the work it holds (issue 12).

Deactivating a Co-ordinator left their open incident actions and the incidents they held with nobody: the
button acted at once. It now opens a confirmation page that lists what they hold (by reference only) and hands
it to another member of staff chosen in the same step, audited, before the account is deactivated.
"""

from __future__ import annotations

from datetime import date

from django.urls import reverse

from esafety.audit.models import AuditEntry
from esafety.incidents.actions import add_action, report_incident
from esafety.incidents.models import Incident, IncidentAction, TimelineEntry
from esafety.test import BaseTestCase


class HandOnWorkBeforeDeactivatingTests(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.incident = report_incident(
            school=self.school,
            reporter=self.teacher,
            category="cyberbullying",
            description="Unkind messages in the class chat",
            people=[(self.pupil, "victim")],
        )
        Incident.objects.filter(pk=self.incident.pk).update(
            assigned=self.coordinator, status=Incident.Status.TRIAGED
        )
        self.incident.refresh_from_db()
        self.action = add_action(
            self.incident,
            by=self.head,
            title="Call Ava's mother",
            owner=self.coordinator,
            due_on=date(2026, 12, 3),
        )
        self.url = reverse("user_deactivate", args=[self.coordinator.pk])

    def test_it_asks_to_confirm_and_lists_what_they_hold_by_reference(self) -> None:
        self.login(self.head)
        response = self.client.post(
            reverse("user_detail", args=[self.coordinator.pk]), {"operation": "deactivate"}
        )
        self.assertRedirects(response, self.url)
        self.coordinator.refresh_from_db()
        self.assertTrue(self.coordinator.is_active)

        page = self.client.get(self.url)
        self.assertContains(page, f"Action on {self.incident.label}, due 03 Dec 2026")
        self.assertContains(page, f"{self.incident.label} (triaged)")
        self.assertNotContains(page, "Call Ava")  # the action's words are the log's, not the account page's
        self.assertContains(page, "Hand on and deactivate")

    def test_it_refuses_to_deactivate_with_work_held_and_no_one_chosen(self) -> None:
        self.login(self.head)
        response = self.client.post(self.url, {})
        self.assertContains(
            response, "Choose who takes over their open actions and incidents first.", status_code=400
        )
        self.coordinator.refresh_from_db()
        self.assertTrue(self.coordinator.is_active)

    def test_it_hands_everything_on_and_deactivates_in_one_step_audited(self) -> None:
        self.login(self.head)
        response = self.client.post(self.url, {"reassign_to": self.deputy.pk}, follow=True)
        self.assertContains(response, "Account deactivated. 2 items handed on.")
        self.coordinator.refresh_from_db()
        self.assertFalse(self.coordinator.is_active)
        self.assertEqual(IncidentAction.objects.get(pk=self.action.pk).owner, self.deputy)
        self.assertEqual(Incident.objects.get(pk=self.incident.pk).assigned, self.deputy)
        self.assertTrue(
            TimelineEntry.objects.filter(incident=self.incident, text__startswith="Action handed to").exists()
        )
        entries = set(AuditEntry.objects.values_list("action", flat=True))
        self.assertTrue(
            {"account.reassign", "account.deactivate", "incident.reassign", "incident.action.reassign"}
            <= entries
        )

    def test_it_refuses_someone_who_cannot_work_on_the_incident_and_changes_nothing(self) -> None:
        self.login(self.head)
        response = self.client.post(self.url, {"reassign_to": self.teacher2.pk})
        self.assertContains(response, f"cannot work on {self.incident.label}", status_code=400)
        self.coordinator.refresh_from_db()
        self.assertTrue(self.coordinator.is_active)
        self.assertEqual(IncidentAction.objects.get(pk=self.action.pk).owner, self.coordinator)

    def test_it_deactivates_someone_holding_nothing_after_confirming(self) -> None:
        self.login(self.head)
        page = self.client.get(reverse("user_deactivate", args=[self.teacher2.pk]))
        self.assertContains(page, "They hold no open incident actions and no incidents.")
        self.client.post(reverse("user_deactivate", args=[self.teacher2.pk]), {})
        self.teacher2.refresh_from_db()
        self.assertFalse(self.teacher2.is_active)

    def test_it_links_the_account_page_to_the_confirmation_not_a_one_click_button(self) -> None:
        self.login(self.head)
        page = self.client.get(reverse("user_detail", args=[self.coordinator.pk]))
        self.assertContains(page, f'href="{self.url}"')
        self.assertNotContains(page, 'value="deactivate"')
