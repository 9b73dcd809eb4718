"""Settings come from the environment; a bad value must stop start-up with a message that names it."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from pathlib import Path

from django.test import SimpleTestCase

ROOT = Path(__file__).resolve().parents[3]
GOOD_PRODUCTION = {
    "DEBUG": "0",
    "SECRET_KEY": secrets.token_urlsafe(50),
    "ALLOWED_HOSTS": "esafety.school.example",
}


def run_manage(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    clean = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DEBUG", "SECRET_KEY", "ALLOWED"))
    }
    clean.pop("PYTEST_CURRENT_TEST", None)
    clean.pop("DATABASE_URL", None)
    return subprocess.run(
        [sys.executable, "manage.py", *(args or ("check",))],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


class SettingsTests(SimpleTestCase):
    def assert_refuses(self, env: dict[str, str], message: str) -> None:
        result = run_manage(env)
        self.assertNotEqual(result.returncode, 0, result.stdout)
        self.assertIn(message, result.stderr)

    def test_it_refuses_production_with_the_default_secret(self) -> None:
        self.assert_refuses(
            {"DEBUG": "0", "ALLOWED_HOSTS": "esafety.example"}, "SECRET_KEY is unset or too short"
        )

    def test_it_refuses_production_without_allowed_hosts(self) -> None:
        self.assert_refuses({**GOOD_PRODUCTION, "ALLOWED_HOSTS": ""}, "ALLOWED_HOSTS is empty")

    def test_it_names_a_bad_boolean(self) -> None:
        self.assert_refuses({"DEBUG": "maybe"}, "DEBUG='maybe' is not a boolean")

    def test_it_names_a_bad_number(self) -> None:
        self.assert_refuses(
            {"DEBUG": "1", "ESAFETY_SESSION_MINUTES": "ten"},
            "ESAFETY_SESSION_MINUTES='ten' is not a whole number",
        )

    def test_it_names_an_unsupported_database(self) -> None:
        self.assert_refuses(
            {"DEBUG": "1", "DATABASE_URL": "mysql://db/esafety"}, "only sqlite:/// and postgres://"
        )

    def test_it_names_an_unknown_task_backend(self) -> None:
        self.assert_refuses(
            {"DEBUG": "1", "ESAFETY_TASKS_BACKEND": "celery"}, "ESAFETY_TASKS_BACKEND='celery' is not one of"
        )

    def test_it_names_a_bad_email_url(self) -> None:
        self.assert_refuses({"DEBUG": "1", "EMAIL_URL": "pigeon://loft"}, "EMAIL_URL='pigeon://loft'")

    def test_it_passes_the_deployment_checklist_when_configured(self) -> None:
        result = run_manage(GOOD_PRODUCTION, "check", "--deploy", "--fail-level", "WARNING")
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertIn("no issues", result.stdout)

    def test_it_reads_database_and_email_urls(self) -> None:
        from esafety.settings import database_from_url, email_from_url

        pg = database_from_url("postgres://user:p%40ss@db.example:5433/esafety")
        self.assertEqual(
            (pg["ENGINE"], pg["NAME"], pg["USER"], pg["PASSWORD"], pg["HOST"], pg["PORT"]),
            ("django.db.backends.postgresql", "esafety", "user", "p@ss", "db.example", "5433"),
        )
        self.assertEqual(database_from_url("sqlite:////srv/e.sqlite3")["NAME"], "/srv/e.sqlite3")
        smtp = email_from_url("smtp://mailer:secret@mail.example:587?tls=1")
        self.assertEqual(
            (smtp["EMAIL_HOST"], smtp["EMAIL_PORT"], smtp["EMAIL_USE_TLS"]), ("mail.example", 587, True)
        )
