"""The scanner end to end: hits with evidence and offsets, properties over arbitrary text, evaluation bar."""

from __future__ import annotations

import subprocess
import sys

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from esafety.monitoring.scanner import (
    CATEGORIES,
    LexiconError,
    Scanner,
    evaluate,
    load_evaluation_set,
    load_lexicon,
    shipped_lexicon,
)


@pytest.fixture(scope="module")
def scanner() -> Scanner:
    return Scanner(shipped_lexicon())


def test_it_reports_category_severity_rule_evidence_and_offsets(scanner: Scanner) -> None:
    text = "honestly... I've t@ken the pillz. no I've taken the pills"
    [hit] = scanner.scan(text)
    assert (hit.category, hit.severity, hit.rule) == ("self_harm", 5, "self_harm.imminent")
    assert hit.evidence == "taken the pills" == text[hit.start : hit.end]
    assert "honestly" in hit.context


def test_it_covers_every_category(scanner: Scanner) -> None:
    assert {e.category for e in scanner.lexicon.entries} == set(CATEGORIES)


def test_it_meets_the_evaluation_bar(scanner: Scanner) -> None:
    report = evaluate(scanner)
    assert set(report.recall) == set(CATEGORIES)
    assert min(report.positives.values()) >= 30
    assert report.benign >= 1000
    assert report.meets(min_recall=0.9, max_false_per_1000=50), report.format()


def test_it_shows_the_effect_of_a_school_change_on_the_evaluation_set(scanner: Scanner) -> None:
    noisy = Scanner(load_lexicon(additions=[{"phrase": "homework", "category": "bullying", "severity": 1}]))
    before, after = evaluate(scanner), evaluate(noisy)
    assert after.false_alerts > before.false_alerts


def test_it_refuses_malformed_additions() -> None:
    with pytest.raises(LexiconError, match="severity"):
        load_lexicon(additions=[{"phrase": "x y z", "category": "drugs", "severity": 9}])
    with pytest.raises(LexiconError, match="category"):
        load_lexicon(additions=[{"phrase": "abc", "category": "nope", "severity": 2}])
    with pytest.raises(LexiconError, match="reason"):
        load_lexicon(suppressions=[{"rule": "drugs.use", "group": "*"}])


def test_it_labels_the_evaluation_set_with_known_categories() -> None:
    messages = load_evaluation_set()
    assert len({m.id for m in messages}) == len(messages)
    assert all(m.categories <= set(CATEGORIES) for m in messages)


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=120))
def test_it_never_crashes_and_offsets_stay_inside_the_text(scanner: Scanner, text: str) -> None:
    for hit in scanner.scan(text):
        assert 0 <= hit.start < hit.end <= len(text)
        assert hit.evidence == text[hit.start : hit.end]


_WORDS = st.sampled_from(
    [
        "i",
        "want",
        "to",
        "kill",
        "k1ll",
        "myself",
        "mys3lf",
        "die",
        "dieee",
        "send",
        "nudes",
        "you",
        "ur",
        "go",
        "back",
        "to",
        "your",
        "country",
        "weed",
        "anyone",
        "got",
        "!",
        "...",
        "\u200b",
        "s u i c i d e",
        "Romeo",
        "stab",
        "him",
        "ѕuісіdе",
        "tonight",
        "the",
        "pills",
        "taken",
        "ive",
    ]
)


@settings(max_examples=200, deadline=None)
@given(st.lists(_WORDS, max_size=14).map(" ".join))
def test_it_keeps_evidence_equal_to_the_original_span(scanner: Scanner, text: str) -> None:
    for hit in scanner.scan(text):
        assert hit.evidence == text[hit.start : hit.end]
        assert hit.evidence.strip() == hit.evidence


def test_it_imports_no_django() -> None:
    code = (
        "import esafety.monitoring.scanner, sys; assert not any(m.startswith('django') for m in sys.modules)"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
