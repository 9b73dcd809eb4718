"""The one place the Django app meets the framework-free scanner.

A scanner compiles its matcher when built (about a second and a half with Hyperscan), so each process keeps one
per distinct lexicon: the shipped files plus a school's additions and suppressions, keyed by a hash of that
school data. A school that changes its terms gets a new key, and the old scanner ages out of the small cache.
"""

from __future__ import annotations

import hashlib
import json
import threading
from collections import OrderedDict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from django.utils import timezone

from esafety.monitoring.scanner import EvaluationReport, Hit, Lexicon, Scanner, evaluate, shipped_lexicon

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
