"""Benchmark: the safeguarding log's list and chronology pages with 100,000 incidents, on SQLite and PostgreSQL.

Not a test (timings never belong in tests). Run from the repository root:

    .venv/bin/python bench/incidents/run.py [--sizes 10000,100000] [--runs 30] [--db sqlite,postgres]
        [--pg postgres://postgres@127.0.0.1:5432/postgres]

For each database it generates a school with 1,400 pupils and ``sizes[0]`` incidents, measures, grows the log to
``sizes[1]`` and measures again. Each page is fetched through the Django test client as the Co-ordinator (sees
everything) and as a teacher (sees their own reports): the SQL query count must be the same at both sizes, and the
median wall-clock time is printed. PostgreSQL runs in a throwaway database that is dropped afterwards.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PG_DB = "esafety_bench_incidents"


def worker(size_list: list[int], runs: int, explain: bool = False) -> dict[str, object]:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.utils import timezone

    from esafety.accounts.models import Role, RoleAssignment, User
    from esafety.incidents.models import Category, Incident, IncidentPerson, IncidentSettings, Outcome
    from esafety.people.models import Person, School, Trust

    call_command("migrate", verbosity=0)
    rng = random.Random(4)
    trust = Trust.objects.create(name="Bench Trust", slug="bench")
    school = School.objects.create(trust=trust, name="Bench Primary", slug="bench-primary")

    def user(name: str, *roles: str) -> User:
        account = User.objects.create(
            username=name, school=school, first_name=name.title(), last_name="Bench"
        )
        for role in roles:
            RoleAssignment.objects.create(user=account, role=role, school=school)
        return account

    coordinator = user("coordinator", Role.COORDINATOR, Role.DSL)
    holders = [coordinator, user("head", Role.HEAD), user("deputy", Role.DEPUTY)]
    teacher = user("teacher", Role.TEACHER)
    reporters = [teacher] + [user(f"teacher{i}", Role.TEACHER) for i in range(20)]
    pupils = Person.objects.bulk_create(
        [
            Person(
                school=school,
                kind="pupil",
                first_name=f"Pupil{i}",
                last_name=f"Surname{i % 97}",
                class_name=f"Class{i % 14}",
                year_group=f"Year {i % 7}",
            )
            for i in range(1400)
        ]
    )
    # The pupil whose chronology is measured: in 40 of the first 10,000 incidents, so the page shows the same
    # 40 entries at every size and the figures show how it scales with the size of the log, not of the file.
    focus, others = pupils[0], pupils[1:]
    categories = list(Category.values)
    statuses = list(Incident.Status.values)
    now = timezone.now()

    def grow(target: int) -> None:
        start = Incident.objects.filter(school=school).count()
        batch = 5000
        for offset in range(start, target, batch):
            count = min(batch, target - offset)
            rows = []
            for i in range(count):
                occurred = now - timedelta(minutes=rng.randrange(0, 2 * 365 * 24 * 60))
                status = rng.choice(statuses)
                closed = status == "closed"
                rows.append(
                    Incident(
                        school=school,
                        number=offset + i + 1,
                        category=rng.choice(categories),
                        status=status,
                        occurred_at=occurred,
                        reported_at=occurred + timedelta(minutes=rng.randrange(5, 600)),
                        closed_at=occurred + timedelta(days=rng.randrange(1, 30)) if closed else None,
                        location="Classroom",
                        description=f"Generated incident {offset + i}",
                        reporter=rng.choice(reporters),
                        assigned=None if status == "reported" else rng.choice(holders),
                        restricted=rng.random() < 0.01,
                        urgent=not closed and rng.random() < 0.05,  # closing clears "urgent"
                    )
                )
            created = Incident.objects.bulk_create(rows)
            links, outcomes = [], []
            for incident in created:
                people = {focus} if incident.number % 250 == 0 and incident.number <= 10_000 else set()
                people |= set(rng.sample(others, rng.randrange(1, 3)))
                links += [IncidentPerson(incident=incident, person=p, role="victim") for p in people]
                if incident.status in ("outcome_recorded", "closed"):
                    outcomes.append(Outcome(incident=incident, kind="handled_in_class"))
            IncidentPerson.objects.bulk_create(links, batch_size=5000)
            Outcome.objects.bulk_create(outcomes, batch_size=5000)
        IncidentSettings.objects.update_or_create(
            school=school,
            defaults={
                "last_number": target,
                "closures": "2026-10-26 to 2026-10-30\n2026-12-21 to 2027-01-01",
            },
        )
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")

    pages = {
        "list (co-ordinator)": (coordinator, "/incidents/"),
        "list filtered (co-ordinator)": (coordinator, "/incidents/?status=closed&category=off_task&page=3"),
        "list urgent, oldest (co-ord.)": (coordinator, "/incidents/?urgency=urgent&sort=oldest"),
        "list untriaged 5+ days (co-ord.)": (coordinator, "/incidents/?status=reported&age=5&holder=nobody"),
        "list held, by holder p2 (co-ord.)": (
            coordinator,
            f"/incidents/?holder={coordinator.pk}&sort=holder&page=2",
        ),
        "list (teacher: own reports)": (teacher, "/incidents/"),
        "list newest (teacher)": (teacher, "/incidents/?sort=newest&category=cyberbullying"),
        "chronology (co-ordinator)": (coordinator, f"/incidents/people/{focus.pk}/"),
    }
    results: dict[str, object] = {"vendor": connection.vendor, "sizes": {}}
    for size in size_list:
        began = time.perf_counter()
        grow(size)
        generated = time.perf_counter() - began
        figures = {}
        for label, (account, url) in pages.items():
            client = Client()
            client.force_login(account)
            warm = client.get(url)  # warm caches and the session
            assert warm.status_code == 200, (label, url, warm.status_code)
            queries: list[tuple[float, str, object]] = []

            def count(execute, sql, params, many, context, queries=queries):  # type: ignore[no-untyped-def]
                began = time.perf_counter()
                try:
                    return execute(sql, params, many, context)
                finally:
                    queries.append((time.perf_counter() - began, sql, params))

            # An execute wrapper, not CaptureQueriesContext: request_started resets the DEBUG query log mid-count.
            with connection.execute_wrapper(count):
                response = client.get(url)
            assert response.status_code == 200
            timings = []
            for _ in range(runs):
                start = time.perf_counter()
                client.get(url)
                timings.append((time.perf_counter() - start) * 1000)
            if explain and size == size_list[-1]:
                show_plan(connection, label, queries)
            figures[label] = {
                "queries": len(queries),
                "median_ms": round(statistics.median(timings), 1),
                "p90_ms": round(sorted(timings)[int(len(timings) * 0.9) - 1], 1),
            }
        chronology = Incident.objects.filter(involvements__person=focus).count()
        results["sizes"][size] = {
            "generated_s": round(generated, 1),
            "chronology_incidents": chronology,
            "pages": figures,
        }
    return results


def show_plan(connection, label: str, queries: list[tuple[float, str, object]]) -> None:  # type: ignore[no-untyped-def]
    """Print the plan of the page's slowest query to stderr (``--explain``): where a slow page spends its time."""
    took, sql, params = max(queries, key=lambda q: q[0])
    prefix = "EXPLAIN (ANALYZE, BUFFERS) " if connection.vendor == "postgresql" else "EXPLAIN QUERY PLAN "
    with connection.cursor() as cursor:
        cursor.execute(prefix + sql, params)
        plan = "\n".join(" | ".join(str(cell) for cell in row) for row in cursor.fetchall())
    print(f"\n--- {label}: slowest query {took * 1000:.1f} ms\n{sql}\n{plan}", file=sys.stderr)


