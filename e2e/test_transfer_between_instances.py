"""A leaver's safeguarding file sent between two esafety instances: two gunicorn servers on two ports, each with
its own SQLite database, media and key pair. The sending DSL's actions run in the sender's own process (``esafety
shell``) and talk to the receiver over real HTTP: send → viewed → accepted → the signed receipt verified at the
sender; a tampered bundle and a reused code are refused by the receiver's API.

Plain http between the two local instances (``ESAFETY_TRANSFER_ALLOW_HTTP=1``); production requires https.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import IO

import pytest

from e2e.conftest import ROOT, Server
from e2e.support import free_port, wait_until

pytestmark = pytest.mark.e2e

SETUP = """
from esafety.accounts.models import Role, RoleAssignment, User
from esafety.people.models import Person, School
school = School.objects.create(name={school!r}, slug={slug!r}, urn={urn!r})
person = Person.objects.create(school=school, kind="staff", first_name="Dana", last_name="Lead")
user = User.objects.create(username="dsl", school=school, person=person)
RoleAssignment.objects.create(user=user, role=Role.DSL, school=school)
"""

SENDER_DATA = """
from esafety.accounts.models import User
from esafety.incidents.actions import report_incident
from esafety.people.models import Person, School
school = School.objects.get()
for upn, first in (("A123456789012", "Ava"), ("B123456789012", "Leo")):
    pupil = Person.objects.create(school=school, kind="pupil", first_name=first, last_name="Ashdown", mis_id=upn)
    report_incident(school=school, reporter=User.objects.get(), category="cyberbullying",
        description=f"Unkind messages about {first} in the class chat", people=[(pupil, "victim")],
        evidence=[("note.txt", b"What was said, word for word.\\n")])
"""

SEND = """
import json
from datetime import date
from esafety.accounts.models import User
from esafety.people.models import Person, School
from esafety.transfers import actions
from esafety.transfers.client import urllib_transport
tamper = {tamper}
def transport(method, url, headers, body):
    if tamper and body:
        body = body[:-40] + bytes([body[-40] ^ 1]) + body[-39:]
    return urllib_transport(method, url, headers, body)
transfer = actions.start_transfer(school=School.objects.get(), person=Person.objects.get(mis_id={upn!r}),
    by=User.objects.get(), method="instance", leaving_date=date(2026, 11, 27), destination="Oakfield Primary",
    destination_url={url!r})
try:
    actions.send_to_instance(transfer, code={code!r}, by=User.objects.get(), transport=transport)
    error = ""
except actions.TransferError as exc:
    error = str(exc)
