"""Normalisation that defeats common evasion while keeping a map back to the original text.

The normalised form is what the matcher sees, and lexicon phrases go through the very same function, so
"K1ll  mysélf" and "kill myself" meet in the middle. The stages, in order:

1. one character at a time (``str.translate`` with a lazily filled table): Unicode compatibility forms (NFKD,
   so full-width and mathematical letters become plain ones), accents dropped, Cyrillic and Greek look-alikes
   mapped to the Latin letter they imitate, case folded, zero-width characters, soft hyphens and apostrophes
   removed ("I'm" -> "im"), each emoji turned into a word of its own ("🍑" -> "emojibpdfb", so the lexicon can
   list emoji used as code; flag and boxed letters become plain letters), every other symbol turned into a
   space;
2. spaced or dotted letters joined ("s u i c i d e", "k-i-l-l", "s.u.i" -> "suicide", "kill", "sui"); a gap
   longer than the run's shortest is a word break ("f a t  c o w" -> "fat cow");
3. leet digits and symbols inside words turned into letters ("k1ll", "$uicide", "sh!t"), but never a
   free-standing number or the "!" that ends a sentence;
4. the remaining separators turned into spaces, so every word boundary is a single space;
5. runs of one repeated character collapsed ("dieeee" -> "die", "kiill" -> "kil"). The length of each run is
   kept so the scanner can insist that a text run is at least as long as the phrase's run: "meet" must not
   match "met", while "meeeet" still matches "meet".

The result is padded with a space at each end, so a phrase stored as " die " matches whole words only and the
matcher needs no separate word-boundary check.

Two entry points share every stage: ``normalise_fast`` (no offsets; used as a pre-filter over large batches)
and ``normalise`` (with offsets; used for the few messages that have a candidate hit). They are the same code
paths with bookkeeping switched on or off, and a property test holds them equal.
"""

from __future__ import annotations

import bisect
import itertools
import operator
import re
import unicodedata
from collections.abc import Sequence
from typing import overload

__all__ = [
    "SEPARATOR",
    "Normalised",
    "coarse",
    "emoji_word",
    "join_batch",
    "normalise",
    "normalise_batch",
    "normalise_fast",
    "stage1_join",
]

# Joins messages in a batch. No stage produces it from message text (stage 1 turns it into a space), and the
# batch code removes it from texts beforehand, so a hit can never straddle two messages.
SEPARATOR = "\x00"

# Letters that look alike, mapped before case folding because the upper and lower case forms of a Greek or
# Cyrillic letter can imitate different Latin letters (Greek capital eta looks like H, small eta like n).
_CONFUSABLES = {
    # Cyrillic
    "А": "a",
    "а": "a",
    "В": "b",
    "в": "b",
    "Е": "e",
    "е": "e",
    "Ѐ": "e",
    "ѐ": "e",
    "К": "k",
    "к": "k",
    "М": "m",
    "м": "m",
    "Н": "h",
    "н": "h",
    "О": "o",
    "о": "o",
    "Р": "p",
    "р": "p",
    "С": "c",
    "с": "c",
    "Т": "t",
    "т": "t",
    "У": "y",
    "у": "y",
    "Х": "x",
    "х": "x",
    "Ѕ": "s",
    "ѕ": "s",
    "І": "i",
    "і": "i",
    "Ї": "i",
    "ї": "i",
    "Ј": "j",
    "ј": "j",
    "Ԁ": "d",
    "ԁ": "d",
    "Ү": "y",
    "ү": "y",
    "ӏ": "l",
    "Ӏ": "l",
    "Ԛ": "q",
    "ԛ": "q",
    "Ԝ": "w",
    "ԝ": "w",
    "Ь": "b",
    "ь": "b",
    "З": "3",
    "з": "3",
    "п": "n",
    "г": "r",
    "Д": "d",
    "д": "d",
    "И": "n",
    "и": "u",
    "Л": "n",
    "л": "n",
    "Я": "r",
    "я": "r",
    "ш": "w",
    "Ш": "w",
    # Greek
    "Α": "a",
    "α": "a",
    "Β": "b",
    "β": "b",
    "Ε": "e",
    "ε": "e",
    "Ζ": "z",
    "Η": "h",
    "η": "n",
    "Ι": "i",
    "ι": "i",
    "Κ": "k",
    "κ": "k",
    "Μ": "m",
    "μ": "u",
    "Ν": "n",
    "ν": "v",
    "Ο": "o",
    "ο": "o",
    "Ρ": "p",
    "ρ": "p",
    "Τ": "t",
    "τ": "t",
    "Υ": "y",
    "υ": "u",
    "Χ": "x",
    "χ": "x",
    "γ": "y",
    "ω": "w",
    "ς": "s",
    "σ": "o",
    "Σ": "e",
    "δ": "d",
    "θ": "o",
    "λ": "a",
    "π": "n",
    "Π": "n",
    # Latin letters that NFKD leaves alone but that stand in for plain ones
    "ı": "i",
    "ł": "l",
    "Ł": "l",
    "ø": "o",
    "Ø": "o",
    "đ": "d",
    "Đ": "d",
    "ħ": "h",
    "ŧ": "t",
    "ß": "ss",
    "æ": "ae",
    "Æ": "ae",
    "œ": "oe",
    "Œ": "oe",
    "ɑ": "a",
    "ɡ": "g",
    "ʀ": "r",
    "ɪ": "i",
    "ᴀ": "a",
}

