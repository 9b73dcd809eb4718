"""The report form's people picker does not hand the directory to roles that may not browse it.

Security drill finding 4: governors have no ``people.view`` (they oversee policy, not pupils), but searching the
report form's picker for a class name listed the class to them.
"""

from __future__ import annotations

from django.urls import reverse

from esafety.incidents.models import Category, Incident, IncidentPerson
from esafety.incidents.tests.helpers import IncidentTestCase


class PickPeopleWithoutDirectoryAccessTests(IncidentTestCase):
    def search(self, query: str, **extra: object) -> object:
        return self.client.post(
            reverse("incidents:new"), {"find": query, "find_people": "1", "token": "t0k3n123", **extra}
        )

    def test_it_lists_no_one_to_a_governor_for_a_class_year_or_part_of_a_name(self) -> None:
        self.login(self.governor)
        for query in ("Kestrels", "Year 2", "Ashdown", "Ava", "a", "Leo Bram"):
            with self.subTest(query=query):
                response = self.search(query)
                self.assertEqual(response.status_code, 200)
                self.assertNotContains(response, "Ashdown (")
                self.assertNotContains(response, "Bramley")
                self.assertNotContains(response, 'name="people"')

    def test_it_finds_a_person_for_a_governor_by_their_exact_full_name_without_their_class(self) -> None:
        self.login(self.governor)
        response = self.search("  leo   BRAMLEY ")
        self.assertContains(response, "Leo Bramley")
        self.assertContains(response, f'value="{self.pupil2.pk}"')
        self.assertNotContains(response, "Kestrels")
        self.assertNotContains(response, "Ava Ashdown")

    def test_it_does_not_name_people_a_governor_posts_by_id(self) -> None:
        # Ticked ids come back on the re-shown form: a governor must not enumerate the directory through them.
        self.login(self.governor)
        response = self.search("", people=[self.pupil.pk, self.pupil2.pk])
        self.assertNotContains(response, "Ashdown")
        self.assertNotContains(response, "Bramley")

    def test_it_lets_a_governor_report_without_naming_anyone_and_with_a_person_found_by_name(self) -> None:
        self.login(self.governor)
        data: dict[str, object] = {
            "category": Category.CYBERBULLYING,
            "occurred_at": "2026-03-02T10:15",
            "description": "A parent showed me messages from the class chat",
            "token": "govreport1",
            "send": "1",
            "nobody_known": "on",
            "nobody_known_reason": "I do not know the children's names",
        }
        response = self.client.post(reverse("incidents:new"), data)
        self.assertEqual(response.status_code, 302)
        incident = Incident.objects.get(idempotency_key__endswith="govreport1")
        self.assertFalse(incident.involvements.exists())

        found = self.search("Leo Bramley")
        token = found.content.decode().split(f'name="pick_{self.pupil2.pk}" value="', 1)[1].split('"', 1)[0]
        data |= {
            "token": "govreport2",
            "people": [self.pupil2.pk],
            f"role_{self.pupil2.pk}": IncidentPerson.Role.VICTIM,
            f"pick_{self.pupil2.pk}": token,
        }
        self.client.post(reverse("incidents:new"), data)
        incident = Incident.objects.get(idempotency_key__endswith="govreport2")
        self.assertEqual(
            list(incident.involvements.values_list("person", "role")), [(self.pupil2.pk, "victim")]
        )

    def test_it_still_lists_a_class_to_staff_who_may_browse_the_directory(self) -> None:
        self.login(self.teacher)
        response = self.search("Kestrels")
        self.assertContains(response, "Ava Ashdown (pupil, Year 2, Kestrels)")
        self.assertContains(response, "Leo Bramley (pupil, Year 2, Kestrels)")
