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

    def test_it_publishes_an_openapi_schema(self) -> None:
        response = self.client.get("/api/schema/?format=json")
        self.assertEqual(response.status_code, 200)
        schema = response.json()
        self.assertIn("/api/v1/me/", schema["paths"])
        self.assertIn("tokenAuth", schema["components"]["securitySchemes"])
