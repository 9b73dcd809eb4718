"""Who a provider's verified identity signs in as, the two-factor rule after single sign-on, password sign-in
switched off per school, and the sign-in settings page. (The ID token checks are in
test_check_sign_in_provider_tokens.py; the whole journey through a real provider is e2e/test_sso_journey.py.)"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any
from unittest import mock

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.contrib.sessions.middleware import SessionMiddleware
from django.http import HttpRequest, HttpResponse
from django.test import RequestFactory, override_settings

from esafety.accounts import actions, sso
from esafety.accounts.models import ProviderSecondFactor, SignInPolicy, SignInProvider, User
from esafety.audit.models import AuditEntry
from esafety.core.models import OutboundEmail
from esafety.test import PASSWORD, BaseTestCase

if TYPE_CHECKING:
    # The test client's response type; it exists only in django-stubs.
    from django.test.client import _MonkeyPatchedWSGIResponse as TestResponse

TENANT = "0b5c2a3e-1f4d-4b6a-9c8e-7d6f5e4a3b2c"


def callback_request() -> HttpRequest:
    request = RequestFactory().get("/accounts/sso/callback/")
    SessionMiddleware(lambda r: HttpResponse()).process_request(request)
    request.user = AnonymousUser()
    return request


class SsoTestCase(BaseTestCase):
    provider: SignInProvider

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.provider = SignInProvider.objects.create(
            school=cls.school,
            kind=SignInProvider.Kind.MICROSOFT,
            tenant=TENANT,
            client_id="esafety-hollybrook",
            secret_variable="ESAFETY_SSO_SECRET_HOLLYBROOK",
        )

    def sign_in(self, email: str, **claims: Any) -> tuple[HttpRequest, User]:
        request = callback_request()
        user = actions.sign_in_with_provider(request, self.provider, {"tid": TENANT, **claims}, email)
        return request, user

    def refusal(self, email: str, provider: SignInProvider | None = None) -> str:
        if provider is not None:
            self.provider = provider
        with self.assertRaises(sso.Refused) as caught:
            self.sign_in(email)
        return caught.exception.reason

    def use_session_of(self, request: HttpRequest) -> None:
        request.session.save()
        self.client.cookies[settings.SESSION_COOKIE_NAME] = request.session.session_key


class MatchAccountTests(SsoTestCase):
    def test_it_signs_in_the_member_of_staff_with_that_e_mail(self) -> None:
        request, user = self.sign_in("TEACHER@school.example")
        self.assertEqual(user, self.teacher)
        self.assertEqual(request.session["_auth_user_id"], str(self.teacher.pk))
        entry = AuditEntry.objects.get(action="account.sso_sign_in")
        self.assertEqual(entry.actor, self.teacher)
        self.assertEqual(
            entry.detail, {"kind": "microsoft", "provider": self.provider.pk, "second_factor": False}
        )

    def test_it_never_signs_in_staff_of_another_school(self) -> None:
        self.assertEqual(self.refusal("outsider@school.example"), "unknown_account")
        self.assertEqual(self.refusal("sibling@school.example"), "unknown_account")

    def test_it_signs_in_any_school_of_the_trust_through_a_trust_provider(self) -> None:
        trust_provider = SignInProvider.objects.create(
            trust=self.trust,
            kind=SignInProvider.Kind.MICROSOFT,
            tenant=TENANT,
            client_id="esafety-trust",
            secret_variable="ESAFETY_SSO_SECRET_TRUST",
        )
        self.provider = trust_provider
        self.assertEqual(self.sign_in("sibling@school.example")[1], self.sibling)
        self.assertEqual(self.refusal("outsider@school.example"), "unknown_account")

    def test_it_refuses_a_deactivated_account(self) -> None:
        User.objects.filter(pk=self.teacher.pk).update(is_active=False)
        self.assertEqual(self.refusal("teacher@school.example"), "unknown_account")

    def test_it_refuses_when_two_accounts_share_the_address(self) -> None:
        User.objects.filter(pk=self.teacher2.pk).update(email="teacher@school.example")
        self.assertEqual(self.refusal("teacher@school.example"), "ambiguous_email")

    def test_it_makes_no_account_for_an_unknown_person_by_default(self) -> None:
        self.assertEqual(self.refusal("new.starter@school.example"), "unknown_account")
        self.assertFalse(User.objects.filter(email="new.starter@school.example").exists())

    def test_it_makes_an_account_with_no_roles_where_the_school_allows_it(self) -> None:
        SignInPolicy.objects.create(school=self.school, create_accounts=True)
        _, user = self.sign_in("new.starter@school.example", given_name="Nia", family_name="Starter")
        self.assertEqual((user.school, user.get_full_name()), (self.school, "Nia Starter"))
        self.assertFalse(user.role_assignments.exists())
        self.assertFalse(user.has_usable_password())
        self.assertTrue(AuditEntry.objects.filter(action="account.create", object_id=str(user.pk)).exists())


@override_settings(ESAFETY_REQUIRE_2FA=True)
class SecondFactorAfterSsoTests(SsoTestCase):
    def test_it_lets_the_providers_mfa_stand_for_the_second_factor(self) -> None:
        request, _ = self.sign_in("head@school.example", amr=["pwd", "mfa"])
        self.use_session_of(request)
        self.assertEqual(self.client.get("/audit/").status_code, 200)
        self.assertTrue(ProviderSecondFactor.objects.filter(user=self.head, provider=self.provider).exists())
        self.head.refresh_from_db()
        self.assertIsNotNone(self.head.second_factor_passed)

    def test_it_still_asks_for_esafetys_code_without_the_providers_mfa(self) -> None:
        request, _ = self.sign_in("head@school.example", amr=["pwd"])
        self.use_session_of(request)
        response = self.client.get("/audit/")
        self.assertEqual(response.status_code, 302)
        self.assertTrue(response["Location"].startswith("/accounts/2fa/"))

    def test_it_still_enrols_an_authenticator_for_password_sign_in_after_an_mfa_sign_in(self) -> None:
        self.sign_in("head@school.example", amr=["mfa"])
        self.login(self.head, verified=False)
        self.assertContains(self.client.get("/accounts/2fa/"), "Set up two-factor sign-in")


class PasswordsOffTests(SsoTestCase):
    def test_it_refuses_a_right_password_where_the_school_switched_passwords_off(self) -> None:
        SignInPolicy.objects.create(school=self.school, passwords_allowed=False)
        response = self.client.post("/accounts/login/", {"username": "teacher", "password": PASSWORD})
        self.assertContains(response, "Hollybrook Primary signs in with single sign-on only")
        self.assertContains(response, "“Sign in with Microsoft”")
        self.assertContains(response, f'href="/accounts/sso/{self.provider.pk}/start/')
        self.assertNotIn("_auth_user_id", self.client.session)
        self.assertTrue(AuditEntry.objects.filter(action="account.password_refused").exists())

    def test_it_keeps_passwords_for_other_schools(self) -> None:
        SignInPolicy.objects.create(school=self.school, passwords_allowed=False)
        response = self.client.post("/accounts/login/", {"username": "sibling", "password": PASSWORD})
        self.assertRedirects(response, "/", fetch_redirect_response=False)

    def test_it_keeps_the_break_glass_password_of_a_superuser(self) -> None:
        SignInPolicy.objects.create(school=self.school, passwords_allowed=False)
        User.objects.filter(pk=self.head.pk).update(is_superuser=True)
        response = self.client.post("/accounts/login/", {"username": "head", "password": PASSWORD})
        self.assertRedirects(response, "/", fetch_redirect_response=False)

    def test_it_shows_the_providers_buttons_on_the_sign_in_page(self) -> None:
        SignInProvider.objects.create(
            school=self.school,
            kind=SignInProvider.Kind.OIDC,
            name="LGfL",
            issuer_url="https://id.lgfl.example",
            client_id="c",
            secret_variable="ESAFETY_SSO_SECRET_LGFL",
        )
        page = self.client.get("/accounts/login/")
        self.assertContains(page, "Sign in with Microsoft</a>", html=False)
        self.assertContains(page, "Sign in with LGfL</a>", html=False)

    def test_it_names_the_school_or_trust_on_the_buttons_when_several_own_providers(self) -> None:
        SignInProvider.objects.create(
            trust=self.trust,
            kind=SignInProvider.Kind.GOOGLE,
            tenant="trust.example",
            client_id="c",
            secret_variable="ESAFETY_SSO_SECRET_TRUST",
        )
        page = self.client.get("/accounts/login/")
        self.assertContains(page, "Sign in with Microsoft (Hollybrook Primary)</a>", html=False)
        self.assertContains(page, "Sign in with Google (Test Trust)</a>", html=False)


class SignInSettingsTests(SsoTestCase):
    def add(self, **fields: str) -> TestResponse:
        data = {
            "operation": "add",
            "kind": "google",
            "tenant": "hollybrook.sch.example",
            "client_id": "1234.apps.googleusercontent.com",
            "secret_variable": "ESAFETY_SSO_SECRET_GOOGLE",
            "enabled": "on",
            **fields,
        }
        return self.client.post("/accounts/sign-in-settings/", data)

    def test_it_adds_a_google_provider_and_tells_the_heads(self) -> None:
        self.login(self.technician)
        self.assertRedirects(self.add(), "/accounts/sign-in-settings/")
        provider = SignInProvider.objects.get(kind="google")
        self.assertEqual((provider.school, provider.tenant), (self.school, "hollybrook.sch.example"))
        self.assertTrue(AuditEntry.objects.filter(action="sso.provider_add", actor=self.technician).exists())
        email = OutboundEmail.objects.get(subject="Single sign-on changed at Hollybrook Primary")
        self.assertIn("head@school.example", email.to)

    def test_it_refuses_a_secret_variable_outside_esafety_sso(self) -> None:
        self.login(self.head)
        response = self.add(secret_variable="SECRET_KEY")
        self.assertContains(response, "starts with ESAFETY_SSO_")
        self.assertFalse(SignInProvider.objects.filter(kind="google").exists())

    def test_it_asks_for_the_entra_tenant_id_not_a_domain(self) -> None:
        self.login(self.head)
        response = self.add(kind="microsoft", tenant="hollybrook.onmicrosoft.com")
        self.assertContains(response, "directory (tenant) ID")

    def test_it_never_shows_a_client_secret(self) -> None:
        self.login(self.head)
        with mock.patch.dict(os.environ, {"ESAFETY_SSO_SECRET_HOLLYBROOK": "s3cr3t-value-never-shown"}):
            page = self.client.get("/accounts/sign-in-settings/")
        self.assertContains(page, "ESAFETY_SSO_SECRET_HOLLYBROOK")
        self.assertNotContains(page, "s3cr3t-value-never-shown")

    def test_it_switches_passwords_off_only_with_a_provider(self) -> None:
        self.login(self.head)
        self.client.post("/accounts/sign-in-settings/", {"operation": "policy"})
        self.assertFalse(SignInPolicy.for_school(self.school).passwords_allowed)
        self.provider.delete()
        SignInPolicy.objects.filter(school=self.school).update(passwords_allowed=True)
        response = self.client.post("/accounts/sign-in-settings/", {"operation": "policy"}, follow=True)
        self.assertContains(response, "Add a sign-in provider before switching passwords off.")
        self.assertTrue(SignInPolicy.for_school(self.school).passwords_allowed)

    def test_it_leaves_a_trust_provider_to_the_trust_administrator(self) -> None:
        trust_provider = SignInProvider.objects.create(
            trust=self.trust,
            kind=SignInProvider.Kind.GOOGLE,
            tenant="trust.example",
            client_id="trust",
            secret_variable="ESAFETY_SSO_SECRET_TRUST",
        )
        self.login(self.head)
        response = self.client.post(
            "/accounts/sign-in-settings/", {"operation": "remove", "provider": trust_provider.pk}
        )
        self.assertEqual(response.status_code, 404)
        self.assertTrue(SignInProvider.objects.filter(pk=trust_provider.pk).exists())


class CallbackTests(SsoTestCase):
    def test_it_refuses_and_audits_a_callback_no_sign_in_started(self) -> None:
        response = self.client.get("/accounts/sso/callback/?code=abc&state=forged")
        self.assertContains(response, "This sign-in was not started here", status_code=403)
        entry = AuditEntry.objects.get(action="account.sso_refused")
        self.assertEqual(entry.detail["reason"], "bad_state")
        self.assertNotIn("abc", str(entry.detail))
