"""The scanner: normalise, match, apply context rules, report hits with offsets into the original text.

Entries fire on one phrase. Grammars fire when one term of every slot lies within the grammar's window of
words; their slot terms go into the same matcher as the entries' phrases, so the normaliser's evasion handling
applies to every slot term, and both backends give the same answers. The pre-filter only needs one slot per
grammar (the one with the rarest terms): a text can only fire a grammar if it holds a term of every slot, so in
particular a term of that slot. A text the pre-filter picks is then checked for a term of every slot of some
grammar (or an entry's phrase) on its plain normalised form before the offset-keeping normaliser and the
context rules run (``Scanner._could_fire``).
"""

from __future__ import annotations

import bisect
import collections
import functools
import hashlib
import itertools
import marshal
import operator
import os
import re
import tempfile
import threading
from collections.abc import Collection, Iterator, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, NamedTuple

from esafety.monitoring.scanner._lexicon import (
    Entry,
    Grammar,
    Lexicon,
    NegativeContext,
    Topic,
    shipped_lexicon,
)
from esafety.monitoring.scanner._matcher import (
    CACHE_MIN_PATTERNS,
    COMMON_WORDS,
    Matcher,
    Pattern,
    SplitMatcher,
    available_backends,
    build_matcher,
    build_split_matcher,
    cache_folder,
    cache_key,
    cached_hyperscan,
    no_gc,
    prune,
    versions,
)
from esafety.monitoring.scanner._normalise import Normalised, normalise, normalise_fast
from esafety.monitoring.scanner._unmask import Unmasker, plain_words

__all__ = ["DEFAULT_THRESHOLD", "Hit", "Scanner", "inflections", "stated_ages"]

DEFAULT_THRESHOLD = 1

# Normalised (apostrophes dropped, repeats collapsed) first- and second-person words. "ill" (I'll) collapses
# to "il"; "imma" to "ima".
# "1" is "I" written in leet on its own ("1 want to d13"), which stage 3 leaves alone as it looks like a number.
_FIRST_PERSON = frozenset({"i", "im", "ive", "id", "il", "me", "my", "myself", "mine", "ima", "mysel", "1"})
_SECOND_PERSON = frozenset(
    {"you", "u", "ur", "your", "youre", "yourself", "urself", "ya", "yal", "yourselves"}
)

_CONTEXT_CHARS = 80
# Texts longer than this are scanned in overlapping pieces of about ``_PIECE_CHARS`` (see ``Scanner._pieces``).
_SPLIT_CHARS = 40_000
_PIECE_CHARS = 12_000
_WORD = re.compile(r"\S+")
_FIRST = operator.itemgetter(0)
_NO_SLOT = (-1, -1)

# Stated ages, matched on the original text case-folded (digits are not leet here: "15yo" stays a number).
_AGE = re.compile(
    r"(?<![a-z0-9])(?:i\W{0,2}m|i am|am|aged?|age is|turning|turned)\s+(?:only\s+|just\s+)?(\d{1,2})(?!\d)(?![:.,]\d)"
    r"(?!\s*(?:am|pm|mins?|minutes?|hours?|hrs?|secs?|%|p|quid|pounds?|mph|km|miles?)(?![a-z]))"
    r"|(?<![0-9.,:])(\d{1,2})\s*(?:yo|y/o|y\.o\.?|yrs?(?: old)?|years? old|year old)(?![a-z])"
    r"|(?<![a-z])(?:year|yr)\s?(\d{1,2})(?![0-9])(?!\s*(?:yo|yrs?|years?|year)(?![a-z]))"
)
_ADULT_WORDS = re.compile(
    r"(?<![a-z])(?:older (?:guy|man|men|bloke|lad)|grown (?:man|men|up)|adult (?:man|male)|over 18|18\+)"
)


@dataclass(frozen=True, slots=True)
class Hit:
    """One alert-worthy match.

    ``start``/``end`` index the original text and ``evidence == text[start:end]``; ``context`` is the
    original text around the hit (at most about 80 characters either side).
    """

    category: str
    severity: int
    rule: str
    evidence: str
    start: int
    end: int
    context: str
    phrase: str


class _Target(NamedTuple):  # a tuple, so the tables on disk load without a Python call per field
    kind: str  # "entry", "slot", "negative", "denial" or "topic"
    index: int  # type: ignore[assignment]  # entry, grammar, context or topic index (see ``owner``); the
    # field shadows tuple.index(), which nothing calls on a target
    phrase: str
    personal: bool  # the phrase itself contains a first- or second-person word
    first_person: bool  # the phrase itself contains a first-person word
    slot: int = -1  # for "slot": which slot of the grammar
    owner: str = ""  # for "negative": "entry", "grammar" (their own negatives) or "context"; for "denial":
    # "entry" or "grammar"


# Text-speak spellings of common words, expanded in phrases so the lexicon can be written in plain English:
# every phrase and vocabulary term also matches these spellings (the normaliser would otherwise have to turn
# every "u" of every message into "you", moving every offset after it).
_WORD_VARIANTS = {
    "you": ("u",),
    "your": ("ur",),
    "youre": ("ur", "your"),
    "to": ("2",),
    "for": ("4",),
    "are": ("r",),
    "people": ("ppl",),
    "please": ("pls", "plz"),
    "because": ("cos", "coz", "cuz", "bc"),
    "tonight": ("tonite", "2nite"),
    "tomorrow": ("tmrw", "tmr", "2moro"),
    "picture": ("pic",),
    "pictures": ("pics",),
    "message": ("msg",),
    "messages": ("msgs",),
    "love": ("luv",),
    "what": ("wat", "wot"),
    "with": ("wiv",),
    "before": ("b4",),
    "thanks": ("thx",),
    "okay": ("ok",),
    "someone": ("sum1",),
    "anyone": ("any1",),
    "everyone": ("every1",),
}
_PAIR_VARIANTS = {("going", "to"): "gonna", ("want", "to"): "wanna", ("got", "to"): "gotta"}
_MAX_VARIANTS = 16
# How many combinations of slot hits the grammar search tries from one first slot hit (a bound on hostile
# text such as one word repeated a million times).
_MAX_TRIES = 64


