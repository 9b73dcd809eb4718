"""Finding pupils' full names in readable text.

The text is first cleaned of what splits a word without a reader noticing (soft hyphens, zero-width spaces, a
hyphen at a line break), then cut into words. A pupil's full name is their first (or preferred) name followed by
their surname, or the surname, a comma and the first name, with only spaces, line breaks and hyphens between
(so a full stop or a bracket ends the name), and one capitalised middle name allowed. Words compare without case
or accents, and a possessive ("Ashdown's", "Ashdown’s") still names the pupil.

Some names are ordinary words (Rose, Hill, Grace, Jack). The way they are written tells the two apart: "Rose
Hill came first" names a pupil, "a rose on the hill" and "a Rose hill" do not. Such a word counts only when it is
capitalised like a name, or when the whole name is in lower case and another part of it is no ordinary word
("grace penrose" is a pupil typed in a hurry; "rose hill" is a garden).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

from esafety.publishing.checker._html import Segment
from esafety.publishing.checker._types import Finding, Person

# First names and surnames that are also everyday English words. Not exhaustive: the list only needs the names a
# school is likely to have that also turn up in a newsletter as words.
COMMON_WORDS = frozenset(
    [
        "amber",
        "april",
        "art",
        "autumn",
        "baker",
        "banks",
        "barley",
        "bell",
        "berry",
        "bill",
        "bird",
        "black",
        "blake",
        "bloom",
        "bob",
        "bond",
        "booth",
        "brook",
        "brooks",
        "brown",
        "bush",
        "butler",
        "carpenter",
        "carter",
        "cash",
        "castle",
        "chance",
        "chase",
        "cherry",
        "church",
        "clay",
        "cliff",
        "cook",
        "cooper",
        "cross",
        "crystal",
        "daisy",
        "dale",
        "dawn",
        "day",
        "dean",
        "dell",
        "dove",
        "drew",
        "dusty",
        "eve",
        "faith",
        "fawn",
        "fern",
        "field",
        "fields",
        "fisher",
        "fletcher",
        "ford",
        "forest",
        "fox",
        "frank",
        "gardener",
        "gay",
        "gene",
        "ginger",
        "glen",
        "gold",
        "golding",
        "grace",
        "gray",
        "green",
        "grey",
        "grove",
        "guy",
        "hall",
        "hardy",
        "harper",
        "hawk",
        "hazel",
        "heath",
        "heather",
        "hill",
        "holly",
        "honey",
        "hope",
        "hunter",
        "iris",
        "ivy",
        "jack",
        "jade",
        "jasmine",
        "jay",
        "jewel",
        "joy",
        "june",
        "jet",
        "king",
        "knight",
        "lake",
        "lane",
        "law",
        "lee",
        "lily",
        "little",
        "long",
        "love",
        "mark",
        "marsh",
        "mason",
        "may",
        "meadow",
        "mercy",
        "miles",
        "mill",
        "miller",
        "moon",
        "moore",
        "moss",
        "north",
        "noble",
        "oak",
        "olive",
        "page",
        "park",
        "parker",
        "pat",
        "patience",
        "pearl",
        "pike",
        "piper",
        "poppy",
        "price",
        "rain",
        "ray",
        "read",
        "reed",
        "rich",
        "river",
        "rivers",
        "robin",
        "rock",
        "rose",
        "rosemary",
        "ruby",
        "rush",
        "sage",
        "salmon",
        "sandy",
        "savage",
        "shepherd",
        "short",
        "sky",
        "small",
        "smith",
        "snow",
        "sparrow",
        "spring",
        "star",
        "sterling",
        "stone",
        "storm",
        "summer",
        "sunny",
        "swan",
        "taylor",
        "temple",
        "thorn",
        "tiger",
        "towers",
        "true",
        "turner",
        "violet",
        "wade",
        "walker",
        "ward",
        "waters",
        "west",
        "white",
        "wild",
        "will",
        "willow",
        "winter",
        "wise",
        "wolf",
        "wood",
        "woods",
        "wren",
        "young",
    ]
)
_INVISIBLE = re.compile("[\u00ad\u200b\u200c\u200d\u2060\ufeff]")
_LINE_HYPHEN = re.compile(r"(?<=[^\W\d_])-[ \t]*\r?\n[ \t]*(?=[^\W\d_])")
_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)*")
_JOIN = re.compile(r"(?:\s|[-‐‑‒–—])+")
_REVERSED = re.compile(r"\s*,\s*|\s+")
_POSSESSIVE = re.compile(r"['’][sS]$")


def fold(word: str) -> str:
    """Compare words without case, accents or apostrophe style."""
    decomposed = unicodedata.normalize("NFKD", word.replace("’", "'"))
    return "".join(char for char in decomposed if not unicodedata.combining(char)).casefold()


@dataclass(frozen=True)
class Word:
    start: int  # in the cleaned text
    end: int  # without a possessive ending
    text: str
    key: str
    possessive: bool

    @property
    def style(self) -> str:
        if len(self.text) > 1 and self.text.isupper():
            return "upper"
        return "title" if self.text[:1].isupper() else "lower"


def _clean(text: str) -> tuple[str, list[int]]:
    """Remove invisible word-splitters and line-break hyphens; return the text and each character's index in
    the original."""
    keep = [True] * len(text)
    for pattern in (_INVISIBLE, _LINE_HYPHEN):
        for match in pattern.finditer(text):
            if pattern is _LINE_HYPHEN and not text[match.end()].islower():
                continue  # "Ava-\nAshdown" is two words joined by a hyphen, not one word broken
            for index in range(match.start(), match.end()):
                keep[index] = False
    indices = [index for index, kept in enumerate(keep) if kept]
    return "".join(text[index] for index in indices), indices


def words(text: str) -> list[Word]:
    result = []
    for match in _WORD.finditer(text):
        raw = match.group()
        possessive = bool(_POSSESSIVE.search(raw))
        base = raw[:-2] if possessive else raw
        result.append(Word(match.start(), match.start() + len(base), base, fold(base), possessive))
    return result


def name_keys(name: str) -> tuple[str, ...]:
    return tuple(fold(part) for part in _WORD.findall(name.replace("-", " ")))


@dataclass(frozen=True)
class _Name:
    person: Person
    first: tuple[str, ...]
    last: tuple[str, ...]


@dataclass(frozen=True)
class NameIndex:
    """The pupils' names, looked up by the first word of a first name and of a surname."""

    by_first: dict[str, list[_Name]]
    by_last: dict[str, list[_Name]]

    @classmethod
    def build(cls, people: Iterable[Person]) -> NameIndex:
        by_first: dict[str, list[_Name]] = {}
        by_last: dict[str, list[_Name]] = {}
        for person in people:
            if not person.pupil:
                continue
            last = name_keys(person.last_name)
            if not last:
                continue
            for first_name in dict.fromkeys(person.first_names):
                first = name_keys(first_name)
                if first:
                    name = _Name(person, first, last)
                    by_first.setdefault(first[0], []).append(name)
                    by_last.setdefault(last[0], []).append(name)
        return cls(by_first, by_last)


