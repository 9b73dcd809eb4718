from django.test import Client

from esafety.accounts.models import Role, RoleAssignment, User
from esafety.audit.models import AuditEntry
from esafety.test import BaseTestCase


def can_sign_in(username: str, password: str) -> bool:
    response = Client().post("/accounts/login/", {"username": username, "password": password})
    return response.status_code == 302


class ManageAccountsTests(BaseTestCase):
    def test_it_creates_an_account_with_roles_and_a_one_time_password(self) -> None:
        self.login(self.head)
        response = self.client.post(
            "/accounts/users/new/",
            {
                "username": "newteacher",
                "first_name": "Nia",
                "last_name": "Lowe",
                "email": "n.lowe@school.example",
                "roles": ["teacher"],
            },
        )
        password = response.context["password"]
        user = User.objects.get(username="newteacher")
        self.assertEqual(
            list(user.role_assignments.values_list("role", "school")), [("teacher", self.school.pk)]
        )
        self.assertTrue(can_sign_in("newteacher", password))
        self.assertTrue(AuditEntry.objects.filter(action="account.create", object_id=str(user.pk)).exists())

    def test_it_keeps_the_form_when_the_user_name_is_taken(self) -> None:
        self.login(self.head)
        response = self.client.post(
            "/accounts/users/new/",
            {"username": "TEACHER", "first_name": "Nia", "last_name": "Lowe", "email": "n@school.example"},
        )
        self.assertContains(response, "That user name is taken")
        self.assertContains(response, 'value="Lowe"')

    def test_it_changes_roles_and_audits_the_difference(self) -> None:
        self.login(self.head)
        self.client.post(
            f"/accounts/users/{self.teacher.pk}/", {"operation": "roles", "roles": ["teacher", "office"]}
        )
        roles = set(RoleAssignment.objects.filter(user=self.teacher).values_list("role", flat=True))
        self.assertEqual(roles, {"teacher", "office"})
        entry = AuditEntry.objects.filter(action="account.roles").latest("seq")
        self.assertEqual(entry.detail, {"added": ["office"], "removed": []})

    def test_it_stops_a_head_removing_their_own_head_role(self) -> None:
        self.login(self.head)
        self.client.post(f"/accounts/users/{self.head.pk}/", {"operation": "roles", "roles": ["teacher"]})
        self.assertTrue(RoleAssignment.objects.filter(user=self.head, role=Role.HEAD).exists())

    def test_it_deactivates_an_account_so_it_can_no_longer_sign_in(self) -> None:
        self.login(self.head)
        self.client.post(f"/accounts/users/{self.teacher2.pk}/", {"operation": "deactivate"})
        from esafety.test import PASSWORD

        self.assertFalse(can_sign_in("teacher2", PASSWORD))

    def test_it_hides_other_schools_accounts_and_refuses_non_heads(self) -> None:
        self.login(self.head)
        self.assertEqual(self.client.get(f"/accounts/users/{self.outsider.pk}/").status_code, 404)
        self.assertNotContains(self.client.get("/accounts/users/"), "outsider")
        self.login(self.coordinator)
        self.assertEqual(self.client.get("/accounts/users/").status_code, 403)

    def test_it_lets_a_user_change_their_own_password(self) -> None:
        from esafety.test import PASSWORD

        self.login(self.teacher)
        self.client.post(
            "/accounts/password/",
            {
                "old_password": PASSWORD,
                "new_password1": "a much longer passphrase 42",
                "new_password2": "a much longer passphrase 42",
            },
        )
        self.assertTrue(can_sign_in("teacher", "a much longer passphrase 42"))
        self.assertTrue(AuditEntry.objects.filter(action="account.change_password").exists())
