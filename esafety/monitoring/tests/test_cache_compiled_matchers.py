"""A big Hyperscan matcher is kept on disk and loaded by the next process instead of compiled again (the shipped
lexicon takes seconds to compile), and gives exactly the answers of a fresh one; a school's own terms get a
matcher of their own, so adding one never recompiles the shipped lexicon's."""

from __future__ import annotations

import random
import string
from pathlib import Path

import pytest

from esafety.monitoring.scanner import Scanner, shipped_lexicon
from esafety.monitoring.scanner import _matcher as matcher_module
from esafety.monitoring.scanner._matcher import (
    _HyperscanMatcher,
    build_matcher,
    build_split_matcher,
)


def _patterns(count: int) -> tuple[tuple[tuple[str, tuple[int, ...]], ...], tuple[bool, ...]]:
    rng = random.Random(16)
    texts = sorted(
        {" " + "".join(rng.choices(string.ascii_lowercase, k=rng.randint(4, 9))) + " " for _ in range(count)}
    )
    return tuple((t, (1,) * len(t)) for t in texts), tuple(i % 3 != 0 for i in range(len(texts)))


def _texts(patterns: tuple[tuple[str, tuple[int, ...]], ...]) -> list[str]:
    return [f"a message with{patterns[i][0]}in it" for i in range(0, len(patterns), 97)] + [
        "nothing here at all"
    ]


def test_a_second_process_loads_the_matcher_from_disk_and_answers_the_same(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ESAFETY_SCANNER_CACHE", str(tmp_path))
    patterns, prefilter = _patterns(3000)
    built = matcher_module.cached_hyperscan(patterns, prefilter)
    assert len(list(tmp_path.glob("matcher-*.json"))) == 1
    compiled = []
    monkeypatch.setattr(_HyperscanMatcher, "__init__", lambda *args: compiled.append(args))
    loaded = matcher_module.cached_hyperscan(patterns, prefilter)
    assert compiled == []  # loaded, not compiled
    texts = _texts(patterns)
    assert loaded.candidates(texts) == built.candidates(texts)
    for text in texts:
        assert loaded.find(text) == built.find(text)


def test_a_damaged_cache_file_is_rebuilt(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ESAFETY_SCANNER_CACHE", str(tmp_path))
    patterns, prefilter = _patterns(2500)
    matcher_module.cached_hyperscan(patterns, prefilter)
    (cached,) = tmp_path.glob("matcher-*.json")
    cached.write_text('{"_find_db": "bm90IGEgZGF0YWJhc2U=", "lengths": []}')
    again = matcher_module.cached_hyperscan(patterns, prefilter)
    text = f"see{patterns[0][0]}here"
    assert again.find(text) == [(0, 3, 3 + len(patterns[0][0]))]
    assert '"lengths": []' not in cached.read_text()


def test_small_matchers_and_a_disabled_cache_write_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ESAFETY_SCANNER_CACHE", str(tmp_path))
    matcher_module.cached_hyperscan(*_patterns(50))
    monkeypatch.setenv("ESAFETY_SCANNER_CACHE", "off")
    matcher_module.cached_hyperscan(*_patterns(2500))
    assert list(tmp_path.iterdir()) == []


def test_a_split_matcher_answers_as_one_matcher_over_every_pattern() -> None:
    patterns, prefilter = _patterns(400)
    own = tuple(i % 7 == 0 for i in range(len(patterns)))
    whole = build_matcher(patterns, prefilter)
    split = build_split_matcher(patterns, prefilter, own)
    texts = _texts(patterns) + [f"two{patterns[7][0]}and{patterns[8][0]}together"]
    assert split.candidates(texts) == whole.candidates(texts)
    for text in texts:
        assert split.find(text) == whole.find(text)


def test_a_schools_term_does_not_recompile_the_shipped_lexicon(monkeypatch: pytest.MonkeyPatch) -> None:
    lexicon = shipped_lexicon()
    Scanner(lexicon)  # the shipped matcher, now in the process cache
    compiled: list[int] = []
    real = _HyperscanMatcher.__init__

    def counting(self: _HyperscanMatcher, patterns: object, prefilter: object) -> None:
        compiled.append(len(patterns))
        real(self, patterns, prefilter)

    monkeypatch.setattr(_HyperscanMatcher, "__init__", counting)
    school = lexicon.with_changes(
        # A term no other test adds, so its matcher is not in the process's cache already.
        additions=[
            {"id": "bandstand", "phrases": ["the old bandstand"], "category": "grooming", "severity": 3}
        ]
    )
    hits = Scanner(school).scan("lets go to the old bandstand after dark")
    assert [hit.rule for hit in hits] == ["grooming.bandstand"]
    assert compiled and max(compiled) < 10  # only the school's own term (and its spellings) was compiled


def test_it_keeps_only_the_most_recently_used_matchers(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ESAFETY_SCANNER_CACHE", str(tmp_path))
    for n in range(6):  # six lexicon versions, the first one loaded again between the others
        patterns, prefilter = _patterns(2000 + n)
        matcher_module.cached_hyperscan(patterns, prefilter)
        matcher_module.cached_hyperscan(*_patterns(2000))
    assert len(list(tmp_path.glob("matcher-*.json"))) == 4
    compiled = []
    monkeypatch.setattr(_HyperscanMatcher, "__init__", lambda *args: compiled.append(args))
    matcher_module.cached_hyperscan(*_patterns(2000))  # the one in use survived the pruning
    assert compiled == []
