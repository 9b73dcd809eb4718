"""Drill: 500 incident submissions while PostgreSQL crash-restarts three times; none lost, none duplicated.

Each submission is what the report form sends: ``report_incident`` with the form's idempotency key. A submission
that meets the outage gets the database error (the form comes back, "nothing was saved") and the reporter sends it
again with the same key, as the re-shown form does. Afterwards every key must be stored exactly once.

    .venv/bin/python bench/drills/pg_restart_submissions.py
"""

from __future__ import annotations

import os
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import _cluster

SUBMISSIONS = 500
RESTARTS = 3


def main() -> None:
    with _cluster.throwaway_cluster():
        database_url = _cluster.createdb("esafety_restart")
        _cluster.manage(database_url, "migrate", "--noinput", "-v", "0")
        os.environ.update(DATABASE_URL=database_url, DEBUG="1", ESAFETY_TASKS_BACKEND="immediate")
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "esafety.settings")
        import django

        django.setup()
        from django.db import InterfaceError, OperationalError, close_old_connections, connection

        from esafety.accounts.models import Role
        from esafety.incidents.actions import quiet, report_incident
        from esafety.incidents.models import Category, Incident
        from esafety.people.models import School, Trust
        from esafety.test import make_user

        trust = Trust.objects.create(name="Drill Trust", slug="drill")
        school = School.objects.create(trust=trust, name="Drill Primary", slug="drill")
        reporter = make_user("drillteacher", school, Role.TEACHER)

        outages: list[float] = []
        done = threading.Event()

        def crasher() -> None:
            for _ in range(RESTARTS):
                # Spread the crashes through the run: wait until the next third of the submissions is under way.
                target = (len(outages) + 1) * SUBMISSIONS // (RESTARTS + 1)
                while progress[0] < target:
                    if done.is_set():
                        return
                    time.sleep(0.02)
                outages.append(_cluster.restart_immediate())

        progress = [0]
        thread = threading.Thread(target=crasher, daemon=True)
        thread.start()
        refused = retries = 0
        started = time.monotonic()
        for number in range(SUBMISSIONS):
            key = f"form:{reporter.pk}:drill{number:04d}"
            for _attempt in range(200):
                try:
                    with quiet():
                        report_incident(
                            school=school,
                            reporter=reporter,
                            category=Category.CYBERBULLYING,
                            description=f"Drill submission {number}",
                            idempotency_key=key,
                        )
                    break
                except (OperationalError, InterfaceError):
                    refused += (
                        1  # the form would come back with "nothing was saved"; the reporter sends again
                    )
                    retries += 1
                    connection.close()
                    close_old_connections()
                    time.sleep(0.05)
            else:
                raise SystemExit(f"submission {number} never got through")
            progress[0] = number + 1
        elapsed = time.monotonic() - started
        done.set()
        thread.join(timeout=120)

        keys = list(Incident.objects.filter(school=school).values_list("idempotency_key", flat=True))
        numbers = list(Incident.objects.filter(school=school).values_list("number", flat=True))
        lost = SUBMISSIONS - len(set(keys))
        duplicated = len(keys) - len(set(keys))
        print(
            f"submissions: {SUBMISSIONS}, crash restarts: {len(outages)} "
            f"(unreachable {', '.join(f'{s:.1f} s' for s in outages)})"
        )
        print(f"refused during outages (form given back, sent again): {refused}")
        print(
            f"stored: {len(set(keys))}, lost: {lost}, duplicated: {duplicated}, "
            f"numbers gap-free: {sorted(numbers) == list(range(1, len(numbers) + 1))}"
        )
        print(f"time: {elapsed:.1f} s")
        connection.close()
        if lost or duplicated or len(outages) != RESTARTS:
            raise SystemExit("DRILL FAILED")


if __name__ == "__main__":
    main()
