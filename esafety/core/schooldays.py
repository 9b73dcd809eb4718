"""School days: weekdays that are not in one of the school's closures (holidays, INSET days).

Pure functions, no Django: the closures come in as arguments. A school keeps its closures as text, one date or
range a line (``2026-12-21 to 2027-01-01``, ``2027-02-15``), which ``parse_closures`` reads and checks.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, timedelta

__all__ = [
    "Closure",
    "ClosureError",
    "is_school_day",
    "latest_start",
    "parse_closures",
    "school_days_after",
    "school_days_between",
]

Closure = tuple[date, date]  # first and last day, both included

_MAX_WALK = 3660  # ten years of days: a bound on every walk, so no input can loop for long


class ClosureError(ValueError):
    """A line of closures that is not a date or a range of dates."""


def parse_closures(text: str) -> list[Closure]:
    """Read one closure a line: ``YYYY-MM-DD`` or ``YYYY-MM-DD to YYYY-MM-DD``; blank lines and ``#`` comments
    are skipped. Raises ``ClosureError`` naming the first line it cannot read."""
    closures = []
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        parts = [part.strip() for part in line.replace("–", " to ").split(" to ")]
        try:
            days = [date.fromisoformat(part) for part in parts]
        except ValueError:
            raise ClosureError(f"Line {number} (“{raw.strip()}”) is not a date like 2026-12-21.") from None
        if len(days) not in (1, 2):
            raise ClosureError(f"Line {number} (“{raw.strip()}”): give one date, or two joined by “to”.")
        first, last = days[0], days[-1]
        if last < first:
            raise ClosureError(f"Line {number} (“{raw.strip()}”) ends before it starts.")
        closures.append((first, last))
    return closures


def is_school_day(day: date, closures: Iterable[Closure] = ()) -> bool:
    return day.weekday() < 5 and not any(first <= day <= last for first, last in closures)


def _weekdays_through(day: date) -> int:
    """Weekdays from 1 January of year 1 (a Monday) up to and including ``day``."""
    n = day.toordinal()
    return (n // 7) * 5 + min(n % 7, 5)


def _merged(closures: Sequence[Closure]) -> list[Closure]:
    merged: list[Closure] = []
    for first, last in sorted(closures):
        if merged and first <= merged[-1][1] + timedelta(days=1):
            merged[-1] = (merged[-1][0], max(merged[-1][1], last))
        else:
            merged.append((first, last))
    return merged


def school_days_between(start: date, end: date, closures: Sequence[Closure] = ()) -> int:
    """School days after ``start`` up to and including ``end`` (0 when ``end`` is not after ``start``): a report
    made on Friday is 1 school day old on Monday. Counted, not walked: weekdays by arithmetic, less the
    weekdays of each (merged) closure inside the range, so a list of two-year-old reports stays cheap."""
    end = min(end, start + timedelta(days=_MAX_WALK))
    if end <= start:
        return 0
    days = _weekdays_through(end) - _weekdays_through(start)
    for first, last in _merged(closures):
        lo, hi = max(first, start + timedelta(days=1)), min(last, end)
        if lo <= hi:
            days -= _weekdays_through(hi) - _weekdays_through(lo - timedelta(days=1))
    return days


def school_days_after(start: date, days: int, closures: Sequence[Closure] = ()) -> date:
    """The ``days``-th school day after ``start`` (KCSIE's "within five school days" of a pupil leaving): the
    first day ``end`` with ``school_days_between(start, end) == days``."""
    current = start
    for _ in range(_MAX_WALK):
        if days <= 0:
            break
        current += timedelta(days=1)
        if is_school_day(current, closures):
            days -= 1
    return current


def latest_start(end: date, count: int, closures: Sequence[Closure] = ()) -> date:
    """The latest day ``start`` with ``school_days_between(start, end) >= count``: what is ``count`` school days
    old on ``end`` was made on or before it (the age filter of a list turns into one date comparison)."""
    current, seen = end, 0
    for _ in range(_MAX_WALK):
        if seen >= count:
            break
        if is_school_day(current, closures):
            seen += 1
        current -= timedelta(days=1)
    return current
