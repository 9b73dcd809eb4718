"""Lists: UT1 folder layout, canonical entries, and the compiled cache every helper maps and shares."""

from __future__ import annotations

import os
import re
from pathlib import Path
from unittest import mock

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from esafety.filtering.engine import _lists, load_lists, parse_url

from .support import write_lists


def test_it_canonicalises_entries_and_counts_the_bad_ones(tmp_path: Path) -> None:
    lists = load_lists(write_lists(tmp_path), tmp_path / "cache")
    assert lists.categories == (
        "adult",
        "chat",
        "doh",
        "gambling",
        "games",
        "malware",
        "redirector",
        "vpn",
        "warez",
    )
    assert lists.domain_mask("xn--bcher-kva.example") == lists.category_mask(["adult"])
    assert lists.domain_mask(parse_url("http://ÜNICODE-chat.example/").host) == lists.category_mask(["chat"])
    assert lists.domain_mask("stray-dot.example") == lists.category_mask(["warez"])
    assert lists.skipped == {"warez/domains: not a host name": 1}
    hits = lists.domain_hits("a.poker.cards.example")
    assert [length for length, _ in hits] == [len("poker.cards.example"), len("cards.example")]


def test_it_shares_one_cache_file_and_rebuilds_it_on_change(tmp_path: Path) -> None:
    folder = write_lists(tmp_path)
    first = load_lists(folder, tmp_path / "cache")
    second = load_lists(folder, tmp_path / "cache")
    assert first.source == second.source and first.source.endswith(".bin")
    domains = folder / "gambling" / "domains"
    domains.write_text("casino.example\nnew-casino.example\n")
    os.utime(domains, ns=(0, domains.stat().st_mtime_ns + 10**9))
    third = load_lists(folder, tmp_path / "cache")
    assert third.source != first.source
    assert third.domain_mask("new-casino.example")
    assert len(list((tmp_path / "cache").glob("lists-*.bin"))) == 1  # the old cache was removed
    assert first.domain_mask("casino.example")  # a helper still mapping the old file keeps working


def test_it_falls_back_to_memory_when_no_cache_dir_is_writable(tmp_path: Path) -> None:
    folder = write_lists(tmp_path)
    blocker = tmp_path / "file"
    blocker.write_text("")
    lists = load_lists(folder, blocker / "cache")
    assert lists.source == "memory" and lists.domain_mask("bad.example")


# Layered lists: names listed at several depths, so that a host's listed suffixes come from its own name, its
# parent and further up, in any mix; "www" hosts exercise the URL-list lookup without "www.".
LAYERED = {
    "adult": {"domains": ["example", "x.a.b.example"], "urls": ["www.c.example/page"]},
    "games": {"domains": ["a.b.example", "org", "b.org"], "urls": ["a.b.example/p?q=1", "x.org/"]},
    "chat": {"domains": ["b.example", "c.example", "www.a.org"]},
}
_bases = sorted(
    {
        ".".join(name.split(".")[i:])
        for c in LAYERED.values()
        for name in (*c.get("domains", []), *(u.split("/", 1)[0] for u in c.get("urls", [])))
        for i in range(name.count(".") + 1)
    }
)
# A few labels in front of a listed name or one of its suffixes (other hosts would rarely meet a listed one).
_hosts = st.builds(
    lambda front, base: ".".join([*front, base]),
    st.lists(st.sampled_from(["a", "b", "x", "www", "www2", "new"]), max_size=3),
    st.sampled_from(_bases),
)


