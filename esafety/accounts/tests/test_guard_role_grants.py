"""Finding 1 of the security drill: whoever held ``users.manage`` could grant any role, the Headteacher's
included, to anyone, themselves included. A Deputy made themselves Head, read a restricted staff allegation,
reset the Head's password and 2FA and signed in as the Head."""

from __future__ import annotations

from django_otp.plugins.otp_totp.models import TOTPDevice

from esafety.accounts.models import Role, RoleAssignment
from esafety.core.models import OutboundEmail
from esafety.test import PASSWORD, BaseTestCase, make_user


def roles(user) -> set[str]:
    return set(RoleAssignment.objects.filter(user=user).values_list("role", flat=True))


class GuardRoleGrantsTests(BaseTestCase):
    def post(self, user, **data):
        return self.client.post(f"/accounts/users/{user.pk}/", data, follow=True)

    def test_it_stops_a_deputy_making_themselves_head(self) -> None:
        self.login(self.deputy)
        response = self.post(self.deputy, operation="roles", roles=["deputy", "teacher", "head"])
        self.assertEqual(roles(self.deputy), {"deputy", "teacher"})
        self.assertContains(response, "You cannot change your own roles")

    def test_it_stops_anyone_changing_their_own_roles_even_the_head(self) -> None:
        self.login(self.head)
        self.post(self.head, operation="roles", roles=["head", "teacher"])
        self.assertEqual(roles(self.head), {"head"})

    def test_it_stops_a_deputy_granting_or_removing_senior_roles(self) -> None:
        self.login(self.deputy)
        for senior in ("head", "deputy", "dsl", "coordinator"):
            with self.subTest(senior=senior):
                response = self.post(self.teacher, operation="roles", roles=["teacher", senior])
                self.assertEqual(roles(self.teacher), {"teacher"})
                self.assertContains(response, "Only the Headteacher can give or remove these roles")
        self.post(self.coordinator, operation="roles", roles=["teacher"])
        self.assertEqual(roles(self.coordinator), {"coordinator", "dsl", "teacher"})

    def test_it_lets_a_deputy_manage_ordinary_roles(self) -> None:
        self.login(self.deputy)
        self.post(self.teacher, operation="roles", roles=["teacher", "office"])
        self.assertEqual(roles(self.teacher), {"teacher", "office"})

    def test_it_lets_the_head_grant_and_remove_senior_roles(self) -> None:
        self.login(self.head)
        self.post(self.teacher, operation="roles", roles=["teacher", "dsl"])
        self.assertEqual(roles(self.teacher), {"teacher", "dsl"})
        self.post(self.deputy, operation="roles", roles=["teacher"])
        self.assertEqual(roles(self.deputy), {"teacher"})

    def test_it_stops_a_deputy_creating_an_account_with_a_senior_role(self) -> None:
        self.login(self.deputy)
        response = self.client.post(
            "/accounts/users/new/",
            {
                "username": "newhead",
                "first_name": "Nia",
                "last_name": "Lowe",
                "email": "n@school.example",
                "roles": ["head"],
            },
        )
        self.assertContains(response, "Only the Headteacher can give or remove these roles")
        self.assertContains(response, 'value="Lowe"')  # the form is kept
        self.assertFalse(RoleAssignment.objects.filter(user__username="newhead").exists())

    def test_it_stops_a_deputy_resetting_or_deactivating_the_head(self) -> None:
        self.login(self.deputy)
        response = self.post(self.head, operation="reset_password")
        self.assertNotIn("password", response.context or {})
        self.assertContains(response, "only the Headteacher can reset the password of this account")
        self.head.refresh_from_db()
        self.assertTrue(self.head.check_password(PASSWORD))  # the Head's password stands
        self.login(self.head)  # gives the Head a confirmed authenticator
        self.login(self.deputy)
        self.post(self.head, operation="reset_2fa")
        self.assertTrue(TOTPDevice.objects.filter(user=self.head, confirmed=True).exists())
        self.post(self.head, operation="deactivate")
        self.head.refresh_from_db()
        self.assertTrue(self.head.is_active)
        self.post(self.coordinator, operation="reset_password")
        self.coordinator.refresh_from_db()
        self.assertTrue(self.coordinator.check_password(PASSWORD))

    def test_it_lets_a_deputy_reset_a_teachers_password(self) -> None:
        self.login(self.deputy)
        response = self.post(self.teacher, operation="reset_password")
        self.assertIn("password", response.context)
        self.teacher.refresh_from_db()
        self.assertFalse(self.teacher.check_password(PASSWORD))

    def test_it_never_leaves_a_school_without_a_head(self) -> None:
        admin = make_user("trustadmin", self.school, trust=self.trust, trust_roles=(Role.TRUST_ADMIN,))
        self.login(admin)
        response = self.post(self.head, operation="roles", roles=["teacher"])
        self.assertContains(response, "the school&#x27;s only Headteacher")
        self.assertIn("head", roles(self.head))
        self.post(self.head, operation="deactivate")
        self.head.refresh_from_db()
        self.assertTrue(self.head.is_active)
        # With a second Head named first, the first may go.
        self.post(self.deputy, operation="roles", roles=["teacher", "head"])
        self.post(self.head, operation="roles", roles=["teacher"])
        self.assertEqual(roles(self.head), {"teacher"})

    def test_it_tells_every_head_about_each_role_change_and_shows_it_on_their_dashboard(self) -> None:
        second_head = make_user("head2", self.school, Role.HEAD)
        self.login(self.deputy)
        with self.captureOnCommitCallbacks(execute=True):
            self.post(self.teacher, operation="roles", roles=["teacher", "office"])
        email = OutboundEmail.objects.get(subject__startswith="Roles changed")
        self.assertEqual(sorted(email.to), sorted([self.head.email, second_head.email]))
        self.assertIn("deputy", email.body.lower())
        self.assertIn("Office staff", email.body)
        self.login(self.head)
        dashboard = self.client.get("/")
        self.assertContains(dashboard, "Role changes in the last 30 days")
        self.assertContains(dashboard, "given Office staff")
        self.login(self.deputy)
        self.assertNotContains(self.client.get("/"), "Role changes in the last 30 days")