def _written_as_name(parts: list[Word]) -> bool:
    lower = [word for word in parts if word.style == "lower"]
    if len(lower) == len(parts):
        return any(word.key not in COMMON_WORDS for word in parts)
    return all(word.key not in COMMON_WORDS for word in lower)


def _run(tokens: list[Word], text: str, start: int, keys: tuple[str, ...]) -> int | None:
    """If ``keys`` are the words from ``start`` on, joined only by spaces or hyphens, the index after them."""
    end = start + len(keys)
    if end > len(tokens):
        return None
    for offset, key in enumerate(keys):
        word = tokens[start + offset]
        if word.key != key:
            return None
        if offset and not _JOIN.fullmatch(text[tokens[start + offset - 1].end : word.start]):
            return None
        if offset < len(keys) - 1 and word.possessive:
            return None
    return end


def _between(tokens: list[Word], text: str, before: int, pattern: re.Pattern[str]) -> bool:
    """Whether the words at ``before`` and ``before + 1`` are separated as ``pattern`` allows."""
    left = tokens[before]
    return not left.possessive and bool(pattern.fullmatch(text[left.end : tokens[before + 1].start]))


def _matches(tokens: list[Word], text: str, index: NameIndex) -> Iterable[tuple[int, int, _Name, list[Word]]]:
    """(first word, word after the last, name, the words that are the name) for every full name found."""
    count = len(tokens)
    for i, word in enumerate(tokens):
        for name in index.by_first.get(word.key, ()):
            j = _run(tokens, text, i, name.first)
            if j is None or j >= count or not _between(tokens, text, j - 1, _JOIN):
                continue
            k = _run(tokens, text, j, name.last)
            if k is not None:
                yield i, k, name, tokens[i:k]
                continue
            # One middle name, written as a name.
            if tokens[j].style != "lower" and j + 1 < count and _between(tokens, text, j, _JOIN):
                k = _run(tokens, text, j + 1, name.last)
                if k is not None:
                    yield i, k, name, tokens[i:j] + tokens[j + 1 : k]
        for name in index.by_last.get(word.key, ()):
            j = _run(tokens, text, i, name.last)
            if j is None or j >= count or not _between(tokens, text, j - 1, _REVERSED):
                continue
            k = _run(tokens, text, j, name.first)
            if k is not None:
                yield i, k, name, tokens[i:k]


def find_names(segment: Segment, index: NameIndex) -> list[Finding]:
    text, indices = _clean(segment.text)
    tokens = words(text)
    found: list[tuple[int, int, _Name]] = []
    for i, k, name, parts in _matches(tokens, text, index):
        if _written_as_name(parts):
            found.append((tokens[i].start, tokens[k - 1].end, name))
    found.sort(key=lambda match: (match[0], -match[1]))
    findings, last_end = [], -1
    for start, end, name in found:
        if start < last_end:
            continue  # "Ava Ashdown, Ava" is one name, not also "Ashdown, Ava"
        last_end = end
        first, last = indices[start], indices[end - 1] + 1
        findings.append(
            Finding(
                "pupil-full-name",
                segment.text[first:last],
                segment.source_offset(first),
                person=name.person.id,
                note=f"in the {segment.where}" if segment.where != "text" else "",
            )
        )
    return findings


def first_name_in(segment: Segment, person: Person) -> Finding | None:
    """The first place ``person``'s first (or preferred) name is written as a name in ``segment``."""
    text, indices = _clean(segment.text)
    keys = {name_keys(first)[:1] for first in person.first_names if name_keys(first)}
    for word in words(text):
        if (word.key,) in keys and (word.style != "lower" or word.key not in COMMON_WORDS):
            return Finding(
                "named-beside-photo",
                segment.text[indices[word.start] : indices[word.end - 1] + 1],
                segment.source_offset(indices[word.start]),
                person=person.id,
            )
    return None
