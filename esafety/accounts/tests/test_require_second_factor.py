import time

from django.test import override_settings
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from esafety.audit.models import AuditEntry
from esafety.test import PASSWORD, BaseTestCase


def current_code(device: TOTPDevice) -> str:
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


@override_settings(ESAFETY_REQUIRE_2FA=True)
class SecondFactorTests(BaseTestCase):
    def test_it_holds_back_every_page_from_a_head_without_a_second_factor(self) -> None:
        self.login(self.head, verified=False)
        for path in ("/", "/audit/", "/people/"):
            response = self.client.get(path)
            self.assertEqual(response.status_code, 302, path)
            self.assertTrue(response["Location"].startswith("/accounts/2fa/?next="), path)
        self.assertEqual(self.client.get("/api/v1/me/").status_code, 403)

    def test_it_requires_it_for_each_role_the_policy_names(self) -> None:
        for user in (self.head, self.deputy, self.coordinator, self.technician, self.trust_lead):
            self.login(user, verified=False)
            self.assertEqual(self.client.get("/").status_code, 302, user.username)
        for user in (self.teacher, self.office, self.governor):
            self.login(user, verified=False)
            self.assertEqual(self.client.get("/").status_code, 200, user.username)

    @override_settings(ESAFETY_REQUIRE_2FA=False)
    def test_it_can_be_turned_off(self) -> None:
        self.login(self.head, verified=False)
        self.assertEqual(self.client.get("/audit/").status_code, 200)

    def test_it_enrols_an_authenticator_and_lets_the_head_in(self) -> None:
        self.login(self.head, verified=False)
        page = self.client.get("/accounts/2fa/?next=/audit/")
        self.assertContains(page, "Set up two-factor sign-in")
        qr = self.client.get("/accounts/2fa/qr.svg")
        self.assertEqual(qr["Content-Type"], "image/svg+xml")
        device = TOTPDevice.objects.get(user=self.head, confirmed=False)
        response = self.client.post("/accounts/2fa/", {"code": current_code(device), "next": "/audit/"})
        self.assertRedirects(response, "/audit/")
        device.refresh_from_db()
        self.assertTrue(device.confirmed)
        self.assertTrue(AuditEntry.objects.filter(action="account.2fa_enrolled", actor=self.head).exists())
        self.assertEqual(self.client.get("/audit/").status_code, 200)

    def test_it_refuses_a_wrong_code(self) -> None:
        device = TOTPDevice.objects.create(user=self.head, name="phone", confirmed=True)
        self.login(self.head, verified=False)
        wrong = f"{(int(current_code(device)) + 1) % 1000000:06d}"
        response = self.client.post("/accounts/2fa/", {"code": wrong})
        self.assertContains(response, "That code is not right")
        self.assertEqual(self.client.get("/").status_code, 302)

    def test_it_never_redirects_off_site_after_the_code(self) -> None:
        device = TOTPDevice.objects.create(user=self.head, name="phone", confirmed=True)
        self.login(self.head, verified=False)
        response = self.client.post(
            "/accounts/2fa/", {"code": current_code(device), "next": "https://evil.example/"}
        )
        self.assertRedirects(response, "/", fetch_redirect_response=False)


class SignInTests(BaseTestCase):
    def test_it_locks_an_account_after_repeated_failures(self) -> None:
        for _ in range(5):
            self.client.post("/accounts/login/", {"username": "teacher", "password": "wrong"})
        response = self.client.post("/accounts/login/", {"username": "teacher", "password": PASSWORD})
        self.assertEqual(response.status_code, 429)
        self.assertContains(response, "Too many failed sign-ins", status_code=429)
        self.assertNotIn("_auth_user_id", self.client.session)

    def test_it_signs_in_with_the_right_password(self) -> None:
        response = self.client.post("/accounts/login/", {"username": "teacher", "password": PASSWORD})
        self.assertRedirects(response, "/", fetch_redirect_response=False)

    def test_it_stores_passwords_with_argon2(self) -> None:
        self.assertTrue(self.teacher.password.startswith("argon2$argon2id$"))

    def test_it_ends_an_idle_session(self) -> None:
        self.login(self.teacher)
        session = self.client.session
        session["esafety_last_seen"] = int(time.time()) - 31 * 60
        session.save()
        response = self.client.get("/people/")
        self.assertTrue(response["Location"].startswith("/accounts/login/?next=%2Fpeople%2F&idle=1"))
        self.assertEqual(self.client.get("/").status_code, 302)

    def test_it_signs_out_on_post_only(self) -> None:
        self.login(self.teacher)
        self.assertEqual(self.client.get("/accounts/logout/").status_code, 405)
        self.client.post("/accounts/logout/")
        self.assertEqual(self.client.get("/").status_code, 302)
