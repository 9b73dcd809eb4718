"""Context rules of the scanner: first person nearby, negative contexts, set-text topics, suppressions."""

from __future__ import annotations

import pytest

from esafety.monitoring.scanner import Scanner, load_lexicon, shipped_lexicon


@pytest.fixture(scope="module")
def scanner() -> Scanner:
    return Scanner(shipped_lexicon())


def rules(scanner: Scanner, text: str, **kwargs: object) -> set[str]:
    return {h.rule for h in scanner.scan(text, **kwargs)}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("i want to die", {"self_harm.suicidal_intent"}),
        ("honestly I just want to die", {"self_harm.suicidal_intent"}),
        ("the plants want to die in this heat", set()),  # no first person near the phrase
        ("I hurt myself again last night", {"self_harm.self_harm"}),
        ("she said she hurt myself", {"self_harm.self_harm"}),  # "myself" in the phrase is first person
    ],
)
def test_it_needs_a_first_person_phrase_nearby(scanner: Scanner, text: str, expected: set[str]) -> None:
    assert rules(scanner, text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "I nearly died laughing",
        "we shot a film in media",
        "just killing time before the bus",
        "this homework is killing me",
        "I'm dying to see the new film",
        "we smashed it at netball",
        "beat the eggs with the sugar",
        "my mum is going to kill me when she sees my report",
        "I cut myself on the paper in DT",
        "I'll shoot you a message later",
        "dead tired after the trip",
        "our secret santa budget is £5",
        "we need to weed the garden",
    ],
)
def test_it_ignores_negative_contexts(scanner: Scanner, text: str) -> None:
    assert scanner.scan(text) == []


@pytest.mark.parametrize(
    "text",
    [
        "In Romeo and Juliet, Juliet stabs herself when she finds Romeo dead and wants to die too.",
        "Lady Macbeth kills herself; Macbeth wants to stab him in the play.",
        "In biology we learnt that cannabis and heroin act on the nervous system.",
        "History homework: the Nazis and the Holocaust.",
    ],
)
def test_it_treats_third_person_mentions_in_a_topic_as_discussion(scanner: Scanner, text: str) -> None:
    assert scanner.scan(text) == []


@pytest.mark.parametrize(
    ("text", "category"),
    [
        ("We did Romeo and Juliet today and honestly I want to kill myself", "self_harm"),
        ("after the PSHE lesson I have been self harming again", "self_harm"),
        ("the holocaust never happened", "extremism"),
    ],
)
def test_it_still_reports_personal_disclosures_in_a_topic(scanner: Scanner, text: str, category: str) -> None:
    assert category in {h.category for h in scanner.scan(text)}


def test_it_keeps_the_most_severe_hit_for_an_overlapping_span(scanner: Scanner) -> None:
    hits = scanner.scan("I'm going to kill myself tonight")
    assert [(h.category, h.severity, h.evidence) for h in hits] == [("self_harm", 5, "kill myself tonight")]


def test_it_applies_the_threshold(scanner: Scanner) -> None:
    text = "you loser"  # severity 2
    assert scanner.scan(text, threshold=2)
    assert scanner.scan(text, threshold=3) == []


def test_it_does_not_match_a_shorter_double_letter_word() -> None:
    lexicon = load_lexicon(
        shipped=False, additions=[{"phrase": "meet up", "category": "grooming", "severity": 2}]
    )
    scanner = Scanner(lexicon)
    assert scanner.scan("we met up yesterday") == []
    assert [h.evidence for h in scanner.scan("lets meeeet up")] == ["meeeet up"]


def test_it_adds_school_terms_and_suppresses_per_group() -> None:
    lexicon = load_lexicon(
        additions=[{"phrase": "meet at the rec", "category": "grooming", "severity": 3}],
        suppressions=[{"rule": "drugs.use", "group": "Year 11 Biology", "reason": "GCSE drugs topic"}],
    )
    scanner = Scanner(lexicon)
    assert {h.category for h in scanner.scan("meet at the rec at 9, come alone")} == {"grooming"}
    assert scanner.scan("anyone got weed?", groups=["Year 11 Biology"])
    assert rules(scanner, "cocaine", groups=["Year 11 Biology"]) == set()
    assert rules(scanner, "cocaine", groups=["Year 9"]) == {"drugs.use"}


def test_it_suppresses_a_single_phrase_for_everyone() -> None:
    lexicon = load_lexicon(suppressions=[{"rule": "ket", "group": "*", "reason": "a pupil is called Ket"}])
    scanner = Scanner(lexicon)
    assert scanner.scan("ket is here") == []
    assert scanner.scan("ketamine at the party")


def test_it_applies_topics_the_same_way_in_a_long_essay(scanner: Scanner) -> None:
    # A long essay names its set text far more often than the few times a short message does (the scanner
    # then looks only at the topic words near each hit); the verdicts must not change.
    essay = " ".join(["Romeo and Juliet is a tragedy about young love in Verona."] * 80)
    assert scanner.scan(essay + " In the end Juliet stabs herself. " + essay) == []
    hits = scanner.scan(essay + " We did Romeo and Juliet today and honestly I want to kill myself. " + essay)
    assert {h.category for h in hits} == {"self_harm"}
    # A topic word between the "I" and the hit still makes it discussion, as in a short message.
    assert scanner.scan(essay + " I think Juliet stabs herself because of the feud. " + essay) == []
