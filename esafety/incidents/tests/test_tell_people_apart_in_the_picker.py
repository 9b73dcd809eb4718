"""The report form's people picker finds the right child (issue 12, item 6).

Two pupils of one name, and a parent who shares a child's name, must never look alike; a class or a year group
finds its pupils, as the help text promises; how each person was involved is chosen, never assumed; and the
search can run as an htmx partial that leaves the rest of the form (chosen files included) alone.
"""

from __future__ import annotations

from datetime import date

from django.urls import reverse

from esafety.incidents.models import Category, Incident
from esafety.incidents.tests.helpers import IncidentTestCase
from esafety.people.models import Guardianship, Person
from esafety.test import make_person


class TellPeopleApartInThePickerTests(IncidentTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        Person.objects.filter(pk=cls.pupil.pk).update(date_of_birth=date(2019, 3, 14))
        cls.other_ava = make_person(
            cls.school,
            Person.Kind.PUPIL,
            "Ava",
            "Ashdown",
            year_group="Year 5",
            class_name="Owls",
            date_of_birth=date(2016, 10, 2),
        )
        cls.father_leo = make_person(cls.school, Person.Kind.PARENT, "Leo", "Bramley")
        Guardianship.objects.create(parent=cls.father_leo, pupil=cls.pupil2, relationship="Father")
        cls.head_of_year = make_person(
            cls.school, Person.Kind.STAFF, "Ava", "Ashdown", job_title="Head of Year 5"
        )

    def search(self, query: str, **extra: object) -> str:
        response = self.client.post(
            reverse("incidents:new"), {"find": query, "find_people": "1", "token": "t0k3n123", **extra}
        )
        self.assertEqual(response.status_code, 200)
        return response.content.decode()

    def test_it_tells_two_pupils_of_one_name_apart_by_year_class_and_birth_month(self) -> None:
        self.login(self.teacher)
        page = self.search("Ava Ashdown")
        self.assertIn("Ava Ashdown (pupil, Year 2, Kestrels, born March 2019)", page)
        self.assertIn("Ava Ashdown (pupil, Year 5, Owls, born October 2016)", page)
        self.assertIn("Ava Ashdown (staff, Head of Year 5)", page)

    def test_it_shows_a_parent_with_a_childs_name_as_the_parent_of_that_child(self) -> None:
        self.login(self.teacher)
        page = self.search("Leo Bramley")
        self.assertIn("Leo Bramley (pupil, Year 2, Kestrels)", page)
        self.assertIn("Leo Bramley (parent of Leo Bramley)", page)
        self.assertIn("Dawn Ashdown (parent of Ava Ashdown)", self.search("Dawn"))

    def test_it_numbers_two_records_that_would_otherwise_read_the_same(self) -> None:
        twin = make_person(self.school, Person.Kind.PUPIL, "Leo", "Bramley", year_group="Year 2")
        again = make_person(self.school, Person.Kind.PUPIL, "Leo", "Bramley", year_group="Year 2")
        self.login(self.teacher)
        page = self.search("Leo")
        self.assertIn(f"Leo Bramley (pupil, Year 2, record {twin.pk})", page)
        self.assertIn(f"Leo Bramley (pupil, Year 2, record {again.pk})", page)

    def test_it_tells_a_governor_the_kind_of_person_and_numbers_namesakes_without_their_class(self) -> None:
        self.login(self.governor)
        page = self.search("Ava Ashdown")
        self.assertIn("Ava Ashdown (pupil, 1 of 2)", page)
        self.assertIn("Ava Ashdown (pupil, 2 of 2)", page)
        self.assertIn("Ava Ashdown (staff)", page)
        self.assertNotIn(", Kestrels", page)
        self.assertNotIn("Owls", page)

    def test_it_finds_a_class_or_a_year_group_as_the_help_text_promises(self) -> None:
        self.login(self.teacher)
        for query in ("Year 2", "year 2", "Y2", "Yr 2", "Kestrels"):
            with self.subTest(query=query):
                page = self.search(query)
                self.assertIn("Ava Ashdown (pupil, Year 2, Kestrels, born March 2019)", page)
                self.assertIn("Leo Bramley (pupil, Year 2, Kestrels)", page)
                self.assertNotIn("Owls", page)
        page = self.search("Year 5 Ashdown")
        self.assertIn("Ava Ashdown (pupil, Year 5, Owls", page)
        self.assertNotIn("Ava Ashdown (pupil, Year 2", page)

    def test_it_offers_no_role_until_one_is_chosen(self) -> None:
        self.login(self.teacher)
        page = self.search("Bramley")
        self.assertIn(
            f'<select name="role_{self.pupil2.pk}" id="role-{self.pupil2.pk}"><option value="" selected>',
            page,
        )
        self.assertNotIn('value="other" selected', page)

    def test_it_refuses_a_ticked_person_with_no_role_and_keeps_the_report(self) -> None:
        self.login(self.teacher)
        data = {
            "category": Category.CYBERBULLYING,
            "occurred_at": "2026-03-02T10:15",
            "description": "Name-calling in the class chat",
            "token": "norole1234",
            "people": [str(self.pupil.pk), str(self.pupil2.pk)],
            f"role_{self.pupil.pk}": "victim",
            "send": "1",
        }
        response = self.client.post(reverse("incidents:new"), data)
        self.assertContains(response, "Choose how Leo Bramley was involved.", status_code=400)
        self.assertContains(response, "Name-calling in the class chat", status_code=400)
        self.assertEqual(Incident.objects.count(), 0)

        response = self.client.post(reverse("incidents:new"), data | {f"role_{self.pupil2.pk}": "subject"})
        self.assertEqual(response.status_code, 302)
        incident = Incident.objects.get()
        self.assertEqual(
            sorted(incident.involvements.values_list("person", "role")),
            sorted([(self.pupil.pk, "victim"), (self.pupil2.pk, "subject")]),
        )

    def test_it_refuses_to_add_people_to_an_incident_without_their_role(self) -> None:
        incident = self.report()
        self.login(self.coordinator)
        url = reverse("incidents:add_people", args=[incident.pk])
        response = self.client.post(url, {"people": [self.pupil2.pk]}, follow=True)
        self.assertContains(response, "No one was added. Choose how Leo Bramley was involved.")
        self.assertFalse(incident.involvements.filter(person=self.pupil2).exists())

    def test_it_answers_the_htmx_search_with_the_rows_alone_keeping_the_ticked_people(self) -> None:
        self.login(self.teacher)
        response = self.client.get(
            reverse("incidents:find_people"),
            {"find": "Owls", "people": [self.pupil.pk], f"role_{self.pupil.pk}": "victim"},
            headers={"HX-Request": "true"},
        )
        self.assertEqual(response.status_code, 200)
        page = response.content.decode()
        self.assertNotIn("<html", page)
        self.assertIn(f'value="{self.pupil.pk}" id="person-{self.pupil.pk}" checked', page)
        self.assertIn('<option value="victim" selected>', page)
        self.assertIn("Ava Ashdown (pupil, Year 5, Owls, born October 2016)", page)

    def test_it_gives_a_governor_only_exact_names_through_the_htmx_search(self) -> None:
        self.login(self.governor)
        page = self.client.get(reverse("incidents:find_people"), {"find": "Kestrels"}).content.decode()
        self.assertNotIn('name="people"', page)
        page = self.client.get(reverse("incidents:find_people"), {"find": "leo bramley"}).content.decode()
        self.assertIn(f'name="pick_{self.pupil2.pk}"', page)
        self.assertIn("Leo Bramley (pupil)", page)
        self.assertNotIn("Kestrels", page)

    def test_it_wires_the_search_box_to_the_partial_and_keeps_the_full_page_search(self) -> None:
        self.login(self.teacher)
        page = self.client.get(reverse("incidents:new")).content.decode()
        self.assertIn(f'hx-get="{reverse("incidents:find_people")}"', page)
        self.assertIn('hx-target="#people-found"', page)
        self.assertIn('name="find_people"', page)  # the no-JavaScript search still sends the form
        self.assertIn("esafety/vendor/htmx-2.0.11.min.js", page)
