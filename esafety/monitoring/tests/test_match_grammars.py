"""Slot grammars: one term of every slot within a window of words, through the same normaliser and matcher as
phrases, with the same context rules; vocabularies referred to as ``@name``."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from esafety.monitoring.scanner import Lexicon, Scanner, available_backends, inflections, load_lexicon

HEADER = (
    "# {what}\n# Source: test fixture written for these tests\n# Reviewed: 2026-12-01 by scanner-engine\n"
)

VOCABULARIES = {
    "request_verb": ["send", "show", "snap me", "wyślij  # Polish"],
    "image_word": ["pic", "pics", "photo*", "selfie", "zdjęcie  # Polish", "صورة  # Arabic"],
    "body_part": ["boobs", "bum", "body", "🍑  # peach: bum", "🍒"],
    "secrecy": ["secret", "dont tell", "between us"],
    "meeting": ["meet", "come round", "pick you up"],
    "harm_intent": ["cutting", "wants to die", "hurting herself"],
    "people_group": ["foreigners", "refugees"],
    "exclusion": ["dont belong here", "should go back"],
}

GRAMMARS = """
category = "sexual"

[[grammar]]
id = "asks_for_body_pictures"
description = "Asking for pictures of someone's body"
severity = 4
slots = ["@request_verb", "@image_word", ["@body_part", "bra"]]
window = 7
negatives = ["send a photo of your body of work"]
severity_child_age = 5
"""

ORDERED = """
category = "grooming"

[[grammar]]
id = "secret_meeting"
description = "Arranging a meeting and asking for it to stay secret"
severity = 4
slots = ["@meeting", "@secrecy"]
window = 8
ordered = true
severity_adult_age = 5
"""

FIRST_PERSON = """
category = "self_harm"

[[grammar]]
id = "friend_self_harm"
description = "Worry about someone else harming themselves"
severity = 3
slots = ["@third_person", "@harm_intent"]
window = 8
inflect = false

[[grammar]]
id = "own_harm_plan"
description = "Saying they are planning to hurt themselves"
severity = 3
slots = [["plan", "planning"], ["cutting", "overdose"]]
window = 6
first_person = true
severity_first_person = 5
"""

EXTREMISM = """
category = "extremism"

[[entry]]
id = "codes"
severity = 3
phrases = ["1488", "14 88"]

[[grammar]]
id = "hh_88"
severity = 3
slots = [["88"], ["heil", "hh"]]
window = 3
"""

DISCRIMINATION = """
category = "discrimination"

