"""The C-backed multi-pattern matcher: Hyperscan where it is installed, pyahocorasick otherwise.

A matcher is built once per pattern set and cached (``build_matcher``). It answers two questions:

``find(normalised)``
    every occurrence of every pattern in one normalised text, as ``(pattern, start, end)``. Both backends
    report exactly the same set (a test holds them to it), so the choice of backend never changes an alert.

``candidates(texts)``
    which texts of a batch hold an entry's phrase once normalised (before the run-length check and the
    context rules, which the scanner applies). This is the hot path over large volumes; the scanner runs the
    offset-keeping normaliser and ``find`` only on the candidates.

The Hyperscan pre-filter avoids running the slow normaliser stages (joining spaced letters, leet, collapsing
repeats; regular expressions in Python) over every byte. It scans the text after stage 1 only, which costs
one ``str.translate``:

* one database flags the texts in which stages 2 and 3 could change anything (three single letters in a row,
  a leet digit beside a letter, a symbol before a letter), any character left outside ASCII that some
  pattern holds (an Arabic letter when the lexicon has Arabic terms), and any run of three equal characters;
  those texts always go to the full path;
* in every other text stages 2 and 3 are no-ops and letter runs are at most two long, so a phrase can only match
  where the un-collapsed text contains one of a handful of literals: a window on the phrase's rarest word with
  each inner letter written once or twice. A second, purely literal database (gigabytes per second) looks for
  those.

The texts that pass go through the plain normaliser as one batch and one scan of a database holding only the
entries' phrases, which leaves exactly the texts with a phrase (about one in ten of the pre-filter's picks).
Doing that here, over the batch, costs a fraction of normalising and scanning each pick on its own.

The pyahocorasick fallback has no cheap way to express the flags, so it normalises the whole batch (slower,
same results).
"""

from __future__ import annotations

import base64
import bisect
import contextlib
import functools
import gc
import hashlib
import importlib
import itertools
import json
import marshal
import os
import re
import sys
import tempfile
import threading
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any, Protocol

import ahocorasick as _ahocorasick

from esafety.monitoring.scanner._normalise import (
    SEPARATOR,
    coarse,
    normalise_batch,
    stage1_join,
)

__all__ = [
    "CACHE_MIN_PATTERNS",
    "Matcher",
    "Pattern",
    "SplitMatcher",
    "available_backends",
    "build_matcher",
    "build_split_matcher",
    "cache_folder",
    "cache_key",
    "cached_hyperscan",
    "no_gc",
    "prune",
    "versions",
]

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
    # A run of three or more of one letter (windows hold no spaces or digits inside, so only letters matter).
    rb"(?:aaa|bbb|ccc|ddd|eee|fff|ggg|hhh|iii|jjj|kkk|lll|mmm|nnn|ooo|ppp|qqq|rrr|sss|ttt|uuu|vvv|www|xxx|yyy"
    rb"|zzz)",
]


def available_backends() -> list[str]:
    """The backends that can be used here, fastest first."""
    return (["hyperscan"] if _hyperscan is not None else []) + ["ahocorasick"]


class Matcher(Protocol):
    backend: str

    def find(self, normalised: str) -> list[tuple[int, int, int]]: ...

    def candidates(self, texts: Sequence[str]) -> list[int]: ...


def _separator_offsets(data: str | bytes) -> list[int]:
    """The offsets of the separators in a joined batch (in characters for text, in bytes for bytes)."""
    # Running sums of the piece lengths (plus one for each separator), all in C: a Python loop over
    # re.finditer costs about as much as a whole window-database scan.
    pieces = data.split(SEPARATOR) if isinstance(data, str) else data.split(SEPARATOR.encode())
    return list(map((-1).__add__, itertools.accumulate(map((1).__add__, map(len, pieces[:-1])))))


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
        separators = _separator_offsets(batch)
        return _message_index(ends, separators, len(texts))


