"""The evidence registry: every figure on the governance pages comes from the room that holds the records.

A room contributes providers in its own ``esafety/<room>/figures.py``::

    from esafety.governance.evidence import Measure, Period, register

    def by_month(school: School, period: Period) -> Measure:
        ...
        return Measure("31 incidents this year", value=31, unit="incidents", series=(("Sep", 4), ...))

    register("incidents.by_month", "Incidents by month", by_month)

The governance room imports every ``figures`` module once with ``autodiscover_modules`` and asks for figures by
key. A key that no installed room provides answers ``Evidence(measure=None)``, shown as "Not recorded in
esafety": a room that has not landed is never mistaken for a school with nothing to report.

``CATALOGUE`` lists every key the dashboard, the annual review and the governors' report ask for, including the
ones other rooms are expected to provide (docs/governance.md gives each key's shape). A provider must never put
a child's or a member of staff's name in anything it returns: governors read every field.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime, time
from functools import cache
from typing import TYPE_CHECKING

from django.utils import timezone
from django.utils.module_loading import autodiscover_modules

if TYPE_CHECKING:
    from esafety.people.models import School

NOT_RECORDED = "Not recorded in esafety"
MONTHS = ("Sep", "Oct", "Nov", "Dec", "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug")


@dataclass(frozen=True)
class Period:
    """A school year, 1 September to 31 August (``end`` is the first day after it)."""

    start: date
    end: date

    @classmethod
    def school_year(cls, first_year: int) -> Period:
        return cls(date(first_year, 9, 1), date(first_year + 1, 9, 1))

    @classmethod
    def containing(cls, day: date) -> Period:
        return cls.school_year(day.year if day.month >= 9 else day.year - 1)

    @property
    def first_year(self) -> int:
        return self.start.year

    @property
    def label(self) -> str:
        return f"{self.start.year}/{str(self.start.year + 1)[-2:]}"

    @property
    def start_at(self) -> datetime:
        return timezone.make_aware(datetime.combine(self.start, time.min))

    @property
    def end_at(self) -> datetime:
        return timezone.make_aware(datetime.combine(self.end, time.min))

    def month_index(self, day: date) -> int:
        """0 for September ... 11 for August."""
        return (day.month - 9) % 12

    def previous(self) -> Period:
        return Period.school_year(self.first_year - 1)


@dataclass(frozen=True)
class Measure:
    """What a provider returns.

    ``summary`` is one sentence for people ("28 of 31 staff up to date (90%)"); ``value`` and ``unit`` the headline
    figure; ``series`` labelled numbers drawn as a bar chart (in order); ``rows`` extra label/value lines;
    ``ok`` whether the figure meets what the standard asks (None: no judgement, the reviewers decide).
    """

    summary: str
    value: float | None = None
    unit: str = ""
    series: tuple[tuple[str, float], ...] = ()
    series_unit: str = ""
    rows: tuple[tuple[str, str], ...] = ()
    ok: bool | None = None

    def as_data(self) -> dict[str, object]:
        return {
            "summary": self.summary,
            "value": self.value,
            "unit": self.unit,
            "series": [list(pair) for pair in self.series],
            "series_unit": self.series_unit,
            "rows": [list(pair) for pair in self.rows],
            "ok": self.ok,
        }


@dataclass(frozen=True)
class Evidence:
    key: str
    label: str
    room: str
    measure: Measure | None

    @property
    def recorded(self) -> bool:
        return self.measure is not None

    @property
    def summary(self) -> str:
        return self.measure.summary if self.measure else NOT_RECORDED


Provider = Callable[["School", Period], Measure]


@dataclass(frozen=True)
class Expected:
    key: str
    label: str
    room: str


# Every key the governance pages ask for. Keys of rooms not yet installed show as "Not recorded in esafety".
CATALOGUE: tuple[Expected, ...] = (
    Expected("incidents.by_category", "Incidents by category", "incidents"),
    Expected("incidents.by_month", "Incidents by month", "incidents"),
    Expected("incidents.response", "Time to triage and close incidents", "incidents"),
    Expected("monitoring.alerts_by_severity", "Monitoring alerts by severity", "monitoring"),
    Expected("monitoring.time_to_review", "Time to review monitoring alerts", "monitoring"),
    Expected("filtering.test_results", "Filter checks per group", "filtering"),
    Expected("filtering.blocks", "Filter blocks by category", "filtering"),
    Expected("filtering.change_requests", "Filter change requests and their reasons", "filtering"),
    Expected("policies.acknowledgement_completion", "Policy acknowledgements", "policies"),
    Expected("consent.completion", "Parental consent returned", "consent"),
    Expected("registers.antivirus_freshness", "Device anti-virus up to date", "registers"),
    Expected("training.compliance", "Staff training up to date", "training"),
    Expected("training.named_people", "Role training of the named people", "training"),
    Expected("curriculum.coverage", "E-safety curriculum coverage", "training"),
    Expected("curriculum.resource_reviews", "Teaching resources reviewed", "training"),
    Expected("governance.responsible_people", "Named responsible people", "governance"),
    Expected("governance.last_review", "Last annual filtering and monitoring review", "governance"),
    Expected("governance.overdue_actions", "Review actions overdue", "governance"),
)
_EXPECTED = {item.key: item for item in CATALOGUE}

_PROVIDERS: dict[str, tuple[str, Provider]] = {}


def register(key: str, label: str, provider: Provider) -> None:
    """Add a provider. Keys are ``<room>.<figure>``; registering a key twice is a mistake and fails loudly."""
    if key in _PROVIDERS and _PROVIDERS[key][1] is not provider:
        raise ValueError(f"evidence key {key!r} is already provided")
    _PROVIDERS[key] = (label, provider)


@cache
def _discover() -> None:
    autodiscover_modules("figures")


def provided_keys() -> set[str]:
    _discover()
    return set(_PROVIDERS)


def get(school: School, period: Period, key: str) -> Evidence:
    _discover()
    expected = _EXPECTED.get(key)
    room = expected.room if expected else key.split(".", 1)[0]
    if key not in _PROVIDERS:
        return Evidence(key, expected.label if expected else key, room, None)
    label, provider = _PROVIDERS[key]
    return Evidence(key, label, room, provider(school, period))


def collect(school: School, period: Period, keys: Iterable[str] | None = None) -> dict[str, Evidence]:
    """Figures for ``keys`` (every catalogued key by default), each asked for once."""
    wanted = list(keys) if keys is not None else [item.key for item in CATALOGUE]
    return {key: get(school, period, key) for key in dict.fromkeys(wanted)}


def percent(part: float, whole: float) -> int:
    return round(100 * part / whole) if whole else 0


def monthly(period: Period, days: Iterable[date]) -> tuple[tuple[str, float], ...]:
    """Counts per month of the school year, September first: the shape of every "by month" series."""
    counts = [0] * 12
    for day in days:
        if period.start <= day < period.end:
            counts[period.month_index(day)] += 1
    return tuple(zip(MONTHS, counts, strict=True))