# Apostrophes are removed rather than spaced so that "I'm", "Im" and "I`m" all become "im".
_APOSTROPHES = frozenset("'`´‘’‛′ʼ")

# Kept through stage 1 because stage 2 or 3 needs them; stage 4 turns whatever is left into spaces.
_LEET_SYMBOLS = "@$!|"
_JOINERS = ".-_*~"
_KEPT = frozenset(_LEET_SYMBOLS + _JOINERS)

_LEET = {"0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t", "@": "a", "$": "s", "!": "i", "|": "i"}


# Emoji live in these blocks (miscellaneous symbols, dingbats, stars, and the supplementary pictographs).
_EMOJI_BLOCKS = ((0x2600, 0x27BF), (0x2B00, 0x2BFF), (0x1F000, 0x1FAFF))
_HEX_LETTERS = str.maketrans("0123456789abcdef", "abcdefghijklmnop")


def emoji_word(ch: str) -> str:
    """The word an emoji becomes: "emoji" and its code point in hex, written with the letters a-p ("🍑",
    U+1F351, is "emojibpdfb"). Letters only, so no later stage (spaced letters, leet) touches it, and short,
    so a message of nothing but emoji does not balloon."""
    return "emoji" + format(ord(ch), "x").translate(_HEX_LETTERS)


def _map_emoji(ch: str) -> str | None:
    """Stage 1 for emoji: a word of its own, or ``None`` when ``ch`` is not one."""
    code = ord(ch)
    if 0x1F1E6 <= code <= 0x1F1FF:  # regional indicators: flags, and letters for evasion ("🇰🇮🇱🇱")
        return chr(ord("a") + code - 0x1F1E6)
    if 0x1F170 <= code <= 0x1F189:  # negative squared capitals ("🅰", "🅱")
        return chr(ord("a") + code - 0x1F170)
    if 0x1F3FB <= code <= 0x1F3FF:  # skin-tone modifiers: the emoji before them says it all
        return ""
    if any(lo <= code <= hi for lo, hi in _EMOJI_BLOCKS) and unicodedata.category(ch) == "So":
        return " " + emoji_word(ch) + " "
    return None


