"""Finding 5 of the security drill: a password reset left the user's API tokens working, the temporary password
did not have to be changed, reactivating an account revived its old tokens, and a token made before two-factor
sign-in was required kept working without it."""

from __future__ import annotations

from django.test import override_settings

from esafety.accounts.models import ApiToken, Role, RoleAssignment
from esafety.test import PASSWORD, BaseTestCase


def me(client, key: str) -> int:
    return client.get("/api/v1/me/", HTTP_AUTHORIZATION=f"Token {key}").status_code


class EndAccessOnResetTests(BaseTestCase):
    def test_it_revokes_tokens_when_the_password_is_reset(self) -> None:
        _, key = ApiToken.issue(self.teacher, "forwarder")
        self.assertEqual(me(self.client, key), 200)
        self.login(self.head)
        self.client.post(f"/accounts/users/{self.teacher.pk}/", {"operation": "reset_password"})
        self.client.logout()
        self.assertEqual(me(self.client, key), 401)

    def test_it_revokes_tokens_on_deactivation_so_reactivating_revives_none(self) -> None:
        _, key = ApiToken.issue(self.teacher, "forwarder")
        self.login(self.head)
        self.client.post(f"/accounts/users/{self.teacher.pk}/", {"operation": "deactivate"})
        self.client.post(f"/accounts/users/{self.teacher.pk}/", {"operation": "activate"})
        self.client.logout()
        self.assertEqual(me(self.client, key), 401)

    def test_it_makes_the_owner_choose_a_new_password_after_an_admin_set_one(self) -> None:
        self.login(self.head)
        password = self.client.post(
            f"/accounts/users/{self.teacher.pk}/", {"operation": "reset_password"}
        ).context["password"]
        self.client.logout()
        self.client.post("/accounts/login/", {"username": "teacher", "password": password})
        response = self.client.get("/incidents/new/")
        self.assertRedirects(response, "/accounts/password/")
        self.assertEqual(self.client.get("/api/v1/me/").status_code, 403)
        self.client.post(
            "/accounts/password/",
            {
                "old_password": password,
                "new_password1": "a new passphrase of mine 7",
                "new_password2": "a new passphrase of mine 7",
            },
        )
        self.assertEqual(self.client.get("/incidents/new/").status_code, 200)
        self.teacher.refresh_from_db()
        self.assertFalse(self.teacher.must_change_password)

    def test_it_asks_a_new_account_for_its_own_password_at_first_sign_in(self) -> None:
        self.login(self.head)
        response = self.client.post(
            "/accounts/users/new/",
            {
                "username": "newbie",
                "first_name": "Nia",
                "last_name": "Lowe",
                "email": "n@school.example",
                "roles": ["teacher"],
            },
        )
        self.client.logout()
        self.client.post("/accounts/login/", {"username": "newbie", "password": response.context["password"]})
        self.assertRedirects(self.client.get("/"), "/accounts/password/")

    @override_settings(ESAFETY_REQUIRE_2FA=True)
    def test_it_stops_a_token_from_before_two_factor_applied_until_the_owner_passes_it(self) -> None:
        _, key = ApiToken.issue(self.teacher, "forwarder")  # a teacher needs no second factor
        self.assertEqual(me(self.client, key), 200)
        RoleAssignment.objects.create(user=self.teacher, role=Role.DSL, school=self.school)  # now they do
        self.assertEqual(me(self.client, key), 401)
        # Passing a two-factor check (here: enrolling an authenticator) vouches for the key again.
        from django_otp.oath import totp
        from django_otp.plugins.otp_totp.models import TOTPDevice

        self.client.force_login(self.teacher)
        self.client.get("/accounts/2fa/")
        device = TOTPDevice.objects.get(user=self.teacher, confirmed=False)
        self.client.post("/accounts/2fa/", {"code": f"{totp(device.bin_key):06d}"})
        self.client.logout()
        self.assertEqual(me(self.client, key), 200)
        self.assertTrue(self.teacher.check_password(PASSWORD))