# Words so common in school messages that a window made of them would send most texts to the full path.
_COMMON_WORDS = """a about after all also an and any anyone are as at back be been before best buy but by call can
    cant chat class come could day did do dont every everyone for friends from get give go going gonna got
    group had has have he her here him his home house how i if ill im in into is it its ive just know let lets
    like lunch make me meet message money more mum my need no nobody not now of off on one or our out party pay
    phone pics play said say school see send she should so some take teacher tell than that the their them then
    there they think this time to today tomorrow tonight too train u up ur us very wanna want was watch we well
    were what when where who whos will with would year you your"""
# In the same collapsed form as the phrases ("tomorrow" -> "tomorow").
_COMMON = frozenset(re.sub(r"(.)\1+", r"\1", word) for word in _COMMON_WORDS.split())
COMMON_WORDS = _COMMON


_FREQUENT_LETTERS = frozenset("etaoinshrdl")

# Texts longer than this (in characters) skip the batch check for an entry's phrase (see ``_with_entry``).
_LONG = 20_000


# The window stage costs a Python call per window hit: it pays for itself only while it leaves out most texts.
# When it picks more than this share of a batch (of at least ``_PROBE_MIN`` texts), the next ``_PROBE_EVERY - 1``
# batches go straight to the exact check on normalised text, then the window stage is tried again.
_WINDOWS_WORTH = 0.35
_PROBE_EVERY = 16
_PROBE_MIN = 64

# A window: its literals, and one regular expression that matches exactly those literals.
_Window = tuple[list[str], str]


def _windows(pattern: Pattern) -> list[_Window] | None:
    """Sets of literals such that, wherever ``pattern`` matches, the un-collapsed text contains one literal
    of every set (at most two sets, on the phrase's two rarest words).

    A window is part of one word of the collapsed phrase, with the space before or after it when that is a
    word boundary. Its first and last characters may be the ends of longer runs in the text, so only the inner
    characters (letters, never spaces, whose runs are one or two long unless the flag database already sent
    the text to the full path) are written out both ways.

    ``None`` means the pattern can only match in texts the flag database already sends to the full path (it
    holds a character outside ASCII or a run of three or more); ``[]`` that it cannot be pre-filtered.
    """
    text, runs = pattern
    if not text.isascii() or any(r > 2 for r in runs):
        return None
    per_word: list[tuple[float, int, int]] = []
    for word in re.finditer(r"[a-z0-9]+", text):  # digits too: codes such as "1488"
        lo = word.start() - 1 if word.start() > 0 and text[word.start() - 1] == " " else word.start()
        if len(word.group()) >= 9:
            # Most likely a phrase run together ("goingtostabu"): its first letters are a common word, so the
            # window goes inside, across a junction between the original words.
            lo = word.start() + 1
        hi = word.end() + 1 if word.end() < len(text) and text[word.end()] == " " else word.end()
        # Short numbers ("2" for "to", "4" for "for") are everywhere in number-heavy text: as common as a common word.
        common = word.group() in _COMMON or (word.group().isdigit() and len(word.group()) < 3)
        weight = 0.1 if common else 1.0
        best: tuple[float, int, int] | None = None
        for start in range(lo, hi):
            for end in range(start + 2, hi + 1):
                singles = sum(1 for k in range(start + 1, end - 1) if runs[k] == 1)
                if 2**singles > _MAX_VARIANTS:
                    break
                # Rare letters make rare windows; a boundary space counts as a letter.
                score = weight * sum(1 if c in _FREQUENT_LETTERS else 2 for c in text[start:end] if c != " ")
                score += weight * text[start:end].count(" ")
                if best is None or score > best[0]:
                    best = (score, start, end)
        if best is not None:
            per_word.append(best)
    out = []
    for _, start, end in sorted(per_word, reverse=True)[:2]:
        choices: list[list[str]] = [[text[start]]]
        # The same choices as a regular expression: a search over the alternation of every literal tries each
        # one at every space, while "x{1,2}" needs one try per character.
        expression = [re.escape(text[start])]
        for k in range(start + 1, end - 1):
            choices.append([text[k] * 2] if runs[k] == 2 else [text[k], text[k] * 2])
            expression.append(re.escape(text[k] * 2) if runs[k] == 2 else re.escape(text[k]) + "{1,2}")
        choices.append([text[end - 1]])
        expression.append(re.escape(text[end - 1]))
        out.append((sorted({"".join(parts) for parts in itertools.product(*choices)}), "".join(expression)))
    return out


