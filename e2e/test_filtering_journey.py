"""Filtering in a real browser, end to end: a teacher asks for a blocked site, the Co-ordinator approves, the
Headteacher approves, the ICT Technician applies; the published policy then allows it (``esafety filter check``)
and a running Squid, whose helper reads the published policy file, serves the site it refused before.

The "site" is a local origin on 127.0.0.1: the demo's pupils group blocks addresses typed as numbers, so the
teacher's unblock request for it travels the whole chain like any other.
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from e2e.conftest import ROOT, Server, sign_in
from e2e.support import free_port, serve_directory
from e2e.test_filter_squid import SQUID, copy_engine, fetch, proxy_python

pytestmark = pytest.mark.e2e


@pytest.fixture
def open_as(browser: object) -> Iterator[Callable[[Server, str], object]]:
    """A fresh signed-in browser context per user, each collecting console (CSP) errors."""
    contexts = []

    def _open(server: Server, username: str) -> object:
        context = browser.new_context(locale="en-GB", timezone_id="Europe/London")  # type: ignore[attr-defined]
        contexts.append(context)
        page = context.new_page()
        page.csp_errors = []
        page.on("console", lambda msg: page.csp_errors.append(msg.text) if msg.type == "error" else None)
        sign_in(page, server, username)
        page.wait_for_url(re.compile(r".*/$"))
        return page

    yield _open
    for context in contexts:
        context.close()


@pytest.fixture
def origin() -> Iterator[str]:
    root = Path(tempfile.mkdtemp(prefix="esafety-origin-"))
    (root / "index.html").write_text("<p>volcano lesson</p>")
    try:
        with serve_directory(root) as url:
            yield url
    finally:
        shutil.rmtree(root, ignore_errors=True)


def _open_to_proxy_user(path: Path) -> None:
    # Squid runs its helpers as ``proxy``: it must reach the published policy inside the server's temporary
    # folder (pytest makes those private to root).
    for parent in [path, *path.parents]:
        if parent == Path("/tmp"):  # noqa: S108 - pytest's base temporary folder lives here
            break
        parent.chmod(parent.stat().st_mode | 0o755)


@pytest.fixture
def squid(server: Server) -> Iterator[str]:
    policy = server.var_dir / "filtering" / "hollybrook" / "policy.toml"
    assert policy.is_file(), "the demo publishes on build"
    _open_to_proxy_user(server.var_dir)
    for path in (server.var_dir / "filtering").rglob("*"):
        path.chmod(path.stat().st_mode | (0o755 if path.is_dir() else 0o644))
    (server.var_dir / "filtering" / "hollybrook" / "cache").chmod(0o777)
    work = Path(tempfile.mkdtemp(prefix="esafety-squid-"))
    os.chmod(work, 0o755)  # noqa: S103 - Squid runs the helper as the proxy user, who must read this
    code = copy_engine(work)
    helper = work / "helper.sh"
    helper.write_text(
        f"#!/bin/sh\nPYTHONPATH={code} exec {proxy_python(code)} -m esafety.cli filter helper "
        f"--policy {policy} --reload-interval 0.2\n"
    )
    helper.chmod(0o755)
    logs = work / "logs"
    logs.mkdir()
    shutil.chown(logs, "proxy", "proxy")
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
url_rewrite_children 1 startup=1 idle=1 concurrency=0
url_rewrite_extras "%>a/%>A %un %>rm myip=%la myport=%lp"
http_access allow localhost
http_access deny all
shutdown_lifetime 1 seconds
"""
    )
    conf.chmod(0o644)
    service = f"esafety{port}"
    proc = subprocess.Popen(
        [SQUID, "-n", service, "-N", "-f", str(conf)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            with socket.socket() as sock:
                if sock.connect_ex(("127.0.0.1", port)) == 0:
                    break
            assert proc.poll() is None, (logs / "cache.log").read_text()
            assert time.monotonic() < deadline, "Squid did not start listening"
            time.sleep(0.1)
        LOGS[f"http://127.0.0.1:{port}"] = str(logs)
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


LOGS: dict[str, str] = {}


def squid_logs(proxy: str) -> str:
    return LOGS[proxy]


def filter_check(server: Server, url: str) -> str:
    policy = server.var_dir / "filtering" / "hollybrook" / "policy.toml"
    out = subprocess.run(
        [
            sys.executable,
            "-m",
            "esafety.cli",
            "filter",
            "check",
            "--policy",
            str(policy),
            "--group",
            "pupils",
            url,
        ],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
        timeout=120,
    ).stdout
    return out.split("\t")[0]


def take_step(page: object, server: Server, request_url: str, button: str, reason: str = "") -> None:
    page.goto(request_url)  # type: ignore[attr-defined]
    if reason:
        page.get_by_label("Reason or note").fill(reason)  # type: ignore[attr-defined]
    # The step posts and redirects back to the same address: wait for that navigation, not just the URL.
    with page.expect_navigation():  # type: ignore[attr-defined]
        page.get_by_role("button", name=button, exact=True).click()  # type: ignore[attr-defined]


def test_it_unblocks_a_site_through_the_whole_chain(
    server: Server, open_as: Callable[[Server, str], object], origin: str, squid: str
) -> None:
    site = f"{origin}/index.html"
    assert filter_check(server, site) == "BLOCK"
    status, headers, _ = fetch(squid, site)
    assert status == 302
    location = headers["Location"]
    assert urlsplit(location).path == "/filtering/blocked/"
    assert parse_qs(urlsplit(location).query)["group"] == ["pupils"]

    # The block page the helper sent the pupil to, with the teacher's "request access".
    teacher = open_as(server, "teacher")
    teacher.goto(server.url + urlsplit(location).path + "?" + urlsplit(location).query)  # type: ignore[attr-defined]
    assert teacher.get_by_text("This page is not for school.").is_visible()  # type: ignore[attr-defined]
    teacher.get_by_role("link", name="Request access").click()  # type: ignore[attr-defined]
    assert teacher.get_by_label("Web address").input_value() == site  # type: ignore[attr-defined]
    teacher.get_by_label("For whom").select_option("group")  # type: ignore[attr-defined]
    teacher.get_by_label("Filter group").select_option("pupils")  # type: ignore[attr-defined]
    teacher.get_by_label("For how long").select_option("permanent")  # type: ignore[attr-defined]
    teacher.get_by_label("Why").fill("The volcano lesson for Year 2.")  # type: ignore[attr-defined]
    teacher.get_by_role("button", name="Send the request").click()  # type: ignore[attr-defined]
    teacher.wait_for_url(re.compile(r".*/filtering/requests/\d+/$"))  # type: ignore[attr-defined]
    request_url = teacher.url  # type: ignore[attr-defined]
    assert teacher.get_by_text("Waiting for the E-Safety Co-ordinator").first.is_visible()  # type: ignore[attr-defined]

    coordinator = open_as(server, "coordinator")
    take_step(coordinator, server, request_url, "Approve and forward", "Checked the page: fine for Year 2.")
    head = open_as(server, "head")
    take_step(head, server, request_url, "Approve")
    assert filter_check(server, site) == "BLOCK"  # approved is not yet applied
    technician = open_as(server, "technician")
    take_step(technician, server, request_url, "Apply and publish")
    assert technician.get_by_role("heading", level=1).inner_text().endswith("Applied")  # type: ignore[attr-defined]

    teacher.reload()  # type: ignore[attr-defined]
    assert teacher.get_by_role("heading", level=1).inner_text().endswith("Applied")  # type: ignore[attr-defined]
    assert filter_check(server, site) == "ALLOW"
    # The running helper notices the new policy file by itself (it checks as requests arrive, at most every
    # 0.2 s, and the chain took longer than that) and lets the request through.
    status, _, body = fetch(squid, site)
    log = Path(squid_logs(squid)) / "cache.log"
    assert status == 200 and b"volcano lesson" in body, log.read_text()[-3000:]
    for page in (teacher, coordinator, head, technician):
        assert page.csp_errors == []  # type: ignore[attr-defined]
