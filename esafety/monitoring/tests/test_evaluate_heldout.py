"""The held-out evaluation set: reported beside the original, and kept out of the lexicon's reach."""

from __future__ import annotations

import hashlib
import io
import re
from importlib import resources
from pathlib import Path

import pytest

from esafety.monitoring.scanner import (
    CATEGORIES,
    EVALUATION_SETS,
    Scanner,
    evaluate_sets,
    load_evaluation_set,
    shipped_lexicon,
)
from esafety.monitoring.scanner.cli import main

# A sentence this long (in words) is specific enough that finding it in a lexicon file means it was copied.
_SENTENCE_WORDS = 5


def _squash(text: str) -> str:
    return re.sub(r"\s+", " ", text.casefold()).strip()


def _sentences(text: str) -> list[str]:
    """The message itself and each of its sentences, if long enough to be distinctive (a three-word message
    such as "are you alone" can be an ordinary lexicon phrase without anyone having copied it)."""
    parts = [_squash(text), *(_squash(p) for p in re.split(r"[.!?\n]+", text))]
    return [p for p in dict.fromkeys(parts) if len(p.split()) >= _SENTENCE_WORDS]


def _frozen_overlap() -> set[str]:
    """Hashes of the held-out sentences the lexicon already held when the set was frozen (see the file)."""
    path = Path(__file__).with_name("heldout_overlap_at_freeze.txt")
    return {line for line in path.read_text(encoding="utf-8").splitlines() if line and line[0] != "#"}


def test_it_keeps_every_heldout_sentence_out_of_the_lexicon_files() -> None:
    folder = resources.files("esafety.monitoring.scanner") / "lexicon"
    files = {
        p.name: _squash(p.read_text(encoding="utf-8")) for p in folder.iterdir() if p.name.endswith(".toml")
    }
    vocab = folder / "vocab"
    files |= {
        f"vocab/{p.name}": _squash(p.read_text(encoding="utf-8"))
        for p in vocab.iterdir()
        if p.name.endswith(".txt")
    }
    assert files and any(name.startswith("vocab/") for name in files)
    copied: dict[str, int] = {}
    allowed = _frozen_overlap()
    for message in load_evaluation_set("heldout"):
        for sentence in _sentences(message.text):
            if hashlib.sha256(sentence.encode()).hexdigest() in allowed:
                continue
            for name, body in files.items():
                if sentence in body:
                    copied[name] = copied.get(name, 0) + 1
    # Counts per file only: the held-out sentences must not be printed where the lexicon's authors read them.
    assert not copied, f"held-out sentences found verbatim in lexicon files: {copied}"


def test_it_ships_a_heldout_set_of_600_messages_half_benign() -> None:
    messages = load_evaluation_set("heldout")
    assert len(messages) >= 600
    assert len({m.id for m in messages}) == len(messages)
    assert all(m.categories <= set(CATEGORIES) for m in messages)
    benign = sum(not m.categories for m in messages)
    assert benign * 2 == len(messages)
    assert {c for m in messages for c in m.categories} == set(CATEGORIES)


def test_it_keeps_the_two_sets_apart() -> None:
    original = {m.text for m in load_evaluation_set("original")}
    assert not original & {m.text for m in load_evaluation_set("heldout")}
    with pytest.raises(ValueError, match="unknown evaluation set"):
        load_evaluation_set("training")


def test_it_reports_both_sets_separately() -> None:
    reports = evaluate_sets(Scanner(shipped_lexicon()))
    assert tuple(reports) == EVALUATION_SETS == ("original", "heldout", "dev")
    assert reports["original"].benign >= 1000 and reports["heldout"].benign >= 300
    for name in ("original", "heldout"):
        report = reports[name]
        assert report.name == name
        assert set(report.recall) == set(CATEGORIES)
        assert 0.0 <= report.macro_recall <= 1.0


def test_it_prints_recall_and_false_alerts_for_both_sets_in_the_command() -> None:
    out = io.StringIO()
    assert main(["evaluate"], stdout=out) == 0
    text = out.getvalue()
    assert "original set" in text and "heldout set" in text and "dev set" in text
    assert text.count("macro recall") >= 2 and text.count("per 1,000") >= 2
    out = io.StringIO()
    assert main(["evaluate", "--set", "heldout"], stdout=out) == 0
    assert "original set" not in out.getvalue() and "heldout set" in out.getvalue()
