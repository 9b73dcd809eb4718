"""The one place the Django app meets the framework-free scanner.

A scanner compiles its matcher when built (about a second and a half with Hyperscan), so each process keeps one
per distinct lexicon: the shipped files plus a school's additions and suppressions, keyed by a hash of that
school data. A school that changes its terms gets a new key, and the old scanner ages out of the small cache.
"""

from __future__ import annotations

import hashlib
import json
import threading
import weakref
from collections import OrderedDict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any, cast

from django.utils import timezone

from esafety.monitoring.scanner import (
    EvaluationReport,
    Hit,
    Lexicon,
    Scanner,
    evaluate,
    evaluate_sets,
    load_evaluation_set,
    normalise,
    shipped_lexicon,
)

if TYPE_CHECKING:
    from esafety.people.models import School

_CACHE_SIZE = 16
_cache: OrderedDict[str, Scanner] = OrderedDict()
_lock = threading.Lock()


def _key(additions: Sequence[Mapping[str, object]], suppressions: Sequence[Mapping[str, object]]) -> str:
    body = json.dumps([list(additions), list(suppressions)], sort_keys=True, default=str)
    return hashlib.sha256(body.encode()).hexdigest()


def build_scanner(
    additions: Sequence[Mapping[str, object]] = (), suppressions: Sequence[Mapping[str, object]] = ()
) -> Scanner:
    """A scanner for the shipped lexicon plus ``additions`` and ``suppressions`` (cached per process)."""
    key = _key(additions, suppressions)
    with _lock:
        if key in _cache:
            _cache.move_to_end(key)
            return _cache[key]
    lexicon: Lexicon = shipped_lexicon().with_changes(additions=additions, suppressions=suppressions)
    scanner = Scanner(lexicon)
    with _lock:
        _cache[key] = scanner
        while len(_cache) > _CACHE_SIZE:
            _cache.popitem(last=False)
    return scanner


def school_data(school: School) -> tuple[list[dict[str, object]], list[dict[str, object]]]:
    from esafety.monitoring.models import LexiconAddition, LexiconSuppression

    additions = [a.as_data() for a in LexiconAddition.objects.filter(school=school).order_by("pk")]
    suppressions = [s.as_data() for s in LexiconSuppression.objects.filter(school=school).order_by("pk")]
    return additions, suppressions


def scanner_for(school: School) -> Scanner:
    return build_scanner(*school_data(school))


def groups_for(person: Any) -> list[str]:
    """The groups a suppression can name for ``person``: year group, class, "Staff" or "Pupils"."""
    if person is None:
        return []
    groups = [g for g in (person.year_group, person.class_name) if g]
    groups.append(
        "Pupils"
        if person.kind == "pupil"
        else "Staff"
        if person.kind in ("staff", "supply", "trainee")
        else person.kind.title()
    )
    return groups


@dataclass(frozen=True)
class ScanResult:
    hits: list[Hit]
    threshold: int
    enhanced: Any  # the active EnhancedMonitoring for the person, or None


def active_enhanced(school: School, person: Any, on: date | None = None) -> Any:
    from esafety.monitoring.models import EnhancedMonitoring

    if person is None:
        return None
    return (
        EnhancedMonitoring.objects.active(on)
        .filter(school=school, person=person)
        .order_by("threshold")
        .first()
    )


def scan(school: School, text: str, person: Any = None, *, on: date | None = None) -> ScanResult:
    """Hits for ``text`` written by ``person`` at ``school``, with the school's terms and the person's groups.

    Enhanced monitoring lowers the threshold to its own (usually 1).
    """
    from esafety.monitoring.models import MonitoringSettings

    threshold = MonitoringSettings.for_school(school).threshold
    enhanced = active_enhanced(school, person, on or timezone.localdate())
    if enhanced is not None:
        threshold = min(threshold, enhanced.threshold)
    hits = scanner_for(school).scan(text, threshold=threshold, groups=groups_for(person))
    hits = without_allowed(hits, allowed_for(school))
    return ScanResult(hits=hits, threshold=threshold, enhanced=enhanced)


@dataclass(frozen=True)
class Preview:
    before: EvaluationReport
    after: EvaluationReport

    def rows(self) -> list[tuple[str, float, float]]:
        return [(c, self.before.recall[c], self.after.recall.get(c, 0.0)) for c in sorted(self.before.recall)]


def preview(
    school: School,
    *,
    additions: Iterable[Mapping[str, object]] = (),
    suppressions: Iterable[Mapping[str, object]] = (),
    groups: Sequence[str] = (),
) -> Preview:
    """The evaluation set scored with the school's lexicon now and with the proposed changes on top."""
    current_add, current_supp = school_data(school)
    before = evaluate(build_scanner(current_add, current_supp), groups=groups)
    after = evaluate(build_scanner([*current_add, *additions], [*current_supp, *suppressions]), groups=groups)
    return Preview(before, after)


def describe_rule(rule: str) -> str:
    """The rule's plain-words description from the scanner's lexicon (``"self_harm.imminent"`` -> "Plans or
    signs of an attempt on their life now ..."); words made from the id for a rule not shipped."""
    return shipped_lexicon().describe(rule)


# The school's allow list ------------------------------------------------------------------------------------
#
# A phrase reviewers dismissed is compared with a hit's words as the normaliser writes them (so "W33D" and
# "weed" are one phrase), in one category, up to a severity. It filters the scanner's hits here, on the Django
# side: the scanner and its lexicon stay the same for every school.

# (category, normalised words, highest severity hidden)
Allowed = tuple[str, str, int]