@functools.cache  # a pure function of the phrase; a school's scanner reuses the shipped lexicon's work
def _variants(phrase: str) -> tuple[str, ...]:
    """The phrase, its text-speak spellings ("your" -> "ur", "going to" -> "gonna"), and, for phrases of
    several words, the words run together (what joining spaced letters makes of "s e n d  n u d e s")."""
    words = [w.replace("'", "").replace("’", "") for w in phrase.lower().split()]
    options: list[list[str]] = []
    i = 0
    while i < len(words):
        pair = (words[i], words[i + 1]) if i + 1 < len(words) else None
        if pair in _PAIR_VARIANTS:
            options.append([" ".join(pair), _PAIR_VARIANTS[pair]])
            i += 2
            continue
        options.append([words[i], *_WORD_VARIANTS.get(words[i], ())])
        i += 1
    out: list[str] = [phrase]
    for combo in itertools.product(*options):
        text = " ".join(combo)
        if text not in out:
            out.append(text)
        if len(out) >= _MAX_VARIANTS:
            break
    if len(words) > 1:
        for text in list(out):
            joined = text.replace(" ", "")
            if len(joined.strip("*")) >= 6 and joined not in out:
                out.append(joined)
    return tuple(out)


_VOWELS = frozenset("aeiou")


def inflections(term: str) -> list[str]:
    """A grammar slot term and its regular English forms, when it is one plain word of three or more letters
    (no ``*``, ASCII letters only): "send" -> "sends", "sending", "sended"...; "share" -> "shares", "shared",
    "sharing"; "reply" -> "replies", "replied". Over-generated forms ("sended") are harmless: nobody writes
    them for anything else. Doubled consonants ("chatting") need nothing: the normaliser collapses repeats.
    Other terms come back alone."""
    word = term.strip()
    if "*" in word or " " in word or len(word) < 3 or not (word.isascii() and word.isalpha()):
        return [term]
    forms = [word, word + "s", word + "es", word + "ed", word + "ing"]
    if word.endswith("e"):
        forms += [word + "d", word[:-1] + "ing"]
    if word.endswith("y") and word[-2] not in _VOWELS:
        forms += [word[:-1] + "ies", word[:-1] + "ied"]
    return list(dict.fromkeys(forms))


@functools.cache
def _pattern(phrase: str) -> Pattern:
    body = phrase.strip()
    head = not body.startswith("*")
    tail = not body.endswith("*")
    norm = normalise(body.strip("*"))
    text, runs = norm.text.strip(" "), norm.runs[1 : 1 + len(norm.text.strip(" "))]
    if head:
        text, runs = " " + text, (1, *runs)
    if tail:
        text, runs = text + " ", (*runs, 1)
    return text, tuple(runs)


def _rarity(terms: Sequence[str]) -> tuple[int, int]:
    """How often a slot's terms turn up in ordinary messages (lower is rarer): terms made only of common
    words or of three letters or fewer, then the number of terms."""
    common = 0
    for term in terms:
        words = _pattern(term)[0].split()
        if all(w in COMMON_WORDS for w in words) or len("".join(words)) <= 3:
            common += 1
    return common, len(terms)


def _context(text: str, start: int, end: int) -> str:
    lo = max(0, start - _CONTEXT_CHARS)
    hi = min(len(text), end + _CONTEXT_CHARS)
    # Cut at a space so the snippet does not start or end in the middle of a word.
    if lo > 0:
        space = text.find(" ", lo, start)
        lo = space + 1 if space != -1 else lo
    if hi < len(text):
        space = text.rfind(" ", end, hi)
        hi = space if space != -1 else hi
    return ("…" if lo > 0 else "") + text[lo:hi] + ("…" if hi < len(text) else "")


# One candidate hit before the context rules: the rule, the phrases it matched (targets), its span in the
# normalised text.
_Found = tuple[_Target, int, int]


