"""Drill: Schemathesis against the API's own OpenAPI schema, as two users of different schools.

Every operation gets generated requests (bounded examples, fixed seed), then the stateful workflow follows the links
Schemathesis infers (list -> detail by id, report -> read back). The checks: no 5xx, every response conforms to the
schema (status, content type, body), and neither user ever gets a 200 for the other school's record. Runs in the
``drill`` marker's CI step (``make test-drills``).
"""

from __future__ import annotations

import re
from typing import Any

import pytest
import schemathesis
from django.conf import settings as django_settings
from django.test import override_settings
from hypothesis import HealthCheck, given, settings
from hypothesis.extra.django import TestCase as HypothesisTestCase
from schemathesis.checks import load_all_checks
from schemathesis.specs.openapi.checks import negative_data_rejection, positive_data_acceptance

from esafety.accounts.models import ApiToken
from esafety.core.actions import quiet
from esafety.incidents.actions import report_incident
from esafety.incidents.models import Category, Incident
from esafety.test import BaseTestCase
from esafety.wsgi import application

pytestmark = pytest.mark.drill
load_all_checks()
EXAMPLES = settings(
    max_examples=40,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=list(HealthCheck),
)
# Not checked, with reasons: a schema-valid body may still break a rule OpenAPI cannot state (the person must exist
# at this school, "id or mis_id", no NUL characters), and DRF's limit/offset pagination falls back to defaults on
# a bad value instead of refusing it. Every response is still checked against the schema.
EXCLUDED = [positive_data_acceptance, negative_data_rejection]
DETAIL = re.compile(r"^/api/v1/incidents/(\d+)/$")


# Thousands of generated requests in a minute: the throttles (tested in accounts) would answer most with 429.
UNTHROTTLED = {
    **django_settings.REST_FRAMEWORK,
    "DEFAULT_THROTTLE_RATES": {
        "token": "1000000/minute",
        "address": "1000000/minute",
        "bad_token": "1000000/minute",
    },
}


@override_settings(
    ALLOWED_HOSTS=["testserver", "localhost"], REST_FRAMEWORK=UNTHROTTLED
)  # Schemathesis' WSGI client says "localhost"
class FuzzApiTests(BaseTestCase, HypothesisTestCase):
    schema: Any

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        with quiet():
            cls.ours = report_incident(
                school=cls.school,
                reporter=cls.coordinator,
                category=Category.CYBERBULLYING,
                description="Ours",
            )
            cls.theirs = report_incident(
                school=cls.sibling_school,
                reporter=cls.sibling,
                category=Category.CYBERBULLYING,
                description="Theirs",
            )

    def setUp(self) -> None:
        super().setUp()
        # Hollybrook's co-ordinator and Riverside's: each sees all of their own school's log, none of the other's.
        self.users = {"hollybrook": self.coordinator, "riverside": self.sibling}
        self.keys = {
            name: ApiToken.issue(user, "schemathesis", second_factor=True)[1]
            for name, user in self.users.items()
        }
        self.own_school = {"hollybrook": self.school.pk, "riverside": self.sibling_school.pk}
        self.schemas = {name: self.schema_for(key) for name, key in self.keys.items()}

    def schema_for(self, key: str) -> Any:
        schema = schemathesis.openapi.from_wsgi(
            "/api/schema/", application, headers={"Authorization": f"Token {key}"}
        )

        @schema.auth()
        class Token:  # explicit auth, so Schemathesis' ignored-auth check probes without it
            def get(self, case: Any, ctx: Any) -> str:
                return key

            def set(self, case: Any, data: str, ctx: Any) -> None:
                case.headers = {**(case.headers or {}), "Authorization": f"Token {data}"}

        return schema

    def check(self, who: str, case: Any, response: Any) -> None:
        self.assertLess(
            response.status_code, 500, f"{case.method} {case.formatted_path}: {response.text[:300]}"
        )
        case.validate_response(response, excluded_checks=EXCLUDED)
        match = DETAIL.match(case.formatted_path)
        if match and response.status_code == 200:
            incident = Incident.objects.get(pk=int(match.group(1)))
            self.assertEqual(incident.school_id, self.own_school[who], "a 200 for another school's incident")

    def test_it_answers_every_operation_within_the_schema_for_both_schools(self) -> None:
        for who, schema in self.schemas.items():
            operations = [result.ok() for result in schema.get_all_operations()]
            self.assertGreaterEqual(len(operations), 5)
            for operation in operations:
                with self.subTest(user=who, operation=f"{operation.method.upper()} {operation.path}"):

                    @EXAMPLES
                    @given(case=operation.as_strategy())
                    def run(case: Any) -> None:
                        self.check(who, case, case.call())  # noqa: B023

                    run()

    def test_it_never_shows_one_school_the_other_schools_incident(self) -> None:
        for who, key, other in (
            ("hollybrook", self.keys["hollybrook"], self.theirs),
            ("riverside", self.keys["riverside"], self.ours),
        ):
            with self.subTest(user=who):
                response = self.client.get(
                    f"/api/v1/incidents/{other.pk}/", HTTP_AUTHORIZATION=f"Token {key}"
                )
                self.assertEqual(response.status_code, 404)
                listed = self.client.get("/api/v1/incidents/", HTTP_AUTHORIZATION=f"Token {key}").json()
                self.assertNotIn(other.pk, [row["id"] for row in listed["results"]])

    def test_it_follows_the_schema_links_statefully(self) -> None:
        for who, schema in self.schemas.items():
            with self.subTest(user=who):
                test = self

                class Workflow(schema.as_state_machine()):
                    def validate_response(self, response: Any, case: Any, **kwargs: Any) -> None:
                        test.check(who, case, response)  # noqa: B023 (runs inside this iteration)

                Workflow.run(
                    settings=settings(
                        max_examples=15,
                        stateful_step_count=6,
                        deadline=None,
                        derandomize=True,
                        database=None,
                        suppress_health_check=list(HealthCheck),
                    )
                )
