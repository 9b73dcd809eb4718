from esafety.core.middleware import SCHOOL_SESSION_KEY
from esafety.people.models import Person
from esafety.test import BaseTestCase


class SchoolIsolationTests(BaseTestCase):
    def test_it_shows_a_user_of_another_school_none_of_this_schools_people(self) -> None:
        self.login(self.outsider)
        response = self.client.get("/people/")
        self.assertEqual(response.status_code, 200)
        self.assertNotContains(response, self.pupil.last_name)
        self.assertEqual(self.client.get(f"/people/{self.pupil.pk}/").status_code, 404)

    def test_it_ignores_a_forged_school_choice(self) -> None:
        self.login(self.outsider)
        session = self.client.session
        session[SCHOOL_SESSION_KEY] = self.school.pk
        session.save()
        self.assertEqual(self.client.get(f"/people/{self.pupil.pk}/").status_code, 404)
        self.client.post("/school/", {"school": self.school.pk, "next": "/"})
        self.assertEqual(self.client.get(f"/people/{self.pupil.pk}/").status_code, 404)

    def test_it_keeps_the_trusts_other_school_apart(self) -> None:
        self.login(self.sibling)
        self.assertEqual(self.client.get(f"/people/{self.pupil.pk}/").status_code, 404)

    def test_it_lets_a_trust_lead_switch_between_the_trusts_schools(self) -> None:
        riverside_pupil = Person.objects.create(
            school=self.sibling_school,
            kind=Person.Kind.PUPIL,
            first_name="Ned",
            last_name="Rivers",
            year_group="Year 1",
        )
        self.login(self.trust_lead)
        self.assertEqual(self.client.get(f"/people/{self.pupil.pk}/").status_code, 200)
        self.assertEqual(self.client.get(f"/people/{riverside_pupil.pk}/").status_code, 404)
        self.client.post("/school/", {"school": self.sibling_school.pk, "next": "/"})
        self.assertEqual(self.client.get(f"/people/{riverside_pupil.pk}/").status_code, 200)
        self.assertEqual(self.client.get(f"/people/{self.pupil.pk}/").status_code, 404)
        self.client.post("/school/", {"school": self.other_school.pk, "next": "/"})
        self.assertEqual(self.client.get(f"/people/{riverside_pupil.pk}/").status_code, 200)

    def test_it_scopes_the_api_to_the_callers_school(self) -> None:
        from esafety.accounts.models import ApiToken

        _, key = ApiToken.issue(self.outsider, "test", second_factor=True)
        response = self.client.get("/api/v1/people/", HTTP_AUTHORIZATION=f"Token {key}")
        self.assertEqual(response.status_code, 200)
        self.assertNotIn(self.pupil.last_name, response.content.decode())
        response = self.client.get("/api/v1/people/?school=hollybrook", HTTP_AUTHORIZATION=f"Token {key}")
        self.assertEqual(response.status_code, 403)
