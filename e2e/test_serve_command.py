"""``esafety serve`` as ``make run`` uses it: any port, the banner (the demo logins) printed after the worker has
started, and Ctrl-C or TERM stopping the server, the worker and the scheduler together."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from e2e.support import free_port

pytestmark = pytest.mark.e2e
ROOT = Path(__file__).resolve().parent.parent


def children(pid: int) -> set[int]:
    found = set()
    for status in Path("/proc").glob("[0-9]*/status"):
        try:
            fields = dict(line.split(":\t", 1) for line in status.read_text().splitlines() if ":\t" in line)
        except OSError:
            continue
        if fields.get("PPid", "").strip() == str(pid):
            found.add(int(status.parent.name))
    return found


@pytest.mark.parametrize("stop", [signal.SIGTERM, signal.SIGINT])
def test_it_serves_any_port_prints_the_banner_last_and_stops_everything(tmp_path: Path, stop: int) -> None:
    env = {
        **os.environ,
        "DEBUG": "1",
        "ESAFETY_VAR_DIR": str(tmp_path),
        "DATABASE_URL": f"sqlite:///{tmp_path}/serve.sqlite3",
        "ESAFETY_TASKS_BACKEND": "database",
    }
    env.pop("SITE_URL", None)
    subprocess.run([sys.executable, "-m", "esafety.cli", "migrate", "-v", "0"], env=env, cwd=ROOT, check=True)
    banner = tmp_path / "banner.txt"
    banner.write_text("Demo logins: head, coordinator\n")
    port = free_port()
    out = tmp_path / "out.txt"
    with out.open("w") as sink:
        server = subprocess.Popen(
            [sys.executable, "-m", "esafety.cli", "serve", f"127.0.0.1:{port}", "--banner", str(banner)],
            env=env,
            cwd=ROOT,
            stdout=sink,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as response:
                    assert response.status == 200
                    break
            except OSError:
                assert server.poll() is None and time.monotonic() < deadline, out.read_text()
                time.sleep(0.2)
        helpers = children(server.pid)
        assert len(helpers) == 2, f"a worker and the scheduler: {helpers}"
        server.send_signal(stop)
        server.wait(timeout=30)
    printed = out.read_text()
    assert printed.index("Demo logins") < printed.index(f"Serving http://127.0.0.1:{port}/")
    for pid in helpers:
        assert not Path(f"/proc/{pid}").exists() or "Z" in Path(f"/proc/{pid}/stat").read_text().split()[2]


def test_it_names_the_missing_setting_in_one_line_without_a_traceback() -> None:
    env = {key: value for key, value in os.environ.items() if key not in ("DEBUG", "SECRET_KEY")}
    result = subprocess.run(
        [sys.executable, "-m", "esafety.cli", "check"], env=env, cwd=ROOT, capture_output=True, text=True
    )
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert result.stderr.count("\n") == 1
    assert "SECRET_KEY" in result.stderr and "DEBUG=1" in result.stderr