class _HyperscanMatcher:
    backend = "hyperscan"

    def __init__(self, patterns: Sequence[Pattern], prefilter: Sequence[bool]) -> None:
        assert _hyperscan is not None
        self._lock = threading.Lock()  # a database's scratch space is not safe to share between threads
        self._skip_windows = 0  # batches left to send past the window stage (see ``_WINDOWS_WORTH``)
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
        # A pattern needs one literal of each of its window sets. Only the first (rarest) set goes into the
        # database; the second is checked with a regular expression on the texts where the first turns up, which
        # keeps common words ("your", "school") from flooding the match callback.
        # First window's literals -> the expressions of the second windows that go with it (None: no second).
        checks: dict[tuple[str, ...], set[str | None]] = {}
        for i, pattern in enumerate(patterns):
            if not prefilter[i]:
                continue
            found = _windows(pattern)
            if found is None:
                continue
            if not found:
                self._always = True
                continue
            checks.setdefault(tuple(found[0][0]), set()).add(found[1][1] if len(found) > 1 else None)
        literal_checks: dict[str, set[str | None]] = {}
        for window, seconds in checks.items():
            for literal in window:
                literal_checks.setdefault(literal, set()).update(seconds)
        # For each literal: None when it alone makes a candidate, else one regular expression that finds any
        # of the second windows that go with it (one search per text instead of a loop over literals). The
        # literals of one window share their expression, so each is compiled once.
        # ``_check_index[literal]`` is the literal's expression in ``_checks``, -1 when it needs none.
        compiled: dict[str, int] = {}
        # The expressions are compiled on first use (``_check``): compiling them all costs about a second for
        # the shipped lexicon, and most are never needed in a process.
        self._checks: list[str] = []
        self._compiled: list[re.Pattern[bytes] | None] = []
        self._check_index: list[int] = []
        for seconds in literal_checks.values():
            if None in seconds:
                self._check_index.append(-1)
                continue
            expression = "|".join(sorted(e for e in seconds if e is not None))
            if expression not in compiled:
                compiled[expression] = len(self._checks)
                self._checks.append(expression)
                self._compiled.append(None)
            self._check_index.append(compiled[expression])
        self._direct = [index < 0 for index in self._check_index]
        self._window_db = None
        if literal_checks:
            self._window_db = _hyperscan.Database(mode=_hyperscan.HS_MODE_BLOCK)
            self._window_db.compile(
                expressions=[w.encode() for w in literal_checks],
                ids=list(range(len(literal_checks))),
                elements=len(literal_checks),
                flags=0,
                literal=True,
            )
        # The entries' phrases alone: negative contexts and topic markers never make a text a candidate.
        entry_literals = sorted({text for i, (text, _) in enumerate(patterns) if prefilter[i]})
        self._entry_db = None
        if entry_literals:
            self._entry_db = _hyperscan.Database(mode=_hyperscan.HS_MODE_BLOCK)
            self._entry_db.compile(
                expressions=[t.encode() for t in entry_literals],
                ids=list(range(len(entry_literals))),
                elements=len(entry_literals),
                flags=0,
                literal=True,
            )
        # A character outside ASCII that survived stage 1 and appears in a pre-filtered pattern (an Arabic
        # letter of an Arabic term): such patterns have no windows, so their texts always take the full path.
        # Other scripts (Chinese, Greek, Devanagari...) only matter when the lexicon holds them: a pattern made
        # of ASCII cannot match inside a word of another script, and stage 2 never joins a letter of another
        # script into a word made only of ASCII letters, so the windows stay sound around them.
        flags = list(_FLAG_EXPRESSIONS)
        foreign = sorted(
            {c for i, (text, _) in enumerate(patterns) if prefilter[i] for c in text if ord(c) > 127}
        )
        if foreign:
            encoded = ["".join(f"\\x{b:02x}" for b in c.encode()) for c in foreign]
            flags.append(("(?:" + "|".join(encoded) + ")").encode())
        self._flag_db = _hyperscan.Database(mode=_hyperscan.HS_MODE_BLOCK)
        self._flag_db.compile(expressions=flags, ids=list(range(len(flags))), elements=len(flags), flags=0)

    _DATABASES = ("_find_db", "_window_db", "_entry_db", "_flag_db")

    def state(self) -> dict[str, Any]:
        """What the matcher is, as JSON-able data (the databases serialised): see ``cached_hyperscan``."""
        assert _hyperscan is not None
        out: dict[str, Any] = {
            name: None
            if getattr(self, name) is None
            else base64.b64encode(_hyperscan.dumpb(getattr(self, name))).decode()
            for name in self._DATABASES
        }
        out |= {
            "lengths": self._lengths,
            "ids": self._ids,
            "checks": self._checks,
            "check_index": self._check_index,
            "always": self._always,
        }
        return out

    @classmethod
    def from_state(cls, state: dict[str, Any]) -> _HyperscanMatcher:
        assert _hyperscan is not None
        matcher = cls.__new__(cls)
        matcher._lock = threading.Lock()
        matcher._skip_windows = 0
        for name in cls._DATABASES:
            blob = state[name]
            database = (
                None if blob is None else _hyperscan.loadb(base64.b64decode(blob), _hyperscan.HS_MODE_BLOCK)
            )
            if database is not None:
                database.scratch = _hyperscan.Scratch(database)  # a loaded database comes without one
            setattr(matcher, name, database)
        matcher._lengths = list(state["lengths"])
        matcher._ids = state["ids"]  # lists: ``find`` only iterates over them
        matcher._checks = [str(check) for check in state["checks"]]
        matcher._compiled = [None] * len(matcher._checks)
        matcher._check_index = list(state["check_index"])
        matcher._direct = [index < 0 for index in matcher._check_index]
        matcher._always = bool(state["always"])
        return matcher

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
        if not texts or self._entry_db is None or (self._window_db is None and not self._always):
            return []
        if self._always:
            return self._with_entry(texts, list(range(len(texts))))
        big = len(texts) >= _PROBE_MIN
        if big and self._skip_windows > 0:
            # Skipping the window stage only hands more texts to the exact check: no text is lost. A race
            # between threads on the counter only changes how many batches skip.
            self._skip_windows -= 1
            return self._with_entry(texts, list(range(len(texts))))
        picked = self._windows_pick(texts)
        if big and len(picked) > _WINDOWS_WORTH * len(texts):
            self._skip_windows = _PROBE_EVERY - 1
        return self._with_entry(texts, picked)

    def _windows_pick(self, texts: Sequence[str]) -> list[int]:
        """The texts the flag and window databases pick (a superset of the candidates)."""
        first = stage1_join(texts)
        ends: list[int] = []

        def on_match(_id: int, _from: int, to: int, _flags: int, _context: object) -> None:
            ends.append(to)

        windows: list[tuple[int, int]] = []

        def on_window(literal: int, _from: int, to: int, _flags: int, _context: object) -> None:
            windows.append((to, literal))

        first_bytes = first.encode()
        coarse_bytes = coarse(first).encode()
        with self._lock:
            self._flag_db.scan(first_bytes, match_event_handler=on_match)
            assert self._window_db is not None
            # coarse() is one-for-one on ASCII, so byte offsets in both scans line up with the separators.
            self._window_db.scan(coarse_bytes, match_event_handler=on_window)
        if not ends and not windows:
            return []
        separators = _separator_offsets(first_bytes)
        found = set(_message_index(ends, separators, len(texts)))
        if windows:
            # About one window hit per message, so the hits are mapped to messages with map() and zip(), which
            # run in C, rather than a Python loop. A message index never reaches len(texts): the last message
            # ends after the last separator.
            tos, literals = zip(*windows, strict=True)
            messages = list(map(functools.partial(bisect.bisect_left, separators), tos))
            found.update(itertools.compress(messages, map(self._direct.__getitem__, literals)))
            # Message i lies between message_starts[i] and message_ends[i] (its separators or the batch's ends).
            message_starts = [0, *separators]
            message_ends = [*separators, len(coarse_bytes)]
            check = self._check
            # One search per message and second-window expression, however often the first window turns up.
            for message, index in set(
                zip(messages, map(self._check_index.__getitem__, literals), strict=True)
            ):
                # Searching between offsets spares a copy of the message (the expressions have no anchors or
                # look-arounds, so the offsets act exactly like a slice).
                if message not in found and check(index).search(
                    coarse_bytes, message_starts[message], message_ends[message]
                ):
                    found.add(message)
        return sorted(found)

    def _check(self, index: int) -> re.Pattern[bytes]:
        """The compiled expression ``index`` of ``_checks`` (two threads compiling it at once is harmless)."""
        compiled = self._compiled[index]
        if compiled is None:
            compiled = self._compiled[index] = re.compile(self._checks[index].encode())
        return compiled

    def _with_entry(self, texts: Sequence[str], picked: list[int]) -> list[int]:
        """The texts of ``picked`` whose normalised form holds an entry's phrase."""
        if not picked:
            return []
        assert self._entry_db is not None
        # A long text goes straight through: the scanner normalises it (with offsets) anyway, and checking here
        # first would normalise it twice.
        long = [i for i in picked if len(texts[i]) > _LONG]
        if long:
            short = self._with_entry(texts, [i for i in picked if len(texts[i]) <= _LONG])
            return sorted(short + long)
        # Each piece between separators is exactly the text's own normalised form (a test holds them equal).
        batch = normalise_batch([texts[i] for i in picked]).encode()
        ends: list[int] = []

        def on_match(_id: int, _from: int, to: int, _flags: int, _context: object) -> None:
            ends.append(to)

        with self._lock:
            self._entry_db.scan(batch, match_event_handler=on_match)
        if not ends:
            return []
        separators = _separator_offsets(batch)
        return [picked[k] for k in _message_index(ends, separators, len(picked))]


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
        return cached_hyperscan(patterns, prefilter)
    if chosen == "ahocorasick":
        return _AhoCorasickMatcher(patterns, prefilter)
    raise ValueError(f"unknown matcher backend {chosen!r}")