transfer.refresh_from_db()
print(json.dumps({{"id": transfer.pk, "status": transfer.status, "error": error, "sha": transfer.bundle_sha256}}))
"""


def _start(var_dir: Path, name: str) -> tuple[Server, subprocess.Popen[bytes], IO[str]]:
    port = free_port()
    env = {
        **os.environ,
        "DEBUG": "0",
        "SECRET_KEY": f"e2e-{name}-" + "x" * 60,
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "ESAFETY_VAR_DIR": str(var_dir),
        "DATABASE_URL": f"sqlite:///{var_dir}/{name}.sqlite3",
        "ESAFETY_SSL_REDIRECT": "0",
        "ESAFETY_SECURE_COOKIES": "0",
        "ESAFETY_HSTS_SECONDS": "0",
        "ESAFETY_REQUIRE_2FA": "0",
        "ESAFETY_TASKS_BACKEND": "immediate",
        "ESAFETY_TRANSFER_ALLOW_HTTP": "1",
        "EMAIL_URL": f"file://{var_dir}/mail",
        "DJANGO_SETTINGS_MODULE": "esafety.settings",
    }
    env.pop("PYTEST_CURRENT_TEST", None)
    server = Server(url=f"http://127.0.0.1:{port}", env=env, var_dir=var_dir)
    server.manage("migrate", "--noinput", "-v", "0")
    log = open(var_dir / "gunicorn.log", "w")  # noqa: SIM115 (closed by the fixture)
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "esafety.wsgi", "-b", f"127.0.0.1:{port}", "-w", "2"],
        env=env,
        cwd=ROOT,
        stdout=log,
        stderr=subprocess.STDOUT,
    )

    def healthy() -> bool:
        with urllib.request.urlopen(f"{server.url}/healthz", timeout=2) as response:
            return bool(response.status == 200)

    wait_until(
        healthy,
        what=f"{name} did not start",
        timeout=60,
        interval=0.2,
        process=process,
        retry_on=(OSError,),
        log=(var_dir / "gunicorn.log").read_text,
    )
    return server, process, log


@pytest.fixture(scope="module")
def instances(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Server, Server]]:
    started = []
    try:
        for name in ("sender", "receiver"):
            started.append(_start(tmp_path_factory.mktemp(f"esafety-{name}"), name))
        sender, receiver = started[0][0], started[1][0]
        sender.manage(
            "shell", "-c", SETUP.format(school="Hollybrook Primary", slug="hollybrook", urn="100001")
        )
        sender.manage("shell", "-c", SENDER_DATA)
        receiver.manage("shell", "-c", SETUP.format(school="Oakfield Primary", slug="oakfield", urn="100002"))
        yield sender, receiver
    finally:
        for _, process, log in started:
            process.terminate()
            process.wait(timeout=20)
            log.close()


def shell(server: Server, code: str) -> dict[str, object]:
    result = server.manage("shell", "-c", code, check=False)
    assert result.returncode == 0, result.stderr
    return dict(json.loads(result.stdout.strip().splitlines()[-1]))


def expect(receiver: Server) -> dict[str, object]:
    return shell(
        receiver,
        "import json\nfrom esafety.accounts.models import User\nfrom esafety.people.models import School\n"
        "from esafety.transfers import actions\n"
        "incoming, code = actions.expect_transfer(school=School.objects.get(), by=User.objects.get(), "
        "expected_from='Hollybrook Primary')\nprint(json.dumps({'id': incoming.pk, 'code': code}))",
    )


def send(
    sender: Server, receiver: Server, code: object, upn: str, *, tamper: bool = False
) -> dict[str, object]:
    return shell(sender, SEND.format(tamper=tamper, upn=upn, url=receiver.url, code=code))


def check(sender: Server, transfer_id: object) -> dict[str, object]:
    return shell(
        sender,
        "import json\nfrom esafety.transfers import actions\nfrom esafety.transfers.models import Transfer\n"
        f"t = Transfer.objects.get(pk={transfer_id})\nactions.check_status(t)\nt.refresh_from_db()\n"
        "print(json.dumps({'status': t.status, 'verified': bool(t.receipt_verified_at), "
        "'receipt': t.receipt, 'sha': t.bundle_sha256}))",
    )


def receiver_step(receiver: Server, incoming_id: object, step: str) -> dict[str, object]:
    return shell(
        receiver,
        "import json\nfrom esafety.accounts.models import User\nfrom esafety.transfers import actions\n"
        "from esafety.transfers.models import IncomingTransfer\n"
        f"i = IncomingTransfer.objects.get(pk={incoming_id})\nu = User.objects.get()\n"
        + (
            "actions.open_incoming(i, by=u)\nout = {}\n"
            if step == "view"
            else "r = actions.accept_incoming(i, by=u)\nout = {'pupil': r.person.mis_id, 'from': r.from_school}\n"
        )
        + "i.refresh_from_db()\nout['status'] = i.status\nprint(json.dumps(out))",
    )


def test_it_sends_a_file_that_is_viewed_accepted_and_receipted(instances: tuple[Server, Server]) -> None:
    sender, receiver = instances
    incoming = expect(receiver)
    sent = send(sender, receiver, incoming["code"], "A123456789012")
    assert (sent["status"], sent["error"]) == ("sent", "")
    assert receiver_step(receiver, incoming["id"], "view")["status"] == "viewed"
    assert check(sender, sent["id"])["status"] == "viewed"
    accepted = receiver_step(receiver, incoming["id"], "accept")
    assert accepted == {"pupil": "A123456789012", "from": "Hollybrook Primary", "status": "accepted"}
    receipt = check(sender, sent["id"])
    assert (receipt["status"], receipt["verified"]) == ("accepted", True)
    assert receipt["receipt"]["receiving_school"] == "Oakfield Primary"
    assert receipt["receipt"]["bundle_sha256"] == sent["sha"]

    # The code is spent: the sender's esafety and anyone calling the API directly are refused.
    again = send(sender, receiver, incoming["code"], "B123456789012")
    assert again["status"] == "pending" and "wrong, already used or expired" in str(again["error"])
    request = urllib.request.Request(
        f"{receiver.url}/api/v1/transfers/handshake/",
        headers={"Authorization": f"Transfer {incoming['code']}"},
    )
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(request, timeout=10)
    assert refused.value.code == 403


def test_it_refuses_a_tampered_bundle(instances: tuple[Server, Server]) -> None:
    sender, receiver = instances
    incoming = expect(receiver)
    tampered = send(sender, receiver, incoming["code"], "B123456789012", tamper=True)
    assert tampered["status"] == "failed"
    assert "changed on the way" in str(tampered["error"])
    state = shell(
        receiver,
        "import json\nfrom esafety.transfers.models import IncomingTransfer\n"
        f"i = IncomingTransfer.objects.get(pk={incoming['id']})\n"
        "print(json.dumps({'status': i.status, 'attempts': i.failed_attempts}))",
    )
    assert state == {"status": "pending", "attempts": 1}