# Latin letters NFKD leaves alone that imitate a plain one by their shape: a letter with a hook, stroke, tail or
# other mark ("ɦ", "ƙ", "ȿ"), a small capital ("ʜ", "ᴋ"), a script or open form ("ɡ", "ɛ", "ɔ"). Read from the
# Unicode name, so the whole IPA and phonetic blocks are covered rather than a hand-picked few.
_LATIN_NAME = re.compile(
    r"LATIN (?:SMALL |CAPITAL )?LETTER (?:SMALL CAPITAL |SCRIPT |OPEN |DOTLESS |STRETCHED |CLOSED )?"
    r"([A-Z])(?: WITH .*| BAR| STROKE| RETROFLEX HOOK| HOOK| TAIL)?"
)
# Look-alikes from other scripts not in ``_CONFUSABLES`` whose name does not give them away.
_MORE_CONFUSABLES = {
    "һ": "h",  # Cyrillic shha
    "Һ": "h",
    "ԍ": "g",
    "ҽ": "e",
    "ѵ": "v",
    "Ѵ": "v",
    "ԃ": "d",
    "ɩ": "i",  # Latin iota
    "ɸ": "o",
    "օ": "o",  # Armenian
    "ս": "u",
    "ո": "n",
    "ց": "g",
    "հ": "h",
    "ǝ": "e",  # turned e
    "ə": "e",  # schwa
    "ʋ": "v",
    "ɯ": "w",
    "ꞵ": "b",
    "ꭓ": "x",
}


def _look_alike(ch: str) -> str | None:
    """The plain letter ``ch`` imitates, if it is a Latin (or other) look-alike stage 1 would otherwise keep."""
    if ch in _MORE_CONFUSABLES:
        return _MORE_CONFUSABLES[ch]
    if ch.isascii() or not ch.isalpha():
        return None
    match = _LATIN_NAME.fullmatch(unicodedata.name(ch, ""))
    return match.group(1).lower() if match else None


def _map_char(ch: str) -> str:
    """Stage 1 for one character: what it becomes in the normalised text (possibly nothing)."""
    if ch in _APOSTROPHES:
        return ""
    emoji = _map_emoji(ch) if ord(ch) >= 0x2600 else None
    if emoji is not None:
        return emoji
    if ch in _KEPT or ch == " ":
        return ch
    category = unicodedata.category(ch)
    if category == "Cf":  # zero-width space/joiners, soft hyphen, byte-order mark, bidi controls
        return ""
    if category in ("Mn", "Me"):  # combining accents (including "Zalgo" stacks)
        return ""
    out = []
    for part in unicodedata.normalize("NFKD", ch):
        if unicodedata.category(part) in ("Mn", "Me"):
            continue
        part = _CONFUSABLES.get(part) or _look_alike(part) or part
        for folded in part.casefold():
            if folded.isalnum() or folded in _KEPT:
                out.append(folded)
            else:
                out.append(" ")
    return "".join(out)


class _Stage1Table(dict[int, str | None]):
    """A ``str.translate`` table covering all of Unicode, filled on first sight of each code point.

    Deletions are stored as ``None``, not ``""``: CPython's fast path for ASCII text only accepts one-character
    strings and ``None``, and an empty string would silently send every message down the slow path.
    """

    def __missing__(self, code: int) -> str | None:
        value = _map_char(chr(code)) or None
        self[code] = value
        return value


_STAGE1 = _Stage1Table()
for _code in range(128):
    _STAGE1[_code] = _map_char(chr(_code)) or None
_STAGE1[ord(SEPARATOR)] = " "


# Stage 1 with ASCII capitals kept, for stage 2 (which lower-cases what it returns). One for one with
# ``_STAGE1``, so offsets are the same.
class _CasedTable(_Stage1Table):
    """``_STAGE1`` but capitals (and small capitals) that become one ASCII letter become a capital."""

    def __missing__(self, code: int) -> str | None:
        value = _STAGE1[code]
        ch = chr(code)
        one_letter = (
            bool(value) and len(value or "") == 1 and (value or "").isascii() and (value or "").isalpha()
        )
        if one_letter and (ch.isupper() or "SMALL CAPITAL" in unicodedata.name(ch, "")):
            value = (value or "").upper()
        self[code] = value
        return value


_STAGE1_CASED = _CasedTable(_STAGE1)
for _code in range(ord("A"), ord("Z") + 1):
    _STAGE1_CASED[_code] = chr(_code)
