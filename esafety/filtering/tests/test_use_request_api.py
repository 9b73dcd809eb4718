"""/api/v1/filtering/requests/: list, file and each step, with the web pages' rules."""

from __future__ import annotations

from typing import Any

from esafety.accounts.models import ApiToken
from esafety.filtering.models import ChangeRequest
from esafety.filtering.tests.helpers import FilteringTestCase

URL = "/api/v1/filtering/requests/"


class TestUseRequestApi(FilteringTestCase):
    def call(self, user: Any, method: str, url: str, data: dict[str, Any] | None = None) -> Any:
        _, key = ApiToken.issue(user, name="test", second_factor=True)
        return getattr(self.client, method)(
            url, data or {}, content_type="application/json", HTTP_AUTHORIZATION=f"Token {key}"
        )

    def test_it_files_a_request_and_walks_the_chain(self) -> None:
        response = self.call(
            self.teacher,
            "post",
            URL,
            {
                "kind": "unblock",
                "url": "https://www.12buzz.com/x",
                "scope": "group",
                "group": "pupils",
                "duration": "lesson",
                "reason": "Pen pals",
            },
        )
        self.assertEqual(response.status_code, 201, response.content)
        body = response.json()
        self.assertEqual(
            (body["site"], body["status"], body["steps"]), ("12buzz.com", "coordinator", ["withdraw"])
        )
        pk = body["id"]
        for user, step, status in (
            (self.coordinator, "forward", "head"),
            (self.head, "approve", "technician"),
            (self.technician, "apply", "applied"),
        ):
            response = self.call(user, "post", f"{URL}{pk}/{step}/", {})
            self.assertEqual(response.status_code, 200, response.content)
            self.assertEqual(response.json()["status"], status)

    def test_it_refuses_the_wrong_role_and_a_missing_reason(self) -> None:
        item = self.file()
        self.assertEqual(self.call(self.head, "post", f"{URL}{item.pk}/forward/").status_code, 403)
        self.assertEqual(self.call(self.technician, "post", f"{URL}{item.pk}/apply/").status_code, 403)
        response = self.call(self.coordinator, "post", f"{URL}{item.pk}/reject/", {"reason": ""})
        self.assertEqual(response.status_code, 400)
        item.refresh_from_db()
        self.assertEqual(item.status, ChangeRequest.Status.COORDINATOR)

    def test_it_refuses_a_stale_version_with_409(self) -> None:
        item = self.file()
        response = self.call(
            self.coordinator, "post", f"{URL}{item.pk}/forward/", {"version": item.version + 5}
        )
        self.assertEqual(response.status_code, 409)

    def test_it_lists_only_what_the_caller_may_see(self) -> None:
        mine, theirs = self.file(by=self.teacher), self.file(by=self.teacher2)
        ids = [row["id"] for row in self.call(self.teacher, "get", URL).json()["results"]]
        self.assertEqual(ids, [mine.pk])
        self.assertEqual(self.call(self.teacher, "get", f"{URL}{theirs.pk}/").status_code, 404)
        self.assertEqual(self.call(self.outsider, "get", f"{URL}{mine.pk}/").status_code, 404)
        self.assertEqual(len(self.call(self.coordinator, "get", URL).json()["results"]), 2)
        self.assertEqual(self.call(self.governor, "get", URL).status_code, 403)
