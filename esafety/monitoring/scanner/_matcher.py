"""The C-backed multi-pattern matcher: Hyperscan where it is installed, pyahocorasick otherwise.

A matcher is built once per pattern set and cached (``build_matcher``). It answers two questions:

``find(normalised)``
    every occurrence of every pattern in one normalised text, as ``(pattern, start, end)``. Both backends
    report exactly the same set (a test holds them to it), so the choice of backend never changes an alert.

``candidates(texts)``
    which texts of a batch could contain a hit. This is the hot path over large volumes and is allowed to
    over-report, never to under-report: the scanner runs the full normaliser and ``find`` on the candidates.

The Hyperscan pre-filter avoids running the slow normaliser stages (joining spaced letters, leet, collapsing
repeats; regular expressions in Python) over every byte. It scans the text after stage 1 only, which costs
one ``str.translate``:

* one database flags the texts in which stages 2 and 3 could change anything (three single letters in a row,
  a leet digit beside a letter, a symbol before a letter), any character left outside ASCII, and any run of
  three equal characters; those texts always go to the full path;
* in every other text stages 2 and 3 are no-ops and runs are at most two long, so a phrase can only match where
  the un-collapsed text contains one of a handful of literals: a window of the collapsed phrase with each inner
  character written once or twice. A second, purely literal database (gigabytes per second) looks for those.

The pyahocorasick fallback has no cheap way to express the flags, so it normalises the whole batch (slower,
same results).
"""

from __future__ import annotations

import bisect
import functools
import importlib
import itertools
import re
import threading
from collections.abc import Sequence
from typing import Any, Protocol

import ahocorasick as _ahocorasick

from esafety.monitoring.scanner._normalise import (
    SEPARATOR,
    coarse,
    join_batch,
    normalise_batch,
    stage1_batch,
)

__all__ = ["Matcher", "Pattern", "available_backends", "build_matcher"]

_hyperscan: Any
try:  # Hyperscan has no wheels for some platforms (ARM, Windows); it is an optimisation, not a requirement.
    _hyperscan = importlib.import_module("hyperscan")
except ImportError:  # pragma: no cover - depends on the platform
    _hyperscan = None


# A pattern is a normalised phrase (with its boundary spaces) and the run length of each character in it.
Pattern = tuple[str, tuple[int, ...]]

# Windows are picked so that writing each inner character once or twice gives at most this many literals.
_MAX_VARIANTS = 16
_MAX_WINDOW = 12

_FLAG_EXPRESSIONS = [
    # Three single letters in a row, as stage 2 joins them ("s u i", "k-i-l").
    rb"[^a-z0-9@$!|][a-z0-9@$!|][ .\-_*~]{1,3}[a-z0-9@$!|][ .\-_*~]{1,3}[a-z0-9@$!|][^a-z0-9@$!|]",
    # What stage 3 looks at: a leet digit beside a letter, or a leet symbol before a letter or digit.
    rb"[a-z][013457]|[013457][a-z]|[@$!|][a-z0-9]",
    # Anything outside ASCII that survived stage 1 (letters of other scripts).
    rb"[\x80-\xff]",
    # A run of three or more of one character.
    rb"(?:aaa|bbb|ccc|ddd|eee|fff|ggg|hhh|iii|jjj|kkk|lll|mmm|nnn|ooo|ppp|qqq|rrr|sss|ttt|uuu|vvv|www|xxx|yyy"
    rb"|zzz|000|111|222|333|444|555|666|777|888|999|   )",
]


def available_backends() -> list[str]:
    """The backends that can be used here, fastest first."""
    return (["hyperscan"] if _hyperscan is not None else []) + ["ahocorasick"]


class Matcher(Protocol):
    backend: str

    def find(self, normalised: str) -> list[tuple[int, int, int]]: ...

    def candidates(self, texts: Sequence[str]) -> list[int]: ...


def _message_index(ends: list[int], separators: list[int], count: int) -> list[int]:
    found = {bisect.bisect_left(separators, end) for end in ends}
    return sorted(i for i in found if i < count)


class _AhoCorasickMatcher:
    backend = "ahocorasick"

    def __init__(self, patterns: Sequence[Pattern], prefilter: Sequence[bool]) -> None:
        self._find = self._automaton({text: i for i, (text, _) in enumerate(patterns)}, patterns)
        self._pre = self._automaton(
            {text: i for i, (text, _) in enumerate(patterns) if prefilter[i]}, patterns
        )

    @staticmethod
    def _automaton(keep: dict[str, int], patterns: Sequence[Pattern]) -> Any:
        by_text: dict[str, list[int]] = {}
        for i, (text, _) in enumerate(patterns):
            if text in keep:
                by_text.setdefault(text, []).append(i)
        automaton = _ahocorasick.Automaton()
        for text, ids in by_text.items():
            automaton.add_word(text, (len(text), tuple(ids)))
        if by_text:
            automaton.make_automaton()
        return automaton if by_text else None

    def find(self, normalised: str) -> list[tuple[int, int, int]]:
        if self._find is None:
            return []
        out = []
        for last, (length, ids) in self._find.iter(normalised):
            for i in ids:
                out.append((i, last + 1 - length, last + 1))
        return sorted(out)

    def candidates(self, texts: Sequence[str]) -> list[int]:
        if self._pre is None:
            return []
        batch = normalise_batch(list(texts))
        ends = [last for last, _ in self._pre.iter(batch)]
        if not ends:
            return []
        separators = [m.start() for m in re.finditer(SEPARATOR, batch)]
        return _message_index(ends, separators, len(texts))