class _Tables:
    """What a scanner works out from lexicon parts' phrases: one target and one pattern per spelling (with the
    per-pattern lists the hot path indexes), the longest pattern in words, and the plain words the unmasker
    needs. The shipped lexicon's are worked out once per process (``_core_tables``) and kept on disk."""

    __slots__ = (
        "entry_targets",
        "is_entry",
        "long_runs",
        "longest",
        "matcher_key",
        "ordinary",
        "patterns",
        "pre_slot_of",
        "prefilter",
        "slot_key",
        "slot_of",
        "targets",
        "words",
    )

    targets: list[_Target]
    patterns: list[Pattern]
    prefilter: list[bool]
    long_runs: list[tuple[tuple[int, int], ...]]
    slot_of: list[int]
    pre_slot_of: list[int]
    is_entry: list[bool]
    slot_key: list[tuple[int, int]]
    longest: int | None
    entry_targets: int
    words: set[str]
    ordinary: set[str]
    matcher_key: str | None

    def __init__(self, **fields: Any) -> None:
        # The name of the matcher's cache file for ``patterns`` (see ``_matcher.cache_key``), once known.
        self.matcher_key: str | None = None
        for name, value in fields.items():
            setattr(self, name, value)

    @classmethod
    def build(
        cls,
        entries: Sequence[Entry],
        grammars: Sequence[Grammar],
        contexts: Sequence[NegativeContext],
        topics: Sequence[Topic],
        *,
        start: int = 0,
    ) -> _Tables:
        """The tables of these parts; ``start`` is the index of ``entries[0]`` in its lexicon."""
        targets: list[_Target] = []
        patterns: list[Pattern] = []
        prefilter: list[bool] = []

        def add(
            kind: str,
            index: int,
            phrase: str,
            *,
            slot: int = -1,
            owner: str = "",
            pre: bool = False,
            forms: Sequence[str] | None = None,
        ) -> None:
            words = set(_pattern(phrase)[0].split())
            first = bool(words & _FIRST_PERSON)
            personal = first or bool(words & _SECOND_PERSON)
            if kind == "topic":
                spellings = [phrase]
            else:
                spellings = list(dict.fromkeys(v for form in (forms or [phrase]) for v in _variants(form)))
            # Every variant reports the phrase as written in the lexicon, so a suppression of that phrase covers
            # its variants too.
            target = _Target(kind, index, phrase, personal, first, slot, owner)
            for variant in spellings:
                targets.append(target)
                patterns.append(_pattern(variant))
                prefilter.append(pre)

        for i, entry in enumerate(entries, start):
            for phrase in entry.phrases:
                add("entry", i, phrase, pre=True)
            for phrase in entry.negatives:
                add("negative", i, phrase, owner="entry")
            for phrase in entry.negated_by:
                add("denial", i, phrase, owner="entry")
        entry_targets = len(targets)
        for i, grammar in enumerate(grammars):
            rarest = min(range(len(grammar.slots)), key=lambda k: _rarity(grammar.slots[k]))
            for k, slot in enumerate(grammar.slots):
                for phrase in slot:
                    forms = inflections(phrase) if grammar.inflect else [phrase]
                    add("slot", i, phrase, slot=k, pre=k == rarest, forms=forms)
            for phrase in grammar.negatives:
                add("negative", i, phrase, owner="grammar")
            for phrase in grammar.negated_by:
                add("denial", i, phrase, owner="grammar")
        for i, context in enumerate(contexts):
            for phrase in context.phrases:
                add("negative", i, phrase, owner="context")
        for i, topic in enumerate(topics):
            for phrase in topic.markers:
                add("topic", i, phrase)
        return cls(
            targets=targets,
            patterns=patterns,
            prefilter=prefilter,
            long_runs=[tuple((k, r) for k, r in enumerate(runs) if r > 1) for _, runs in patterns],
            slot_of=[t.index if t.kind == "slot" else -1 for t in targets],
            pre_slot_of=[
                t.index if t.kind == "slot" and pre else -1 for t, pre in zip(targets, prefilter, strict=True)
            ],
            is_entry=[t.kind == "entry" for t in targets],
            slot_key=[(t.index, t.slot) if t.kind == "slot" else _NO_SLOT for t in targets],
            longest=max((len(text.split()) for text, _ in patterns), default=None),
            entry_targets=entry_targets,
            words=plain_words(
                itertools.chain(
                    (p for e in entries for p in e.phrases),
                    (p for g in grammars for slot in g.slots for p in slot),
                )
            ),
            ordinary=plain_words(
                itertools.chain(
                    (p for e in entries for p in e.negatives),
                    (p for g in grammars for p in g.negatives),
                    (p for c in contexts for p in c.phrases),
                    (p for t in topics for p in t.markers),
                )
            ),
        )

    _LISTS = (
        "targets",
        "patterns",
        "prefilter",
        "long_runs",
        "slot_of",
        "pre_slot_of",
        "is_entry",
        "slot_key",
    )

    def insert(self, at: int, other: _Tables) -> _Tables:
        """These tables with ``other``'s lists inserted at position ``at`` (after this lexicon's entries)."""
        fields: dict[str, Any] = {}
        for name in self._LISTS:
            mine, theirs = getattr(self, name), getattr(other, name)
            fields[name] = mine[:at] + theirs + mine[at:]
        lengths = [n for n in (self.longest, other.longest) if n is not None]
        return _Tables(
            **fields,
            longest=max(lengths) if lengths else None,
            entry_targets=self.entry_targets + other.entry_targets,
            words=self.words | other.words,
            ordinary=self.ordinary | other.ordinary,
        )

    def state(self) -> dict[str, Any]:
        """The tables as plain data for ``marshal``: each distinct target, run-length tuple and slot key once,
        and for each pattern the index of its own (loading one list of small tuples per pattern costs more)."""
        texts = [text for text, _ in self.patterns]
        out: dict[str, Any] = {
            "texts": texts,
            "prefilter": self.prefilter,
            "slot_of": self.slot_of,
            "pre_slot_of": self.pre_slot_of,
            "is_entry": self.is_entry,
            "longest": self.longest,
            "entry_targets": self.entry_targets,
            "matcher_key": self.matcher_key,
            "words": sorted(self.words),
            "ordinary": sorted(self.ordinary),
        }
        for name, values in (
            ("targets", self.targets),
            ("runs", [runs for _, runs in self.patterns]),
            ("long_runs", self.long_runs),
            ("slot_key", self.slot_key),
        ):
            distinct: dict[Any, int] = {}
            out[name + "_of"] = [distinct.setdefault(value, len(distinct)) for value in values]
            out[name] = [tuple(value) for value in distinct]
        return out

    @classmethod
    def from_state(cls, state: dict[str, Any]) -> _Tables:
        def spread(name: str, distinct: list[Any] | None = None) -> list[Any]:
            values = state[name] if distinct is None else distinct
            return list(map(values.__getitem__, state[name + "_of"]))

        # tuple.__new__ called from C: ``_Target._make`` is a Python call per target.
        targets = list(map(functools.partial(tuple.__new__, _Target), state["targets"]))
        return cls(
            targets=spread("targets", targets),
            patterns=list(zip(state["texts"], spread("runs"), strict=True)),
            prefilter=list(state["prefilter"]),
            long_runs=spread("long_runs"),
            slot_of=list(state["slot_of"]),
            pre_slot_of=list(state["pre_slot_of"]),
            is_entry=list(state["is_entry"]),
            slot_key=spread("slot_key"),
            longest=state["longest"],
            entry_targets=int(state["entry_targets"]),
            matcher_key=state["matcher_key"],
            words=set(state["words"]),
            ordinary=set(state["ordinary"]),
        )


# The code the tables depend on: a change to any of these files (or to the tables' layout, ``_TABLES_FORMAT``)
# makes a new cache key.
_TABLES_FORMAT = 3
_TABLES_CODE = hashlib.sha256(
    b"".join(
        (Path(__file__).parent / name).read_bytes()
        for name in ("_scan.py", "_normalise.py", "_matcher.py", "_unmask.py")
    )
).hexdigest()[:16]


