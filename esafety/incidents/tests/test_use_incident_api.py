from __future__ import annotations

import base64

from esafety.accounts.models import ApiToken
from esafety.audit.models import AuditEntry
from esafety.incidents.models import Category, Incident
from esafety.incidents.tests.helpers import IncidentTestCase, png_bytes

URL = "/api/v1/incidents/"


class IncidentApiTests(IncidentTestCase):
    def auth(self, user: object) -> dict[str, str]:
        _, key = ApiToken.issue(user, "test", second_factor=True)
        return {"HTTP_AUTHORIZATION": f"Token {key}"}

    def post(self, user: object, payload: dict, **headers: str):
        with self.captureOnCommitCallbacks(execute=True):
            return self.client.post(
                URL, payload, content_type="application/json", **self.auth(user), **headers
            )

    def test_it_files_a_concern_from_a_monitoring_tool(self) -> None:
        payload = {
            "category": Category.SELF_HARM,
            "description": "Search for self-harm terms",
            "source": "AcmeFilter",
            "external_id": "evt-991",
            "people": [{"mis_id": "P1", "role": "victim"}],
            "evidence": [
                {"filename": "capture.png", "content_base64": base64.b64encode(png_bytes()).decode()}
            ],
        }
        response = self.post(self.technician, payload)
        self.assertEqual(response.status_code, 201, response.content)
        incident = Incident.objects.get()
        self.assertEqual(response.json()["reference"], f"Incident #{incident.number}")
        self.assertNotIn("description", response.json())
        self.assertEqual(
            (incident.source, incident.source_ref, incident.reporter),
            ("AcmeFilter", "evt-991", self.technician),
        )
        self.assertEqual(list(incident.people.all()), [self.pupil])
        self.assertEqual(incident.evidence.count(), 1)

    def test_it_is_idempotent_on_the_idempotency_key_header_and_external_id(self) -> None:
        payload = {"category": Category.OTHER, "description": "x"}
        first = self.post(self.technician, payload, HTTP_IDEMPOTENCY_KEY="k-1")
        again = self.post(self.technician, payload, HTTP_IDEMPOTENCY_KEY="k-1")
        self.assertEqual((first.status_code, again.status_code), (201, 200))
        self.assertEqual(first.json()["id"], again.json()["id"])
        self.post(self.technician, {**payload, "external_id": "e-1"})
        self.post(self.technician, {**payload, "external_id": "e-1"})
        self.assertEqual(Incident.objects.count(), 2)

    def test_it_refuses_bad_input_with_reasons(self) -> None:
        cases = [
            {"category": "nonsense", "description": "x"},
            {"category": Category.OTHER, "description": "x", "people": [{"mis_id": "nobody"}]},
            {
                "category": Category.OTHER,
                "description": "x",
                "evidence": [
                    {"filename": "a.exe", "content_base64": base64.b64encode(b"MZ\x90\x00").decode()}
                ],
            },
            {
                "category": Category.OTHER,
                "description": "x",
                "evidence": [{"filename": "a", "content_base64": "!!"}],
            },
        ]
        for payload in cases:
            self.assertEqual(self.post(self.technician, payload).status_code, 400, payload)
        self.assertEqual(Incident.objects.count(), 0)

    def test_it_reads_with_the_same_access_rules_as_the_pages(self) -> None:
        own = self.report(reporter=self.teacher)
        other = self.report(reporter=self.teacher2)
        restricted = self.report(reporter=self.teacher, about_staff=True)
        ids = lambda user: {row["id"] for row in self.client.get(URL, **self.auth(user)).json()["results"]}  # noqa: E731
        self.assertEqual(ids(self.teacher), {own.pk})
        self.assertEqual(ids(self.coordinator), {own.pk, other.pk})
        self.assertEqual(ids(self.head), {own.pk, other.pk, restricted.pk})
        self.assertEqual(self.client.get(URL, **self.auth(self.governor)).status_code, 403)
        self.assertEqual(self.client.get(f"{URL}{other.pk}/", **self.auth(self.teacher)).status_code, 404)
        self.assertEqual(self.client.get(f"{URL}{own.pk}/", **self.auth(self.outsider)).status_code, 404)
        self.assertEqual(
            self.client.get(f"{URL}{restricted.pk}/", **self.auth(self.teacher)).status_code, 404
        )
        detail = self.client.get(f"{URL}{own.pk}/", **self.auth(self.teacher)).json()
        self.assertEqual(detail["people"][0]["name"], "Ava Ashdown")
        self.assertTrue(AuditEntry.objects.filter(action="incident.view", actor=self.teacher).exists())

    def test_it_refuses_anonymous_callers(self) -> None:
        self.assertIn(self.client.get(URL).status_code, (401, 403))
        self.assertIn(self.client.post(URL, {}, content_type="application/json").status_code, (401, 403))

    def test_it_keeps_the_openapi_schema_free_of_warnings(self) -> None:
        from drf_spectacular.drainage import GENERATOR_STATS
        from drf_spectacular.generators import SchemaGenerator

        GENERATOR_STATS.reset()
        schema = SchemaGenerator().get_schema(request=None, public=True)
        self.assertIn("/api/v1/incidents/", schema["paths"])
        self.assertFalse(GENERATOR_STATS, "drf-spectacular warned while building the schema")
