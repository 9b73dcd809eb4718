"""decide(): precedence, most specific category, IP and IDN holes, time windows, groups, walled gardens."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from esafety.filtering.engine import Policy, PolicyError, decide, load_policy

from .support import POLICY, make_policy, write_policy

MONDAY_LESSON = datetime(2024, 1, 15, 10, 0, tzinfo=UTC)  # Europe/London is UTC in January
MONDAY_EVENING = datetime(2024, 1, 15, 18, 0, tzinfo=UTC)
SATURDAY_LESSON_TIME = datetime(2024, 1, 20, 10, 0, tzinfo=UTC)


@pytest.fixture(scope="module")
def policy(tmp_path_factory: pytest.TempPathFactory) -> Policy:
    return make_policy(tmp_path_factory.mktemp("policy"))


# (group, URL, expected category or "-" for allowed); the time is outside lessons unless the row says so.
GOLDEN = [
    # plain hits and misses; a domain entry covers its subdomains
    ("pupils", "http://bad.example/", "adult"),
    ("pupils", "http://deep.sub.bad.example/x", "adult"),
    ("pupils", "http://notbad.example/", "-"),
    ("pupils", "http://bad.example.org/", "-"),
    ("pupils", "http://example/", "-"),
    # every squidGuard bypass, now caught
    ("pupils", "http://good.example@bad.example/", "adult"),
    ("pupils", "http://bad.example\\@good.example/", "adult"),
    ("pupils", "http://bad.example.:80/", "adult"),
    ("pupils", "http://BAD.EXAMPLE/", "adult"),
    ("pupils", "http://%62ad.example/", "adult"),
    ("pupils", "http://2130706433/", "adult"),
    ("pupils", "http://0x7f000001/", "adult"),
    ("pupils", "http://0177.0.0.1/", "adult"),
    ("pupils", "http://127.1/", "adult"),
    ("pupils", "http://[::ffff:127.0.0.1]/", "adult"),
    ("pupils", "http://[2001:db8:0::bad]/", "adult"),
    ("pupils", "http://Bücher.example/", "adult"),
    ("pupils", "http://xn--bcher-kva.example/", "adult"),
    ("pupils", "http://ünicode-chat.example/", "chat"),
    ("pupils", "http://mixed.example/x/../adult/page", "adult"),
    ("pupils", "http://mixed.example/%61dult", "adult"),
    ("pupils", "http://mixed.example//adult", "adult"),
    ("pupils", "http://mixed.example/ADULT/x", "adult"),
    ("pupils", "http://www3.mixed.example/adult", "adult"),
    ("pupils", "http://mixed.example/adulthood", "adult"),  # squidGuard-compatible: a plain prefix
    ("pupils", "http://mixed.example/other", "-"),
    ("pupils", "http://sub.mixed.example/adult", "-"),  # URL lists do not cover subdomains
    ("pupils", "http://wiki.example/wiki/explicit_page", "adult"),
    ("pupils", "bad.example:443", "adult"),
    ("pupils", "BAD.example.:443", "adult"),
    ("pupils", "bad.example", "adult"),
    ("pupils", "http://stray-dot.example/", "warez"),
    # IP entries match the address only
    ("pupils", "http://10.9.8.7/", "adult"),
    ("pupils", "http://1.10.9.8.7/", "-"),  # five parts: not a URL at all, allowed for a default-allow group
    ("pupils", "http://0xa.9.8.7/", "adult"),
    # expressions run over host/path?query, case-insensitively
    ("pupils", "http://1.2.3.4/evil?q=42", "malware"),
    ("pupils", "http://1.2.3.4/EVIL?q=42", "malware"),
    ("pupils", "http://1.2.3.4/evil?q=x", "-"),
    # precedence: allow > deny > categories > default
    ("pupils", "http://safe.example/", "-"),
    ("pupils", "http://sub.casino.example/", "-"),  # allowed subdomain of a blocked domain
    ("pupils", "http://x.sub.casino.example/", "-"),
    ("pupils", "http://casino.example/", "gambling"),
    ("pupils", "http://mixed.example/adult/biology/cells", "-"),  # host/path allow entry
    ("pupils", "http://distracting.example/", "deny"),
    ("pupils", "http://www.distracting.example/", "deny"),
    ("pupils", "http://video.example/shorts/1", "deny"),
    ("pupils", "http://video.example/watch", "-"),
    # most specific match: poker.cards.example is in games, cards.example in gambling; games is only blocked
    # in lessons, so out of lessons gambling (the parent) applies
    ("pupils", "http://poker.cards.example/", "gambling"),
    ("staff", "http://casino.example/", "-"),
    ("staff", "http://bad.example/", "adult"),
    ("staff", "http://93.184.216.34/", "ip-literal"),
    ("staff", "http://[2001:db8::1]/", "ip-literal"),
    ("staff", "http://0x5db8d822/", "ip-literal"),
    # walled garden: only `allow` is reachable; unparseable requests are refused
    ("infants", "http://cbeebies.example/", "-"),
    ("infants", "http://www.cbeebies.example/games", "-"),
    ("infants", "http://notes.school.example/", "-"),
    ("infants", "http://anything.example/", "default"),
    ("infants", "http://bad.example/", "default"),
    ("infants", "javascript:alert(1)", "invalid"),
    ("infants", "", "invalid"),
    ("infants", "http://cbeebies.example:99999/", "invalid"),
    ("pupils", "javascript:alert(1)", "-"),
    # CONNECT to an address hides the site's name (ufdbGuard's enforce-https-with-hostname): its own category
    # for groups that block IP literals, in every spelling of the address; a listed address keeps its list
    ("staff", "93.184.216.34:443", "connect-ip"),
    ("staff", "0x5db8d822:443", "connect-ip"),
    ("staff", "[2001:db8::1]:443", "connect-ip"),
    ("staff", "[::ffff:93.184.216.34]:443", "connect-ip"),
    ("staff", "127.0.0.1:443", "adult"),
    ("staff", "example.org:443", "-"),
    ("seniors", "2130706433:8443", "adult"),
    ("seniors", "1.2.3.4:443", "connect-ip"),
    ("seniors", "http://1.2.3.4/", "ip-literal"),
    ("pupils", "93.184.216.34:443", "-"),  # pupils do not block IP literals
    # proxies, VPNs and DNS-over-HTTPS: blocked by block_bypass (the default) without naming the categories
    ("pupils", "http://vpn.example/download", "vpn"),
    ("pupils", "www.vpn.example:443", "vpn"),
    ("pupils", "http://198.51.100.7/", "vpn"),
    ("pupils", "http://proxy.example/", "redirector"),
    ("pupils", "http://translate.example/proxy?u=bad.example", "redirector"),
    ("pupils", "http://translate.example/text", "-"),
    ("pupils", "dns.doh.example:443", "doh"),
    ("pupils", "9.9.9.9:443", "doh"),
    ("seniors", "https://dns.doh.example/dns-query?dns=AAAB", "doh"),
    ("staff", "http://vpn.example/", "-"),  # block_bypass = false
    ("staff", "dns.doh.example:443", "-"),
    ("infants", "http://vpn.example/", "vpn"),  # the category says why, even in a walled garden
]


@pytest.mark.parametrize(("group", "url", "category"), GOLDEN)
def test_it_decides_golden_requests(policy: Policy, group: str, url: str, category: str) -> None:
    decision = decide(policy, url, group=group, when=MONDAY_EVENING)
    assert (decision.allowed, decision.category) == (category == "-", category)


def test_it_reports_the_most_specific_category(policy: Policy) -> None:
    # In lessons both games (poker.cards.example) and gambling (cards.example) block it: games is nearer.
    decision = decide(policy, "http://www.poker.cards.example/", group="pupils", when=MONDAY_LESSON)
    assert decision.category == "games"


def test_it_blocks_categories_only_inside_time_windows(policy: Policy) -> None:
    url = "http://games.example/"
    assert decide(policy, url, group="pupils", when=MONDAY_LESSON).category == "games"
    assert decide(policy, url, group="pupils", when=MONDAY_EVENING).allowed
    assert decide(policy, url, group="pupils", when=SATURDAY_LESSON_TIME).allowed
    # a naive time is the policy's local time
    assert decide(policy, url, group="pupils", when=datetime(2024, 1, 15, 15, 29)).category == "games"
    assert decide(policy, url, group="pupils", when=datetime(2024, 1, 15, 15, 30)).allowed


def test_it_follows_local_time_across_summer_time(policy: Policy) -> None:
    # 08:30 UTC is 09:30 in London in July: inside the 09:00-15:30 window.
    july = datetime(2024, 7, 15, 8, 30, tzinfo=UTC)
    assert decide(policy, "http://games.example/", group="pupils", when=july).category == "games"


def test_it_runs_windows_past_midnight(tmp_path: Path) -> None:
    text = POLICY.replace('start = "09:00"\nend = "15:30"', 'start = "22:00"\nend = "06:00"')
    policy = make_policy(tmp_path, text)
    saturday_night = datetime(2024, 1, 20, 23, 0)  # Saturday 23:00: no window starts on a Saturday (mon-fri)
    assert decide(policy, "http://games.example/", group="pupils", when=saturday_night).allowed
    friday_late = datetime(2024, 1, 19, 23, 0)
    saturday_early = datetime(2024, 1, 20, 5, 0)  # belongs to Friday's window
    monday_early = datetime(2024, 1, 15, 5, 0)  # belongs to Sunday's window: none
    assert not decide(policy, "http://games.example/", group="pupils", when=friday_late).allowed
    assert not decide(policy, "http://games.example/", group="pupils", when=saturday_early).allowed
    assert decide(policy, "http://games.example/", group="pupils", when=monday_early).allowed


@pytest.mark.parametrize(
    ("client", "user", "group"),
    [
        ("10.1.2.3", None, "pupils"),
        ("10.1.5.9", None, "staff"),  # the more specific network wins
        ("10.2.0.7", None, "infants"),
        ("::ffff:10.2.0.7", None, "infants"),
        ("10.2.0.7", "head", "staff"),  # a user name beats the network
        ("10.2.0.7", "Teacher@Staff.School.Example", "staff"),
        ("192.0.2.1", None, "pupils"),  # default_group
        ("not an address", "-", "pupils"),
    ],
)
def test_it_selects_the_group_by_user_then_network(
    policy: Policy, client: str, user: str | None, group: str
) -> None:
    assert decide(policy, "http://example.org/", client=client, user=user).group == group


def test_it_refuses_requests_of_no_group_without_a_default(tmp_path: Path) -> None:
    policy = make_policy(tmp_path, POLICY.replace('default_group = "pupils"\n', ""))
    decision = decide(policy, "http://example.org/", client="192.0.2.1")
    assert (decision.allowed, decision.category) == (False, "no-group")


def test_it_rewrites_search_engines_to_safe_search(policy: Policy) -> None:
    cases = {
        "https://www.google.co.uk/search?q=x": "https://forcesafesearch.google.com/search?q=x",
        "www.google.com:443": "forcesafesearch.google.com:443",
        "https://www.youtube.com/watch?v=1": "https://restrict.youtube.com/watch?v=1",
        "https://www.bing.com/search?q=x": "https://strict.bing.com/search?q=x",
        "duckduckgo.com:443": "safe.duckduckgo.com:443",
    }
    for url, rewritten in cases.items():
        decision = decide(policy, url, group="staff")
        assert decision.allowed and decision.rewrite == rewritten
    assert decide(policy, "https://www.google.co.uk/", group="pupils").rewrite is None
    assert decide(policy, "https://mail.google.com/", group="staff").rewrite is None


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[groups.a]\nblok = ['adult']\n", "unknown key"),
        ("[groups.a]\ndefault = 'maybe'\n", "default"),
        ("[groups.a]\nclients = ['10.0.0.300/8']\n", "clients"),
        ("[groups.a]\n[[groups.a.windows]]\nstart = '9'\nend = '10:00'\n", "HH:MM"),
        ("[groups.a]\n[[groups.a.windows]]\ndays = ['funday']\nstart = '09:00'\nend = '10:00'\n", "day"),
        ("default_group = 'b'\n[groups.a]\n", "default_group"),
        ("lists = 'missing'\n[groups.a]\n", "not found"),
        ("[groups.a]\nallow = ['http://']\n", "allow"),
        ("nonsense = = 1", "policy.toml"),
        ("lists = 'lists'\n", "at least one"),
    ],
)
def test_it_refuses_a_wrong_policy_loudly(tmp_path: Path, text: str, message: str) -> None:
    path = write_policy(tmp_path, text)
    with pytest.raises(PolicyError, match=message):
        load_policy(path)


def test_it_warns_about_categories_without_lists(policy: Policy, tmp_path: Path) -> None:
    other = make_policy(tmp_path, POLICY.replace('"chat", "malware"', '"chat", "violence", "malware"'))
    assert any("violence" in w for w in other.warnings)
    assert not policy.warnings


ALWAYS_POLICY = """\
lists = "lists"
always_block = ["illegal"]