def run_one(url: str, sizes: str, runs: int, explain: bool = False) -> dict[str, object]:
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "DEBUG": "1",
        "ESAFETY_REQUIRE_2FA": "0",
        "ESAFETY_TASKS_BACKEND": "immediate",
        "DJANGO_SETTINGS_MODULE": "esafety.settings",
        "ALLOWED_HOSTS": "testserver",
        "ESAFETY_SSL_REDIRECT": "0",
        "ESAFETY_VAR_DIR": tempfile.mkdtemp(prefix="esafety-bench-"),
    }
    out = subprocess.run(
        [sys.executable, __file__, "--worker", "--sizes", sizes, "--runs", str(runs)]
        + (["--explain"] if explain else []),
        env=env,
        cwd=ROOT,
        check=False,
        stdout=subprocess.PIPE,
        stderr=None if explain else subprocess.PIPE,
        text=True,
    )
    if out.returncode:
        raise SystemExit(f"benchmark worker failed:\n{(out.stderr or '')[-4000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def pg_admin(url: str, statement: str) -> None:
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(statement)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", default="10000,100000")
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--db", default="sqlite,postgres")
    parser.add_argument(
        "--pg", default="postgres://postgres@127.0.0.1:5432/postgres", help="an admin connection"
    )
    parser.add_argument(
        "--explain", action="store_true", help="print each page's slowest query and its plan at the last size"
    )
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    sizes = [int(size) for size in args.sizes.split(",")]
    if args.worker:
        sys.path.insert(0, str(ROOT))
        print(json.dumps(worker(sizes, args.runs, args.explain)))
        return
    for db in args.db.split(","):
        if db == "sqlite":
            folder = tempfile.mkdtemp(prefix="esafety-bench-sqlite-")
            result = run_one(f"sqlite:///{folder}/bench.sqlite3", args.sizes, args.runs, args.explain)
        else:
            base = args.pg.rsplit("/", 1)[0]
            pg_admin(args.pg, f"DROP DATABASE IF EXISTS {PG_DB}")
            pg_admin(args.pg, f"CREATE DATABASE {PG_DB}")
            try:
                result = run_one(f"{base}/{PG_DB}", args.sizes, args.runs, args.explain)
            finally:
                pg_admin(args.pg, f"DROP DATABASE IF EXISTS {PG_DB}")
        print(f"\n== {result['vendor']} ==")
        print(f"{'page':32} " + " ".join(f"{'n=' + str(size):>24}" for size in sizes))
        labels = next(iter(result["sizes"].values()))["pages"]
        for label in labels:
            cells = []
            for size in sizes:
                fig = result["sizes"][str(size)]["pages"][label]
                cells.append(f"{fig['queries']:>3} q  {fig['median_ms']:>6} ms med")
            print(f"{label:32} " + " ".join(f"{cell:>24}" for cell in cells))
        for size in sizes:
            info = result["sizes"][str(size)]
            print(
                f"  n={size}: generated in {info['generated_s']} s; chronology covers "
                f"{info['chronology_incidents']} incidents"
            )


if __name__ == "__main__":
    main()