class _Core:
    """The shipped part of a lexicon (its shipped entries, every grammar, context and topic) with its tables,
    its matchers (one per backend) and its unmasker: the same for every school's scanner."""

    def __init__(
        self,
        entries: tuple[Entry, ...],
        grammars: tuple[Grammar, ...],
        contexts: tuple[NegativeContext, ...],
        topics: tuple[Topic, ...],
    ) -> None:
        self.parts = (entries, grammars, contexts, topics)
        self.tables = self._load_or_build()
        self._ordinary = self.tables.ordinary | plain_words(COMMON_WORDS)
        self._matchers: dict[str | None, Matcher] = {}
        self._unmasker = Unmasker.from_words(self.tables.words, self._ordinary)
        self._lock = threading.Lock()

    def same(self, entries: tuple[Entry, ...], lexicon: Lexicon) -> bool:
        """Whether these are this core's parts (fast when they are the same objects, as after ``with_changes``)."""
        mine, grammars, contexts, topics = self.parts
        return (
            grammars == lexicon.grammars
            and contexts == lexicon.contexts
            and topics == lexicon.topics
            and mine == entries
        )

    def matcher(self, backend: str | None) -> Matcher:
        with self._lock:
            if backend not in self._matchers:
                patterns, prefilter = tuple(self.tables.patterns), tuple(self.tables.prefilter)
                key = self.tables.matcher_key
                if key is not None and (backend or available_backends()[0]) == "hyperscan":
                    self._matchers[backend] = cached_hyperscan(patterns, prefilter, key)
                else:
                    self._matchers[backend] = build_matcher(patterns, prefilter, backend)
            return self._matchers[backend]

    def unmasker(self, words: set[str], ordinary: set[str]) -> Unmasker:
        """The unmasker for this core's words plus ``words`` and ``ordinary`` (a school's)."""
        if words <= self.tables.words and ordinary <= self._ordinary:
            return self._unmasker
        return Unmasker.from_words(self.tables.words | words, self._ordinary | ordinary)

    def _key(self) -> str:
        entries, grammars, contexts, topics = self.parts
        content = (
            [(e.phrases, e.negatives, e.negated_by) for e in entries],
            [(g.slots, g.inflect, g.negatives, g.negated_by) for g in grammars],
            [c.phrases for c in contexts],
            [t.markers for t in topics],
        )
        code = f"{_TABLES_FORMAT} {_TABLES_CODE} {versions()}"
        # marshal version 2: later versions mark shared and interned objects, which differ from run to run.
        return hashlib.sha256(marshal.dumps((content, code), 2)).hexdigest()[:32]

    def _load_or_build(self) -> _Tables:
        """The tables from the cache folder (beside the matchers, see ``_matcher.cached_hyperscan``), else built (and
        stored when big enough to matter). marshal of plain data, never pickle: a cache file can at worst fail
        to load, and is then rebuilt."""
        folder = cache_folder()
        path = None if folder is None else folder / f"tables-{self._key()}.marshal"
        if path is not None:
            try:
                # Written by esafety itself into its own cache folder (mode 0700), like the matcher's files.
                with no_gc():  # hundreds of thousands of small objects and no cycles
                    tables = _Tables.from_state(marshal.loads(path.read_bytes()))  # noqa: S302
                os.utime(path)  # in use: the newest files are the ones pruning keeps
                return tables
            except (OSError, EOFError, ValueError, KeyError, TypeError, IndexError):
                pass  # not there yet, or unreadable: build it (and replace the bad file)
        tables = _Tables.build(*self.parts)
        if path is None or len(tables.patterns) < CACHE_MIN_PATTERNS:
            return tables
        assert folder is not None
        try:
            folder.mkdir(parents=True, exist_ok=True, mode=0o700)
            with tempfile.NamedTemporaryFile("wb", dir=folder, delete=False, suffix=".tmp") as handle:
                try:
                    tables.matcher_key = cache_key(tables.patterns, tables.prefilter)
                    marshal.dump(tables.state(), handle)
                except BaseException:
                    os.unlink(handle.name)
                    raise
            os.replace(handle.name, path)  # atomic: another process never reads half a file
            prune(folder, "tables-*.marshal")
        except OSError:
            pass  # a read-only home: build them in every process
        return tables


# The cores in use (the shipped lexicon, and the few others tests and extra files make), newest last.
_CORES: list[_Core] = []
_CORES_KEEP = 4
_CORES_LOCK = threading.Lock()


def _core_tables(lexicon: Lexicon, shipped: int) -> _Core:
    """The core of ``lexicon``, whose first ``shipped`` entries are the shipped ones (built once per process)."""
    entries = lexicon.entries[:shipped]
    with _CORES_LOCK:
        for core in reversed(_CORES):
            if core.same(entries, lexicon):
                return core
    core = _Core(entries, lexicon.grammars, lexicon.contexts, lexicon.topics)
    with _CORES_LOCK:
        _CORES.append(core)
        del _CORES[:-_CORES_KEEP]
    return core


