"""100 simulated staff on a school morning: teachers browse and report, the Co-ordinator triages.

Started by ``run.py`` (which brings up gunicorn and PostgreSQL on loopback); each user signs in once, then loops.
Every report carries its own form token, so the run can count afterwards that each accepted report was stored once.
"""

from __future__ import annotations

import re
import uuid

from locust import HttpUser, between, task

PASSWORD = "load-test-password"  # noqa: S105 (the throwaway demo password run.py sets)
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
VERSION = re.compile(r'name="version" value="(\d+)"')
INCIDENT = re.compile(r'href="/incidents/(\d+)/"')


class Staff(HttpUser):
    wait_time = between(1, 4)
    username = "teacher"
    abstract = True

    def on_start(self) -> None:
        page = self.client.get("/accounts/login/", name="sign-in page")
        token = CSRF.search(page.text).group(1)
        self.client.post(
            "/accounts/login/",
            {"username": self.username, "password": PASSWORD, "csrfmiddlewaretoken": token},
            name="sign in",
        )

    def csrf(self, html: str) -> str:
        match = CSRF.search(html)
        return match.group(1) if match else ""


class Teacher(Staff):
    weight = 9
    username = "teacher"

    @task(5)
    def browse(self) -> None:
        self.client.get("/", name="dashboard")
        self.client.get("/incidents/", name="incident list")

    @task(1)
    def report(self) -> None:
        form = self.client.get("/incidents/new/", name="report form")
        token = uuid.uuid4().hex
        with self.client.post(
            "/incidents/new/",
            {
                "csrfmiddlewaretoken": self.csrf(form.text),
                "category": "cyberbullying",
                "occurred_at": "2026-03-02T10:15",
                "description": "Load test: unkind messages in the class chat",
                "nobody_known": "on",  # a report about a pupil names someone or says why not
                "nobody_known_reason": "Load test",
                "token": token,
                "send": "1",
            },
            name="send report",
            catch_response=True,
            allow_redirects=False,
        ) as response:
            if response.status_code != 302:
                response.failure(f"report not accepted: {response.status_code}")


class Coordinator(Staff):
    weight = 1
    username = "coordinator"

    @task
    def triage(self) -> None:
        listing = self.client.get("/incidents/?status=reported", name="triage queue")
        ids = INCIDENT.findall(listing.text)
        if not ids:
            return
        page = self.client.get(f"/incidents/{ids[0]}/", name="incident page")
        version = VERSION.search(page.text)
        if version:
            self.client.post(
                f"/incidents/{ids[0]}/step/triage/",
                {"csrfmiddlewaretoken": self.csrf(page.text), "version": version.group(1), "reason": ""},
                name="triage",
            )
