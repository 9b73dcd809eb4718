"""Drill: the task worker is SIGKILLed every few seconds while it delivers 1,000 notifications; no e-mail twice.

Real parts: PostgreSQL (the drill cluster), the database task backend's own ``db_worker``, SMTP to a local sink.
Each kill is followed by a fresh worker and a scheduler run (which re-enqueues the periodic outbox delivery), as
after a crash in production. At the end every message id the sink accepted must be unique; a message on the wire
at a kill is never re-sent: it is left "sending"/"uncertain" for a person to check.

    .venv/bin/python bench/drills/worker_kills.py
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
import _cluster

from e2e.smtp_sink import SmtpSink

EMAILS = 1000
KILL_EVERY = 3.0  # seconds
QUEUE = f"""
from esafety.core.models import OutboundEmail
OutboundEmail.objects.bulk_create([OutboundEmail(key=f'drill-{{n}}', to=[f'staff{{n}}@school.example'],
    subject=f'Reminder {{n}}', body='You have an action to review.') for n in range({EMAILS})])
from esafety.core.tasks import deliver_outbox; deliver_outbox.enqueue()
"""
STATUS = "from esafety.core.models import OutboundEmail as O; from collections import Counter; print(dict(Counter(O.objects.values_list('status', flat=True))))"


def main() -> None:
    sink = SmtpSink(delay=0.002)
    with _cluster.throwaway_cluster():
        database_url = _cluster.createdb("esafety_worker")
        extra = {"ESAFETY_TASKS_BACKEND": "database", "EMAIL_URL": f"smtp://127.0.0.1:{sink.port}"}
        _cluster.manage(database_url, "migrate", "--noinput", "-v", "0", extra_env=extra)
        _cluster.manage(database_url, "shell", "-c", QUEUE, extra_env=extra)
        env = {**os.environ, "DATABASE_URL": database_url, "DEBUG": "1", **extra}
        kills = 0
        started = time.monotonic()
        while True:
            worker = subprocess.Popen(
                [sys.executable, "-m", "esafety.cli", "db_worker", "--no-startup-delay", "--interval", "0.1"],
                env=env,
                cwd=_cluster.ROOT,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            try:
                worker.wait(timeout=KILL_EVERY)
            except subprocess.TimeoutExpired:
                worker.send_signal(signal.SIGKILL)
                worker.wait()
                kills += 1
            status = _cluster.manage(database_url, "shell", "-c", STATUS, extra_env=extra).splitlines()[-1]
            if "'queued'" not in status:
                break
            if time.monotonic() - started > 900:
                raise SystemExit("DRILL FAILED: delivery did not finish")
            _cluster.manage(database_url, "scheduler", "--once", extra_env=extra)
        elapsed = time.monotonic() - started
    ids = Counter(message["Message-ID"] for message in sink.messages)
    twice = [message_id for message_id, count in ids.items() if count > 1]
    print(
        f"notifications: {EMAILS}, worker SIGKILLs: {kills} (every {KILL_EVERY:.0f} s), time {elapsed:.0f} s"
    )
    print(f"accepted by the SMTP sink: {sink.count()}, distinct: {len(ids)}, sent twice: {len(twice)}")
    print(f"outbox at the end: {status}")
    sink.close()
    if twice:
        raise SystemExit("DRILL FAILED: an e-mail went twice")


if __name__ == "__main__":
    main()
