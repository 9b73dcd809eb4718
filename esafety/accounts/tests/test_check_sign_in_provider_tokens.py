"""The ID token checks of single sign-on, with tokens signed here by a key made for the test: PyJWT's own
verification runs on them (nothing is mocked). Expected refusals are the issue's: a wrong audience, an expired
token, an unverified e-mail, a user of another tenant or domain, a bad nonce; and the forgeries a relying party
must refuse (another key, "none", HS256 signed with the public key)."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
from typing import Any

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from django.test import SimpleTestCase, override_settings

from esafety.accounts import sso
from esafety.accounts.models import SignInProvider

TENANT = "0b5c2a3e-1f4d-4b6a-9c8e-7d6f5e4a3b2c"
OTHER_TENANT = "9f8e7d6c-5b4a-4392-8172-6a5b4c3d2e1f"
ISSUER = f"https://login.microsoftonline.com/{TENANT}/v2.0"
CLIENT = "esafety-hollybrook"
NONCE = "n-0S6_WzA2Mj"

KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)
OTHER_KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)


def entra_claims(**changes: Any) -> dict[str, Any]:
    now = int(time.time())
    claims = {
        "iss": ISSUER,
        "aud": CLIENT,
        "sub": "AAAAAAAAAAAAAAAAAAAAAIkzqFVrSaSaFHy782bbtaQ",
        "iat": now,
        "nbf": now,
        "exp": now + 3600,
        "nonce": NONCE,
        "tid": TENANT,
        "preferred_username": "Teacher@School.example",
        "name": "Teacher Tester",
    }
    claims.update(changes)
    return {key: value for key, value in claims.items() if value is not None}


def signed(claims: dict[str, Any], key: Any = KEY, algorithm: str = "RS256") -> str:
    return jwt.encode(claims, key, algorithm=algorithm, headers={"kid": "test"})


def b64(data: bytes) -> bytes:
    return base64.urlsafe_b64encode(data).rstrip(b"=")


def microsoft() -> SignInProvider:
    return SignInProvider(kind=SignInProvider.Kind.MICROSOFT, tenant=TENANT, client_id=CLIENT)


def google() -> SignInProvider:
    return SignInProvider(kind=SignInProvider.Kind.GOOGLE, tenant="school.example", client_id=CLIENT)


@override_settings(ESAFETY_SSO_MICROSOFT_AUTHORITY="https://login.microsoftonline.com")
class IdTokenTests(SimpleTestCase):
    def verify(self, token: str, *, nonce: str = NONCE, key: Any = None) -> dict[str, Any]:
        return sso.verify_id_token(
            token,
            key=key or KEY.public_key(),
            issuer=sso.expected_issuer(microsoft()),
            client_id=CLIENT,
            nonce=nonce,
        )

    def refusal(self, token: str, **kwargs: Any) -> str:
        with self.assertRaises(sso.Refused) as caught:
            self.verify(token, **kwargs)
        return caught.exception.reason

    def test_it_accepts_a_token_for_this_school_from_its_tenant(self) -> None:
        claims = self.verify(signed(entra_claims()))
        self.assertEqual(sso.vouched_email(microsoft(), claims), "teacher@school.example")

    def test_it_expects_the_tenants_v2_issuer(self) -> None:
        self.assertEqual(
            sso.expected_issuer(microsoft()),
            "https://login.microsoftonline.com/0b5c2a3e-1f4d-4b6a-9c8e-7d6f5e4a3b2c/v2.0",
        )
        self.assertEqual(sso.expected_issuer(google()), "https://accounts.google.com")

    def test_it_refuses_a_token_for_another_audience(self) -> None:
        self.assertEqual(self.refusal(signed(entra_claims(aud="some-other-app"))), "wrong_audience")

    def test_it_refuses_a_token_passed_on_by_another_client(self) -> None:
        token = signed(entra_claims(aud=[CLIENT, "other"], azp="other"))
        self.assertEqual(self.refusal(token), "wrong_audience")

    def test_it_refuses_an_expired_token(self) -> None:
        past = int(time.time()) - 7200
        token = signed(entra_claims(iat=past, nbf=past, exp=past + 3600))
        self.assertEqual(self.refusal(token), "expired_token")

    def test_it_allows_a_minute_of_clock_difference(self) -> None:
        now = int(time.time())
        self.verify(signed(entra_claims(exp=now - 30)))

    def test_it_refuses_a_token_without_an_expiry(self) -> None:
        self.assertEqual(self.refusal(signed(entra_claims(exp=None))), "invalid_token")

    def test_it_refuses_a_token_from_another_issuer(self) -> None:
        token = signed(entra_claims(iss=f"https://login.microsoftonline.com/{OTHER_TENANT}/v2.0"))
        self.assertEqual(self.refusal(token), "wrong_issuer")

    def test_it_refuses_a_token_signed_with_another_key(self) -> None:
        self.assertEqual(self.refusal(signed(entra_claims(), key=OTHER_KEY)), "bad_signature")

    def test_it_refuses_an_unsigned_token(self) -> None:
        self.assertEqual(self.refusal(jwt.encode(entra_claims(), None, algorithm="none")), "invalid_token")

    def test_it_refuses_a_token_signed_with_the_public_key_as_a_shared_secret(self) -> None:
        # The classic algorithm confusion: HS256 keyed with the provider's public key, which anyone can fetch.
        # PyJWT will not sign that, so the forgery is built by hand.
        public_pem = KEY.public_key().public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        )
        header = b64(json.dumps({"alg": "HS256", "typ": "JWT"}).encode())
        payload = b64(json.dumps(entra_claims()).encode())
        signature = b64(hmac.new(public_pem, header + b"." + payload, hashlib.sha256).digest())
        forged = (header + b"." + payload + b"." + signature).decode()
        self.assertEqual(self.refusal(forged), "invalid_token")

    def test_it_refuses_a_token_with_another_nonce(self) -> None:
        self.assertEqual(self.refusal(signed(entra_claims(nonce="replayed"))), "bad_nonce")

    def test_it_refuses_a_token_without_a_nonce(self) -> None:
        self.assertEqual(self.refusal(signed(entra_claims(nonce=None))), "bad_nonce")


class ClaimTests(SimpleTestCase):
    def refusal(self, provider: SignInProvider, claims: dict[str, Any]) -> str:
        with self.assertRaises(sso.Refused) as caught:
            sso.vouched_email(provider, claims)
        return caught.exception.reason

    def test_it_refuses_a_user_of_another_tenant(self) -> None:
        self.assertEqual(self.refusal(microsoft(), entra_claims(tid=OTHER_TENANT)), "wrong_tenant")

    def test_it_prefers_entras_email_claim_to_the_sign_in_name(self) -> None:
        claims = entra_claims(email="t.tester@school.example")
        self.assertEqual(sso.vouched_email(microsoft(), claims), "t.tester@school.example")

    def test_it_refuses_a_google_account_of_another_domain(self) -> None:
        claims = {"email": "someone@gmail.com", "email_verified": True}
        self.assertEqual(self.refusal(google(), claims), "wrong_domain")
        claims = {"email": "head@other.example", "email_verified": True, "hd": "other.example"}
        self.assertEqual(self.refusal(google(), claims), "wrong_domain")

    def test_it_accepts_a_verified_google_account_of_the_school(self) -> None:
        claims = {"email": "Head@school.example", "email_verified": True, "hd": "school.example"}
        self.assertEqual(sso.vouched_email(google(), claims), "head@school.example")

    def test_it_refuses_an_unverified_e_mail(self) -> None:
        claims = {"email": "head@school.example", "email_verified": False, "hd": "school.example"}
        self.assertEqual(self.refusal(google(), claims), "unverified_email")
        generic = SignInProvider(kind=SignInProvider.Kind.OIDC, issuer_url="https://id.example")
        self.assertEqual(self.refusal(generic, {"email": "head@school.example"}), "unverified_email")

    def test_it_refuses_an_identity_without_an_e_mail(self) -> None:
        self.assertEqual(self.refusal(microsoft(), entra_claims(preferred_username=None)), "no_email")

    def test_it_counts_the_providers_second_factor_from_amr(self) -> None:
        self.assertTrue(sso.second_factor_claimed({"amr": ["pwd", "mfa"]}))
        self.assertTrue(sso.second_factor_claimed({"amr": ["hwk"]}))
        self.assertTrue(sso.second_factor_claimed({"amr": ["pwd", "otp"]}))
        self.assertFalse(sso.second_factor_claimed({"amr": ["pwd"]}))
        self.assertFalse(sso.second_factor_claimed({"amr": "mfa"}))
        self.assertFalse(sso.second_factor_claimed({}))


class FlowTests(SimpleTestCase):
    def test_it_refuses_a_callback_with_another_state(self) -> None:
        session = {sso.SESSION_KEY: {"state": "abc", "started": int(time.time())}}
        with self.assertRaises(sso.Refused) as caught:
            sso.take_flow(session, "abd")
        self.assertEqual(caught.exception.reason, "bad_state")

    def test_it_uses_a_state_once(self) -> None:
        session = {sso.SESSION_KEY: {"state": "abc", "started": int(time.time())}}
        sso.take_flow(session, "abc")
        with self.assertRaises(sso.Refused) as caught:
            sso.take_flow(session, "abc")
        self.assertEqual(caught.exception.reason, "bad_state")

    def test_it_refuses_a_sign_in_left_too_long(self) -> None:
        session = {sso.SESSION_KEY: {"state": "abc", "started": int(time.time()) - 11 * 60}}
        with self.assertRaises(sso.Refused) as caught:
            sso.take_flow(session, "abc")
        self.assertEqual(caught.exception.reason, "expired_flow")

    def test_it_takes_the_secret_only_from_an_esafety_sso_variable(self) -> None:
        provider = SignInProvider(kind=SignInProvider.Kind.GOOGLE, secret_variable="SECRET_KEY")
        with self.assertRaises(sso.Refused):
            sso.client_secret(provider)