# Compiling the shipped lexicon's databases takes seconds (tens of thousands of patterns); every web and worker
# process would pay that on its first scan. So a Hyperscan matcher big enough to matter is kept on disk, keyed by
# its patterns, this file's code and Hyperscan's version, and loaded in a fraction of the time. JSON and
# Hyperscan's own serialisation, never pickle: a cache file can at worst fail to load (it is then rebuilt).
# ESAFETY_SCANNER_CACHE names the folder ("off" for none); the default is the user's cache folder.
CACHE_MIN_PATTERNS = 2000
_CODE = hashlib.sha256(Path(__file__).read_bytes()).hexdigest()[:16]


def cache_folder() -> Path | None:
    configured = os.environ.get("ESAFETY_SCANNER_CACHE", "")
    if configured.lower() == "off":
        return None
    if configured:
        return Path(configured)
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "esafety" / "scanner"


@contextlib.contextmanager
def no_gc() -> Iterator[None]:
    """The cyclic garbage collector off while a cache file is loaded (it holds no cycles)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


_CACHE_KEEP = (
    4  # the matchers in use (the shipped lexicon, now and just before an upgrade) with room to spare
)


def prune(folder: Path, pattern: str = "matcher-*.json") -> None:
    """Keep the most recently used few files matching ``pattern``: each lexicon version writes a file of tens of
    MB, and an instance that upgrades every month would otherwise keep them all."""
    files = sorted(folder.glob(pattern), key=lambda f: f.stat().st_mtime, reverse=True)
    for old in files[_CACHE_KEEP:]:
        old.unlink(missing_ok=True)


def versions() -> str:
    """The versions a cached matcher depends on: this file's code, Hyperscan's and Python's."""
    return f"{_CODE} {getattr(_hyperscan, '__version__', '')} {sys.version}"


