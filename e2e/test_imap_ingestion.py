"""The journal mailbox against a real Dovecot: every message captured exactly once, even when the ingester is
killed mid-batch (kill -9) or dies between committing a capture and marking its message processed."""

from __future__ import annotations

import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from e2e.conftest import ROOT, Server
from e2e.dovecot import Dovecot, make_message, start_dovecot
from e2e.support import wait_until

pytestmark = pytest.mark.e2e
KEYWORD = "$EsafetyProcessed"


@pytest.fixture
def dovecot(tmp_path: Path):  # type: ignore[no-untyped-def]
    server = start_dovecot(tmp_path)
    yield server
    server.stop()


def add_source(server: Server, dovecot: Dovecot, name: str) -> int:
    out = server.manage(
        "monitoring_source",
        "--school",
        "hollybrook",
        "--name",
        name,
        "--host",
        dovecot.host,
        "--port",
        str(dovecot.port),
        "--user",
        dovecot.user,
        "--password",
        dovecot.password,
    ).stdout
    return int(out.split("source ", 1)[1].split(":", 1)[0])


def captures(server: Server, source: int) -> list[tuple[str, int]]:
    with sqlite3.connect(server.var_dir / "e2e.sqlite3", timeout=30) as db:
        return db.execute(
            "SELECT c.message_id, (SELECT COUNT(*) FROM monitoring_alert a WHERE a.capture_id = c.id)"
            " FROM monitoring_capture c WHERE c.source_id = ? ORDER BY c.id",
            [source],
        ).fetchall()


def test_it_ingests_alerting_messages_and_marks_them_processed(server: Server, dovecot: Dovecot) -> None:
    source = add_source(server, dovecot, "Journal e2e basic")
    dovecot.append(
        [
            make_message("honestly i want to kill myself", message_id="<basic-1@e2e>"),
            make_message("see you at football practice", message_id="<basic-2@e2e>"),
            make_message("dont tell your mum we talk ok", message_id="<basic-3@e2e>", html=True),
        ]
    )
    result = server.manage("monitoring_ingest", "--source", str(source))
    assert "3 read, 2 captured" in result.stdout, result.stdout + result.stderr
    assert [m for m, _ in captures(server, source)] == ["<basic-1@e2e>", "<basic-3@e2e>"]
    assert all(n >= 1 for _, n in captures(server, source))
    assert dovecot.search("UNKEYWORD", KEYWORD) == []
    # Nothing was marked \Seen: the journal's own readers still see the messages as unread.
    assert len(dovecot.search("UNSEEN")) == 3


def test_it_never_ingests_twice_when_the_mark_was_lost(server: Server, dovecot: Dovecot) -> None:
    """The crash window: the capture committed, the message not yet marked processed on the server."""
    source = add_source(server, dovecot, "Journal e2e window")
    dovecot.append([make_message("i want to kill myself", message_id="<window-1@e2e>")])
    server.manage("monitoring_ingest", "--source", str(source))
    conn = dovecot.connect()
    conn.select("INBOX")
    conn.uid("STORE", dovecot.search("ALL")[0], "-FLAGS", f"({KEYWORD})")
    conn.logout()
    assert len(dovecot.search("UNKEYWORD", KEYWORD)) == 1
    result = server.manage("monitoring_ingest", "--source", str(source))
    assert "1 already captured" in result.stdout
    assert len(captures(server, source)) == 1
    assert dovecot.search("UNKEYWORD", KEYWORD) == []


def test_it_survives_being_killed_mid_batch(server: Server, dovecot: Dovecot) -> None:
    total = 300
    source = add_source(server, dovecot, "Journal e2e kill")
    dovecot.append(
        [
            make_message(f"message {i}: i want to kill myself", message_id=f"<kill-{i}@e2e>")
            for i in range(total)
        ]
    )
    process = subprocess.Popen(
        [sys.executable, "-m", "esafety.cli", "monitoring_ingest", "--source", str(source)],
        env=server.env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_until(
            lambda: len(dovecot.search("KEYWORD", KEYWORD)) >= 20,
            what="the ingester did not mark 20 messages before it could be killed",
            timeout=120,
            interval=0.02,
            process=process,
        )
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
    marked = len(dovecot.search("KEYWORD", KEYWORD))
    assert 20 <= marked < total, "killed too late to test anything"
    assert len(captures(server, source)) >= marked  # every marked message was committed first

    result = server.manage("monitoring_ingest", "--source", str(source))
    assert "0 failed" in result.stdout
    stored = captures(server, source)
    assert sorted(m for m, _ in stored) == sorted(
        f"<kill-{i}@e2e>" for i in range(total)
    )  # nothing lost, none twice
    assert all(n == 1 for _, n in stored)
    assert dovecot.search("UNKEYWORD", KEYWORD) == []
