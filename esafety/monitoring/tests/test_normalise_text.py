"""The scanner's normaliser: each evasion form, and offsets that map back to exactly what was typed."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from esafety.monitoring.scanner import normalise
from esafety.monitoring.scanner._normalise import normalise_batch, normalise_fast

# (typed, normalised without the padding spaces)
GOLDEN = [
    ("Kill Myself", "kil myself"),  # case; "ll" collapses (its run length is kept)
    ("ＫＩＬＬ", "kil"),  # full-width compatibility forms
    ("𝐤𝐢𝐥𝐥", "kil"),  # mathematical bold
    ("mysélf", "myself"),  # accents
    ("ѕuісіdе", "suicide"),  # Cyrillic look-alikes
    ("ΜΑΤΕ", "mate"),  # Greek capitals that look like Latin ones
    ("Η", "h"),  # Greek capital eta looks like H...
    ("η", "n"),  # ...its small letter like n
    ("k1ll", "kil"),  # leet digits
    ("$uicide", "suicide"),  # leet symbols at the start of a word
    ("sh!t", "shit"),
    ("n@ked", "naked"),
    ("kill!", "kil"),  # a "!" that ends a sentence is not a letter
    ("I have 3 cats", "i have 3 cats"),  # free-standing numbers stay numbers
    ("su\u200bic\u00adide", "suicide"),  # zero-width space and soft hyphen
    ("s u i c i d e", "suicide"),  # spaced letters
    ("s.u.i.c.i.d.e", "suicide"),  # dotted letters
    ("k-i-l-l", "kil"),
    ("f a t  c o w", "fat cow"),  # a gap longer than the run's shortest is a word break
    ("R o s i e   i s   u g l y", "rosie is ugly"),
    ("s  u  i  c  i  d  e", "suicide"),  # every gap two long: one word
    ("s_u_i", "sui"),
    ("dieeeee", "die"),  # repeated letters
    ("kiiill", "kil"),
    ("I'm", "im"),  # apostrophes vanish so "I'm" and "Im" meet
    ("I’m", "im"),
    ("Straße", "strase"),  # ß folds to ss, then collapses
    ("kill...   myself", "kil myself"),  # punctuation and spaces become one space
    ("a b", "a b"),  # two single letters are left alone (three make a spaced word)
    # Emoji become words of their own: "emoji" and the code point's hex digits as the letters a-p (U+1F351
    # "1f351" -> "bpdfb"), so a vocabulary can list them; runs of one letter collapse as everywhere.
    ("🍑", "emojibpdfb"),
    ("u got 🍑🍆", "u got emojibpdfb emojibpdeg"),  # U+1F346
    ("❄️", "emojiche"),  # U+2744 ("chee", collapsed) and a variation selector, dropped like an accent
    ("👍🏽", "emojibpen"),  # U+1F44D; a skin tone says nothing more
    ("🇰🇮🇱🇱", "kil"),  # regional indicator letters (flags) are letters
    ("🅱", "b"),
    ("a © b", "a b"),  # other symbols stay spaces
    # A one-letter word beside spaced capitals is a word of its own; one capital starting a sentence is not.
    ("I S I S r evil", "isis r evil"),
    ("r I S I S", "r isis"),
    ("K I L L u r s e l f", "kil urself"),
    ("S u i c i d e", "suicide"),
    # Latin look-alikes NFKD keeps: hooks, small capitals, script and open letters; more Cyrillic and Armenian.
    ("ɦate", "hate"),
    ("ʜᴀᴛᴇ", "hate"),
    ("ꜱᴜɪᴄɪᴅᴇ", "suicide"),
    ("ƙill", "kil"),
    ("ɡay", "gay"),
    ("һate", "hate"),  # Cyrillic shha inside a Latin word
    ("𝓀𝒾𝓁𝓁", "kil"),  # mathematical script
]


@pytest.mark.parametrize(("typed", "expected"), GOLDEN)
def test_it_normalises_each_evasion_form(typed: str, expected: str) -> None:
    assert normalise(typed).text == f" {expected} "


@pytest.mark.parametrize(
    ("typed", "word", "evidence"),
    [
        ("I am going to K1LL mysélf!!!", "kil", "K1LL"),
        ("I am going to K1LL mysélf!!!", "myself", "mysélf"),
        ("please s u i c i d e now", "suicide", "s u i c i d e"),
        ("x su\u200bic\u00adide y", "suicide", "su\u200bic\u00adide"),
        ("so I want to dieeeee!", "die", "dieeeee"),
        ("ѕuісіdе", "suicide", "ѕuісіdе"),
        ("ＫＩＬＬ me", "kil", "ＫＩＬＬ"),
        ("Straße", "strase", "Straße"),
        ("I'm sad", "im", "I'm"),
        ("e\u0301e\u0301 kill", "kil", "kill"),
    ],
)
def test_it_maps_offsets_back_to_the_original_span(typed: str, word: str, evidence: str) -> None:
    norm = normalise(typed)
    start = norm.text.index(f" {word} ") + 1
    lo, hi = norm.original_span(start, start + len(word))
    assert typed[lo:hi] == evidence


def test_it_keeps_run_lengths_for_collapsed_letters() -> None:
    norm = normalise("meeeet")
    assert norm.text == " met "
    assert norm.runs[norm.text.index("e")] == 4


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=80))
def test_it_gives_the_same_text_with_and_without_offsets(text: str) -> None:
    assert normalise(text).text == normalise_fast(text)


@settings(max_examples=100, deadline=None)
@given(st.lists(st.text(max_size=30), max_size=6))
def test_it_normalises_a_batch_as_each_text_alone(texts: list[str]) -> None:
    pieces = normalise_batch(texts).split("\x00")
    assert len(pieces) == max(len(texts), 1)
    for text, piece in zip(texts, pieces, strict=False):
        # The batch shares the padding spaces between texts; what lies between them is identical.
        assert piece.strip(" ") == normalise_fast(text).strip(" ")


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=80), st.data())
def test_it_maps_every_span_inside_the_original(text: str, data: st.DataObject) -> None:
    norm = normalise(text)
    start = data.draw(st.integers(0, len(norm.text) - 1))
    end = data.draw(st.integers(start + 1, len(norm.text)))
    lo, hi = norm.original_span(start, end)
    assert 0 <= lo <= hi <= len(text)