[groups.pupils]
block = ["chat"]
allow = ["hidden.illegal.example", "chat.example", "mixed.example/child"]

[groups.staff]
allow = ["illegal.example"]
default = "block"
"""

ALWAYS_LISTS = {
    "illegal": {"domains": ["illegal.example"], "urls": ["mixed.example/child-abuse"]},
    "chat": {"domains": ["chat.example"], "urls": []},
}


@pytest.mark.parametrize(
    ("group", "url", "category"),
    [
        # always_block beats the group's allow list, for every group, also where the group blocks nothing.
        ("pupils", "http://illegal.example/", "illegal"),
        ("pupils", "http://hidden.illegal.example/x", "illegal"),
        ("staff", "http://www.illegal.example/", "illegal"),
        ("pupils", "http://mixed.example/child-abuse/1", "illegal"),
        ("staff", "http://mixed.example/child-abuse/1", "illegal"),
        # An ordinary category stays allowable.
        ("pupils", "http://chat.example/", "-"),
        ("pupils", "http://mixed.example/children", "-"),
    ],
)
def test_it_blocks_always_blocked_categories_whatever_else_allows(
    tmp_path: Path, group: str, url: str, category: str
) -> None:
    policy = load_policy(write_policy(tmp_path, ALWAYS_POLICY, ALWAYS_LISTS))
    decision = decide(policy, url, group=group)
    assert decision.category == category and decision.allowed is (category == "-")