def cache_key(patterns: Sequence[Pattern], prefilter: Sequence[bool]) -> str:
    """The name of the cache file for a matcher of ``patterns`` (see ``cached_hyperscan``)."""
    # marshal: fast, in C; version 2, as later versions mark shared and interned objects, which differ from run
    # to run (patterns loaded from the scanner's tables share objects a fresh build does not).
    data = marshal.dumps((tuple(patterns), tuple(prefilter), versions()), 2)
    return hashlib.sha256(data).hexdigest()[:32]


def cached_hyperscan(
    patterns: tuple[Pattern, ...], prefilter: tuple[bool, ...], key: str | None = None
) -> _HyperscanMatcher:
    """The Hyperscan matcher for ``patterns`` from the disk cache (compiled and stored if not there). ``key`` is
    ``cache_key(patterns, prefilter)`` when the caller has it: the scanner keeps it with the shipped lexicon's
    tables, so it is not computed again."""
    folder = cache_folder() if len(patterns) >= CACHE_MIN_PATTERNS else None
    if folder is None:
        return _HyperscanMatcher(patterns, prefilter)
    assert _hyperscan is not None
    path = folder / f"matcher-{key or cache_key(patterns, prefilter)}.json"
    try:
        # Hundreds of thousands of small objects: the collector would run many times for nothing.
        with no_gc():
            state = json.loads(path.read_text())
        matcher = _HyperscanMatcher.from_state(state)
        os.utime(path)  # in use: the newest files are the ones pruning keeps
        return matcher
    except (OSError, ValueError, KeyError, TypeError, _hyperscan.error):
        pass  # not there yet, or unreadable: build it (and replace the bad file)
    matcher = _HyperscanMatcher(patterns, prefilter)
    try:
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        with tempfile.NamedTemporaryFile("w", dir=folder, delete=False, suffix=".tmp") as handle:
            try:
                json.dump(matcher.state(), handle)
            except BaseException:
                os.unlink(handle.name)
                raise
        os.replace(handle.name, path)  # atomic: another process never reads half a file
        prune(folder)
    except OSError:
        pass  # a read-only home: scan without the cache
    return matcher


