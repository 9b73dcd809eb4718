"""End-to-end fixtures: a real esafety server (gunicorn, production settings, its own SQLite database and demo
school) and headless Debian Chromium driven by Playwright. Started once per test session; `.ci/run` installs
Chromium (`apt-get install chromium`) before these run.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from e2e.support import free_port, wait_until

ROOT = Path(__file__).resolve().parent.parent
DEMO_PASSWORD = "e2e-demo-password-7"
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]


@dataclass
class Server:
    url: str
    env: dict[str, str]
    var_dir: Path

    def manage(self, *args: str, check: bool = True, timeout: int = 120) -> subprocess.CompletedProcess[str]:
        """Run an ``esafety`` management command against the server's database."""
        return subprocess.run(
            [sys.executable, "-m", "esafety.cli", *args],
            env=self.env,
            cwd=ROOT,
            check=check,
            capture_output=True,
            text=True,
            timeout=timeout,
        )


SECRET_KEY = "e2e-" + "x" * 60


def demo_snapshot_of(var_dir: Path) -> Path:
    return var_dir.parent / f"{var_dir.name}-demo-snapshot"


def copy_demo(server: Server, target: Path) -> Path:
    """A var folder holding a copy of the session's freshly built demo school (same SECRET_KEY needed)."""
    shutil.copytree(demo_snapshot_of(server.var_dir), target)
    return target


@pytest.fixture(scope="session")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    var_dir = tmp_path_factory.mktemp("esafety-e2e")
    port = free_port()
    env = {
        **os.environ,
        "DEBUG": "0",
        "SECRET_KEY": SECRET_KEY,
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "ESAFETY_VAR_DIR": str(var_dir),
        "DATABASE_URL": f"sqlite:///{var_dir}/e2e.sqlite3",
        "ESAFETY_SSL_REDIRECT": "0",
        "ESAFETY_SECURE_COOKIES": "0",
        "ESAFETY_HSTS_SECONDS": "0",
        "ESAFETY_REQUIRE_2FA": "0",
        "ESAFETY_TASKS_BACKEND": "immediate",
        "EMAIL_URL": f"file://{var_dir}/mail",
        "DJANGO_SETTINGS_MODULE": "esafety.settings",
    }
    env.pop("PYTEST_CURRENT_TEST", None)
    srv = Server(url=f"http://127.0.0.1:{port}", env=env, var_dir=var_dir)
    srv.manage("migrate", "--noinput", "-v", "0")
    srv.manage("collectstatic", "--noinput", "-v", "0")
    srv.manage("demo", "--password", DEMO_PASSWORD, timeout=300)
    # The freshly built demo (database, published filter policy, media, static files), before anything runs:
    # modules that need a server of their own with other settings start from a copy instead of building again.
    shutil.copytree(var_dir, demo_snapshot_of(var_dir))
    log = open(var_dir / "gunicorn.log", "w")  # noqa: SIM115 (closed below)
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "esafety.wsgi",
            "-b",
            f"127.0.0.1:{port}",
            "-w",
            "2",
            "--timeout",
            "60",
        ],
        env=env,
        cwd=ROOT,
        stdout=log,
        stderr=subprocess.STDOUT,
    )

    def healthy() -> bool:
        with urllib.request.urlopen(f"{srv.url}/healthz", timeout=2) as response:
            return bool(response.status == 200)

    try:
        wait_until(
            healthy,
            what="esafety server did not start",
            timeout=60,
            interval=0.2,
            process=process,
            retry_on=(OSError,),
            log=(var_dir / "gunicorn.log").read_text,
        )
    except RuntimeError:
        log.close()
        raise
    yield srv
    process.terminate()
    process.wait(timeout=20)
    log.close()


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser: object) -> Iterator[object]:
    context = browser.new_context(locale="en-GB", timezone_id="Europe/London")  # type: ignore[attr-defined]
    errors: list[str] = []
    page = context.new_page()
    # A blocked inline script or style shows up as a CSP console error: fail the test on any of them.
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.csp_errors = errors
    yield page
    context.close()


def sign_in(page: object, server: Server, username: str, password: str = DEMO_PASSWORD) -> None:
    page.goto(f"{server.url}/accounts/login/")  # type: ignore[attr-defined]
    page.get_by_label("User name").fill(username)  # type: ignore[attr-defined]
    page.get_by_label("Password").fill(password)  # type: ignore[attr-defined]
    page.get_by_role("button", name="Sign in").click()  # type: ignore[attr-defined]
