"""Retention and subject access registries: each room says how long its records are kept, disposes of its own,
and hands over what it holds about a person.

A room contributes in its own ``esafety/<room>/records.py`` (imported once with ``autodiscover_modules``)::

    register_record_type(RecordType(
        key="incidents.child_protection", label="Child-protection records", room="incidents",
        unit=Unit.YEARS, default=25, rule="years after the child's date of birth",
        source="IRMS toolkit for schools 2019, 1.1; KCSIE", disposer=dispose_child_protection))
    register_gatherer("incidents", "Safeguarding log", gather_incidents)

A **disposer** ``(school, period, today, holds) -> Disposed`` removes or anonymises the room's records that are due
and skips any a legal hold covers; it never writes the audit trail itself (``dispose_due`` records the counts).
A **gatherer** ``(school, person, requester) -> Section`` returns what the room holds about the person, leaving
out other people's information and records the requester's role may not release, and lists each redaction.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from functools import cache
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils import timezone
from django.utils.module_loading import autodiscover_modules

from esafety.audit.actions import record
from esafety.governance.models import DisposalRun, LegalHold, RetentionSetting

if TYPE_CHECKING:
    from esafety.accounts.models import User
    from esafety.people.models import Person, School


class Unit(StrEnum):
    DAYS = "days"
    YEARS = "years"


@dataclass(frozen=True)
class Holds:
    """The active legal holds of one school, as sets a disposer can test against."""

    person_ids: frozenset[int] = frozenset()
    records: frozenset[tuple[str, str]] = frozenset()

    def covers(
        self, record_type: str, object_id: Any, person_ids: set[int] | frozenset[int] = frozenset()
    ) -> bool:
        return (record_type, str(object_id)) in self.records or bool(self.person_ids & set(person_ids))

    @classmethod
    def of(cls, school: School) -> Holds:
        holds = LegalHold.objects.active().filter(school=school)
        return cls(
            frozenset(h.person_id for h in holds if h.person_id),
            frozenset((h.record_type, h.object_id) for h in holds if h.record_type and h.object_id),
        )


@dataclass
class Disposed:
    removed: int = 0
    anonymised: int = 0
    held: int = 0
    undated: int = 0  # kept because the date that starts the clock (e.g. a date of birth) is unknown

    def as_data(self) -> dict[str, int]:
        return {
            "removed": self.removed,
            "anonymised": self.anonymised,
            "held": self.held,
            "undated": self.undated,
        }


Disposer = Callable[["School", int, date, Holds], Disposed]


@dataclass(frozen=True)
class RecordType:
    key: str
    label: str
    room: str
    unit: Unit
    default: int
    rule: str  # completes "kept for N <unit> ...": "after the child's date of birth"
    source: str
    disposer: Disposer
    # Where a room already keeps the period (monitoring captures: School.retention_days), read and write it there.
    read_period: Callable[[School], int] | None = None
    write_period: Callable[[School, int], None] | None = None


@dataclass(frozen=True)
class ExpectedType:
    key: str
    label: str
    room: str
    source: str


# Record types of rooms built separately; until a room registers its own they show as not recorded in esafety.
EXPECTED_TYPES = (
    ExpectedType(
        "filtering.logs", "Filter logs", "filtering", "School-set short period (DfE standards; UK GDPR)"
    ),
    ExpectedType("filtering.change_requests", "Filter change requests", "filtering", "School-set"),
    ExpectedType(
        "policies.acknowledgements", "Policy acknowledgements", "policies", "IRMS toolkit: as the school sets"
    ),
    ExpectedType(
        "consent.forms", "Parental consent forms", "consent", "IRMS toolkit: while the pupil attends + 1 year"
    ),
    ExpectedType("registers.confiscations", "Confiscation records", "registers", "School-set"),
)


@dataclass
class Section:
    """What one room holds about a person, as the subject access export shows it."""

    title: str
    entries: list[dict[str, str]] = field(default_factory=list)
    redactions: list[str] = field(default_factory=list)


Gatherer = Callable[["School", "Person", "User"], Section]

_TYPES: dict[str, RecordType] = {}
_GATHERERS: dict[str, tuple[str, Gatherer]] = {}


def register_record_type(record_type: RecordType) -> None:
    _TYPES[record_type.key] = record_type


def register_gatherer(key: str, label: str, gatherer: Gatherer) -> None:
    _GATHERERS[key] = (label, gatherer)


@cache
def _discover() -> None:
    autodiscover_modules("records")


def record_types() -> list[RecordType]:
    _discover()
    return sorted(_TYPES.values(), key=lambda t: (t.room, t.key))


def record_type(key: str) -> RecordType:
    _discover()
    return _TYPES[key]


def missing_types() -> list[ExpectedType]:
    _discover()
    return [expected for expected in EXPECTED_TYPES if expected.key not in _TYPES]


def gatherers() -> list[tuple[str, str, Gatherer]]:
    _discover()
    return [(key, label, gatherer) for key, (label, gatherer) in _GATHERERS.items()]


def period_of(school: School, record_type: RecordType) -> int:
    if record_type.read_period is not None:
        return record_type.read_period(school)
    found = RetentionSetting.objects.filter(school=school, record_type=record_type.key).first()
    return found.period if found else record_type.default


def set_period(school: School, record_type: RecordType, period: int, *, by: User) -> None:
    with transaction.atomic():
        before = period_of(school, record_type)
        if record_type.write_period is not None:
            record_type.write_period(school, period)
        else:
            RetentionSetting.objects.update_or_create(
                school=school,
                record_type=record_type.key,
                defaults={"period": period, "updated_by": by, "updated_at": timezone.now()},
            )
        record(
            "retention.set_period",
            actor=by,
            school=school,
            object_repr=record_type.label,
            detail={"record_type": record_type.key, "from": before, "to": period, "unit": record_type.unit},
        )


def dispose_due(school: School, today: date | None = None) -> dict[str, dict[str, int]]:
    """Run every room's disposer for the school; record the counts (never content) in the audit trail.

    Each record type is disposed of in its own transaction with its audit entry, so a failure in one room
    leaves the others' work, and its entry, intact.
    """
    today = today or timezone.localdate()
    holds = Holds.of(school)
    counts: dict[str, dict[str, int]] = {}
    for record_type in record_types():
        with transaction.atomic():
            result = record_type.disposer(school, period_of(school, record_type), today, holds)
            counts[record_type.key] = result.as_data()
            if result.removed or result.anonymised:
                record(
                    "retention.dispose",
                    school=school,
                    object_repr=record_type.label,
                    detail={"record_type": record_type.key, **result.as_data()},
                )
    DisposalRun.objects.create(school=school, counts=counts)
    return counts


def dispose_all(today: date | None = None) -> dict[str, dict[str, dict[str, int]]]:
    from esafety.people.models import School

    return {school.slug: dispose_due(school, today) for school in School.objects.all()}


def add_years(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)
