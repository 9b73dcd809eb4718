"""Finding 2 of the security drill: ``/accounts/users/<id>/`` finds any user with a role at the current school,
and a password reset, 2FA reset or deactivation applies to the whole account. A Head of one school took over an
account that was also the Co-ordinator at another school and read that school's incidents and alerts."""

from __future__ import annotations

from django_otp.plugins.otp_totp.models import TOTPDevice

from esafety.accounts.models import Role, RoleAssignment
from esafety.test import PASSWORD, BaseTestCase, make_user


class KeepSharedAccountsWithTheTrustTests(BaseTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        # Teaches at Hollybrook, and is the Co-ordinator at Riverside.
        cls.shared = make_user("shared", cls.sibling_school, Role.COORDINATOR)
        RoleAssignment.objects.create(user=cls.shared, role=Role.TEACHER, school=cls.school)
        cls.trust_admin = make_user(
            "trustadmin", cls.school, trust=cls.trust, trust_roles=(Role.TRUST_ADMIN,)
        )

    def post(self, **data):
        return self.client.post(f"/accounts/users/{self.shared.pk}/", data, follow=True)

    def test_it_refuses_one_schools_head_a_password_reset_of_a_shared_account(self) -> None:
        self.login(self.head)
        response = self.post(operation="reset_password")
        self.assertContains(response, "also works at another school")
        self.shared.refresh_from_db()
        self.assertTrue(self.shared.check_password(PASSWORD))

    def test_it_refuses_one_schools_head_a_2fa_reset_or_deactivation_of_a_shared_account(self) -> None:
        self.login(self.shared)
        self.login(self.head)
        self.post(operation="reset_2fa")
        self.assertTrue(TOTPDevice.objects.filter(user=self.shared, confirmed=True).exists())
        self.post(operation="deactivate")
        self.shared.refresh_from_db()
        self.assertTrue(self.shared.is_active)

    def test_it_lets_the_school_change_only_its_own_roles_of_a_shared_account(self) -> None:
        self.login(self.head)
        self.post(operation="roles", roles=["teacher", "office"])
        self.assertEqual(
            set(RoleAssignment.objects.filter(user=self.shared).values_list("role", "school")),
            {
                ("teacher", self.school.pk),
                ("office", self.school.pk),
                ("coordinator", self.sibling_school.pk),
            },
        )

    def test_it_lets_a_trust_administrator_reset_a_shared_account(self) -> None:
        self.login(self.trust_admin)
        response = self.post(operation="reset_password")
        self.assertIn("password", response.context)
        self.shared.refresh_from_db()
        self.assertFalse(self.shared.check_password(PASSWORD))
        self.assertTrue(self.shared.must_change_password)

    def test_it_refuses_a_trust_administrator_an_account_that_also_works_in_another_trust(self) -> None:
        RoleAssignment.objects.create(user=self.shared, role=Role.TEACHER, school=self.other_school)
        self.login(self.trust_admin)
        self.post(operation="reset_password")
        self.shared.refresh_from_db()
        self.assertTrue(self.shared.check_password(PASSWORD))

    def test_it_treats_a_trust_wide_role_as_working_elsewhere(self) -> None:
        self.login(self.head)
        self.client.post(f"/accounts/users/{self.trust_lead.pk}/", {"operation": "reset_password"})
        self.trust_lead.refresh_from_db()
        self.assertTrue(self.trust_lead.check_password(PASSWORD))

    def test_it_still_hides_accounts_with_no_role_at_this_school(self) -> None:
        self.login(self.head)
        self.assertEqual(self.client.get(f"/accounts/users/{self.sibling.pk}/").status_code, 404)
