"""Exports: what each format contains for a group (the real programs load them in e2e/test_filter_exports.py)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from esafety.filtering.engine import Policy, collect_export, export

from .support import make_policy, write_policy

ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture(scope="module")
def policy(tmp_path_factory: pytest.TempPathFactory) -> Policy:
    return make_policy(tmp_path_factory.mktemp("policy"))


def test_it_flattens_a_group_minimally(policy: Policy) -> None:
    data = collect_export(policy, "pupils")
    assert data.domains["adult"] == ["bad.example", "xn--bcher-kva.example"]
    assert data.domains["gambling"] == ["cards.example", "casino.example"]
    assert data.domains["deny"] == ["distracting.example"]
    assert "games" not in data.domains  # only blocked in time windows, which exports cannot express
    assert sorted(data.ips["adult"]) == ["10.9.8.7", "127.0.0.1", "2001:db8::bad"]
    assert data.urls["adult"] == ["mixed.example/adult", "wiki.example/wiki/explicit_page"]
    assert data.urls["deny"] == ["video.example/shorts"]
    assert "sub.casino.example" in data.allow


def test_it_drops_blocked_entries_an_allowed_domain_covers(tmp_path: Path) -> None:
    from .support import POLICY

    policy = make_policy(tmp_path, POLICY.replace('allow = ["safe.example"', 'allow = ["example"'))
    data = collect_export(policy, "pupils")
    assert data.domains == {}
    assert data.skipped > 0


def test_it_writes_rpz_with_wildcards_passthru_and_safe_search(policy: Policy, tmp_path: Path) -> None:
    export(policy, "pupils", "rpz", tmp_path / "pupils.rpz")
    zone = (tmp_path / "pupils.rpz").read_text()
    assert "bad.example CNAME .\n*.bad.example CNAME .\n" in zone
    assert "xn--bcher-kva.example CNAME ." in zone
    assert "sub.casino.example CNAME rpz-passthru.\n*.sub.casino.example CNAME rpz-passthru." in zone
    assert "forcesafesearch" not in zone
    export(policy, "staff", "rpz", tmp_path / "staff.rpz")
    staff = (tmp_path / "staff.rpz").read_text()
    for target in (
        "forcesafesearch.google.com.",
        "restrict.youtube.com.",
        "strict.bing.com.",
        "safe.duckduckgo.com.",
    ):
        assert f"CNAME {target}" in staff
    assert all(line.isascii() for line in staff.splitlines())


def test_it_writes_squid_acls_hosts_and_folders(policy: Policy, tmp_path: Path) -> None:
    export(policy, "pupils", "squid-acl", tmp_path / "pupils.conf")
    conf = (tmp_path / "pupils.conf").read_text()
    assert "acl esafety_pupils_block dstdomain .bad.example" in conf
    assert "http_access deny esafety_pupils_block !esafety_pupils_allow" in conf
    assert r"url_regex -i ^[a-z]+://(www[0-9]*\.)?mixed\.example(:[0-9]+)?/adult" in conf
    export(policy, "pupils", "hosts", tmp_path / "hosts")
    assert "0.0.0.0 bad.example\n" in (tmp_path / "hosts").read_text()
    export(policy, "pupils", "squidguard", tmp_path / "sg")
    assert "pass esafety_allow !esafety_adult" in (tmp_path / "sg" / "squidGuard.conf").read_text()
    assert "bad.example" in (tmp_path / "sg" / "db" / "esafety_adult" / "domains").read_text()
    export(policy, "pupils", "e2guardian", tmp_path / "e2")
    assert "casino.example" in (tmp_path / "e2" / "bannedsitelist").read_text()
    assert "sub.casino.example" in (tmp_path / "e2" / "exceptionsitelist").read_text()


def test_it_exports_from_the_command_line(tmp_path: Path) -> None:
    path = write_policy(tmp_path)
    out = subprocess.run(
        [
            sys.executable,
            "-m",
            "esafety.cli",
            "filter",
            "export",
            "--policy",
            str(path),
            "--group",
            "pupils",
            "--format",
            "hosts",
        ],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
        timeout=60,
    ).stdout
    assert "0.0.0.0 casino.example" in out
    failed = subprocess.run(
        [
            sys.executable,
            "-m",
            "esafety.cli",
            "filter",
            "export",
            "--policy",
            str(path),
            "--group",
            "pupils",
            "--format",
            "squidguard",
        ],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=60,
    )
    assert failed.returncode == 2 and "--output" in failed.stderr
