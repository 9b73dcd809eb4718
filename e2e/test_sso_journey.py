"""Single sign-on through a real OpenID Connect provider on loopback (e2e/oidc_provider: django-oidc-provider in
its own process), in Chromium: the demo school's teacher signs in; the Head's provider MFA stands for the second
factor while the Technician, without it, is still asked for esafety's code; and each refusal of the issue is met
through the whole protocol: another audience, an expired token, an unverified e-mail, a user of another tenant,
an unknown person while account creation is off, a tampered state and a wrong nonce."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from e2e.conftest import ROOT, SECRET_KEY, Server, copy_demo
from e2e.oidc_provider.claims import PASSWORD as PROVIDER_PASSWORD
from e2e.oidc_provider.seed import CLIENTS
from e2e.support import free_port, wait_until

pytestmark = pytest.mark.e2e

TENANT = "0b5c2a3e-1f4d-4b6a-9c8e-7d6f5e4a3b2c"
MICROSOFT = "Sign in with Microsoft"
GENERIC = "Sign in with Loopback ID"


def _serve(
    module: str, port: int, env: dict[str, str], log_path: Path, health: str
) -> subprocess.Popen[bytes]:
    log = open(log_path, "w")  # noqa: SIM115 (the process owns it until it ends)
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", module, "-b", f"127.0.0.1:{port}", "-w", "2", "--timeout", "60"],
        env=env,
        cwd=ROOT,
        stdout=log,
        stderr=subprocess.STDOUT,
    )

    def healthy() -> bool:
        with urllib.request.urlopen(health, timeout=2) as response:
            return bool(response.status == 200)

    wait_until(
        healthy,
        what=f"{module} did not start",
        timeout=60,
        interval=0.2,
        process=process,
        retry_on=(OSError,),
        log=log_path.read_text,
    )
    return process


@pytest.fixture(scope="module")
def sso_server(tmp_path_factory: pytest.TempPathFactory, server: Server) -> Iterator[Server]:
    """esafety (two-factor sign-in on, as in production) and the provider, each in its own process. esafety starts
    from a copy of the session's demo school rather than building it again (minutes on a small machine)."""
    var_dir = tmp_path_factory.mktemp("esafety-sso")
    esafety_var = copy_demo(server, var_dir / "esafety")
    esafety_port, provider_port = free_port(), free_port()
    site = f"http://127.0.0.1:{esafety_port}"
    provider_env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "e2e.oidc_provider.settings",
        "OIDC_E2E_PORT": str(provider_port),
        "OIDC_E2E_TENANT": TENANT,
        "OIDC_E2E_DB": str(var_dir / "provider.sqlite3"),
    }
    subprocess.run(
        [sys.executable, "-m", "e2e.oidc_provider.seed", f"{site}/accounts/sso/callback/"],
        env=provider_env,
        cwd=ROOT,
        check=True,
        capture_output=True,
        timeout=120,
    )
    issuer = f"http://127.0.0.1:{provider_port}/{TENANT}/v2.0"
    provider = _serve(
        "e2e.oidc_provider.wsgi",
        provider_port,
        provider_env,
        var_dir / "provider.log",
        f"{issuer}/.well-known/openid-configuration",
    )
    env = {
        **os.environ,
        "DEBUG": "0",
        "SECRET_KEY": SECRET_KEY,
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SITE_URL": site,
        "ESAFETY_VAR_DIR": str(esafety_var),
        "DATABASE_URL": f"sqlite:///{esafety_var}/e2e.sqlite3",
        "ESAFETY_SSL_REDIRECT": "0",
        "ESAFETY_SECURE_COOKIES": "0",
        "ESAFETY_HSTS_SECONDS": "0",
        "ESAFETY_REQUIRE_2FA": "1",
        "ESAFETY_TASKS_BACKEND": "immediate",
        "EMAIL_URL": f"file://{esafety_var}/mail",
        "DJANGO_SETTINGS_MODULE": "esafety.settings",
        # The loopback provider poses as Entra ID: the tenant's issuer is built on this authority.
        "ESAFETY_SSO_MICROSOFT_AUTHORITY": f"http://127.0.0.1:{provider_port}",
        "ESAFETY_SSO_SECRET_HOLLYBROOK_ENTRA": CLIENTS["esafety-entra"][1],
        "ESAFETY_SSO_SECRET_HOLLYBROOK_GENERIC": CLIENTS["esafety-generic"][1],
    }
    env.pop("PYTEST_CURRENT_TEST", None)
    srv = Server(url=site, env=env, var_dir=esafety_var)
    srv.manage(
        "shell",
        "-c",
        "from esafety.accounts.models import SignInProvider as P\n"
        "from esafety.people.models import School\n"
        "school = School.objects.get(slug='hollybrook')\n"
        f"P.objects.create(school=school, kind='microsoft', tenant='{TENANT}', client_id='esafety-entra',"
        " secret_variable='ESAFETY_SSO_SECRET_HOLLYBROOK_ENTRA')\n"
        f"P.objects.create(school=school, kind='oidc', name='Loopback ID', issuer_url='{issuer}',"
        " client_id='esafety-generic', secret_variable='ESAFETY_SSO_SECRET_HOLLYBROOK_GENERIC')\n",
    )
    esafety = _serve("esafety.wsgi", esafety_port, env, esafety_var / "gunicorn.log", f"{site}/healthz")
    yield srv
    for process in (esafety, provider):
        process.terminate()
        process.wait(timeout=20)