def _windows(pattern: Pattern) -> list[str] | None:
    """Literals, one of which the un-collapsed text must contain wherever ``pattern`` matches.

    ``None`` means the pattern can only match in texts the flag database already sends to the full path (it
    holds a character outside ASCII or a run of three or more).
    """
    text, runs = pattern
    if not text.isascii() or any(r > 2 for r in runs):
        return None
    usable = [c == " " or ("a" <= c <= "z") for c in text]
    best: tuple[int, int] | None = None
    for start in range(len(text)):
        for end in range(start + 2, min(len(text), start + _MAX_WINDOW) + 1):
            if not usable[end - 1] or not usable[start]:
                break
            # Inner characters (all but the first and last of a window) appear exactly ``run`` or two times;
            # the first and last may be the ends of longer runs, so they never multiply the literals.
            singles = sum(1 for k in range(start + 1, end - 1) if runs[k] == 1)
            if 2**singles > _MAX_VARIANTS:
                break
            if best is None or end - start > best[1] - best[0]:
                best = (start, end)
    if best is None:
        return [""]  # no usable window: every text is a candidate (only odd school additions get here)
    start, end = best
    choices: list[list[str]] = [[text[start]]]
    for k in range(start + 1, end - 1):
        choices.append([text[k] * 2] if runs[k] == 2 else [text[k], text[k] * 2])
    choices.append([text[end - 1]])
    return sorted({"".join(parts) for parts in itertools.product(*choices)})


class _HyperscanMatcher:
    backend = "hyperscan"

    def __init__(self, patterns: Sequence[Pattern], prefilter: Sequence[bool]) -> None:
        assert _hyperscan is not None
        self._lock = threading.Lock()  # a database's scratch space is not safe to share between threads
        self._lengths: list[int] = []
        self._ids: list[tuple[int, ...]] = []
        by_text: dict[str, list[int]] = {}
        for i, (text, _) in enumerate(patterns):
            by_text.setdefault(text, []).append(i)
        self._find_db = None
        if by_text:
            literals = list(by_text)
            self._lengths = [len(t.encode()) for t in literals]
            self._ids = [tuple(by_text[t]) for t in literals]
            self._find_db = _hyperscan.Database(mode=_hyperscan.HS_MODE_BLOCK)
            self._find_db.compile(
                expressions=[t.encode() for t in literals],
                ids=list(range(len(literals))),
                elements=len(literals),
                flags=0,
                literal=True,
            )
        self._always = False
        windows: set[str] = set()
        for i, pattern in enumerate(patterns):
            if prefilter[i]:
                found = _windows(pattern)
                if found == [""]:
                    self._always = True
                elif found:
                    windows.update(found)
        self._window_db = None
        if windows:
            ordered = sorted(windows)
            self._window_db = _hyperscan.Database(mode=_hyperscan.HS_MODE_BLOCK)
            self._window_db.compile(
                expressions=[w.encode() for w in ordered],
                ids=list(range(len(ordered))),
                elements=len(ordered),
                flags=0,
                literal=True,
            )
        self._flag_db = _hyperscan.Database(mode=_hyperscan.HS_MODE_BLOCK)
        self._flag_db.compile(
            expressions=list(_FLAG_EXPRESSIONS),
            ids=list(range(len(_FLAG_EXPRESSIONS))),
            elements=len(_FLAG_EXPRESSIONS),
            flags=0,
        )

    def find(self, normalised: str) -> list[tuple[int, int, int]]:
        if self._find_db is None:
            return []
        data = normalised.encode()
        hits: list[tuple[int, int]] = []

        def on_match(literal: int, _from: int, to: int, _flags: int, _context: object) -> None:
            hits.append((literal, to))

        with self._lock:
            self._find_db.scan(data, match_event_handler=on_match)
        out = []
        ascii_only = len(data) == len(normalised)
        for literal, to in hits:
            start_byte = to - self._lengths[literal]
            if ascii_only:
                start, end = start_byte, to
            else:
                start = len(data[:start_byte].decode())
                end = len(data[:to].decode())
            for i in self._ids[literal]:
                out.append((i, start, end))
        return sorted(out)

    def candidates(self, texts: Sequence[str]) -> list[int]:
        if not texts or (self._window_db is None and not self._always):
            return []
        if self._always:
            return list(range(len(texts)))
        first = stage1_batch(join_batch(list(texts)))
        ends: list[int] = []

        def on_match(_id: int, _from: int, to: int, _flags: int, _context: object) -> None:
            ends.append(to)

        first_bytes = first.encode()
        with self._lock:
            self._flag_db.scan(first_bytes, match_event_handler=on_match)
            assert self._window_db is not None
            # coarse() is one-for-one on ASCII, so byte offsets in both scans line up with the separators.
            self._window_db.scan(coarse(first).encode(), match_event_handler=on_match)
        if not ends:
            return []
        separators = [m.start() for m in re.finditer(SEPARATOR.encode(), first_bytes)]
        return _message_index(ends, separators, len(texts))


@functools.lru_cache(maxsize=8)
def build_matcher(
    patterns: tuple[Pattern, ...], prefilter: tuple[bool, ...], backend: str | None = None
) -> Matcher:
    """A matcher for ``patterns`` (built once per pattern set and backend, then reused).

    ``prefilter[i]`` says whether pattern ``i`` alone makes a text a candidate (entries do; negative contexts
    and topic markers only matter next to an entry's hit). ``backend`` is ``"hyperscan"``, ``"ahocorasick"``
    or ``None`` for the fastest available.
    """
    chosen = backend or available_backends()[0]
    if chosen == "hyperscan":
        if _hyperscan is None:
            raise ValueError("the hyperscan backend is not installed here")
        return _HyperscanMatcher(patterns, prefilter)
    if chosen == "ahocorasick":
        return _AhoCorasickMatcher(patterns, prefilter)
    raise ValueError(f"unknown matcher backend {chosen!r}")
