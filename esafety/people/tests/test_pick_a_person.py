"""A person is chosen by searching, not by scrolling a drop-down of the whole school (issue 12, item 7).

The enhanced-monitoring form and the document upload listed all 435 people of the demo school in one
``<select>``; every single-person field now uses the one picker of ``esafety.people.picker``.
"""

from __future__ import annotations

from datetime import date

from django.urls import reverse

from esafety.monitoring.models import EnhancedMonitoring
from esafety.people.models import Person
from esafety.test import BaseTestCase, make_person


class PickAPersonTests(BaseTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        for number in range(40):
            make_person(cls.school, Person.Kind.PUPIL, f"Pupil{number}", "Crowd", year_group="Year 4")
        cls.namesake = make_person(
            cls.school, Person.Kind.PUPIL, "Ava", "Ashdown", year_group="Year 6", class_name="Hawks"
        )

    def form_data(self, **extra: object) -> dict[str, object]:
        return {
            "reason": "Disclosed worries about an online contact",
            "starts": date.today().isoformat(),
            "ends": date.today().replace(year=date.today().year + 1).isoformat(),
            "threshold": "3",
            **extra,
        }

    def test_it_shows_a_search_box_not_a_drop_down_of_everyone(self) -> None:
        self.login(self.coordinator)
        for url in (reverse("monitoring:enhanced"), reverse("monitoring:upload")):
            with self.subTest(url=url):
                page = self.client.get(url).content.decode()
                self.assertNotIn('<select name="person"', page)
                self.assertNotIn("Pupil7 Crowd", page)
                self.assertIn('name="person__find"', page)
                self.assertIn(f'hx-get="{reverse("people:pick")}"', page)

    def test_it_searches_without_javascript_keeping_what_was_typed_and_saving_nothing(self) -> None:
        self.login(self.coordinator)
        response = self.client.post(
            reverse("monitoring:enhanced"),
            self.form_data(person__find="Ashdown", _picker_search="person"),
        )
        page = response.content.decode()
        self.assertIn("Ava Ashdown (pupil, Year 2, Kestrels)", page)
        self.assertIn("Ava Ashdown (pupil, Year 6, Hawks)", page)
        self.assertIn("Disclosed worries about an online contact", page)
        self.assertNotIn("errorlist", page)
        self.assertFalse(EnhancedMonitoring.objects.exists())

    def test_it_saves_the_person_chosen_from_the_results(self) -> None:
        self.login(self.coordinator)
        response = self.client.post(reverse("monitoring:enhanced"), self.form_data(person=self.namesake.pk))
        self.assertEqual(response.status_code, 302)
        self.assertEqual(EnhancedMonitoring.objects.get().person, self.namesake)

    def test_it_asks_for_a_person_in_words_when_none_was_chosen(self) -> None:
        self.login(self.coordinator)
        response = self.client.post(reverse("monitoring:enhanced"), self.form_data())
        self.assertContains(response, "Search for the person and choose them from the list.")
        self.assertFalse(EnhancedMonitoring.objects.exists())

    def test_it_keeps_the_chosen_person_when_searching_again(self) -> None:
        self.login(self.coordinator)
        response = self.client.post(
            reverse("monitoring:enhanced"),
            self.form_data(person=self.namesake.pk, person__find="Crowd", _picker_search="person"),
        )
        page = response.content.decode()
        self.assertIn(f'value="{self.namesake.pk}" checked', page)
        self.assertIn("Pupil0 Crowd (pupil, Year 4)", page)

    def test_it_answers_the_htmx_search_with_rows_of_the_kinds_asked_for(self) -> None:
        self.login(self.teacher)
        response = self.client.get(
            reverse("people:pick"), {"field": "taken_from", "taken_from__find": "Y2", "kinds": "pupil"}
        )
        page = response.content.decode()
        self.assertNotIn("<html", page)
        self.assertIn('name="taken_from"', page)
        self.assertIn("Leo Bramley (pupil, Year 2, Kestrels)", page)
        self.assertNotIn("Hawks", page)
        response = self.client.get(reverse("people:pick"), {"field": "person", "person__find": "Ashdown"})
        self.assertIn("Dawn Ashdown (parent of Ava Ashdown)", response.content.decode())
        response = self.client.get(
            reverse("people:pick"), {"field": "person", "person__find": "Ashdown", "kinds": "pupil"}
        )
        self.assertNotIn("Dawn Ashdown", response.content.decode())

    def test_it_refuses_the_htmx_search_to_a_governor(self) -> None:
        self.login(self.governor)
        response = self.client.get(reverse("people:pick"), {"person__find": "Ashdown"})
        self.assertEqual(response.status_code, 403)

    def test_it_uses_the_picker_on_every_long_person_field(self) -> None:
        from esafety.filtering.forms import RequestForm
        from esafety.governance.forms import HoldForm
        from esafety.monitoring.forms import EnhancedMonitoringForm, UploadForm
        from esafety.people.picker import PersonPickerField
        from esafety.registers.forms import (
            AccountForm,
            ConfiscationForm,
            ExceptionForm,
            IssueDeviceForm,
            PhotoAuthorisationForm,
        )

        forms = [
            (EnhancedMonitoringForm(school=self.school), "person"),
            (UploadForm(school=self.school), "person"),
            (RequestForm(school=self.school), "person"),
            (HoldForm(school=self.school, record_types=[]), "person"),
            (AccountForm(school=self.school), "person"),
            (IssueDeviceForm(school=self.school), "person"),
            (ExceptionForm(school=self.school), "person"),
            (ConfiscationForm(school=self.school), "taken_from"),
            (PhotoAuthorisationForm(school=self.school), "staff"),
        ]
        for form, name in forms:
            with self.subTest(form=type(form).__name__):
                self.assertIsInstance(form.fields[name], PersonPickerField)
