"""End to end: a real Squid on loopback with ``esafety filter helper`` as its url_rewrite_program, in front of
a local HTTP server. A blocked URL is redirected to the block page; an allowed one is served.

Squid refuses to run as root, so it drops to the ``proxy`` user and starts the helper as that user: the test
picks an interpreter ``proxy`` can run (``ESAFETY_E2E_PYTHON``, this one, or Debian's ``/usr/bin/python3``; the
helper needs only the standard library for these ASCII URLs and expression-free lists).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from e2e.support import free_port, port_open, serve_directory, wait_until

ROOT = Path(__file__).resolve().parent.parent
SQUID = shutil.which("squid") or "/usr/sbin/squid"
RUNUSER = shutil.which("runuser") or "/usr/sbin/runuser"
pytestmark = pytest.mark.e2e


def copy_engine(into: Path) -> Path:
    """A copy of the engine's code that ``proxy`` can read wherever the checkout lives (CI clones under /root)."""
    code = into / "code"
    for relative in ("esafety/__init__.py", "esafety/cli.py", "esafety/filtering/__init__.py"):
        (code / relative).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / relative, code / relative)
    shutil.copytree(
        ROOT / "esafety/filtering/engine",
        code / "esafety/filtering/engine",
        ignore=shutil.ignore_patterns("__pycache__"),
    )
    for path in [code, *code.rglob("*")]:
        path.chmod(0o755 if path.is_dir() else 0o644)
    return code


def proxy_python(code: Path) -> str:
    candidates = [os.environ.get("ESAFETY_E2E_PYTHON", ""), sys.executable, "/usr/bin/python3"]
    for python in filter(None, candidates):
        probe = subprocess.run(
            [RUNUSER, "-u", "proxy", "--", python, "-c", "import esafety.filtering.engine"],
            env={"PYTHONPATH": str(code), "PATH": "/usr/sbin:/usr/bin:/sbin:/bin"},
            capture_output=True,
            timeout=60,
        )
        if probe.returncode == 0:
            return python
    raise AssertionError("no Python interpreter the proxy user can run with esafety importable")


@pytest.fixture
def origin() -> Iterator[str]:
    root = Path(tempfile.mkdtemp(prefix="esafety-origin-"))
    (root / "index.html").write_text("<p>hello from the origin</p>")
    (root / "blocked.html").write_text("<p>blocked by esafety</p>")
    try:
        with serve_directory(root) as url:
            yield url
    finally:
        shutil.rmtree(root, ignore_errors=True)


@pytest.fixture
def squid(origin: str) -> Iterator[str]:
    work = Path(tempfile.mkdtemp(prefix="esafety-squid-"))
    os.chmod(work, 0o755)  # noqa: S103 - Squid runs the helper as the proxy user, who must read this
    (work / "lists" / "adult").mkdir(parents=True)
    (work / "lists" / "adult" / "domains").write_text("bad.example\n10.255.255.1\n")
    (work / "lists" / "adult" / "urls").write_text("127.0.0.1/forbidden\n")
    (work / "policy.toml").write_text(
        f'lists = "lists"\nblock_page = "{origin}/blocked.html"\ncache_dir = "cache"\ndefault_group = "pupils"\n'
        '[groups.pupils]\nblock = ["adult"]\ndeny = ["distracting.example"]\n'
    )
    # Compile the lists now, as root, so the helpers (running as proxy) only map the cache read-only.
    subprocess.run(
        [
            sys.executable,
            "-m",
            "esafety.cli",
            "filter",
            "check",
            "--policy",
            str(work / "policy.toml"),
            "x.example",
        ],
        check=True,
        cwd=ROOT,
        capture_output=True,
        timeout=120,
    )
    code = copy_engine(work)
    helper = work / "helper.sh"
    helper.write_text(
        f"#!/bin/sh\nPYTHONPATH={code} exec {proxy_python(code)} -m esafety.cli filter helper "
        f"--policy {work / 'policy.toml'}\n"
    )
    logs = work / "logs"
    logs.mkdir()
    shutil.chown(logs, "proxy", "proxy")
    for path in work.rglob("*"):
        path.chmod(0o755 if path.is_dir() or path == helper else 0o644)
    port = free_port()
    conf = work / "squid.conf"
    conf.write_text(
        f"""
http_port 127.0.0.1:{port}
pid_filename {logs}/squid.pid
cache_log {logs}/cache.log
access_log stdio:{logs}/access.log
cache_store_log none
coredump_dir {logs}
cache deny all
cache_mem 8 MB
cache_effective_user proxy
url_rewrite_program {helper}
url_rewrite_children 2 startup=1 idle=1 concurrency=0
url_rewrite_extras "%>a/%>A %un %>rm myip=%la myport=%lp"
http_access allow localhost
http_access deny all
shutdown_lifetime 1 seconds
"""
    )
    # A service name of its own keeps this Squid's shared-memory segments apart from any other Squid's.
    service = f"esafety{port}"
    parsed = subprocess.run(
        [SQUID, "-n", service, "-k", "parse", "-f", str(conf)], capture_output=True, text=True, timeout=60
    )
    assert parsed.returncode == 0, parsed.stderr
    proc = subprocess.Popen(
        [SQUID, "-n", service, "-N", "-f", str(conf)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    try:
        wait_until(
            lambda: port_open(port),
            what="Squid did not start listening",
            process=proc,
            log=lambda: (logs / "cache.log").read_text() if (logs / "cache.log").exists() else "",
        )
        yield f"http://127.0.0.1:{port}"
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        for segment in Path("/dev/shm").glob(f"{service}-*"):  # noqa: S108 - Squid's own segments
            segment.unlink(missing_ok=True)
        if not os.environ.get("ESAFETY_E2E_KEEP"):
            shutil.rmtree(work, ignore_errors=True)


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None


def fetch(proxy: str, url: str) -> tuple[int, dict[str, str], bytes]:
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({"http": proxy}), NoRedirect())
    try:
        with opener.open(url, timeout=30) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as err:
        return err.code, dict(err.headers), err.read()


def test_it_redirects_blocked_urls_to_the_block_page(squid: str, origin: str) -> None:
    for url, category in [
        ("http://bad.example/", "adult"),
        ("http://www.BAD.example.:80/x/../y", "adult"),
        ("http://distracting.example/", "deny"),
        ("http://10.255.255.1/", "adult"),
        ("http://0x0affff01/", "adult"),
        ("http://184549121/", "adult"),
        (f"{origin}/forbidden/page", "adult"),
    ]:
        status, headers, _ = fetch(squid, url)
        assert status == 302, url
        location = headers["Location"]
        assert location.startswith(f"{origin}/blocked.html?"), location
        params = parse_qs(urlsplit(location).query)
        assert params["category"] == [category] and params["group"] == ["pupils"], url


def test_it_serves_allowed_urls(squid: str, origin: str) -> None:
    status, _, body = fetch(squid, f"{origin}/index.html")
    assert status == 200 and b"hello from the origin" in body
    status, _, body = fetch(squid, f"{origin}/blocked.html?category=adult")
    assert status == 200 and b"blocked by esafety" in body
