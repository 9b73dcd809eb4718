"""A background worker killed mid-task and restarted sends no e-mail twice, on both task backends.

Real parts: the worker is the backend's own command (``db_worker`` or RQ's ``rqworker`` on the Redis at
127.0.0.1:6379), mail goes over SMTP to a local sink, and the database is a file both processes share.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import pytest

from e2e.smtp_sink import SmtpSink
from e2e.support import wait_until

pytestmark = pytest.mark.e2e
ROOT = Path(__file__).resolve().parent.parent
EMAILS = 12


def wait_for(condition: Callable[[], object], timeout: float = 60.0) -> None:
    wait_until(condition, what="timed out waiting", timeout=timeout, interval=0.05)


@pytest.mark.parametrize("backend", ["database", "rq"])
def test_it_sends_no_email_twice_when_the_worker_is_killed_and_restarted(
    backend: str, tmp_path: Path
) -> None:
    sink = SmtpSink(delay=0.15)
    env = {
        **os.environ,
        "DEBUG": "1",
        "DATABASE_URL": f"sqlite:///{tmp_path}/tasks.sqlite3",
        "ESAFETY_VAR_DIR": str(tmp_path),
        "ESAFETY_TASKS_BACKEND": backend,
        "REDIS_URL": "redis://127.0.0.1:6379/7",
        "EMAIL_URL": f"smtp://127.0.0.1:{sink.port}",
    }
    env.pop("PYTEST_CURRENT_TEST", None)

    def manage(*args: str) -> str:
        result = subprocess.run(
            [sys.executable, "-m", "esafety.cli", *args],
            env=env,
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=120,
            check=True,
        )
        return result.stdout

    def shell(code: str) -> str:
        return manage("shell", "-c", code)

    if backend == "rq":
        shell("import django_rq; django_rq.get_connection('default').flushdb()")
    manage("migrate", "--noinput", "-v", "0")
    shell(
        "from esafety.core.models import OutboundEmail\n"
        f"OutboundEmail.objects.bulk_create([OutboundEmail(key=f'reminder-{{n}}', to=[f'staff{{n}}@school.example'],"
        f" subject=f'Reminder {{n}}', body='You have an action to review.') for n in range({EMAILS})])\n"
        "from esafety.core.tasks import deliver_outbox; deliver_outbox.enqueue()"
    )
    worker_cmd = (
        ["db_worker", "--no-startup-delay", "--interval", "0.1"]
        if backend == "database"
        else ["rqworker", "--job-class", "django_tasks_rq.Job", "default"]
    )
    worker = subprocess.Popen(
        [sys.executable, "-m", "esafety.cli", *worker_cmd],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_for(lambda: sink.count() >= 4)
    finally:
        worker.send_signal(signal.SIGKILL)
        worker.wait(timeout=10)
    delivered_before_restart = sink.count()
    assert delivered_before_restart < EMAILS, "the worker finished before it could be killed"

    # Restarted: the scheduler enqueues the periodic delivery run, a fresh worker drains the queue.
    assert "core.deliver_outbox" in manage("scheduler", "--once")
    restart = (
        ["db_worker", "--no-startup-delay", "--batch"] if backend == "database" else [*worker_cmd, "--burst"]
    )
    manage(*restart)

    ids = Counter(message["Message-ID"] for message in sink.messages)
    duplicates = [message_id for message_id, count in ids.items() if count > 1]
    assert duplicates == []
    statuses = shell(
        "from esafety.core.models import OutboundEmail\n"
        "print(sorted(OutboundEmail.objects.values_list('status', flat=True)))"
    )
    sent = statuses.count("'sent'")
    in_flight = statuses.count("'sending'")
    # Every e-mail went exactly once, except at most the one on the wire at the kill: never re-sent, it waits
    # (as "sending", then "uncertain") for a person to check.
    assert in_flight <= 1
    assert sent + in_flight == EMAILS
    assert sink.count() in (sent, sent + in_flight)
    sink.close()
