"""The scanner: normalise, match, apply context rules, report hits with offsets into the original text."""

from __future__ import annotations

import itertools
import re
from collections.abc import Collection, Sequence
from dataclasses import dataclass

from esafety.monitoring.scanner._lexicon import Entry, Lexicon, shipped_lexicon
from esafety.monitoring.scanner._matcher import Matcher, Pattern, build_matcher
from esafety.monitoring.scanner._normalise import Normalised, normalise, normalise_fast

__all__ = ["DEFAULT_THRESHOLD", "Hit", "Scanner"]

DEFAULT_THRESHOLD = 1

# Normalised (apostrophes dropped, repeats collapsed) first- and second-person words. "ill" (I'll) collapses
# to "il"; "imma" to "ima".
# "1" is "I" written in leet on its own ("1 want to d13"), which stage 3 leaves alone as it looks like a number.
_FIRST_PERSON = frozenset({"i", "im", "ive", "id", "il", "me", "my", "myself", "mine", "ima", "mysel", "1"})
_SECOND_PERSON = frozenset(
    {"you", "u", "ur", "your", "youre", "yourself", "urself", "ya", "yal", "yourselves"}
)

_CONTEXT_CHARS = 80
_WORD = re.compile(r"\S+")


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


@dataclass(frozen=True, slots=True)
class _Target:
    kind: str  # "entry", "negative" or "topic"
    index: int  # entry index, context index (-1 - entry index for an entry's own negatives) or topic index
    phrase: str
    personal: bool  # the phrase itself contains a first- or second-person word
    first_person: bool  # the phrase itself contains a first-person word


# Text-speak spellings of common words, expanded in phrases so the lexicon can be written in plain English.
_WORD_VARIANTS = {
    "you": ("u",),
    "your": ("ur",),
    "youre": ("ur", "your"),
    "to": ("2",),
    "for": ("4",),
}
_PAIR_VARIANTS = {("going", "to"): "gonna", ("want", "to"): "wanna", ("got", "to"): "gotta"}
_MAX_VARIANTS = 16


def _variants(phrase: str) -> list[str]:
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
    return out


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


class Scanner:
    """Scans text against a lexicon. Building one compiles the matcher (cached per lexicon version).

    Thread-safe: a scanner holds no per-scan state.
    """

    def __init__(self, lexicon: Lexicon | None = None, *, backend: str | None = None) -> None:
        self.lexicon = lexicon if lexicon is not None else shipped_lexicon()
        targets: list[_Target] = []
        patterns: list[Pattern] = []

        def add(kind: str, index: int, phrase: str) -> None:
            words = set(_pattern(phrase)[0].split())
            first = bool(words & _FIRST_PERSON)
            personal = first or bool(words & _SECOND_PERSON)
            for variant in _variants(phrase) if kind != "topic" else [phrase]:
                # Every variant reports the phrase as written in the lexicon, so a suppression of that
                # phrase covers its variants too.
                targets.append(_Target(kind, index, phrase, personal, first))
                patterns.append(_pattern(variant))

        for i, entry in enumerate(self.lexicon.entries):
            for phrase in entry.phrases:
                add("entry", i, phrase)
            for phrase in entry.negatives:
                add("negative", -1 - i, phrase)
        for i, context in enumerate(self.lexicon.contexts):
            for phrase in context.phrases:
                add("negative", i, phrase)
        for i, topic in enumerate(self.lexicon.topics):
            for phrase in topic.markers:
                add("topic", i, phrase)
        self._targets = targets
        self._patterns = patterns
        self._matcher: Matcher = build_matcher(
            tuple(patterns), tuple(t.kind == "entry" for t in targets), backend
        )
        self.backend = self._matcher.backend
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
        if not self._matcher.candidates([text]):
            return []
        return self._scan_candidate(text, threshold, groups)

    def scan_many(
        self, texts: Sequence[str], *, threshold: int = DEFAULT_THRESHOLD, groups: Collection[str] = ()
    ) -> list[list[Hit]]:
        """``scan`` for many texts at once (much faster than one by one: one matcher pass for the batch)."""
        results: list[list[Hit]] = [[] for _ in texts]
        for i in self._matcher.candidates(texts):
            results[i] = self._scan_candidate(texts[i], threshold, groups)
        return results

    def _suppressed_rules(self, groups: Collection[str]) -> set[str]:
        out = set(self._suppressed.get("*", ()))
        for group in groups:
            out |= self._suppressed.get(group, set())
        return out

    def _scan_exact(self, text: str, threshold: int, groups: Collection[str]) -> list[Hit]:
        """The hits in ``text`` without the matcher's batch pre-filter (the reference the tests hold it to)."""
        # The offset-keeping normaliser costs several times more than the plain one, so it only runs when the
        # plain one shows an entry's phrase.
        if not any(self._targets[i].kind == "entry" for i, _, _ in self._matcher.find(normalise_fast(text))):
            return []
        return self._scan_candidate(text, threshold, groups)

    def _scan_candidate(self, text: str, threshold: int, groups: Collection[str]) -> list[Hit]:
        """The hits in a text whose normalised form holds an entry's phrase (a matcher candidate)."""
        norm = normalise(text)
        found: list[tuple[_Target, int, int]] = []
        for index, start, end in self._matcher.find(norm.text):
            runs = self._patterns[index][1]
            # "meet" must not match "met": every run in the text is at least as long as the phrase's run.
            if all(norm.runs[start + k] >= r for k, r in enumerate(runs)):
                s = start + 1 if norm.text[start] == " " else start
                e = end - 1 if norm.text[end - 1] == " " and end - 1 > s else end
                if norm.text[e - 1] != " ":
                    # A stem ("suicid*") reports the whole word it matched ("suicidal").
                    while e < len(norm.text) and norm.text[e] != " ":
                        e += 1
                found.append((self._targets[index], s, e))
        entries = [f for f in found if f[0].kind == "entry"]
        if not entries:
            return []
        negatives = [f for f in found if f[0].kind == "negative"]
        topics = [(f[0].index, f[1], f[2]) for f in found if f[0].kind == "topic"]
        suppressed = self._suppressed_rules(groups)
        hits: list[tuple[Entry, _Target, int, int]] = []
        for target, s, e in entries:
            entry = self.lexicon.entries[target.index]
            if entry.severity < threshold or entry.rule in suppressed or target.phrase in suppressed:
                continue
            if entry.first_person and not target.first_person and not _near_first_person(norm, s, e, entry):
                continue
            # A topic word that is part of the hit ("the holocaust never happened") does not excuse it.
            markers = [
                (ts, te)
                for t, ts, te in topics
                if not (ts < e and s < te) and entry.category in self.lexicon.topics[t].categories
            ]
            if markers and not target.personal and not _speaks_for_self(norm, s, e, markers):
                continue
            # A negative context must cover the whole hit: "cut myself on the" excuses "cut myself", but "i'm
            # starving" must not excuse "starving myself".
            if any(
                ns <= s and e <= ne and _negates(n, entry, target.index, self.lexicon)
                for n, ns, ne in negatives
            ):
                continue
            hits.append((entry, target, s, e))
        return _best_per_span(text, norm, hits)