_LOWER = str.maketrans({chr(c): chr(c).lower() for c in range(ord("A"), ord("Z") + 1)})

_LETTER = r"(?:[^\W_]|[@$!|])"
_NOT_LETTER_BEFORE = r"(?<![^\W_])(?<![@$!|])"
_NOT_LETTER_AFTER = r"(?![^\W_])(?![@$!|])"
# Three or more single letters, each separated by one to three spaces or joiners: "s u i", "k-i-l-l".
_SPACED = re.compile(
    _NOT_LETTER_BEFORE + _LETTER + r"(?:[ .\-_*~]{1,3}" + _LETTER + _NOT_LETTER_AFTER + r"){2,}"
)
_SPACED_GAP = re.compile(r"[ .\-_*~]+")

# A letter next to a leet digit, or a leet symbol followed by a letter: the only places stage 3 looks at.
# Written to start with a character class (the digit or symbol, the letter checked around it): the regex engine
# then skips to candidate characters in a tight loop instead of trying both branches at every position, about
# five times faster. It finds the same pairs, reported at the digit or symbol; ``_stage3`` only uses the position
# to find the surrounding word, which is the same either way.
_LEET_PAIR = re.compile(r"[013457@$!|](?:(?<=[a-z][013457])|(?=[a-z]))")
_WORD_CHARS = frozenset("abcdefghijklmnopqrstuvwxyz0123456789@$!|")
_ALNUM = frozenset("abcdefghijklmnopqrstuvwxyz0123456789")

_STAGE4 = str.maketrans({c: " " for c in _LEET_SYMBOLS + _JOINERS})
_RUN = re.compile(r"(.)\1+", re.DOTALL)
# A C-level replacement: on Python 3.11 a template such as r"\1" is expanded by Python code for every match.
_RUN_CHAR = operator.methodcaller("group", 1)


def _breaks(spaced: str) -> list[bool]:
    """For each gap of a run of spaced letters: whether it is a word break.

    A gap longer than the run's shortest is one ("f a t  c o w" is "fat cow"), and so is a change of case next
    to two or more capitals ("I S I S r" is "isis r", "F A T c o w" is "fat cow"): a one-letter word beside a
    spaced-out word ("r", "u", "a") must not be swallowed into it. One capital before small letters is how a
    sentence starts ("S u i c i d e"), so it joins.
    """
    gaps = _SPACED_GAP.findall(spaced)
    shortest = min(map(len, gaps))
    letters = _SPACED_GAP.split(spaced)
    upper = [ch.isascii() and ch.isupper() for ch in letters]
    lower = [ch.isascii() and ch.islower() for ch in letters]
    out = [len(gap) > shortest for gap in gaps]
    if any(upper) and any(lower):
        for i in range(len(gaps)):
            if (upper[i] and lower[i + 1] and i > 0 and upper[i - 1]) or (
                lower[i] and upper[i + 1] and i + 2 < len(letters) and upper[i + 2]
            ):
                out[i] = True
    return out


def _join(match: re.Match[str]) -> str:
    """Spaced letters joined, with a space at each word break (see ``_breaks``): "s u i c i d e" is
    "suicide", "R o s i e   i s   u g l y" is "rosie is ugly"."""
    spaced = match.group()
    if spaced.islower() or spaced.isupper() or not any(c.isupper() for c in spaced):
        lengths = set(map(len, _SPACED_GAP.findall(spaced)))
        if len(lengths) == 1:  # the usual case, every gap alike: the letters are every (gap + 1)th character
            return spaced[:: lengths.pop() + 1]
    breaks = iter(_breaks(spaced))
    return _SPACED_GAP.sub(lambda gap: " " if next(breaks) else "", spaced)


def _stage2(text: str) -> str:
    """Stage 2 over stage 1's output with ASCII capitals kept (they tell word breaks apart), lower-cased after."""
    return _SPACED.sub(_join, text).translate(_LOWER)


