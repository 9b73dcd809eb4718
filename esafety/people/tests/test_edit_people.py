from esafety.audit.models import AuditEntry
from esafety.people.models import Person
from esafety.test import BaseTestCase


class EditPeopleTests(BaseTestCase):
    def test_it_adds_a_visitor_by_hand(self) -> None:
        self.login(self.office)
        response = self.client.post(
            "/people/new/", {"kind": "visitor", "first_name": "Val", "last_name": "Itor", "mis_id": ""}
        )
        person = Person.objects.get(last_name="Itor")
        self.assertRedirects(response, f"/people/{person.pk}/")
        self.assertEqual(person.school, self.school)
        self.assertTrue(AuditEntry.objects.filter(action="person.create", object_id=str(person.pk)).exists())

    def test_it_keeps_the_form_on_a_duplicate_mis_id(self) -> None:
        self.login(self.office)
        response = self.client.post(
            "/people/new/",
            {
                "kind": "pupil",
                "first_name": "Twin",
                "last_name": "Copy",
                "year_group": "Year 2",
                "mis_id": "P1",
            },
        )
        self.assertContains(response, "already has MIS ID")
        self.assertContains(response, 'value="Copy"')

    def test_it_requires_a_year_group_for_pupils(self) -> None:
        self.login(self.office)
        response = self.client.post(
            "/people/new/", {"kind": "pupil", "first_name": "No", "last_name": "Year"}
        )
        self.assertContains(response, "Pupils need a year group")

    def test_it_refuses_editing_to_teachers_and_other_schools(self) -> None:
        self.login(self.teacher)
        self.assertEqual(self.client.get(f"/people/{self.pupil.pk}/edit/").status_code, 403)
        self.login(self.outsider)
        self.assertEqual(self.client.get(f"/people/{self.pupil.pk}/edit/").status_code, 404)


class AddSchoolCommandTests(BaseTestCase):
    def test_it_sets_up_a_school_with_its_head(self) -> None:
        from io import StringIO

        from django.core.management import call_command

        from esafety.accounts.models import RoleAssignment

        out = StringIO()
        call_command(
            "add_school",
            "Brookside Primary",
            "--trust",
            "Test Trust",
            "--head-username",
            "bhead",
            "--head-email",
            "head@brookside.example",
            stdout=out,
        )
        assignment = RoleAssignment.objects.get(user__username="bhead")
        self.assertEqual(
            (assignment.role, assignment.school.name, assignment.school.trust),
            ("head", "Brookside Primary", self.trust),
        )
        self.assertIn("Headteacher sign-in: bhead / ", out.getvalue())
