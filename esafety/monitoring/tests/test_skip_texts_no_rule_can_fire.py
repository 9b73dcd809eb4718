"""The scanner's fast path gives exactly the full path's alerts: a pre-filter candidate that holds no entry's
phrase and no grammar with a term of every slot is dropped before the offset-keeping normaliser, and that never
loses an alert."""

from __future__ import annotations

import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from esafety.monitoring.scanner import Scanner, available_backends, load_evaluation_set, shipped_lexicon
from esafety.monitoring.scanner._scan import _CONTEXT_CHARS


@pytest.fixture(scope="module")
def scanner() -> Scanner:
    return Scanner(shipped_lexicon(), backend=available_backends()[0])


def _full(scanner: Scanner, text: str) -> list:
    """The full path on every text: no matcher pre-filter and no slot check, only unmask, normalise, match and
    the context rules."""
    return scanner._scan_candidate(text, 1, (), scanner._unmask(text))


def _slot_terms(scanner: Scanner) -> list[str]:
    rnd = random.Random(3)
    terms = sorted(
        {term for g in scanner.lexicon.grammars for slot in g.slots for term in slot if "*" not in term}
    )
    return rnd.sample(terms, 400)


def test_it_drops_a_text_with_only_one_slot_of_a_grammar(scanner: Scanner) -> None:
    grammar = next(g for g in scanner.lexicon.grammars if len(g.slots) == 2)
    one = sorted(t for t in grammar.slots[0] if "*" not in t)[0]
    other = sorted(t for t in grammar.slots[1] if "*" not in t)[0]
    assert scanner._could_fire(f"zq {one} zq") is None or any(
        rule for rule in scanner.lexicon.entries if rule.phrases and one in rule.phrases
    )
    # With a term of both slots side by side the text goes on to the context rules.
    assert scanner._could_fire(f"{one} {other}") is not None


@pytest.mark.parametrize("name", ["original", "dev"])
def test_it_gives_the_full_paths_alerts_on_the_evaluation_sets(scanner: Scanner, name: str) -> None:
    texts = [m.text for m in load_evaluation_set(name)]
    texts += [f"{a} and then {b}" for a, b in zip(texts[::7], texts[3::11], strict=False)]
    assert scanner.scan_many(texts) == [_full(scanner, t) for t in texts]
    assert [scanner.scan(t) for t in texts[:300]] == [_full(scanner, t) for t in texts[:300]]


def test_it_gives_the_full_paths_alerts_on_random_slot_term_mixtures(scanner: Scanner) -> None:
    # Slot terms of many grammars thrown together: most texts hold some slots of a grammar but not all, which is
    # exactly what the check drops, and some hold all of them.
    rnd = random.Random(11)
    terms = _slot_terms(scanner)
    filler = ["the", "and", "my", "i", "you", "after", "school", "lol", "k1ll", "s e n d", "😂", "2", "nooo"]
    texts = [
        " ".join(rnd.choice(terms if rnd.random() < 0.4 else filler) for _ in range(rnd.randint(1, 14)))
        for _ in range(1500)
    ]
    fast = scanner.scan_many(texts)
    assert fast == [_full(scanner, t) for t in texts]
    assert sum(1 for hits in fast if hits) > 50  # the mixtures do fire grammars


@settings(max_examples=120, deadline=None)
@given(st.data())
def test_it_gives_the_full_paths_alerts_on_generated_texts(scanner: Scanner, data: st.DataObject) -> None:
    terms = _slot_terms(scanner)
    words = st.sampled_from(
        [*terms[:120], "i", "me", "you", "not", "lesson", "romeo", "!", "@", "-", " ", "x"]
    )
    texts = data.draw(
        st.lists(st.lists(words, max_size=10).map(" ".join) | st.text(max_size=_CONTEXT_CHARS), max_size=6)
    )
    assert scanner.scan_many(texts) == [_full(scanner, t) for t in texts]


def test_it_gives_the_same_candidates_with_or_without_the_window_stage(scanner: Scanner) -> None:
    # When the window stage picks most of a batch, the next batches skip it and go to the exact check on the
    # normalised text: the candidates are the same either way, only the cost differs.
    from esafety.monitoring.scanner import _matcher

    matcher = scanner._matcher
    if matcher.backend != "hyperscan":
        return  # the pyahocorasick fallback has no window stage
    assert isinstance(matcher, _matcher._HyperscanMatcher)
    rnd = random.Random(5)
    evaluation = [m.text for m in load_evaluation_set("original")]
    texts = [rnd.choice(evaluation) for _ in range(400)]
    matcher._skip_windows = 0
    with_windows = matcher.candidates(texts)
    # Evaluation messages are mostly concerning, so the window stage picked more than its share: skip next time.
    assert matcher._skip_windows == _matcher._PROBE_EVERY - 1
    without = matcher.candidates(texts)
    assert matcher._skip_windows == _matcher._PROBE_EVERY - 2
    assert without == with_windows
    assert with_windows == [i for i, t in enumerate(texts) if matcher.candidates([t])]
