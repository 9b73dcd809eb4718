"""Letters masked with a symbol inside a word ("m*slims", "n#gger", "h%te"), put back from the lexicon.

Stage 3 of the normaliser reads "@", "$", "!" and "|" as the letters they look like, but an asterisk or a hash
stands for whatever letter the writer left out, and that depends on the word. A masked word is undone only
when exactly one lexicon word fits it, letter for letter (a ``*`` stem such as "nigg*" fits any word that
starts with it), and no ordinary word does: the lexicon's negatives, context phrases and topic markers (which
are the everyday words the lexicon knows) and the most common words of messages are the ordinary words
checked (less any lexicon word among them: a negative often holds the very word it excuses). "f*g" is left alone ("fig", "fog"), as is any word with fewer than three letters shown or more masks
than a third of its length.

The masked character is replaced by the letter in place, one for one, so every offset into the text stays
valid and the evidence still shows what was typed.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

__all__ = ["Unmasker", "plain_words"]

_MASKS = "*#%?^&~+@!$"
# A word with at least one mask between two letters.
_MASKED = re.compile(r"(?<![^\W\d_])[^\W\d_]+(?:[" + re.escape(_MASKS) + r"]{1,2}[^\W\d_]+)+(?![^\W\d_])")
_MASK_CHARS = frozenset(_MASKS)
# A mask between two letters: the cheap test that most texts fail (starts at a mask, not at every letter).
_HINT = re.compile(
    r"["
    + re.escape(_MASKS)
    + r"](?<=[^\W\d_]["
    + re.escape(_MASKS)
    + r"])(?=["
    + re.escape(_MASKS)
    + r"]?[^\W\d_])"
)
_PLAIN_WORD = re.compile(r"[a-z]+\*?")


def plain_words(terms: Iterable[str]) -> set[str]:
    """The words of ``terms`` an unmasker looks at (lower case, apostrophes dropped, letters with an optional
    final ``*``)."""
    words: set[str] = set()
    for term in terms:
        words.update(w for w in term.lower().replace("'", "").split() if _PLAIN_WORD.fullmatch(w))
    return words


class Unmasker:
    """Undoes masked letters for words of one lexicon (see the module docstring)."""

    def __init__(self, lexicon_terms: Iterable[str], ordinary_terms: Iterable[str]) -> None:
        self._build(plain_words(lexicon_terms), plain_words(ordinary_terms))

    @classmethod
    def from_words(cls, words: Iterable[str], ordinary: Iterable[str]) -> Unmasker:
        """The unmasker for these ``plain_words`` of the lexicon terms and of the ordinary terms (a school's
        scanner adds its own words to the shipped lexicon's, which are worked out once)."""
        unmasker = cls.__new__(cls)
        unmasker._build(set(words), set(ordinary))
        return unmasker

    def _build(self, words: set[str], ordinary: set[str]) -> None:
        self._exact: dict[int, list[str]] = {}
        self._stems: list[str] = []
        ordinary = ordinary - words
        for word in words:
            if word.endswith("*"):
                if len(word) > 4:
                    self._stems.append(word[:-1])
            elif len(word) >= 4:
                self._exact.setdefault(len(word), []).append(word)
        self._ordinary: dict[int, list[str]] = {}
        for word in ordinary:
            self._ordinary.setdefault(len(word.rstrip("*")), []).append(word.rstrip("*"))

    def __call__(self, text: str) -> str:
        """``text`` with each masked word the lexicon knows spelled out (same length, same offsets)."""
        hint = _HINT.search(text)
        if hint is None:
            return text
        pieces: list[str] = []
        last = 0
        for match in _MASKED.finditer(text, max(0, text.rfind(" ", 0, hint.start()))):
            word = self._fill(match.group())
            if word is not None:
                pieces.append(text[last : match.start()])
                pieces.append(word)
                last = match.end()
        if not pieces:
            return text
        pieces.append(text[last:])
        return "".join(pieces)

    def _fill(self, token: str) -> str | None:
        lower = token.lower()
        masks = [i for i, c in enumerate(lower) if c in _MASK_CHARS]
        if len(lower) - len(masks) < 3 or 3 * len(masks) > len(lower):
            return None
        fits = {w for w in self._exact.get(len(lower), ()) if _fits(lower, w)}
        fits.update(
            _fill_stem(lower, s)
            for s in self._stems
            if len(s) <= len(lower) and max(masks) < len(s) and _fits(lower[: len(s)], s)
        )
        if len(fits) != 1 or any(_fits(lower, w) for w in self._ordinary.get(len(lower), ())):
            return None
        filled = fits.pop()
        # Keep the writer's capitals where a letter was shown.
        return "".join(t if t not in _MASK_CHARS else f for t, f in zip(token, filled, strict=True))


def _fits(masked: str, word: str) -> bool:
    return len(masked) == len(word) and all(
        m == w or m in _MASK_CHARS for m, w in zip(masked, word, strict=True)
    )


def _fill_stem(masked: str, stem: str) -> str:
    return stem + masked[len(stem) :]
