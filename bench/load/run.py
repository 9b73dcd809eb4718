"""Load: 100 simulated staff against gunicorn and PostgreSQL on loopback; prints rps, percentiles, errors, writes.

    .venv/bin/python bench/load/run.py --minutes 2

Uses its own database on the local PostgreSQL (created and dropped), the demo school, production settings
(DEBUG off, whitenoise, Argon2) with 2FA off for the simulated staff, 2 gunicorn workers (the machine has 2
cores, shared with locust itself), traffic only to 127.0.0.1.
"""

from __future__ import annotations

import argparse
import csv
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--minutes", type=float, default=3)
    parser.add_argument("--users", type=int, default=100)
    parser.add_argument("--pg", default="postgres://postgres@127.0.0.1:5432")
    args = parser.parse_args()
    database = "esafety_load"
    port = free_port()
    var = Path(tempfile.mkdtemp(prefix="esafety-load-"))
    env = {
        **os.environ,
        "DEBUG": "0",
        "SECRET_KEY": "load-" + "x" * 60,
        "ALLOWED_HOSTS": "127.0.0.1",
        "DATABASE_URL": f"{args.pg}/{database}",
        "ESAFETY_VAR_DIR": str(var),
        "ESAFETY_SSL_REDIRECT": "0",
        "ESAFETY_SECURE_COOKIES": "0",
        "ESAFETY_HSTS_SECONDS": "0",
        "ESAFETY_REQUIRE_2FA": "0",
        "ESAFETY_TASKS_BACKEND": "database",
        "ESAFETY_LOGIN_FAILURE_LIMIT": "1000",
        "EMAIL_URL": f"file://{var}/mail",
    }
    psql = ["psql", "-h", "127.0.0.1", "-U", "postgres", "-q", "-c"]
    subprocess.run([*psql, f"DROP DATABASE IF EXISTS {database}"], check=True)
    subprocess.run([*psql, f"CREATE DATABASE {database}"], check=True)

    def manage(*command: str) -> str:
        return subprocess.run(
            [sys.executable, "-m", "esafety.cli", *command],
            env=env,
            cwd=ROOT,
            check=True,
            capture_output=True,
            text=True,
            timeout=600,
        ).stdout

    gunicorn = None
    try:
        manage("migrate", "--noinput", "-v", "0")
        manage("collectstatic", "--noinput", "-v", "0")
        manage("demo", "--password", "load-test-password")
        before = int(
            manage(
                "shell",
                "-c",
                "from esafety.incidents.models import Incident; print(Incident.objects.count())",
            ).split()[-1]
        )
        gunicorn = subprocess.Popen(
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
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2)
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.2)
        prefix = var / "locust"
        subprocess.run(
            [
                sys.executable,
                "-m",
                "locust",
                "-f",
                str(HERE / "locustfile.py"),
                "--headless",
                "-u",
                str(args.users),
                "-r",
                "10",
                "-t",
                f"{int(args.minutes * 60)}s",
                "--host",
                f"http://127.0.0.1:{port}",
                "--csv",
                str(prefix),
                "--only-summary",
            ],
            cwd=ROOT,
            check=False,
            timeout=args.minutes * 60 + 120,
            capture_output=True,
        )
        after = int(
            manage(
                "shell",
                "-c",
                "from esafety.incidents.models import Incident; print(Incident.objects.count())",
            ).split()[-1]
        )
        duplicates = manage(
            "shell",
            "-c",
            "from django.db.models import Count; from esafety.incidents.models import Incident; "
            "print(Incident.objects.exclude(idempotency_key='').values('idempotency_key').annotate(n=Count('id'))"
            ".filter(n__gt=1).count())",
        ).split()[-1]
        with open(f"{prefix}_stats.csv") as handle:
            rows = {row["Name"]: row for row in csv.DictReader(handle)}
        total = rows["Aggregated"]
        requests, failures = int(total["Request Count"]), int(total["Failure Count"])
        sent = rows.get("send report", {"Request Count": "0", "Failure Count": "0"})
        accepted = int(sent["Request Count"]) - int(sent["Failure Count"])
        print(
            f"users: {args.users}, duration: {args.minutes:g} min, gunicorn workers: 2, PostgreSQL on loopback"
        )
        print(
            f"requests: {requests}, {float(total['Requests/s']):.1f} req/s, errors: {failures} "
            f"({100 * failures / max(requests, 1):.2f} %)"
        )
        print(
            f"latency: p50 {total['50%']} ms, p95 {total['95%']} ms, p99 {total['99%']} ms, max {float(total['Max Response Time']):.0f} ms"
        )
        for name in ("dashboard", "incident list", "send report", "triage queue", "triage"):
            if name in rows:
                row = rows[name]
                print(
                    f"  {name}: {row['Request Count']} requests, p50 {row['50%']} ms, p95 {row['95%']} ms, p99 {row['99%']} ms"
                )
        print(
            f"writes counted back: {after - before} new incidents for {accepted} accepted reports; "
            f"duplicate idempotency keys: {duplicates}"
        )
    finally:
        if gunicorn is not None:
            gunicorn.terminate()
            gunicorn.wait(timeout=30)
        subprocess.run([*psql, f"DROP DATABASE IF EXISTS {database}"], check=False)


if __name__ == "__main__":
    main()