def allow_key(words: str) -> str:
    """The normalised form of a hit's words: what an allowed phrase is compared with."""
    return " ".join(normalise(words).text.split())


def allowed_for(school: School) -> list[Allowed]:
    from esafety.monitoring.models import AllowedPhrase

    rows = AllowedPhrase.objects.allowed().filter(school=school)
    return [(c, k, m) for c, k, m in rows.values_list("category", "key", "max_severity")]


def without_allowed(hits: Sequence[Hit], allowed: Iterable[Allowed]) -> list[Hit]:
    """``hits`` less those an allowed phrase covers: same category, same normalised words, severity at most the
    phrase's ``max_severity``."""
    limits: dict[tuple[str, str], int] = {}
    for category, key, most in allowed:
        limits[(category, key)] = max(most, limits.get((category, key), 0))
    if not limits:
        return list(hits)
    return [h for h in hits if h.severity > limits.get((h.category, allow_key(h.evidence)), 0)]


# The evaluation sets' hits by scanner: the preview scores every set before and after the change, and again at
# each visit, but a scanner's hits on a set change only with the lexicon (which is a new Scanner). Weak keys, so
# the hits go when the scanner leaves the cache above.
_set_hits: weakref.WeakKeyDictionary[Scanner, dict[tuple[Any, ...], list[list[Hit]]]] = (
    weakref.WeakKeyDictionary()
)


class _RememberingScanner:
    """A scanner that scans a batch of texts once per process and answers the same batch again from memory."""

    def __init__(self, scanner: Scanner) -> None:
        self.scanner = scanner

    def scan_many(self, texts: Sequence[str], **options: Any) -> list[list[Hit]]:
        key = (tuple(texts), *sorted((name, repr(value)) for name, value in options.items()))
        with _lock:
            remembered = _set_hits.setdefault(self.scanner, {})
            if key in remembered:
                return remembered[key]
        hits = self.scanner.scan_many(texts, **options)
        with _lock:
            remembered[key] = hits
        return hits


class _AllowingScanner:
    """A scanner whose hits pass through an allow list, for ``evaluate_sets`` (which only calls ``scan_many``)."""

    def __init__(self, scanner: Scanner, allowed: Sequence[Allowed]) -> None:
        self.scanner, self.allowed = scanner, list(allowed)

    def scan_many(self, texts: Sequence[str], **options: Any) -> list[list[Hit]]:
        return [without_allowed(h, self.allowed) for h in self.scanner.scan_many(texts, **options)]


_SET_LABELS = {"original": "original", "heldout": "held-out", "dev": "development"}


@dataclass(frozen=True)
class SetFigures:
    """One evaluation set before and after an allow-list change: figures only (the held-out set's texts are never
    shown; ``newly_missed`` is filled for the original set alone)."""

    name: str
    before: EvaluationReport
    after: EvaluationReport
    newly_missed: list[tuple[str, str, str]]  # (category, message id, text), original set only

    def rows(self) -> list[tuple[str, float, float]]:
        return [(c, self.before.recall[c], self.after.recall.get(c, 0.0)) for c in sorted(self.before.recall)]

    @property
    def label(self) -> str:
        return _SET_LABELS.get(self.name, self.name.replace("_", " "))

    def table(self) -> list[dict[str, Any]]:
        """``rows`` as percentages with the direction of the change, for pages."""
        return [
            {
                "category": c,
                "before": 100 * b,
                "after": 100 * a,
                "change": "lower" if a < b else "higher" if a > b else "",
            }
            for c, b, a in self.rows()
        ]

    @property
    def loses_recall(self) -> bool:
        return any(after < before for _c, before, after in self.rows())

    def as_data(self) -> dict[str, object]:
        return {
            "recall_before": {c: round(b, 4) for c, b, _a in self.rows()},
            "recall_after": {c: round(a, 4) for c, _b, a in self.rows()},
            "false_per_1000_before": round(self.before.false_alerts_per_1000, 2),
            "false_per_1000_after": round(self.after.false_alerts_per_1000, 2),
            "benign": self.before.benign,
        }


@dataclass(frozen=True)
class AllowPreview:
    sets: list[SetFigures]

    @property
    def loses_recall(self) -> bool:
        return any(s.loses_recall for s in self.sets)

    def as_data(self) -> dict[str, object]:
        return {s.name: s.as_data() for s in self.sets}


def preview_allow(school: School, category: str, key: str, max_severity: int) -> AllowPreview:
    """Every evaluation set (original, held-out, and any other ``evaluate_sets`` knows) scored with the school's
    lexicon and allow list now, and with ``key`` allowed in ``category`` up to ``max_severity``."""
    scanner = cast(Scanner, _RememberingScanner(scanner_for(school)))
    current = allowed_for(school)
    # evaluate_sets reads the scanner's scan_many only; the wrapper is a Scanner to it in all that matters.
    before = evaluate_sets(cast(Scanner, _AllowingScanner(scanner, current)))
    after = evaluate_sets(cast(Scanner, _AllowingScanner(scanner, [*current, (category, key, max_severity)])))
    texts: dict[str, str] = {}
    sets = []
    for name, report in before.items():
        newly: list[tuple[str, str, str]] = []
        if name == "original":
            texts = {m.id: m.text for m in load_evaluation_set("original")}
            for cat, ids in sorted(after[name].missed.items()):
                was = set(report.missed.get(cat, []))
                newly += [(cat, i, texts.get(i, "")) for i in ids if i not in was]
        sets.append(SetFigures(name, report, after[name], newly))
    return AllowPreview(sets)
