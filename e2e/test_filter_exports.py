"""The exports load in the real programs: Squid (``squid -k parse``), Unbound (``unbound-checkconf`` and a
running Unbound answering NXDOMAIN from the RPZ zone) and squidGuard (``-C all``, then blocking a request).

Lists: small hand-made ones plus two real UT1 categories (UT1 blacklists, Université Toulouse Capitole,
CC BY-SA 4.0; the offline subset in ../shared/data/ut1), so the programs see real-world entries.
"""

from __future__ import annotations

import os
import shutil
import socket
import struct
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from e2e.support import free_port, wait_until

ROOT = Path(__file__).resolve().parent.parent
# CI lays ../shared beside the checkout; ESAFETY_UT1 points elsewhere.
UT1 = Path(os.environ.get("ESAFETY_UT1", ROOT.parent / "shared" / "data" / "ut1"))
pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def policy_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("exports")
    lists = root / "lists"
    for category in ("chat", "gambling"):
        (lists / category).mkdir(parents=True)
        for name in ("domains", "urls"):
            if (UT1 / category / name).is_file():
                shutil.copyfile(UT1 / category / name, lists / category / name)
    (lists / "adult").mkdir()
    (lists / "adult" / "domains").write_text("bad.example\nbücher.example\n127.0.0.1\n2001:db8::bad\n")
    (lists / "adult" / "urls").write_text("mixed.example/adult\nwww.wiki.example/wiki/Explicit (page)\n")
    path = root / "policy.toml"
    path.write_text(
        'lists = "lists"\nblock_page = "http://esafety.school.example/filtering/blocked/"\n'
        'cache_dir = "cache"\n'
        '[groups.pupils]\nblock = ["adult", "chat", "gambling"]\nallow = ["safe.bad.example"]\n'
        'deny = ["distracting.example"]\nsafe_search = true\n'
    )
    return path


def export(policy_path: Path, fmt: str, output: Path) -> Path:
    subprocess.run(
        [
            sys.executable,
            "-m",
            "esafety.cli",
            "filter",
            "export",
            "--policy",
            str(policy_path),
            "--group",
            "pupils",
            "--format",
            fmt,
            "--output",
            str(output),
        ],
        check=True,
        cwd=ROOT,
        timeout=300,
    )
    return output


def test_it_exports_squid_acls_squid_accepts(policy_path: Path, tmp_path: Path) -> None:
    acl = export(policy_path, "squid-acl", tmp_path / "esafety-pupils.conf")
    conf = tmp_path / "squid.conf"
    conf.write_text(
        f"http_port 127.0.0.1:{free_port()}\npid_filename {tmp_path}/squid.pid\ncache_log {tmp_path}/cache.log\n"
        f"access_log none\ncoredump_dir {tmp_path}\ninclude {acl}\n"
        "http_access allow localhost\nhttp_access deny all\n"
    )
    done = subprocess.run(
        ["squid", "-n", f"esafety{os.getpid()}", "-k", "parse", "-f", str(conf)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    problems = [line for line in done.stderr.splitlines() if "ERROR" in line or "FATAL" in line]
    assert not problems, problems[:5]
    assert "esafety_pupils_block" in acl.read_text()


def dns_query(port: int, name: str) -> int:
    """The RCODE of an A query for ``name`` (3 is NXDOMAIN)."""
    question = (
        b"".join(bytes([len(p)]) + p.encode() for p in name.split(".")) + b"\0" + struct.pack(">HH", 1, 1)
    )
    packet = struct.pack(">HHHHHH", 0x1234, 0x0100, 1, 0, 0, 0) + question
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        sock.settimeout(5)
        sock.sendto(packet, ("127.0.0.1", port))
        reply, _ = sock.recvfrom(4096)
    assert reply[:2] == b"\x12\x34"
    return reply[3] & 0x0F


@pytest.fixture
def unbound(policy_path: Path, tmp_path: Path) -> Iterator[int]:
    zone = export(policy_path, "rpz", tmp_path / "pupils.rpz")
    port = free_port()
    conf = tmp_path / "unbound.conf"
    conf.write_text(
        f"""server:
    interface: 127.0.0.1
    port: {port}
    do-ip6: no
    chroot: ""
    username: ""
    directory: "{tmp_path}"
    pidfile: "{tmp_path}/unbound.pid"
    use-syslog: no
    logfile: "{tmp_path}/unbound.log"
    module-config: "respip validator iterator"
    access-control: 127.0.0.0/8 allow
rpz:
    name: rpz.esafety.
    zonefile: "{zone}"
    rpz-log: yes
"""
    )
    check = subprocess.run(["unbound-checkconf", str(conf)], capture_output=True, text=True, timeout=60)
    assert check.returncode == 0, check.stdout + check.stderr
    proc = subprocess.Popen(
        ["unbound", "-d", "-c", str(conf)], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    try:
        wait_until(
            lambda: dns_query(port, "bad.example") or True,
            what="Unbound did not answer",
            interval=0.2,
            process=proc,
            retry_on=(OSError,),
            log=lambda: (tmp_path / "unbound.log").read_text() if (tmp_path / "unbound.log").exists() else "",
        )
        yield port
    finally:
        proc.terminate()
        proc.wait(timeout=20)
        log = (tmp_path / "unbound.log").read_text() if (tmp_path / "unbound.log").exists() else ""
        assert "error" not in log.lower(), log[-3000:]


def test_it_exports_an_rpz_zone_unbound_loads(unbound: int, policy_path: Path) -> None:
    assert dns_query(unbound, "bad.example") == 3
    assert dns_query(unbound, "deep.sub.bad.example") == 3
    assert dns_query(unbound, "xn--bcher-kva.example") == 3
    assert dns_query(unbound, "distracting.example") == 3
    gambling = (UT1 / "gambling" / "domains").read_text().split()[0]
    assert dns_query(unbound, gambling) == 3


def test_it_exports_squidguard_lists_squidguard_compiles(policy_path: Path, tmp_path: Path) -> None:
    folder = export(policy_path, "squidguard", tmp_path / "sg")
    conf = folder / "squidGuard.conf"
    done = subprocess.run(
        ["squidGuard", "-c", str(conf), "-C", "all"], capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stderr
    assert list((folder / "db").glob("*/domains.db")), "no .db file was built"
    log = (folder / "log" / "squidGuard.log").read_text()
    assert "ERROR" not in log and "FATAL" not in log, log[-2000:]
    lines = "http://www.bad.example/x 10.0.0.1/- - GET\nhttp://safe.bad.example/ 10.0.0.1/- - GET\n"
    lines += "http://example.org/ 10.0.0.1/- - GET\n"
    out = subprocess.run(
        ["squidGuard", "-c", str(conf)], input=lines, capture_output=True, text=True, timeout=60
    ).stdout.splitlines()
    assert out[0].startswith("OK") and "category=esafety_adult" in out[0]
    assert not out[1].startswith("OK") and not out[2].startswith("OK")
