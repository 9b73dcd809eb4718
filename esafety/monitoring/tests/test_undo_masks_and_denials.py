"""Masked letters put back from the lexicon ("m*slims"), and denials next to a hit ("are not terrorists")."""

from __future__ import annotations

from pathlib import Path

import pytest

from esafety.monitoring.scanner import LexiconError, Scanner, available_backends, load_lexicon
from esafety.monitoring.scanner._unmask import Unmasker

HEADER = "# {what}\n# Source: test fixture written for these tests\n# Reviewed: 2026-12-01 by engine2\n"

DISCRIMINATION = """
category = "discrimination"

[[grammar]]
id = "group_is_dangerous"
description = "Calling a group of people dangerous"
severity = 3
slots = ["@people_group", ["terrorists", "criminals"]]
window = 6
negated_by = ["not", "never", "isnt", "arent"]

[[entry]]
id = "slur"
description = "A slur"
severity = 3
phrases = ["slurword", "fagot"]
"""

SELF_HARM = """
category = "self_harm"

[[entry]]
id = "wants_to_die"
description = "Saying they want to die"
severity = 4
phrases = ["want to die", "dont want to live"]
negated_by = ["dont", "never"]
negation_window = 2
"""


@pytest.fixture(scope="module", params=available_backends())
def scanner(tmp_path_factory: pytest.TempPathFactory, request: pytest.FixtureRequest) -> Scanner:
    root = tmp_path_factory.mktemp("lexicon")
    (root / "people_group.txt").write_text(
        HEADER.format(what="groups") + "muslims\nrefugees\n", encoding="utf-8"
    )
    (root / "discrimination.toml").write_text(DISCRIMINATION, encoding="utf-8")
    (root / "self_harm.toml").write_text(SELF_HARM, encoding="utf-8")
    lexicon = load_lexicon(
        sorted(root.glob("*.toml")), shipped=False, vocabularies=sorted(root.glob("*.txt"))
    )
    return Scanner(lexicon, backend=request.param)


def rules(scanner: Scanner, text: str) -> set[str]:
    return {h.rule for h in scanner.scan(text)}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("all muslims are terrorists", {"discrimination.group_is_dangerous"}),
        # A denial before the predicate, or before the whole hit, silences it.
        ("muslims are not terrorists", set()),
        ("muslims arent terrorists", set()),
        ("refugees are never criminals", set()),
        ("not all refugees are criminals", set()),
        # Too far before the hit, or after it, it does not.
        ("i did not say a word today, refugees are criminals", {"discrimination.group_is_dangerous"}),
        ("refugees are criminals, not heroes", {"discrimination.group_is_dangerous"}),
        # An entry's own denial within its window of two words.
        ("i want to die", {"self_harm.wants_to_die"}),
        ("i dont want to die", set()),
        ("i never ever want to die", set()),
        ("dont be silly, honestly i want to die", {"self_harm.wants_to_die"}),
        # A denial that is part of the phrase itself does not deny it.
        ("i dont want to live anymore", {"self_harm.wants_to_die"}),
    ],
)
def test_it_stays_quiet_when_the_hit_is_denied(scanner: Scanner, text: str, expected: set[str]) -> None:
    assert rules(scanner, text) == expected
    assert [rules(scanner, text)] == [{h.rule for h in hits} for hits in scanner.scan_many([text])]


def test_it_rejects_a_negation_window_out_of_range(tmp_path: Path) -> None:
    (tmp_path / "self_harm.toml").write_text(
        SELF_HARM.replace("negation_window = 2", "negation_window = 30"), encoding="utf-8"
    )
    with pytest.raises(LexiconError, match="negation_window"):
        load_lexicon([tmp_path / "self_harm.toml"], shipped=False)


@pytest.mark.parametrize(
    ("text", "evidence"),
    [
        ("all m*slims are terrorists", "m*slims are terrorists"),
        ("all M#SLIMS are terrorists", "M#SLIMS are terrorists"),
        ("r%fugees are criminals", "r%fugees are criminals"),
        ("shut up sl*rword", "sl*rword"),
    ],
)
def test_it_puts_masked_letters_back_from_the_lexicon(scanner: Scanner, text: str, evidence: str) -> None:
    hits = scanner.scan(text)
    assert [h.evidence for h in hits] == [evidence]
    assert text[hits[0].start : hits[0].end] == evidence


def test_it_leaves_masks_that_could_be_an_ordinary_word_or_show_too_little() -> None:
    unmask = Unmasker(["muslims", "fag", "hate", "nigg*", "kill", "bill"], ["fig", "the", "hit"])
    assert unmask("all m*slims") == "all muslims"
    assert unmask("n#ggas") == "niggas"  # a stem fits any word that starts with it
    assert unmask("f*g") == "f*g"  # three letters only, and "fig" or "fog" are words
    assert unmask("h*te") == "hate"
    assert unmask("k*ll") == "kill"  # "bill" differs in a letter that is shown
    assert unmask("*ill") == "*ill"  # a mask at the edge of a word is not inside it
    assert Unmasker(["kill", "kell"], [])("k*ll") == "k*ll"  # two lexicon words fit: which one?
    assert Unmasker(["kill"], ["kell"])("k*ll") == "k*ll"  # an ordinary word fits
    assert unmask("m**l*ms") == "m**l*ms"  # more masks than a third of the word
    assert unmask("10*30") == "10*30"  # numbers are not words


def _whole_and_pieces(scanner: Scanner) -> tuple[Scanner, Scanner]:
    whole = Scanner(scanner.lexicon, backend=scanner.backend)
    whole._split_chars = 10**9  # never split
    pieces = Scanner(scanner.lexicon, backend=scanner.backend)
    pieces._split_chars = 400
    pieces._piece_chars = 300
    return whole, pieces


def test_it_finds_each_hit_of_a_long_text_once_across_piece_boundaries(scanner: Scanner) -> None:
    whole, pieces = _whole_and_pieces(scanner)
    filler = ["we", "went", "to", "the", "park", "and", "played", "football", "after", "lunch"]
    hits_seen = straddling = 0
    for shift in range(0, 60, 7):
        words = (filler * 40)[: 300 + shift]
        # A grammar hit with words between its slots, an entry and a slur, every 90 words or so.
        for at, phrase in ((60, "muslims are all terrorists"), (150, "i want to die"), (240, "slurword")):
            words[at + shift : at + shift] = phrase.split()
        text = " ".join(words)
        expected = whole.scan(text)
        got = pieces.scan(text)
        assert [(h.rule, h.start, h.end, h.evidence, h.context) for h in got] == [
            (h.rule, h.start, h.end, h.evidence, h.context) for h in expected
        ]
        assert pieces.scan_many([text, "muslims are terrorists"])[0] == got
        assert len(expected) == 3
        cuts = [own_lo for _, _, own_lo, _ in pieces._pieces(text)]
        hits_seen += len(got)
        straddling += sum(1 for h in got for c in cuts if h.start < c < h.end)
    assert hits_seen == 27
    assert straddling >= 1  # some hit crossed a cut between pieces and was still found once


def test_it_keeps_a_denial_in_the_piece_before_the_hit(scanner: Scanner) -> None:
    whole, pieces = _whole_and_pieces(scanner)
    filler = ["we", "went", "to", "the", "park", "and", "played", "football", "after", "lunch"]
    for shift in range(0, 40):
        words = (filler * 30)[: 200 + shift] + ["i", "dont", "want", "to", "die"] + filler * 5
        text = " ".join(words)
        assert whole.scan(text) == []
        assert pieces.scan(text) == []