class Scanner:
    """Scans text against a lexicon. Building one compiles the matcher (cached per lexicon version).

    Thread-safe: a scanner holds no per-scan state.
    """

    def __init__(self, lexicon: Lexicon | None = None, *, backend: str | None = None) -> None:
        self.lexicon = lexicon if lexicon is not None else shipped_lexicon()
        lex = self.lexicon
        entries = lex.entries
        shipped = next((i for i, e in enumerate(entries) if e.source != "shipped"), len(entries))
        if all(e.source != "shipped" for e in entries[shipped:]):
            # The usual case: the shipped lexicon (its tables built once per process, or loaded from disk) and
            # then a school's or an extra file's entries, whose targets sit between the shipped entries' and
            # the grammars' (where a build of the whole lexicon puts them).
            core = _core_tables(lex, shipped)
            own = _Tables.build(entries[shipped:], (), (), (), start=shipped)
            split = core.tables.entry_targets
            tables = core.tables if not own.targets else core.tables.insert(split, own)
            matcher = core.matcher(backend)
            if own.targets:
                others = list(range(split)) + list(range(split + len(own.targets), len(tables.targets)))
                mine = range(split, split + len(own.targets))
                matcher = SplitMatcher(
                    [
                        (matcher, others),
                        (build_matcher(tuple(own.patterns), tuple(own.prefilter), backend), mine),
                    ]
                )
            self._unmask = core.unmasker(own.words, own.ordinary)
        else:
            tables = _Tables.build(entries, lex.grammars, lex.contexts, lex.topics)
            own_flags = [
                t.kind in ("entry", "negative", "denial")
                and t.owner in ("", "entry")
                and entries[t.index].source != "shipped"
                for t in tables.targets
            ]
            matcher = build_split_matcher(tables.patterns, tables.prefilter, own_flags, backend)
            self._unmask = Unmasker.from_words(tables.words, tables.ordinary | plain_words(COMMON_WORDS))
        targets, patterns = tables.targets, tables.patterns
        self._targets = targets
        self._patterns = patterns
        self._long_runs = tables.long_runs
        # For each pattern: its grammar if it is a slot term (else -1), and its grammar if it is a term of that
        # grammar's pre-filter slot (else -1).
        self._slot_of = tables.slot_of
        self._pre_slot_of = tables.pre_slot_of
        self._prefilter = tables.prefilter
        self._slot_counts = [len(g.slots) for g in lex.grammars]
        # For ``_could_fire``: whether each pattern is an entry's phrase, and which grammar slot it is a term of.
        self._is_entry = tables.is_entry
        self._slot_key = tables.slot_key
        # A school's own terms (entries not shipped, and their negatives) in a matcher of their own, so adding
        # one does not recompile the shipped lexicon's.
        self._matcher: Matcher = matcher
        self.backend = self._matcher.backend
        # How many words of context a hit may need on either side: a grammar's or entry's window for the hit
        # itself, as much again for a first-person word after it, a denial's window and the longest phrase (a
        # negative covering the hit) before it; doubled, as the pieces are cut at spaces of the original text,
        # and one typed word ("kill...myself", emoji) can become two normalised ones.
        windows = [e.window for e in lex.entries] + [g.window for g in lex.grammars] + [1]
        denials = [e.negation_window for e in lex.entries] + [g.negation_window for g in lex.grammars] + [0]
        longest = tables.longest or 0
        self._margin_words = 2 * (2 * max(windows) + max(denials) + longest + 8)
        self._split_chars = _SPLIT_CHARS
        self._piece_chars = _PIECE_CHARS
        self._grammar_rules = frozenset(g.rule for g in lex.grammars)
        suppressed: dict[str, set[str]] = {}
        for s in self.lexicon.suppressions:
            suppressed.setdefault(s.group, set()).add(s.rule)
        self._suppressed = suppressed

    def scan(
        self, text: str, *, threshold: int = DEFAULT_THRESHOLD, groups: Collection[str] = ()
    ) -> list[Hit]:
        """Hits in ``text`` with severity >= ``threshold``, ordered by position.

        ``groups`` are the groups the author belongs to, for the lexicon's per-group suppressions.
        """
        unmasked = self._unmask(text)
        # A long text is pre-filtered piece by piece in ``_scan_candidate``.
        if len(text) > self._split_chars:
            return self._scan_candidate(text, threshold, groups, unmasked)
        if not self._matcher.candidates([unmasked]):
            return []
        return self._scan_short(text, threshold, groups, unmasked)

    def scan_many(
        self, texts: Sequence[str], *, threshold: int = DEFAULT_THRESHOLD, groups: Collection[str] = ()
    ) -> list[list[Hit]]:
        """``scan`` for many texts at once (much faster than one by one: one matcher pass for the batch)."""
        results: list[list[Hit]] = [[] for _ in texts]
        unmasked = list(map(self._unmask, texts))
        split = self._split_chars
        long = [i for i, t in enumerate(texts) if len(t) > split]
        if long:  # pre-filtered piece by piece in ``_scan_candidate``
            for i in long:
                results[i] = self._scan_candidate(texts[i], threshold, groups, unmasked[i])
            unmasked = [t if len(t) <= split else "" for t in unmasked]
        for i in self._matcher.candidates(unmasked):
            results[i] = self._scan_short(texts[i], threshold, groups, unmasked[i])
        return results

    def _scan_short(self, text: str, threshold: int, groups: Collection[str], unmasked: str) -> list[Hit]:
        """A short text the pre-filter picked: scanned in full if some rule can fire there (``_could_fire``)."""
        matches = self._could_fire(unmasked)
        if matches is None:
            return []
        return self._scan_piece(text, threshold, groups, unmasked, matches)

    def _could_fire(self, unmasked: str) -> list[tuple[int, int, int]] | None:
        """The matcher's hits in the normalised form of a short candidate text (as ``_scan_piece`` would find
        them), or ``None`` when no rule can fire there: no entry's phrase, and no grammar with a term of every
        slot.

        The matcher's pre-filter only looks for a grammar's rarest slot, and half the grammars have everyday
        words even there ("die", "go"), so about one prose message in six is a candidate. A grammar fires only
        on a term of each of its slots, all found by this same ``find`` on this same text (``normalise_fast``
        gives exactly the offset-keeping normaliser's text), so dropping the others loses no alert, and this
        costs a fraction of the offset-keeping normaliser and the context rules."""
        matches = self._matcher.find(normalise_fast(unmasked))
        indices = list(map(_FIRST, matches))
        if any(map(self._is_entry.__getitem__, indices)):
            return matches
        # The distinct (grammar, slot) pairs here, then how many slots of each grammar that makes.
        keys = set(map(self._slot_key.__getitem__, indices))
        keys.discard(_NO_SLOT)
        per_grammar = collections.Counter(map(_FIRST, keys))  # counted in C
        counts = self._slot_counts
        if any(found == counts[grammar] for grammar, found in per_grammar.items()):
            return matches
        return None

    def _suppressed_rules(self, groups: Collection[str]) -> set[str]:
        out = set(self._suppressed.get("*", ()))
        for group in groups:
            out |= self._suppressed.get(group, set())
        return out

    def _scan_exact(self, text: str, threshold: int, groups: Collection[str]) -> list[Hit]:
        """The hits in ``text`` without the matcher's batch pre-filter (the reference the tests hold it to)."""
        # The offset-keeping normaliser costs several times more than the plain one, so it only runs when the
        # plain one shows an entry's phrase or a term of a grammar's pre-filter slot (without which the grammar
        # cannot fire).
        unmasked = self._unmask(text)
        if not any(self._prefilter[i] for i, _, _ in self._matcher.find(normalise_fast(unmasked))):
            return []
        return self._scan_candidate(text, threshold, groups, unmasked)

    def _scan_candidate(
        self, text: str, threshold: int, groups: Collection[str], unmasked: str | None = None
    ) -> list[Hit]:
        """The hits in a text whose normalised form holds an entry's phrase or a grammar's slot term.

        ``unmasked`` is ``text`` with masked letters put back (same length); it is what is matched, while the
        evidence and context quote ``text``."""
        if len(text) > self._split_chars:
            return self._scan_long(
                text, threshold, groups, self._unmask(text) if unmasked is None else unmasked
            )
        return self._scan_piece(text, threshold, groups, unmasked)

    def _pieces(self, text: str) -> list[tuple[int, int, int, int]]:
        """``(lo, hi, own_lo, own_hi)`` for each piece of a long text: ``text[lo:hi]`` is scanned, and its hits
        that start in ``own_lo:own_hi`` are kept. The owned stretches tile the text, cut at spaces about
        ``_piece_chars`` apart; each piece reaches ``_margin_words`` words (spaces) beyond its owned stretch
        on either side, more than any rule looks around a hit, so a hit is found in the piece that owns its
        start exactly as in the whole text."""
        n = len(text)
        cuts = [0]
        pos = self._piece_chars
        while pos < n:
            space = text.find(" ", pos)
            if space == -1:
                break
            cuts.append(space)
            pos = space + self._piece_chars
        cuts.append(n)
        margin = self._margin_words
        out = []
        for own_lo, own_hi in itertools.pairwise(cuts):
            lo = own_lo
            for _ in range(margin):
                lo = text.rfind(" ", 0, lo)
                if lo <= 0:
                    lo = 0
                    break
            hi = own_hi
            for _ in range(margin + 1):
                hi = text.find(" ", hi + 1)
                if hi == -1:
                    hi = n
                    break
            out.append((lo, hi, own_lo, own_hi))
        return out

    def _scan_long(self, text: str, threshold: int, groups: Collection[str], unmasked: str) -> list[Hit]:
        """A long text in overlapping pieces: only the pieces the matcher's batch pre-filter picks are
        normalised with offsets and go through the context rules. Topic words count within a piece (some
        thousands of words), not across the whole text."""
        pieces = self._pieces(text)
        parts = [unmasked[lo:hi] for lo, hi, _, _ in pieces]
        found: list[Hit] = []
        for i in self._matcher.candidates(parts):
            lo, hi, own_lo, own_hi = pieces[i]
            # No slot check here (``_could_fire``): a piece of some thousands of words holds a term of every
            # slot of most grammars, so the check would cost more than it saves.
            for hit in self._scan_piece(text[lo:hi], threshold, groups, parts[i]):
                start, end = hit.start + lo, hit.end + lo
                if own_lo <= start < own_hi:
                    found.append(replace(hit, start=start, end=end, context=_context(text, start, end)))
        return _merge_pieces(found, self._grammar_rules)

    def _scan_piece(
        self,
        text: str,
        threshold: int,
        groups: Collection[str],
        unmasked: str | None = None,
        matches: list[tuple[int, int, int]] | None = None,
    ) -> list[Hit]:
        """``matches``: the matcher's hits in the normalised text when the caller has them already."""
        norm = normalise(text if unmasked is None else unmasked)
        found: list[_Found] = []
        runs_at = norm.runs
        if matches is None:
            matches = self._matcher.find(norm.text)
        # A grammar can only fire if a term of its pre-filter slot is here: the other slots' terms (often
        # everyday words) are dropped at once for every other grammar.
        slot_of, pre_slot_of, long_runs = self._slot_of, self._pre_slot_of, self._long_runs
        live = {pre_slot_of[i] for i, _, _ in matches}
        for index, start, end in matches:
            grammar = slot_of[index]
            if grammar >= 0 and grammar not in live:
                continue
            # "meet" must not match "met": every run in the text is at least as long as the phrase's run
            # (only the phrase's own runs need a look: every character is at least one long).
            wanted = long_runs[index]
            if not wanted or all(runs_at[start + k] >= r for k, r in wanted):
                s = start + 1 if norm.text[start] == " " else start
                e = end - 1 if norm.text[end - 1] == " " and end - 1 > s else end
                if norm.text[e - 1] != " ":
                    # A stem ("suicid*") reports the whole word it matched ("suicidal").
                    while e < len(norm.text) and norm.text[e] != " ":
                        e += 1
                found.append((self._targets[index], s, e))
        entries = [f for f in found if f[0].kind == "entry"]
        slots = [f for f in found if f[0].kind == "slot"]
        if not entries and not slots:
            return []
        negatives = [f for f in found if f[0].kind in ("negative", "denial")]
        topics = [(f[0].index, f[1], f[2]) for f in found if f[0].kind == "topic"]
        suppressed = self._suppressed_rules(groups)
        checks = _Checks(self.lexicon, text, norm, negatives, topics, suppressed, threshold)
        hits: list[tuple[Entry | Grammar, str, int, int, int]] = []
        for target, s, e in entries:
            entry = self.lexicon.entries[target.index]
            severity = checks.passes(entry, target.index, [target], s, e, [(s, e)])
            if severity:
                hits.append((entry, target.phrase, severity, s, e))
        if slots:
            hits.extend(self._grammar_hits(slots, norm, checks))
        return _best_per_span(text, norm, hits)

    def _grammar_hits(
        self, slots: list[_Found], norm: Normalised, checks: _Checks
    ) -> list[tuple[Entry | Grammar, str, int, int, int]]:
        by_grammar: dict[int, list[list[_Found]]] = {}
        for found in slots:
            target = found[0]
            grammar = self.lexicon.grammars[target.index]
            per_slot = by_grammar.setdefault(target.index, [[] for _ in grammar.slots])
            per_slot[target.slot].append(found)
        spaces: list[int] | None = None
        out: list[tuple[Entry | Grammar, str, int, int, int]] = []
        for index, per_slot in by_grammar.items():
            if not all(per_slot):
                continue
            if spaces is None:
                spaces = [m.start() for m in re.finditer(" ", norm.text)]
            grammar = self.lexicon.grammars[index]
            for combo in _combinations(per_slot, spaces, grammar.window, grammar.ordered):
                s = min(f[1] for f in combo)
                e = max(f[2] for f in combo)
                spans = [(f[1], f[2]) for f in combo]
                severity = checks.passes(grammar, index, [f[0] for f in combo], s, e, spans)
                if severity:
                    phrase = " + ".join(f[0].phrase for f in sorted(combo, key=lambda f: f[1]))
                    out.append((grammar, phrase, severity, s, e))
                    break  # a grammar fires once per message at most
        return out


