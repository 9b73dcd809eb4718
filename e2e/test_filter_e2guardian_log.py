"""Debian's real e2guardian, in its packaged log format (6), writes the log our parser reads.

e2guardian runs as a standalone proxy on a free loopback port with a copy of the packaged configuration, a
local banned-site list and its log in a temporary folder; requests go through it with urllib.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import tempfile
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from e2e.support import free_port, port_open, serve_directory, wait_until
from esafety.filtering.engine import parse_e2guardian_log

pytestmark = pytest.mark.e2e
E2GUARDIAN = "/usr/sbin/e2guardian"
PACKAGED = Path("/etc/e2guardian")


@pytest.fixture
def origin(tmp_path: Path) -> Iterator[str]:
    (tmp_path / "index.html").write_text("<p>hello</p>")
    with serve_directory(tmp_path) as url:
        yield url


@pytest.fixture
def e2guardian(origin: str) -> Iterator[tuple[str, str, Path]]:

    # Not under tmp_path: pytest's base folder is private to root, and e2guardian drops to its own user.
    work = Path(tempfile.mkdtemp(prefix="esafety-e2guardian-"))
    shutil.rmtree(work)
    shutil.copytree(PACKAGED / "lists", work / "lists")
    (work / "lists" / "localbannedsitelist").write_text("blocked.example\n", encoding="utf-8")
    logs = work / "log"
    logs.mkdir()
    logs.chmod(0o777)  # e2guardian drops to its own user before it writes the log
    port = free_port()
    conf = (PACKAGED / "e2guardian.conf").read_text()
    conf = conf.replace("/etc/e2guardian/lists", str(work / "lists"))
    conf = conf.replace("filterip =\n", "filterip = 127.0.0.1\n").replace(
        "filterports = 8080", f"filterports = {port}"
    )
    conf = conf.replace("transparenthttpsport = 8443", f"transparenthttpsport = {free_port()}")
    conf = conf.replace("nodaemon = off", "nodaemon = on")
    conf = conf.replace("#pidfilename = '/var/run/e2guardian.pid'", f"pidfilename = '{work}/e2guardian.pid'")
    conf = conf.replace(
        "#loglocation = '/var/log/e2guardian/access.log'", f"loglocation = '{logs}/access.log'"
    )
    assert "logfileformat = 6" in conf, "the packaged default log format changed"
    (work / "e2guardian.conf").write_text(conf)
    group = (PACKAGED / "e2guardianf1.conf").read_text().replace("/etc/e2guardian/lists", str(work / "lists"))
    (work / "e2guardianf1.conf").write_text(group)
    for path in [work, *work.rglob("*")]:
        path.chmod(0o777 if path == logs else (0o755 if path.is_dir() else 0o644))

    process = subprocess.Popen(
        [E2GUARDIAN, "-c", str(work / "e2guardian.conf")],
        cwd=work,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        wait_until(lambda: port_open(port), what="e2guardian did not start", interval=0.2, process=process)
    except RuntimeError as error:
        process.kill()
        output = process.stdout.read().decode() if process.stdout else ""
        raise RuntimeError(f"{error}: {output}") from None
    try:
        yield f"http://127.0.0.1:{port}", origin, logs / "access.log"
    finally:
        # e2guardian detaches whatever nodaemon says: stop the process its pid file names, then the parent.
        pid_file = work / "e2guardian.pid"
        if pid_file.exists() and pid_file.read_text().strip().isdigit():
            with contextlib.suppress(ProcessLookupError):
                os.kill(int(pid_file.read_text().strip()), signal.SIGTERM)
        process.terminate()
        process.wait(timeout=20)
        shutil.rmtree(work, ignore_errors=True)


def fetch(proxy: str, url: str) -> int:
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({"http": proxy}))
    try:
        with opener.open(url, timeout=10) as response:
            return int(response.status)
    except urllib.error.HTTPError as error:
        return int(error.code)


def test_it_reads_the_log_debians_e2guardian_writes(e2guardian: tuple[str, str, Path]) -> None:
    proxy, origin, log = e2guardian
    assert fetch(proxy, f"{origin}/index.html") == 200
    fetch(
        proxy, "http://blocked.example/page?q=1"
    )  # e2guardian's block page (its HTTP status varies by template)
    wait_until(
        lambda: log.exists() and log.read_text().count("\n") >= 2,
        what="e2guardian wrote no log lines",
        timeout=20,
        interval=0.2,
    )
    result = parse_e2guardian_log(log.read_text().splitlines())
    assert result.skipped_total == 0, dict(result.skipped)
    allowed, blocked = result.records
    assert (allowed.url, allowed.method, allowed.status, allowed.blocked) == (
        f"{origin}/index.html",
        "GET",
        200,
        False,
    )
    assert allowed.bytes > 0 and allowed.client == "127.0.0.1"
    assert (blocked.url, blocked.status, blocked.blocked) == ("http://blocked.example/page?q=1", 403, True)
    assert "blocked.example" in blocked.result