def _leet_token(token: str) -> str:
    out = []
    for i, ch in enumerate(token):
        if ch in "@$!|":
            # A symbol counts as a letter only when the word goes on after it: "$uicide", "sh!t", not "kill!".
            nxt = token[i + 1] if i + 1 < len(token) else ""
            out.append(_LEET[ch] if nxt in _ALNUM and nxt else ch)
        else:
            out.append(_LEET.get(ch, ch))
    return "".join(out)


def _stage3(text: str) -> str:
    """Leet inside words. One-for-one, so no offsets change."""
    first = _LEET_PAIR.search(text)
    if first is None:
        return text
    pieces: list[str] = []
    last = 0
    pos = first.start()
    while True:
        start = pos
        while start > 0 and text[start - 1] in _WORD_CHARS:
            start -= 1
        end = pos + 1
        while end < len(text) and text[end] in _WORD_CHARS:
            end += 1
        token = text[start:end]
        # A token of digits around a single letter ("10am", "5pm") has letters too; converting it is harmless
        # because no lexicon phrase is made of such fragments.
        pieces.append(text[last:start])
        pieces.append(_leet_token(token))
        last = end
        found = _LEET_PAIR.search(text, end)
        if found is None:
            break
        pos = found.start()
    pieces.append(text[last:])
    return "".join(pieces)


def _stage5(text: str) -> str:
    return _RUN.sub(_RUN_CHAR, text)


_NON_ASCII = re.compile(r"[^\x00-\x7f]+")


def _stage1(text: str, table: _Stage1Table) -> str:
    """``text.translate(table)``, fast for text that is mostly ASCII.

    One character outside ASCII (an emoji) puts the whole string off CPython's fast path for ``translate``: a
    dictionary lookup per character, dozens of times slower. Translating the stretches outside ASCII first
    usually leaves ASCII only; stage 1 maps its own output to itself, so translating the result changes
    nothing but the ASCII characters it still has to map.
    """
    if text.isascii():
        return text.translate(table)
    out = _NON_ASCII.sub(lambda run: run.group().translate(table), text)
    return out.translate(table)


def normalise_fast(text: str) -> str:
    """The normalised, space-padded form of ``text`` without offsets (a separator stays a separator)."""
    out = _stage1(" " + text + " ", _STAGE1_CASED)
    out = _stage2(out)
    out = _stage3(out)
    out = out.translate(_STAGE4)
    return _stage5(out)


def join_batch(texts: list[str]) -> str:
    """Many texts as one string, padded and separated by ``SEPARATOR`` (which is removed from the texts)."""
    cleaned = [t.replace(SEPARATOR, " ") if SEPARATOR in t else t for t in texts]
    return " " + (" " + SEPARATOR + " ").join(cleaned) + " "


def stage1_join(texts: Sequence[str], *, cased: bool = False) -> str:
    """Stage 1 over ``join_batch(texts)``, keeping the separators (the pre-filter's starting point; with
    ``cased``, ASCII capitals kept for stage 2)."""
    # One emoji anywhere would push the whole batch off CPython's ASCII fast path for str.translate (a dict
    # lookup per character, dozens of times slower). The few texts outside ASCII (``isascii`` is a word-at-a-time
    # check, far cheaper than a regular expression over the batch) are translated on their own first; stage 1
    # maps its own ASCII output to itself, so translating the batch again changes nothing there.
    table = _BATCH_STAGE1_CASED if cased else _BATCH_STAGE1
    early = [t if t.isascii() else _stage1(t, table) for t in texts]
    return join_batch(early).translate(table)


def normalise_batch(texts: list[str]) -> str:
    """The normalised form of many texts at once, separated by ``SEPARATOR``.

    Every stage leaves the separator (and the spaces around it) alone, so the piece between two separators is
    exactly ``normalise_fast`` of that text.
    """
    out = stage1_join(texts, cased=True)
    out = _stage2(out)
    out = _stage3(out)
    out = out.translate(_STAGE4)
    return _stage5(out)