def _near_first_person(norm: Normalised, start: int, end: int, entry: Entry) -> bool:
    before = norm.text[:start].split()[-entry.window :]
    after = norm.text[end:].split()[: entry.window]
    return any(w in _FIRST_PERSON for w in before) or any(w in _FIRST_PERSON for w in after)


def _speaks_for_self(norm: Normalised, start: int, end: int, markers: list[tuple[int, int]]) -> bool:
    """A first-person word within three words of the hit, with no topic word in between.

    "I have been self harming" (after a PSHE lesson) is a disclosure; "I think Juliet stabs herself" is an
    essay: the topic word sits between the "I" and the hit.
    """
    text = norm.text
    before = [m for m in _WORD.finditer(text, 0, start)][-3:]
    after = list(itertools.islice(_WORD.finditer(text, end), 3))
    for word in before:
        if word.group() in _FIRST_PERSON and not any(word.end() <= ms and me <= start for ms, me in markers):
            return True
    for word in after:
        if word.group() in _FIRST_PERSON and not any(end <= ms and me <= word.start() for ms, me in markers):
            return True
    return False


def _negates(negative: _Target, entry: Entry, entry_index: int, lexicon: Lexicon) -> bool:
    if negative.index < 0:
        return -1 - negative.index == entry_index
    return entry.category in lexicon.contexts[negative.index].categories


def _best_per_span(text: str, norm: Normalised, hits: list[tuple[Entry, _Target, int, int]]) -> list[Hit]:
    """One hit per category and overlapping stretch of text: the most severe, then the longest."""
    hits.sort(key=lambda h: (h[2], -h[3]))
    kept: list[tuple[Entry, _Target, int, int]] = []
    for hit in hits:
        entry, _target, s, e = hit
        clash = next(
            (
                k
                for k, (other, _, os, oe) in enumerate(kept)
                if other.category == entry.category and os < e and s < oe
            ),
            None,
        )
        if clash is None:
            kept.append(hit)
            continue
        other, _, os, oe = kept[clash]
        if (entry.severity, e - s) > (other.severity, oe - os):
            kept[clash] = hit
    out = []
    for entry, target, s, e in kept:
        start, end = norm.original_span(s, e)
        out.append(
            Hit(
                category=entry.category,
                severity=entry.severity,
                rule=entry.rule,
                evidence=text[start:end],
                start=start,
                end=end,
                context=_context(text, start, end),
                phrase=target.phrase,
            )
        )
    out.sort(key=lambda h: (h.start, h.end, h.category))
    return out