def _combinations(
    per_slot: list[list[_Found]], spaces: list[int], window: int, ordered: bool
) -> Iterator[list[_Found]]:
    """Sets of one hit per slot, not overlapping, spanning at most ``window`` words (slot order kept if
    ``ordered``), in the order of their first word; at most one per first hit."""

    def words(found: _Found) -> tuple[int, int]:
        # The number of spaces before a position is its word's number (the text starts with a space).
        return bisect.bisect_left(spaces, found[1]), bisect.bisect_left(spaces, found[2] - 1)

    tagged = sorted(
        ((words(f), k, f) for k, hits in enumerate(per_slot) for f in hits), key=lambda t: (t[0], t[2][1])
    )
    slots = len(per_slot)
    for position, ((first, last), k, found) in enumerate(tagged):
        if ordered and k != 0:
            continue
        if last - first + 1 > window:
            continue
        limit = first + window - 1
        # The hits that could join this one: starting at or after it, ending within the window.
        pool: list[list[tuple[int, int, _Found]]] = [[] for _ in range(slots)]
        for (ws, we), j, other in itertools.islice(tagged, position + 1, None):
            if ws > limit:
                break
            if j != k and we <= limit:
                pool[j].append((ws, we, other))
        if any(not pool[j] for j in range(slots) if j != k):
            continue
        chosen = _choose(found, k, pool, ordered)
        if chosen is not None:
            yield chosen