[[grammar]]
id = "group_exclusion"
description = "Saying a group of people do not belong"
severity = 3
slots = ["@people_group", "@exclusion"]
window = 6
"""


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("lexicon")
    for name, terms in VOCABULARIES.items():
        (root / f"{name}.txt").write_text(
            HEADER.format(what=name) + "\n".join(terms) + "\n", encoding="utf-8"
        )
    for name, body in {
        "sexual": GRAMMARS,
        "grooming": ORDERED,
        "self_harm": FIRST_PERSON,
        "discrimination": DISCRIMINATION,
        "extremism": EXTREMISM,
    }.items():
        (root / f"{name}.toml").write_text(body, encoding="utf-8")
    return root


def _lexicon(
    folder: Path,
    additions: Sequence[Mapping[str, object]] = (),
    suppressions: Sequence[Mapping[str, object]] = (),
) -> Lexicon:
    return load_lexicon(
        sorted(folder.glob("*.toml")),
        shipped=False,
        vocabularies=sorted(folder.glob("*.txt")),
        additions=additions,
        suppressions=suppressions,
    )


@pytest.fixture(scope="module", params=available_backends())
def scanner(folder: Path, request: pytest.FixtureRequest) -> Scanner:
    return Scanner(_lexicon(folder), backend=request.param)


def rules(scanner: Scanner, text: str) -> set[str]:
    return {h.rule for h in scanner.scan(text)}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # Every slot present, in any order, inside seven words.
        ("send me a pic of your boobs", {"sexual.asks_for_body_pictures"}),
        ("ur boobs, send a pic", {"sexual.asks_for_body_pictures"}),
        ("show me photos of ur body", {"sexual.asks_for_body_pictures"}),  # "photo*" goes on
        ("snap me a selfie in ur bra", {"sexual.asks_for_body_pictures"}),  # a phrase in a list slot
        # One slot missing: nothing.
        ("send me a pic of the dog", set()),
        ("send me your boobs", set()),
        # Window edges: seven words from the first slot's first word to the last slot's last word.
        ("send one more very funny pic bum", {"sexual.asks_for_body_pictures"}),  # exactly seven
        ("send one more really very funny pic bum", set()),  # eight
        # Evasions in slot terms: spaced letters, leet, repeats, look-alikes, accents dropped.
        ("s e n d me a pic of ur b00bs", {"sexual.asks_for_body_pictures"}),
        ("sennnd a piiic of ur boooobs", {"sexual.asks_for_body_pictures"}),
        ("$end a p1c of ur bum", {"sexual.asks_for_body_pictures"}),
        ("ѕend a pic of ur bum", {"sexual.asks_for_body_pictures"}),  # Cyrillic dze
        ("wyslij zdjecie body", {"sexual.asks_for_body_pictures"}),  # Polish without diacritics
        ("WYŚLIJ ZDJĘCIE body", {"sexual.asks_for_body_pictures"}),
        ("send صورة bum", {"sexual.asks_for_body_pictures"}),  # Arabic script as written
        ("send 你好 pic bum", {"sexual.asks_for_body_pictures"}),  # another script beside the terms
        # Emoji as slot terms, repeated or with a skin tone; flag letters spelling a word.
        ("send pic 🍑🍑", {"sexual.asks_for_body_pictures"}),
        ("send pic🍒 pls", {"sexual.asks_for_body_pictures"}),
        ("send pic 🍆", set()),
        ("🇸🇪🇳🇩 a pic of ur bum", {"sexual.asks_for_body_pictures"}),
        # Inflected forms of one-word terms: "sending", "shows", "showed".
        ("stop sending pics of your bum", {"sexual.asks_for_body_pictures"}),
        # The grammar's own negatives.
        ("send a photo of your body of work", set()),
        # Ordered grammars: meeting before secrecy only.
        ("lets meet saturday but keep it secret", {"grooming.secret_meeting"}),
        ("its a secret but lets meet saturday", set()),
        ("ill pick u up after school dont tell ur mum", {"grooming.secret_meeting"}),  # text-speak "u"
        # Third person and intent (the shared vocabulary third_person.txt).
        ("my friend keeps cutting", {"self_harm.friend_self_harm"}),
        ("my mate says he wants to die", {"self_harm.friend_self_harm"}),
        ("this girl in my class is hurting herself", {"self_harm.friend_self_harm"}),
        # inflect = false: "cuttings" is a gardening word, not the slot term.
        ("my friend took cuttings", set()),
        # first_person = true.
        ("i am planning an overdose", {"self_harm.own_harm_plan"}),
        ("the plan for cutting the budget", set()),
        ("foreigners dont belong here", {"discrimination.group_exclusion"}),
        ("refugees should go back", {"discrimination.group_exclusion"}),
        # Number codes as terms.
        ("14/88 brothers", {"extremism.codes"}),
        ("1488", {"extremism.codes"}),
        ("HH 88", {"extremism.hh_88"}),
        ("heil... 88", {"extremism.hh_88"}),
        ("88 miles on the m6", set()),
    ],
)
def test_it_fires_a_grammar_when_every_slot_matches_within_the_window(
    scanner: Scanner, text: str, expected: set[str]
) -> None:
    assert rules(scanner, text) == expected


def test_it_reports_the_grammar_span_as_evidence(scanner: Scanner) -> None:
    text = "hey can u send me a pic of ur bum pls"
    [hit] = scanner.scan(text)
    assert hit.rule == "sexual.asks_for_body_pictures"
    assert hit.evidence == "send me a pic of ur bum" == text[hit.start : hit.end]
    assert hit.phrase == "send + pic + bum"
    assert hit.severity == 4


def test_it_reports_an_emoji_in_the_evidence(scanner: Scanner) -> None:
    text = "send a pic of ur 🍑🏽 now"
    [hit] = scanner.scan(text)
    assert hit.evidence == "send a pic of ur 🍑🏽" == text[hit.start : hit.end]


def test_it_fires_a_grammar_once_per_message(scanner: Scanner) -> None:
    hits = scanner.scan("send a pic of ur bum. go on send a pic of ur bum")
    assert [h.rule for h in hits] == ["sexual.asks_for_body_pictures"]


@pytest.mark.parametrize(
    ("text", "severity"),
    [
        ("send a pic of ur bum", 4),
        ("im 12 and he said send a pic of ur bum", 5),  # a child's age near the hit
        ("send a pic of ur bum. im 27 btw", 4),  # an adult's age: this grammar only rises for a child
        ("he's year 7, send a pic of ur bum", 5),
    ],
)
def test_it_raises_severity_when_a_childs_age_is_stated(scanner: Scanner, text: str, severity: int) -> None:
    [hit] = scanner.scan(text)
    assert hit.severity == severity


def test_it_raises_severity_for_an_adults_age_and_the_first_person(scanner: Scanner) -> None:
    assert [h.severity for h in scanner.scan("lets meet up, its our secret")] == [4]
    assert [h.severity for h in scanner.scan("im 34, lets meet up, its our secret")] == [5]
    assert [h.severity for h in scanner.scan("an older guy wants to meet, its a secret")] == [5]
    assert [h.severity for h in scanner.scan("i am planning an overdose")] == [5]


def test_it_applies_topics_contexts_and_suppressions_to_grammars(folder: Path) -> None:
    extra = folder / "contexts.toml"
    extra.write_text(
        '[[context]]\nphrases = ["send a pic of ur bum to the vet"]\ncategories = ["sexual"]\nreason = "pets"\n'
        '[[topic]]\nname = "pshe_lesson"\nmarkers = ["pshe"]\ncategories = ["self_harm"]\n',
        encoding="utf-8",
    )
    try:
        lexicon = _lexicon(
            folder,
            suppressions=[
                {"rule": "discrimination.group_exclusion", "group": "Year 10 History", "reason": "unit"}
            ],
        )
        scanner = Scanner(lexicon)
        assert rules(scanner, "send a pic of ur bum to the vet") == set()
        assert rules(scanner, "in pshe we learned what to do if a friend keeps cutting") == set()
        assert scanner.scan("refugees should go back", groups=["Year 10 History"]) == []
        assert rules(scanner, "refugees should go back") == {"discrimination.group_exclusion"}
        assert lexicon.describe("sexual.asks_for_body_pictures") == "Asking for pictures of someone's body"
    finally:
        extra.unlink()


def test_it_keeps_school_additions_working_beside_grammars(folder: Path) -> None:
    lexicon = _lexicon(folder, additions=[{"phrases": ["@secrecy"], "category": "grooming", "severity": 2}])
    [school] = [e for e in lexicon.entries if e.source == "school"]
    assert school.phrases == ("secret", "dont tell", "between us")
    assert rules(Scanner(lexicon), "just between us") == {school.rule}


@pytest.mark.parametrize(
    ("term", "forms"),
    [
        ("send", {"send", "sends", "sendes", "sended", "sending"}),
        ("share", {"share", "shares", "sharees", "shareed", "sharing", "shared", "shareing"}),
        ("reply", {"reply", "replys", "replyes", "replyed", "replying", "replies", "replied"}),
        ("snap me", {"snap me"}),  # several words: as written
        ("photo*", {"photo*"}),  # a stem already goes on
        ("me", {"me"}),  # too short to inflect
        ("zdjęcie", {"zdjęcie"}),  # not plain English
    ],
)
def test_it_inflects_single_plain_words(term: str, forms: set[str]) -> None:
    assert set(inflections(term)) == forms


# Evasions the normaliser undoes, applied to one slot term of a grammar hit.
def _spaced(word: str) -> str:
    return " ".join(word)


def _leet(word: str) -> str:
    return word.replace("o", "0").replace("i", "1").replace("e", "3")


def _repeated(word: str) -> str:
    return "".join(c * 3 if c.isalpha() else c for c in word)


def _dollar(word: str) -> str:
    # Only inside a word: a "$" that ends one is punctuation to the normaliser, as "!" in "kill!".
    return re.sub(r"s(?=[a-z])", "$", word)


_EVASIONS = st.sampled_from([str, str.upper, _spaced, _leet, _repeated, _dollar])
# At least one plain word of two letters or more between slot terms: spaced-out words ("p i c b o o b s") are one run
# of single letters, which the normaliser joins into one word.
_FILLER = st.lists(st.sampled_from(["the", "of", "now", "lol", "ur", "quick"]), min_size=1, max_size=2)


@settings(max_examples=80, deadline=None)
@given(
    verb=st.sampled_from(["send", "show"]),
    image=st.sampled_from(["pic", "pics", "selfie"]),
    body=st.sampled_from(["boobs", "bum", "bra"]),
    evasions=st.tuples(_EVASIONS, _EVASIONS, _EVASIONS),
    gaps=st.tuples(_FILLER, _FILLER),
    order=st.permutations([0, 1, 2]),
)
def test_it_survives_evasions_of_every_slot_term(
    scanner: Scanner,
    verb: str,
    image: str,
    body: str,
    evasions: tuple[Callable[[str], str], ...],
    gaps: tuple[list[str], list[str]],
    order: list[int],
) -> None:
    words = [evasion(word) for evasion, word in zip(evasions, (verb, image, body), strict=True)]
    ordered = [words[k] for k in order]
    text = f"hey {ordered[0]} {' '.join(gaps[0])} {ordered[1]} {' '.join(gaps[1])} {ordered[2]} ok"
    assert "sexual.asks_for_body_pictures" in rules(scanner, text), text


@settings(max_examples=80, deadline=None)
@given(
    words=st.lists(
        st.sampled_from(
            ["send", "show", "pic", "photos", "selfie", "me", "a", "of", "ur", "dog", "now", "s e n d"]
        ),
        max_size=14,
    )
)
def test_it_never_fires_without_a_term_of_every_slot(scanner: Scanner, words: list[str]) -> None:
    # No body or clothing word: the body slot can never match.
    assert "sexual.asks_for_body_pictures" not in rules(scanner, " ".join(words))


@settings(max_examples=60, deadline=None)
@given(
    words=st.lists(
        st.sampled_from(
            [
                "send",
                "pic",
                "bum",
                "b u m",
                "meet",
                "secret",
                "my friend",
                "cutting",
                "i",
                "plan",
                "x",
                "🍑",
                ".",
            ]
        ),
        max_size=16,
    )
)
def test_it_gives_the_same_grammar_hits_on_both_backends(folder: Path, words: list[str]) -> None:
    lexicon = _lexicon(folder)
    text = " ".join(words)
    results = [
        Scanner(lexicon, backend=b).scan_many([text, "hello", text + " and " + text])
        for b in available_backends()
    ]
    assert all(r == results[0] for r in results)
    reference = Scanner(lexicon)
    assert results[0][0] == reference._scan_candidate(text, 1, ())
