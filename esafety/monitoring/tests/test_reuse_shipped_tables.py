"""A school's scanner reuses the shipped lexicon's tables (targets, patterns, pre-filter lists, unmasker words),
built once per process and kept on disk beside the matcher, and alerts exactly as a scanner built from scratch."""

from __future__ import annotations

from pathlib import Path

import pytest

from esafety.monitoring.scanner import Scanner, shipped_lexicon
from esafety.monitoring.scanner import _scan as scan_module
from esafety.monitoring.scanner._lexicon import Lexicon
from esafety.monitoring.scanner._scan import _Tables

_ADDITIONS = [
    {"id": "lobster", "phrases": ["the blue lobster"], "category": "bullying", "severity": 2},
    {
        "id": "pier",
        "phrases": ["under the old pier"],
        "category": "grooming",
        "severity": 3,
        "negatives": ["fishing under the old pier"],
    },
]
_SUPPRESSIONS = [{"rule": "drugs.cannabis", "group": "*", "reason": "biology lesson"}]
_TEXTS = [
    "you are the blue lobster of this class",
    "meet me under the old pier tonight dont tell ur mum",
    "going fishing under the old pier on saturday",
    "i want to kill myself",
    "selling weed behind the science block",
    "k*ll yourself nobody likes you",
    "nothing to see here at all",
]


def _small_lexicon(size: int = 6) -> Lexicon:
    shipped = shipped_lexicon()
    # The entries and grammars with the fewest terms: a matcher of some hundred patterns compiles in
    # milliseconds.
    entries = sorted(shipped.entries, key=lambda e: len(e.phrases))[:size]
    small = sorted(shipped.grammars, key=lambda g: sum(map(len, g.slots)))[:4]
    return Lexicon(
        entries=tuple(entries),
        grammars=tuple(small),
        contexts=shipped.contexts[:3],
        topics=shipped.topics[:2],
    )


def test_a_schools_scanner_reuses_the_shipped_tables_and_alerts_as_a_fresh_build(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    shipped = Scanner(shipped_lexicon())
    school_lexicon = shipped_lexicon().with_changes(additions=_ADDITIONS, suppressions=_SUPPRESSIONS)
    school = Scanner(school_lexicon)
    # The shipped entries' and grammars' targets are the very objects of the shipped scanner's.
    assert school._targets[0] is shipped._targets[0]
    assert school._targets[-1] is shipped._targets[-1]
    assert len(school._targets) > len(shipped._targets)
    # The same tables a build of the whole school lexicon gives, in the same order.
    lex = school_lexicon
    whole = _Tables.build(lex.entries, lex.grammars, lex.contexts, lex.topics)
    assert school._targets == whole.targets
    assert school._patterns == whole.patterns
    assert school._prefilter == whole.prefilter
    assert school._slot_key == whole.slot_key
    # A scanner built from scratch (no tables in the process, none from disk; the matcher's own cache is
    # tested in test_cache_compiled_matchers.py) alerts exactly the same.
    monkeypatch.setattr(scan_module, "cache_folder", lambda: None)
    monkeypatch.setattr(scan_module, "_CORES", [])
    fresh = Scanner(school_lexicon)
    assert fresh._targets[0] is not shipped._targets[0]
    for groups in ((), ("Year 10",)):
        assert school.scan_many(_TEXTS, groups=groups) == fresh.scan_many(_TEXTS, groups=groups)
    assert [h.rule for h in school.scan("you are the blue lobster")] == ["bullying.lobster"]
    assert school.scan("going fishing under the old pier") == []  # the addition's own negative
    assert not any(h.rule == "drugs.cannabis" for hits in school.scan_many(_TEXTS) for h in hits)


def test_a_new_process_loads_the_shipped_tables_from_disk_and_answers_the_same(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ESAFETY_SCANNER_CACHE", str(tmp_path))
    monkeypatch.setattr(scan_module, "CACHE_MIN_PATTERNS", 1)
    monkeypatch.setattr(scan_module, "_CORES", [])
    lexicon = _small_lexicon().with_changes(additions=_ADDITIONS)
    built = Scanner(lexicon)
    assert len(list(tmp_path.glob("tables-*.marshal"))) == 1
    monkeypatch.setattr(scan_module, "_CORES", [])  # a new process
    sizes: list[int] = []
    real = _Tables.build.__func__

    def counting(cls: type[_Tables], entries: tuple[object, ...], *parts: object, **kw: object) -> _Tables:
        sizes.append(len(entries))
        return real(cls, entries, *parts, **kw)

    monkeypatch.setattr(_Tables, "build", classmethod(counting))
    loaded = Scanner(lexicon)
    assert sizes == [len(_ADDITIONS)]  # only the school's own terms were worked out
    whole = _Tables.build(lexicon.entries, lexicon.grammars, lexicon.contexts, lexicon.topics)
    assert loaded._targets == whole.targets
    assert loaded._long_runs == whole.long_runs and loaded._pre_slot_of == whole.pre_slot_of
    assert loaded.scan_many(_TEXTS) == built.scan_many(_TEXTS)


def test_a_damaged_tables_file_is_rebuilt(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ESAFETY_SCANNER_CACHE", str(tmp_path))
    monkeypatch.setattr(scan_module, "CACHE_MIN_PATTERNS", 1)
    monkeypatch.setattr(scan_module, "_CORES", [])
    lexicon = _small_lexicon()
    Scanner(lexicon)
    (cached,) = tmp_path.glob("tables-*.marshal")
    cached.write_bytes(b"not marshal data")
    monkeypatch.setattr(scan_module, "_CORES", [])
    again = Scanner(lexicon)
    whole = _Tables.build(lexicon.entries, lexicon.grammars, lexicon.contexts, lexicon.topics)
    assert again._targets == whole.targets
    assert cached.read_bytes() != b"not marshal data"


def test_it_keeps_only_the_most_recently_used_tables(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ESAFETY_SCANNER_CACHE", str(tmp_path))
    monkeypatch.setattr(scan_module, "CACHE_MIN_PATTERNS", 1)
    for n in range(6):  # six lexicon versions
        monkeypatch.setattr(scan_module, "_CORES", [])
        Scanner(_small_lexicon(2 + n))
    assert len(list(tmp_path.glob("tables-*.marshal"))) == 4