class SplitMatcher:
    """Two matchers answering as one: the shipped lexicon's (tens of thousands of patterns, seconds to compile,
    built once per process) and a school's own terms (a handful, milliseconds). A school changing its terms
    then rebuilds only its own part. ``find`` gives exactly what one matcher over all the patterns would (the
    same sorted list of global pattern indices), ``candidates`` the union of the parts' candidates."""

    def __init__(self, parts: Sequence[tuple[Matcher, Sequence[int]]]) -> None:
        self._parts = parts
        self.backend = parts[0][0].backend

    def find(self, normalised: str) -> list[tuple[int, int, int]]:
        out = []
        for matcher, index in self._parts:
            out += [(index[i], start, end) for i, start, end in matcher.find(normalised)]
        return sorted(out)

    def candidates(self, texts: Sequence[str]) -> list[int]:
        found: set[int] = set()
        for matcher, _ in self._parts:
            found.update(matcher.candidates(texts))
        return sorted(found)


def build_split_matcher(
    patterns: Sequence[Pattern], prefilter: Sequence[bool], own: Sequence[bool], backend: str | None = None
) -> Matcher:
    """``build_matcher`` for ``patterns`` with those where ``own[i]`` (a school's additions) in a matcher of
    their own, so the rest (the shipped lexicon, the same in every school) comes from the cache."""
    if not any(own):
        return build_matcher(tuple(patterns), tuple(prefilter), backend)
    parts = []
    for side in (False, True):
        index = [i for i, mine in enumerate(own) if mine is side]
        if index:
            matcher = build_matcher(
                tuple(patterns[i] for i in index), tuple(prefilter[i] for i in index), backend
            )
            parts.append((matcher, index))
    return SplitMatcher(parts)
