"""Log parsers: Squid native access.log and e2guardian access logs; malformed lines are counted, never fatal."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from esafety.filtering.engine import Policy, parse_e2guardian_log, parse_squid_log

from .support import make_policy


@pytest.fixture(scope="module")
def policy(tmp_path_factory: pytest.TempPathFactory) -> Policy:
    return make_policy(tmp_path_factory.mktemp("policy"))


SQUID = """\
1705312800.123    45 10.1.2.3 TCP_TUNNEL/200 5120 CONNECT bad.example:443 alice HIER_DIRECT/203.0.113.5 -
1705312801.000    12 10.1.2.3 TCP_MISS/200 2048 GET http://example.org/page - HIER_DIRECT/203.0.113.6 text/html
1705312802.500     0 10.1.2.4 TCP_REDIRECT/302 310 GET http://casino.example/ - HIER_NONE/- text/html
1705312803.000     1 10.1.2.4 TCP_DENIED/403 3900 GET http://chat.example/ - HIER_NONE/- text/html

garbage
1705312804.000 1 10.1.2.4 TCP_MISS/abc 1 GET http://x.example/ - HIER_NONE/- -
notatime 1 10.1.2.4 TCP_MISS/200 1 GET http://x.example/ - HIER_NONE/- -
1705312805.000 1 10.1.2.5 TCP_MISS/200 99 GET http://0x7f000001/ bob HIER_DIRECT/127.0.0.1 text/html
"""


def test_it_parses_squid_native_lines(policy: Policy) -> None:
    result = parse_squid_log(SQUID.splitlines(), policy)
    assert [r.line for r in result.records] == [1, 2, 3, 4, 9]
    first = result.records[0]
    assert first.time == datetime(2024, 1, 15, 10, 0, 0, 123000, tzinfo=UTC)
    assert (first.client, first.user, first.url, first.method, first.result, first.status, first.bytes) == (
        "10.1.2.3",
        "alice",
        "bad.example:443",
        "CONNECT",
        "TCP_TUNNEL/200",
        200,
        5120,
    )
    assert first.visited_blocked_site and first.category == "adult"
    assert not result.records[1].visited_blocked_site and result.records[1].category is None
    assert result.records[2].blocked and not result.records[2].visited_blocked_site
    assert result.records[3].blocked
    assert result.records[4].visited_blocked_site  # the decimal IP form is the listed 127.0.0.1
    assert dict(result.skipped) == {
        "empty line": 1,
        "too few fields": 1,
        "bad status or size": 1,
        "bad timestamp": 1,
    }
    assert result.first_skipped["too few fields"] == 6


E2_TAB = "\t".join(
    [
        "2024.1.15",
        "10:00:00",
        "alice",
        "10.1.2.3",
        "http://bad.example/x",
        "*DENIED*",
        "Banned site: bad.example",
        "GET",
        "0",
        "0",
        "Pornography",
        "1",
        "403",
        "text/html",
        "-",
        "pupils",
    ]
)
E2_SPACE = (
    "2024.1.15 10:00:01 - 10.1.2.4 https://bad.example:443 *EXCEPTION* Exception site match. CONNECT 4096 0 "
    "Adult Sites 1 200 - - pupils"
)
E2_SQUID = "1705312802.000 5 10.1.2.5 TCP_MISS/200 100 GET http://example.org/ - DIRECT/1.2.3.4 text/html"


def test_it_parses_e2guardian_formats(policy: Policy) -> None:
    result = parse_e2guardian_log(
        [E2_TAB, E2_SPACE, "", "2024.13.99 bad line here x y z w v u", E2_SQUID], policy
    )
    tab, space, squid = result.records
    assert tab.blocked and tab.category == "Pornography" and tab.user == "alice" and tab.status == 403
    assert not space.blocked and space.method == "CONNECT" and space.category == "Adult Sites"
    assert space.bytes == 4096 and space.status == 200 and space.visited_blocked_site
    assert squid.url == "http://example.org/" and squid.line == 5
    assert result.skipped_total == 2


@settings(max_examples=200, deadline=None)
@given(st.lists(st.text(max_size=120), max_size=8))
def test_it_never_fails_on_any_text(lines: list[str]) -> None:
    for parse in (parse_squid_log, parse_e2guardian_log):
        result = parse(lines)
        assert len(result.records) + result.skipped_total == len(lines)


def test_it_reads_bytes_and_files(tmp_path: Path) -> None:
    log = tmp_path / "access.log"
    log.write_bytes(SQUID.encode() + b"\xff\xfe not utf-8\n")
    with open(log, "rb") as fh:
        result = parse_squid_log(fh)
    assert len(result.records) == 5 and result.skipped_total == 5


# Written by Debian's e2guardian 5.3 (logfileformat = 6, the package default) for a local banned-site list.
E2_PROTEX = [
    "1795930727.743\t\t-\t127.0.0.1\t127.0.0.1\thttp://blocked.example/page?x=1\tGET\t403\t0\t-\t-\t-\t0\t-\t560\t"
    "*DENIED* Blocked site (local): blocked.example\t0\t-\tno_name_group\t1",
    "1795930727.760\t\t-\t127.0.0.1\t127.0.0.1\thttps://blocked.example:443\tCONNECT\t403\t0\t-\t-\t-\t0\t-\t560\t"
    "*DENIED* Blocked site (local): blocked.example\t0\t-\tno_name_group\t1",
    "1795930714.428\t\t-\t127.0.0.1\t127.0.0.1\thttp://127.0.0.1:18081\tGET\t200\t4335\t-\t-\t-\t4\t-\t0\t-\t-5\t"
    "-\tno_name_group\t1",
    # Client host name off (one client field), format 7 (search terms and flags), a user and a category.
    "1795930800.000\t\talice\t10.1.2.3\thttp://bad.example/x\tGET\t403\t0\ttext/html\t-\t-\t3\t-\t500\t"
    "*DENIED* Banned site: bad.example\t0\tAdult\tpupils\t2\tsome search\t-",
    "1795930800.500\t\t-\t10.1.2.3\tnot-a-method-line",
]


def test_it_parses_e2guardian_protex_formats_as_debian_writes_them(policy: Policy) -> None:
    result = parse_e2guardian_log(E2_PROTEX, policy)
    blocked, tunnel, allowed, alice = result.records
    assert blocked.time == datetime(2026, 11, 29, 5, 38, 47, 743000, tzinfo=UTC)
    assert (blocked.client, blocked.user, blocked.url, blocked.method, blocked.status, blocked.bytes) == (
        "127.0.0.1",
        None,
        "http://blocked.example/page?x=1",
        "GET",
        403,
        0,
    )
    assert blocked.blocked and blocked.result == "*DENIED* Blocked site (local): blocked.example"
    assert tunnel.method == "CONNECT" and tunnel.blocked
    assert (
        not allowed.blocked and allowed.status == 200 and allowed.bytes == 4335 and allowed.result == "PASS"
    )
    assert (alice.user, alice.client, alice.category, alice.blocked) == ("alice", "10.1.2.3", "Adult", True)
    assert dict(result.skipped) == {"too few fields": 1}
