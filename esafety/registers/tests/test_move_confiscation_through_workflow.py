"""A confiscation from the moment it is taken to its return: authorised by the Head, linked to its incident,
searched, perhaps handed to the police, parents informed; each step audited."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.urls import reverse
from django.utils import timezone

from esafety.audit.models import AuditEntry
from esafety.incidents.models import Category, Incident
from esafety.registers.models import CONFISCATION_STEPS, Confiscation
from esafety.test import BaseTestCase

if TYPE_CHECKING:
    # The test client's response type; it exists only in django-stubs.
    from django.test.client import _MonkeyPatchedWSGIResponse as TestResponse


class TestConfiscationWorkflow(BaseTestCase):
    def setUp(self) -> None:
        self.incident = Incident.objects.create(
            school=self.school,
            number=7,
            category=Category.DEVICE_MISUSE,
            description="Filming",
            reporter=self.teacher,
        )

    def record(self) -> Confiscation:
        self.login(self.deputy)
        response = self.client.post(
            reverse("registers:new_confiscation"),
            {
                "item": "Mobile phone",
                "taken_from": str(self.pupil.pk),
                "taken_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
                "suspicion": "Seen filming other pupils",
                "authorised_by": str(self.head.pk),
                "kept_where": "Head's office safe",
                "incident": str(self.incident.pk),
            },
        )
        confiscation = Confiscation.objects.get()
        self.assertRedirects(response, reverse("registers:confiscation", args=[confiscation.pk]))
        return confiscation

    def step(self, confiscation: Confiscation, step: str, **data: str) -> TestResponse:
        return self.client.post(
            reverse("registers:confiscation_step", args=[confiscation.pk, step]),
            {f"{step}-{key}": value for key, value in data.items()},
        )

    def test_it_records_a_confiscation_authorised_by_the_head_and_linked_to_its_incident(self) -> None:
        confiscation = self.record()
        self.assertEqual(
            (confiscation.number, confiscation.status, confiscation.authorised_by, confiscation.incident),
            (1, "held", self.head, self.incident),
        )
        page = self.client.get(reverse("registers:confiscation", args=[confiscation.pk]))
        self.assertContains(page, "Incident #7")
        self.assertContains(page, "Held by the school")

    def test_it_offers_only_a_head_as_the_authoriser(self) -> None:
        self.login(self.deputy)
        response = self.client.post(
            reverse("registers:new_confiscation"), {"authorised_by": str(self.deputy.pk)}
        )
        self.assertContains(response, "Select a valid choice")
        self.assertFalse(Confiscation.objects.exists())

    def test_it_goes_from_held_through_search_and_police_to_returned(self) -> None:
        confiscation = self.record()
        self.step(confiscation, "search", searched_by="Head with Deputy", note="")
        confiscation.refresh_from_db()
        self.assertIsNone(confiscation.searched_at, "a search needs its reason")
        self.step(confiscation, "search", searched_by="Head with Deputy", note="Images of pupils found")
        # Only the Head hands a device to the police.
        self.assertEqual(
            self.step(confiscation, "hand_to_police", to="PC Lane", note="Indecent images").status_code, 403
        )
        self.login(self.head)
        self.step(confiscation, "hand_to_police", to="PC Lane, ref 44/1234", note="Indecent images")
        self.step(confiscation, "inform_parents", on="2026-11-30", note="Phoned father")
        self.step(confiscation, "return", to="Father")
        confiscation.refresh_from_db()
        self.assertEqual(confiscation.status, "returned")
        self.assertEqual(confiscation.searched_by, "Head with Deputy")
        self.assertEqual(confiscation.police_to, "PC Lane, ref 44/1234")
        self.assertEqual(str(confiscation.parents_informed_on), "2026-11-30")
        self.assertEqual(confiscation.returned_to, "Father")
        self.assertEqual(
            list(
                AuditEntry.objects.filter(action__startswith="confiscation.")
                .order_by("seq")
                .values_list("action", flat=True)
            ),
            [
                "confiscation.record",
                "confiscation.search",
                "confiscation.hand_to_police",
                "confiscation.inform_parents",
                "confiscation.return",
            ],
        )
        # Returned: nothing left to do but record the parents being told.
        page = self.client.get(reverse("registers:confiscation", args=[confiscation.pk]))
        self.assertNotContains(page, CONFISCATION_STEPS["return"].label)
        response = self.step(confiscation, "return", to="Again")
        self.assertEqual(response.status_code, 302)
        confiscation.refresh_from_db()
        self.assertEqual(confiscation.returned_to, "Father", "a step that does not apply changes nothing")

    def test_it_offers_each_role_only_its_steps(self) -> None:
        confiscation = self.record()
        page = self.client.get(reverse("registers:confiscation", args=[confiscation.pk]))
        self.assertContains(page, "Record a search")
        self.assertNotContains(page, "Hand to the police")
        self.login(self.head)
        self.assertContains(
            self.client.get(reverse("registers:confiscation", args=[confiscation.pk])), "Hand to the police"
        )
