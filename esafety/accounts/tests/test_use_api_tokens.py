from esafety.accounts.models import ApiToken
from esafety.audit.models import AuditEntry
from esafety.test import BaseTestCase


class ApiTokenTests(BaseTestCase):
    def test_it_shows_a_new_key_once_and_stores_only_its_hash(self) -> None:
        self.login(self.coordinator)
        response = self.client.post("/accounts/tokens/", {"name": "Filter log forwarder"})
        token = ApiToken.objects.get(user=self.coordinator)
        key = response.context["new_key"]
        self.assertContains(response, key)
        self.assertNotIn(key, token.digest)
        self.assertEqual(token.digest, ApiToken.hash_key(key))
        self.assertNotContains(self.client.get("/accounts/tokens/"), key)
        self.assertTrue(AuditEntry.objects.filter(action="api_token.create").exists())

    def test_it_authenticates_the_api_with_a_token(self) -> None:
        _, key = ApiToken.issue(self.coordinator, "tool", second_factor=True)
        response = self.client.get("/api/v1/me/", HTTP_AUTHORIZATION=f"Token {key}")
        self.assertEqual(response.status_code, 200)
        school = response.json()["schools"][0]
        self.assertEqual(school["slug"], "hollybrook")
        self.assertIn("incidents.triage", school["actions"])

    def test_it_refuses_a_revoked_or_unknown_token(self) -> None:
        token, key = ApiToken.issue(self.coordinator, "tool", second_factor=True)
        token.revoke()
        self.assertEqual(self.client.get("/api/v1/me/", HTTP_AUTHORIZATION=f"Token {key}").status_code, 401)
        self.assertEqual(self.client.get("/api/v1/me/", HTTP_AUTHORIZATION="Token esk_nope").status_code, 401)
        self.assertEqual(self.client.get("/api/v1/me/").status_code, 401)

    def test_it_revokes_only_your_own_tokens(self) -> None:
        token, _ = ApiToken.issue(self.coordinator, "tool", second_factor=True)
        self.login(self.teacher)
        self.assertEqual(self.client.post(f"/accounts/tokens/{token.pk}/revoke/").status_code, 404)
        self.login(self.coordinator)
        self.client.post(f"/accounts/tokens/{token.pk}/revoke/")
        token.refresh_from_db()
        self.assertIsNotNone(token.revoked)

    def test_it_publishes_an_openapi_schema_to_signed_in_users_only(self) -> None:
        self.assertIn(self.client.get("/api/schema/?format=json").status_code, (401, 403))
        _, key = ApiToken.issue(self.teacher, "tool")
        response = self.client.get("/api/schema/?format=json", HTTP_AUTHORIZATION=f"Token {key}")
        self.assertEqual(response.status_code, 200)
        schema = response.json()
        self.assertIn("/api/v1/me/", schema["paths"])
        self.assertIn("tokenAuth", schema["components"]["securitySchemes"])


class ThrottleApiTests(BaseTestCase):
    RATES = {"token": "3/minute", "address": "5/minute", "bad_token": "4/minute"}

    def test_it_throttles_each_token_with_retry_after(self) -> None:
        from django.conf import settings
        from django.test import override_settings

        with override_settings(
            REST_FRAMEWORK={**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": self.RATES}
        ):
            _, first = ApiToken.issue(self.teacher, "one")
            _, second = ApiToken.issue(self.teacher2, "two")
            answers = [self.client.get("/api/v1/me/", HTTP_AUTHORIZATION=f"Token {first}") for _ in range(4)]
            self.assertEqual([a.status_code for a in answers], [200, 200, 200, 429])
            self.assertGreater(int(answers[-1]["Retry-After"]), 0)
            self.assertIn("throttled", answers[-1].json()["detail"])
            # Another token has its own budget, until the address's runs out.
            answers = [self.client.get("/api/v1/me/", HTTP_AUTHORIZATION=f"Token {second}") for _ in range(2)]
            self.assertEqual([a.status_code for a in answers], [200, 429])
            self.assertIn("Retry-After", answers[-1])

    def test_it_throttles_guessing_from_one_address(self) -> None:
        from django.conf import settings
        from django.test import override_settings

        with override_settings(
            REST_FRAMEWORK={**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": self.RATES}
        ):
            codes = [
                self.client.get("/api/v1/me/", HTTP_AUTHORIZATION=f"Token esk_guess{n}").status_code
                for n in range(7)
            ]
            _, key = ApiToken.issue(self.teacher, "one")
            right_key = self.client.get("/api/v1/me/", HTTP_AUTHORIZATION=f"Token {key}")
        self.assertEqual(codes, [401] * 4 + [429] * 3)
        self.assertEqual(right_key.status_code, 429)  # past the rate even the right key waits