def _choose(
    found: _Found, k: int, pool: list[list[tuple[int, int, _Found]]], ordered: bool
) -> list[_Found] | None:
    """One hit per slot from ``pool`` beside ``found`` (slot ``k``), none overlapping another."""
    order = [j for j in range(len(pool)) if j != k]
    chosen: list[_Found] = [found]
    tries = 0

    def free(candidate: _Found) -> bool:
        return all(candidate[2] <= c[1] or c[2] <= candidate[1] for c in chosen)

    def extend(depth: int) -> bool:
        nonlocal tries
        if depth == len(order):
            return True
        for _ws, _we, candidate in pool[order[depth]]:
            tries += 1
            if tries > _MAX_TRIES:
                return False
            if ordered and candidate[1] < chosen[-1][2]:
                continue
            if free(candidate):
                chosen.append(candidate)
                if extend(depth + 1):
                    return True
                chosen.pop()
        return False

    return chosen if extend(0) else None


class _Checks:
    """The context rules every candidate hit goes through (entries and grammars alike)."""

    def __init__(
        self,
        lexicon: Lexicon,
        text: str,
        norm: Normalised,
        negatives: list[_Found],
        topics: list[tuple[int, int, int]],
        suppressed: set[str],
        threshold: int,
    ) -> None:
        self.lexicon = lexicon
        self.text = text
        self.norm = norm
        self.negatives = negatives
        self.topics = topics
        self.suppressed = suppressed
        self.threshold = threshold
        self._ages: list[tuple[int, int, str]] | None = None
        self._by_category: dict[str, list[tuple[int, int]]] | None = None

    def passes(
        self,
        rule: Entry | Grammar,
        index: int,
        targets: list[_Target],
        s: int,
        e: int,
        spans: Sequence[tuple[int, int]] = (),
    ) -> int:
        """The hit's severity if it survives the context rules, else 0 (``spans``: its terms' spans)."""
        norm = self.norm
        if rule.rule in self.suppressed or any(t.phrase in self.suppressed for t in targets):
            return 0
        in_phrase = any(t.first_person for t in targets)
        first = in_phrase or (
            bool(rule.first_person or rule.severity_first_person)
            and _near_first_person(norm, s, e, rule.window)
        )
        if rule.first_person and not first:
            return 0
        severity = self._severity(rule, first, s, e)
        if severity < self.threshold:
            return 0
        # A topic word that is part of the hit ("the holocaust never happened") does not excuse it.
        personal = any(t.personal for t in targets)
        if not personal:
            markers = self._markers(rule.category)
            outside = (
                [(ts, te) for ts, te in markers if not (ts < e and s < te)] if len(markers) < 64 else None
            )
            if outside is None:  # a long text: only the markers near the hit can sit between it and an "I"
                near = markers[
                    bisect.bisect_left(markers, (s - 512, 0)) : bisect.bisect_left(markers, (e + 512, 0))
                ]
                overlapping = sum(1 for ts, te in near if ts < e and s < te)
                if len(markers) > overlapping and not _speaks_for_self(
                    norm, s, e, [(ts, te) for ts, te in near if not (ts < e and s < te)], markers
                ):
                    return 0
            elif outside and not _speaks_for_self(norm, s, e, outside, outside):
                return 0
        # A negative context must cover the whole hit: "cut myself on the" excuses "cut myself", but "i'm
        # starving" must not excuse "starving myself".
        owner = "entry" if isinstance(rule, Entry) else "grammar"
        reach: int | None = None
        for negative, ns, ne in self.negatives:
            if negative.kind == "denial":
                if negative.owner != owner or negative.index != index or ne > e:
                    continue
                if any(ns < te and ts < ne for ts, te in spans):
                    continue  # part of a matched term: "not" in a phrase does not deny the phrase
                if reach is None:
                    words = _words_before(norm.text, s, rule.negation_window)
                    reach = words[0].start() if words else s
                if ns >= reach:
                    return 0
                continue
            if ns <= s and e <= ne:
                if negative.owner == "context":
                    if rule.category in self.lexicon.contexts[negative.index].categories:
                        return 0
                elif negative.owner == owner and negative.index == index:
                    return 0
        return severity

    def _markers(self, category: str) -> list[tuple[int, int]]:
        """The spans of the topic words that excuse hits of ``category``, in order."""
        if self._by_category is None:
            self._by_category = {}
            for t, ts, te in self.topics:
                for c in self.lexicon.topics[t].categories:
                    self._by_category.setdefault(c, []).append((ts, te))
            for spans in self._by_category.values():
                spans.sort()
        return self._by_category.get(category, [])

    def _severity(self, rule: Entry | Grammar, first: bool, s: int, e: int) -> int:
        severity = rule.severity
        if first and rule.severity_first_person:
            severity = max(severity, rule.severity_first_person)
        if rule.severity_child_age or rule.severity_adult_age:
            start, end = self.norm.original_span(s, e)
            for lo, hi, kind in self.ages():
                if lo < end + _CONTEXT_CHARS and start - _CONTEXT_CHARS < hi:
                    if kind == "child" and rule.severity_child_age:
                        severity = max(severity, rule.severity_child_age)
                    if kind == "adult" and rule.severity_adult_age:
                        severity = max(severity, rule.severity_adult_age)
        return severity

    def ages(self) -> list[tuple[int, int, str]]:
        if self._ages is None:
            self._ages = stated_ages(self.text)
        return self._ages


