"""Drill: ``pg_dump`` taken while reports are being written, restored to a fresh database, audit chain verified.

A writer files reports (each one appends to the hash-chained audit trail) throughout; ``pg_dump`` runs in the
middle of it. Its snapshot is consistent, so the restored copy must verify with ``esafety verify_audit`` and hold
a prefix of what the live database ends up with.

    .venv/bin/python bench/drills/pg_dump_restore.py
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import _cluster

SETUP = """
from esafety.accounts.models import Role
from esafety.people.models import School, Trust
from esafety.test import make_user
school = School.objects.create(trust=Trust.objects.create(name='Drill Trust', slug='drill'), name='Drill', slug='drill')
make_user('drillteacher', school, Role.TEACHER)
"""
WRITE = """
import sys
from esafety.accounts.models import User
from esafety.incidents.actions import quiet, report_incident
from esafety.people.models import School
school, user = School.objects.get(slug='drill'), User.objects.get(username='drillteacher')
for n in range({count}):
    with quiet():
        report_incident(school=school, reporter=user, category='cyberbullying', description=f'Drill {{n}}',
                        idempotency_key=f'dump{{n}}')
"""
COUNT = "from esafety.audit.models import AuditEntry; print(AuditEntry.objects.count())"


def client(program: str, *args: str) -> None:
    """Run a PostgreSQL client program against the drill cluster."""
    where = ["-h", "127.0.0.1", "-p", str(_cluster.PORT), "-U", "postgres"]
    subprocess.run([program, *where, *args], check=True, timeout=300)


def main() -> None:
    with _cluster.throwaway_cluster(), tempfile.TemporaryDirectory() as tmp:
        live = _cluster.createdb("esafety_live")
        _cluster.manage(live, "migrate", "--noinput", "-v", "0")
        _cluster.manage(live, "shell", "-c", SETUP)
        writer = threading.Thread(target=_cluster.manage, args=(live, "shell", "-c", WRITE.format(count=600)))
        writer.start()
        time.sleep(3)  # let the writer get going: the dump must be taken mid-write
        dump = Path(tmp) / "live.dump"
        started = time.monotonic()
        client("pg_dump", "-Fc", "-f", str(dump), "esafety_live")
        dumped = time.monotonic() - started
        writer.join()
        restored = _cluster.createdb("esafety_restored")
        client("pg_restore", "-d", "esafety_restored", "--no-owner", str(dump))
        verified = _cluster.manage(restored, "verify_audit").strip()
        live_entries = int(_cluster.manage(live, "shell", "-c", COUNT).split()[-1])
        copy_entries = int(_cluster.manage(restored, "shell", "-c", COUNT).split()[-1])
        live_verified = _cluster.manage(live, "verify_audit").strip()
        print(f"pg_dump during writes: {dumped:.1f} s, {dump.stat().st_size / 1024:.0f} KiB")
        print(
            f"audit entries: live {live_entries} at the end, restored copy {copy_entries} (taken mid-write)"
        )
        print(f"restored copy: {verified}")
        print(f"live database: {live_verified}")
        if not (0 < copy_entries < live_entries):
            raise SystemExit("DRILL FAILED: the dump was not taken during the writes")


if __name__ == "__main__":
    main()