def coarse(stage1: str) -> str:
    """Stage 1 output with leet symbols and joiners turned into spaces, as stage 4 would.

    For a text in which stages 2 and 3 change nothing this equals the text just before stage 5 (the
    pre-filter relies on that).
    """
    return stage1.translate(_STAGE4)


# The characters stage 1 may map to something other than exactly one character: everything outside ASCII,
# and the ASCII characters it deletes (apostrophes, and any others its table maps to nothing).
_MAY_MOVE = re.compile(
    "[^\\x00-\\x7f"
    + "]|["
    + "".join(re.escape(chr(c)) for c in range(128) if _STAGE1[c] is None or len(_STAGE1[c] or "") != 1)
    + "]"
)

# The batch table differs from stage 1 only in keeping the separator (message text cannot contain it).
_BATCH_STAGE1 = _Stage1Table(_STAGE1)
_BATCH_STAGE1[ord(SEPARATOR)] = SEPARATOR
_BATCH_STAGE1_CASED = _CasedTable(_STAGE1_CASED)
_BATCH_STAGE1_CASED[ord(SEPARATOR)] = SEPARATOR


class _Map:
    """A map from output positions to source positions, kept as the few stretches where it changes rather
    than one entry per character: stretch ``k`` starts at output position ``outs[k]`` and maps ``i`` to
    ``srcs[k] + (i - outs[k]) * slopes[k]`` (slope 1: characters copied; slope 0: one source character that
    became several)."""

    __slots__ = ("outs", "slopes", "srcs")

    def __init__(self) -> None:
        self.outs: list[int] = []
        self.srcs: list[int] = []
        self.slopes: list[int] = []

    def add(self, out: int, src: int, slope: int = 1) -> None:
        if self.outs and slope == 1 and self.slopes[-1] == 1 and self.srcs[-1] + out - self.outs[-1] == src:
            return  # the copied stretch before goes on
        self.outs.append(out)
        self.srcs.append(src)
        self.slopes.append(slope)

    def __call__(self, i: int) -> int:
        k = bisect.bisect_right(self.outs, i) - 1
        if k < 0:
            return i
        return self.srcs[k] + (i - self.outs[k]) * self.slopes[k]


class _Runs(Sequence[int]):
    """``runs[i]``: how many times the normalised character ``i`` was repeated (1 unless it was a run)."""

    __slots__ = ("_at", "_length")

    def __init__(self, at: dict[int, int], length: int) -> None:
        self._at = at
        self._length = length

    def __len__(self) -> int:
        return self._length

    @overload
    def __getitem__(self, index: int) -> int: ...

    @overload
    def __getitem__(self, index: slice) -> tuple[int, ...]: ...

    def __getitem__(self, index: int | slice) -> int | tuple[int, ...]:
        if isinstance(index, slice):
            return tuple(self._at.get(i, 1) for i in range(*index.indices(self._length)))
        if index < 0:
            index += self._length
        if not 0 <= index < self._length:
            raise IndexError(index)
        return self._at.get(index, 1)


class Normalised:
    """A normalised text with the map back to the original.

    ``text`` is padded with one space at each end. ``runs[i]`` is how many times ``text[i]`` was repeated in
    the text before stage 5 collapsed it. The map back is kept per stretch, not per character, so a long text
    costs little more than its normalised form.
    """

    __slots__ = ("_maps", "_run_at", "original", "runs", "text")

    def __init__(self, original: str, text: str, run_at: dict[int, int], maps: list[_Map]) -> None:
        self.original = original
        self.text = text
        self.runs = _Runs(run_at, len(text))
        self._run_at = run_at
        self._maps = maps  # stage 5 (first source character), then stage 2 and stage 1 where they moved any

    def original_span(self, start: int, end: int) -> tuple[int, int]:
        """The span of the original text that produced ``text[start:end]`` (``start < end``)."""
        # The original text starts one character into the padded text.
        lo = self._source(start, first=True) - 1
        hi = self._source(end - 1, first=False)
        # Stop the span at the original text's ends (the padding maps outside it) and take in any accents or
        # zero-width characters that directly follow the last letter, so the evidence shows what was typed.
        lo = min(max(lo, 0), len(self.original))
        hi = min(max(hi, lo), len(self.original))
        while hi < len(self.original) and _STAGE1[ord(self.original[hi])] is None:
            hi += 1
        return lo, hi

    def _source(self, i: int, *, first: bool) -> int:
        """The index in the padded text of the first (or last) character that became normalised ``i``."""
        position = self._maps[0](i)
        if not first:
            position += self._run_at.get(i, 1) - 1
        for stage in self._maps[1:]:
            position = stage(position)
        return position