@pytest.fixture(scope="module")
def layered(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_lists(tmp_path_factory.mktemp("layered"), LAYERED)


@settings(max_examples=300, deadline=None)
@given(st.lists(_hosts, min_size=1, max_size=30), st.sampled_from([2, 5, 8192]))
def test_it_finds_every_listed_suffix_of_a_new_host_as_the_lists_say(
    layered: Path, hosts: list[str], memo_size: int
) -> None:
    categories = sorted(LAYERED)
    listed = {
        name: sum(1 << i for i, c in enumerate(categories) if name in LAYERED[c].get("domains", []))
        for c in categories
        for name in LAYERED[c].get("domains", [])
    }
    url_hosts = {
        entry.split("/", 1)[0].removeprefix("www.") for c in LAYERED.values() for entry in c.get("urls", [])
    }
    lists = load_lists(layered, layered.parent / "cache")
    # Tiny parent memos too, so that lookups also run after it was cleared (the helper's bound is 8192).
    with mock.patch.object(_lists, "_PARENT_MEMO_SIZE", memo_size):
        for host in hosts:
            labels = host.split(".")
            suffixes = [".".join(labels[i:]) for i in range(len(labels))]
            expected = tuple((len(s), listed[s]) for s in suffixes if s in listed)
            bare = re.sub(r"^www[0-9]*\.(?=.)", "", host)
            hits, url_entry = lists.host_lookup(host.encode())
            assert hits == expected, host
            assert (url_entry >= 0) == (bare in url_hosts), host


# URL-list prefixes: a host with many (more than _PREFIX_TABLE_FROM) is matched through a remembered dict over
# the prefixes' lengths, one with few by comparing each; both must give every matching prefix, longest first.
_PREFIXES = ["/", "/a", "/a/b", "/a/bc", "/ab", "/b?q=1", "/b?q=12", "/c/", "/c/d", "/x", "/xy", "/xyz/"]
MANY_URLS = {
    "adult": {"urls": [f"many.example{p}" for p in _PREFIXES[1::2]] + ["few.example/a", "few.example/a/b"]},
    "games": {"urls": [f"many.example{p}" for p in _PREFIXES[::2]] + ["few.example/b?q=1"]},
}


@pytest.fixture(scope="module")
def many_urls(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_lists(tmp_path_factory.mktemp("many"), MANY_URLS)


@settings(max_examples=300, deadline=None)
@given(
    st.sampled_from(["many.example", "few.example"]),
    st.lists(st.sampled_from(["/", "a", "b", "c", "d", "x", "y", "z", "?", "q", "=", "1", "2"]), max_size=8),
    st.sampled_from([1, 256]),
)
def test_it_finds_every_matching_url_prefix_longest_first(
    many_urls: Path, host: str, parts: list[str], plan_size: int
) -> None:
    path = "/" + "".join(parts)
    bits = {"adult": 1, "games": 2}  # categories in sorted order
    listed: dict[str, int] = {}
    for category, files in MANY_URLS.items():
        for entry in files["urls"]:
            name, _, prefix = entry.partition("/")
            if name == host:
                listed["/" + prefix] = listed.get("/" + prefix, 0) | bits[category]
    expected = sorted(((len(p), m) for p, m in listed.items() if path.startswith(p)), reverse=True)
    lists = load_lists(many_urls, many_urls.parent / "cache")
    with mock.patch.object(_lists, "_PREFIX_PLAN_SIZE", plan_size):  # 1: the remembered dicts are cleared
        for _ in range(2):
            assert lists.url_hits(host, path) == expected, path
    assert (host == "many.example") is (lists._u_count[lists.url_entry(host)] > _lists._PREFIX_TABLE_FROM)


# The expressions' multi-line copy, which the helper runs over a block's URLs joined by newlines: whatever one
# expression matches alone, the copy matches among the joined texts (it may match more: the helper then asks
# about each text). Expressions that could tell the joined texts apart get no copy.
_EXPRESSIONS = [
    r"^[0-9]+\.[0-9]+/search\?q=[0-9]+$",
    r"(^|/)abuse-[0-9]+",
    r"\bporn\b",
    r"^[^/]*/x$",
    r"q=1$",
]
_text = st.builds(
    lambda host, segs: host + "/" + "/".join(segs),
    st.sampled_from(["1.2", "ok.example", "porn.example", "x.porn", "a"]),
    st.lists(
        st.sampled_from(["abuse-1", "x", "search?q=1", "porn", "pornx", "q=1", "abuse-", ""]), max_size=3
    ),
)


@pytest.fixture(scope="module")
def with_expressions(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_lists(tmp_path_factory.mktemp("expressions"), {"malware": {"expressions": _EXPRESSIONS}})


@settings(max_examples=300, deadline=None)
@given(st.lists(_text, min_size=1, max_size=12))
def test_it_matches_joined_texts_wherever_one_text_matches(with_expressions: Path, texts: list[str]) -> None:
    lists = load_lists(with_expressions, with_expressions.parent / "cache")
    alone = [bool(lists.expression_set().Match(t.encode())) for t in texts]
    joined = bool(lists.expression_line_set().Match("\n".join(texts).encode()))
    if any(alone):
        assert joined


@pytest.mark.parametrize("pattern", [r"\Abad", r"bad\z", r"(?-m)^bad$", r"(?i-m:^bad)"])
def test_it_builds_no_joined_copy_of_expressions_anchored_to_the_whole_text(
    tmp_path: Path, pattern: str
) -> None:
    folder = write_lists(tmp_path, {"malware": {"expressions": [r"evil", pattern]}})
    lists = load_lists(folder, tmp_path / "cache")
    assert lists.expression_set() is not None
    assert lists.expression_line_set() is None
