"""A throwaway PostgreSQL cluster for the drills, on its own port: never the machine's main cluster on 5432.

Debian's ``pg_createcluster`` makes it (owned by ``postgres``, trust authentication on loopback only), the drills
restart it with ``pg_ctlcluster ... restart -m immediate`` (a crash: no checkpoint, WAL replay on start), and
``pg_dropcluster`` removes it at the end whatever happened.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PORT = int(os.environ.get("DRILL_PG_PORT", "5439"))
NAME = "esafety_drill"


def version() -> str:
    return sorted(os.listdir("/usr/lib/postgresql"), key=int)[-1]


def pg(*args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    return subprocess.run(list(args), capture_output=True, text=True, check=check, timeout=300)


def ready() -> bool:
    return pg("pg_isready", "-h", "127.0.0.1", "-p", str(PORT), "-q", check=False).returncode == 0


def wait_ready(timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while not ready():
        if time.monotonic() > deadline:
            raise RuntimeError("the drill cluster did not come back")
        time.sleep(0.1)


def restart_immediate() -> float:
    """Crash-restart the drill cluster; returns the seconds it was unreachable."""
    assert PORT != 5432, "never the machine's main cluster"
    started = time.monotonic()
    pg("pg_ctlcluster", "--skip-systemctl-redirect", version(), NAME, "restart", "-m", "immediate")
    wait_ready()
    return time.monotonic() - started


def url(database: str) -> str:
    return f"postgres://postgres@127.0.0.1:{PORT}/{database}"


def createdb(database: str) -> str:
    pg("createdb", "-h", "127.0.0.1", "-p", str(PORT), "-U", "postgres", database)
    return url(database)


@contextmanager
def throwaway_cluster() -> Iterator[None]:
    assert PORT != 5432, "never the machine's main cluster"
    pg("pg_dropcluster", "--stop", version(), NAME, check=False)
    pg(
        "pg_createcluster",
        version(),
        NAME,
        "-p",
        str(PORT),
        "--start",
        "--",
        "--auth-host=trust",
        "--auth-local=trust",
    )
    try:
        wait_ready()
        yield
    finally:
        pg("pg_dropcluster", "--stop", version(), NAME, check=False)


def manage(database_url: str, *args: str, extra_env: dict[str, str] | None = None, **kwargs: object) -> str:
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "DEBUG": "1",
        "ESAFETY_REQUIRE_2FA": "0",
        **(extra_env or {}),
    }
    result = subprocess.run(
        [sys.executable, "-m", "esafety.cli", *args],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
        timeout=600,
        **kwargs,  # type: ignore[arg-type]
    )
    return result.stdout