def normalise(text: str) -> Normalised:
    """Normalise ``text`` keeping, for every normalised character, the original span it came from."""
    padded = " " + text + " "
    s1 = _stage1(padded, _STAGE1_CASED)
    k1: _Map | None = None
    if not (len(s1) == len(padded) and padded.isascii()):
        # Plain ASCII maps one character to one, so stage 1 moved nothing (the common case); otherwise a
        # character can vanish or become several. Only characters outside ASCII and apostrophes can; the
        # stretches between them are copied.
        k1 = _Map()
        out = last = 0
        for match in _MAY_MOVE.finditer(padded):
            i = match.start()
            if i > last:
                k1.add(out, last)
                out += i - last
            mapped = _STAGE1[ord(padded[i])]
            if mapped:
                k1.add(out, i, 0)
                out += len(mapped)
            last = i + 1
        k1.add(out, last)
    s2, k2 = _stage2_map(s1)
    s4 = _stage3(s2).translate(_STAGE4)  # one-for-one
    s5, k5, run_at = _stage5_map(s4)
    maps = [k5, *(m for m in (k2, k1) if m is not None)]
    return Normalised(text, s5, run_at, maps)


def _stage2_map(text: str) -> tuple[str, _Map | None]:
    """Stage 2, with the map from each output character to its index in ``text`` (``None``: unchanged)."""
    matches = list(_SPACED.finditer(text))
    if not matches:
        return text.translate(_LOWER), None
    pieces: list[str] = []
    sources = _Map()
    out = last = 0

    def copy(lo: int, hi: int) -> None:
        nonlocal out
        if hi > lo:
            pieces.append(text[lo:hi])
            sources.add(out, lo)
            out += hi - lo

    for match in matches:
        copy(last, match.start())
        breaks = iter(_breaks(match.group()))
        position = match.start()
        for gap in _SPACED_GAP.finditer(text, match.start(), match.end()):
            copy(position, gap.start())
            if next(breaks):
                pieces.append(" ")
                sources.add(out, gap.start())
                out += 1
            position = gap.end()
        copy(position, match.end())
        last = match.end()
    copy(last, len(text))
    return "".join(pieces).translate(_LOWER), sources


def _stage5_map(text: str) -> tuple[str, _Map, dict[int, int]]:
    """Stage 5, with the map from each output character to the first character of its run in ``text`` and
    the length of every run longer than one, by output position."""
    first = _Map()
    # Characters are copied one for one between runs, and a run's one character lies where the copying
    # before it would put it; so the map only changes just after each run, where the source jumps ahead.
    # Everything below runs in C (map, zip, accumulate): prose has a run (a double letter) every few words.
    spans = list(map(re.Match.span, _RUN.finditer(text)))
    if not spans:
        first.outs, first.srcs, first.slopes = [0], [0], [1]
        return text, first, {}
    starts, ends = zip(*spans, strict=True)
    lengths = list(map(operator.sub, ends, starts))
    # Characters removed before each run: the running sum of (length - 1) over the runs before it.
    removed = itertools.accumulate(map((-1).__add__, lengths), initial=0)
    outs = list(map(operator.sub, starts, removed))  # where each run's character lands
    run_at = dict(zip(outs, lengths, strict=True))
    first.outs = [0, *map((1).__add__, outs)]
    first.srcs = [0, *ends]
    first.slopes = [1] * len(first.outs)
    return _stage5(text), first, run_at