def sign_in_with(page: object, server: Server, button: str, username: str) -> None:
    """From esafety's sign-in page, through the provider's own sign-in form, and back."""
    page.goto(f"{server.url}/accounts/login/")  # type: ignore[attr-defined]
    page.get_by_role("link", name=button, exact=True).click()  # type: ignore[attr-defined]
    page.get_by_label("Username").fill(username)  # type: ignore[attr-defined]
    page.get_by_label("Password").fill(PROVIDER_PASSWORD)  # type: ignore[attr-defined]
    page.get_by_role("button", name="Continue").click()  # type: ignore[attr-defined]
    page.wait_for_load_state()  # type: ignore[attr-defined]


def audit_reasons(server: Server) -> list[dict[str, object]]:
    out = server.manage(
        "shell",
        "-c",
        "import json\nfrom esafety.audit.models import AuditEntry as A\n"
        "print(json.dumps([e.detail for e in A.objects.filter(action='account.sso_refused').order_by('seq')]))",
    ).stdout
    return list(json.loads(out.strip().splitlines()[-1]))


def test_it_signs_the_demo_schools_teacher_in_through_microsoft(sso_server, page) -> None:
    sign_in_with(page, sso_server, MICROSOFT, "sophie")
    page.wait_for_url(sso_server.url + "/")
    assert page.get_by_role("heading", name="Hello, Sophie").is_visible()
    assert not [e for e in page.csp_errors if "Content Security Policy" in e]


def test_it_lets_the_heads_provider_mfa_stand_for_the_second_factor(sso_server, page) -> None:
    sign_in_with(page, sso_server, MICROSOFT, "helen")
    page.wait_for_url(sso_server.url + "/")
    page.goto(sso_server.url + "/audit/")
    assert page.url == sso_server.url + "/audit/"


def test_it_still_asks_the_technician_without_provider_mfa_for_a_code(sso_server, page) -> None:
    sign_in_with(page, sso_server, MICROSOFT, "gareth")
    assert "/accounts/2fa/" in page.url
    assert page.get_by_role("heading", name="Set up two-factor sign-in").is_visible()


@pytest.mark.parametrize(
    ("button", "username", "message", "reason"),
    [
        (MICROSOFT, "wrongaud", "The sign-in was meant for another service.", "wrong_audience"),
        (MICROSOFT, "expired", "The sign-in has expired.", "expired_token"),
        (
            MICROSOFT,
            "othertenant",
            "That account belongs to another organisation's Microsoft 365.",
            "wrong_tenant",
        ),
        (MICROSOFT, "badnonce", "This sign-in was not started here.", "bad_nonce"),
        (
            GENERIC,
            "unverified",
            "Your sign-in provider has not verified your e-mail address.",
            "unverified_email",
        ),
        (GENERIC, "stranger", "There is no esafety account for your e-mail address", "unknown_account"),
    ],
)
def test_it_refuses(sso_server, page, button, username, message, reason) -> None:
    sign_in_with(page, sso_server, button, username)
    assert "/accounts/sso/callback/" in page.url
    assert page.get_by_role("heading", name="You are not signed in").is_visible()
    assert page.get_by_role("alert").inner_text().startswith(message)
    page.goto(sso_server.url + "/")
    assert "/accounts/login/" in page.url
    assert audit_reasons(sso_server)[-1]["reason"] == reason


def test_it_refuses_a_tampered_state(sso_server, page) -> None:
    # The provider echoes the state esafety sent; alter it on its way out, in the redirect to the provider.
    def tamper(route: object) -> None:
        response = route.fetch(max_redirects=0)  # type: ignore[attr-defined]
        location = response.headers["location"].replace("state=", "state=tampered")
        route.fulfill(response=response, headers={**response.headers, "location": location})  # type: ignore[attr-defined]

    page.route("**/accounts/sso/*/start/**", tamper)
    sign_in_with(page, sso_server, MICROSOFT, "sophie")
    assert "/accounts/sso/callback/" in page.url
    assert "state=tampered" in page.url
    assert page.get_by_role("alert").inner_text().startswith("This sign-in was not started here")
    assert audit_reasons(sso_server)[-1]["reason"] == "bad_state"


def test_it_keeps_tokens_and_codes_out_of_the_audit_trail(sso_server) -> None:
    for detail in audit_reasons(sso_server):
        assert set(detail) == {"provider", "reason", "email"}