def stated_ages(text: str) -> list[tuple[int, int, str]]:
    """Where ``text`` states a child's or an adult's age: ``(start, end, "child" | "adult")``."""
    folded = text.lower().replace("’", "'")
    if len(folded) != len(text):  # a few characters change length when lowered; offsets must stay put
        folded = "".join(c if len(c.lower()) != 1 else c.lower() for c in text).replace("’", "'")
    out = []
    for match in _AGE.finditer(folded):
        stated, school_year = match.group(1) or match.group(2), match.group(3)
        if stated is not None:
            age = int(stated)
            kind = "child" if 5 <= age <= 17 else "adult" if 18 <= age <= 99 else ""
        else:
            kind = "child" if 1 <= int(school_year) <= 13 else ""
        if kind:
            out.append((match.start(), match.end(), kind))
    out.extend((m.start(), m.end(), "adult") for m in _ADULT_WORDS.finditer(folded))
    return out


def _words_before(text: str, start: int, count: int) -> list[re.Match[str]]:
    """The last ``count`` words of ``text[:start]`` (in order), looking back only as far as needed: a hit
    near the end of a long text must not cost a pass over everything before it."""
    reach = 32 * (count + 1)
    while True:
        lo = max(0, start - reach)
        words = list(_WORD.finditer(text, lo, start))
        # The first word found may be cut off by ``lo``; it only counts when ``lo`` is a word boundary.
        if lo > 0 and words and words[0].start() == lo and text[lo - 1] != " ":
            words = words[1:]
        if len(words) >= count or lo == 0:
            return words[-count:] if count else []
        reach *= 4


def _near_first_person(norm: Normalised, start: int, end: int, window: int) -> bool:
    """A first-person word within ``window`` words before or after ``start:end``, or inside it."""
    before = [m.group() for m in _words_before(norm.text, start, window)]
    inside = norm.text[start:end].split()
    after = [m.group() for m in itertools.islice(_WORD.finditer(norm.text, end), window)]
    return any(w in _FIRST_PERSON for w in itertools.chain(before, inside, after))


def _speaks_for_self(
    norm: Normalised, start: int, end: int, markers: list[tuple[int, int]], every: list[tuple[int, int]]
) -> bool:
    """A first-person word within three words of the hit, with no topic word in between.

    "I have been self harming" (after a PSHE lesson) is a disclosure; "I think Juliet stabs herself" is an
    essay: the topic word sits between the "I" and the hit. ``markers`` are the topic words near the hit
    (``every``: all of them, in order, for words further away than ``markers`` reach).
    """
    text = norm.text
    before = _words_before(text, start, 3)
    after = list(itertools.islice(_WORD.finditer(text, end), 3))

    def between(lo: int, hi: int) -> bool:
        pool = markers if markers is every or lo >= start - 512 and hi <= end + 512 else every
        return any(lo <= ms and me <= hi for ms, me in pool)

    for word in before:
        if word.group() in _FIRST_PERSON and not between(word.end(), start):
            return True
    return any(word.group() in _FIRST_PERSON and not between(end, word.start()) for word in after)


def _merge_pieces(hits: list[Hit], grammars: Collection[str]) -> list[Hit]:
    """The hits of a long text's pieces as one scan of the whole would give them: a grammar once (its first
    hit), and one hit per category and overlapping stretch (the most severe, then the longest)."""
    hits.sort(key=lambda h: (h.start, -h.end))
    seen: set[str] = set()
    kept: list[Hit] = []
    for hit in hits:
        if hit.rule in grammars:
            if hit.rule in seen:
                continue
            seen.add(hit.rule)
        clash = next(
            (
                k
                for k, other in enumerate(kept)
                if other.category == hit.category and other.start < hit.end and hit.start < other.end
            ),
            None,
        )
        if clash is None:
            kept.append(hit)
        elif (hit.severity, hit.end - hit.start) > (
            kept[clash].severity,
            kept[clash].end - kept[clash].start,
        ):
            kept[clash] = hit
    kept.sort(key=lambda h: (h.start, h.end, h.category))
    return kept


def _best_per_span(
    text: str, norm: Normalised, hits: list[tuple[Entry | Grammar, str, int, int, int]]
) -> list[Hit]:
    """One hit per category and overlapping stretch of text: the most severe, then the longest."""
    hits.sort(key=lambda h: (h[3], -h[4]))
    kept: list[tuple[Entry | Grammar, str, int, int, int]] = []
    for hit in hits:
        rule, _phrase, severity, s, e = hit
        clash = next(
            (
                k
                for k, (other, _, _, os, oe) in enumerate(kept)
                if other.category == rule.category and os < e and s < oe
            ),
            None,
        )
        if clash is None:
            kept.append(hit)
            continue
        _other, _, other_severity, os, oe = kept[clash]
        if (severity, e - s) > (other_severity, oe - os):
            kept[clash] = hit
    out = []
    for rule, phrase, severity, s, e in kept:
        start, end = norm.original_span(s, e)
        out.append(
            Hit(
                category=rule.category,
                severity=severity,
                rule=rule.rule,
                evidence=text[start:end],
                start=start,
                end=end,
                context=_context(text, start, end),
                phrase=phrase,
            )
        )
    out.sort(key=lambda h: (h.start, h.end, h.category))
    return out
