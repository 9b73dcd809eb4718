"""Lists: UT1 folder layout, canonical entries, and the compiled cache every helper maps and shares."""

from __future__ import annotations

import os
from pathlib import Path

from esafety.filtering.engine import load_lists, parse_url

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
