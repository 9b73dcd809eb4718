"""School days are counted by arithmetic, not by walking the calendar: golden cases worked out on a calendar by
hand, and a property test against the plain day-by-day walk (the definition) for random dates and closures."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from esafety.core.schooldays import Closure, school_days_after, school_days_between

HALF_TERM = (date(2026, 10, 26), date(2026, 10, 30))  # Monday to Friday


def walk(start: date, end: date, closures: list[Closure]) -> int:
    """The definition, one day at a time."""
    days, current = 0, start
    while current < end:
        current += timedelta(days=1)
        if current.weekday() < 5 and not any(first <= current <= last for first, last in closures):
            days += 1
    return days


def test_a_report_made_on_friday_is_one_school_day_old_on_monday() -> None:
    assert school_days_between(date(2026, 11, 27), date(2026, 11, 30)) == 1


def test_a_weekend_and_nothing_else_is_not_a_school_day() -> None:
    assert school_days_between(date(2026, 11, 27), date(2026, 11, 29)) == 0


def test_half_term_does_not_count() -> None:
    # Friday 23 Oct to Monday 2 Nov 2026, half term between: only the Monday.
    assert school_days_between(date(2026, 10, 23), date(2026, 11, 2), [HALF_TERM]) == 1


def test_overlapping_closures_are_not_taken_off_twice() -> None:
    inset = (date(2026, 10, 29), date(2026, 11, 2))  # overlaps half term and adds Monday 2 Nov
    assert school_days_between(date(2026, 10, 23), date(2026, 11, 3), [HALF_TERM, inset]) == 1


def test_no_days_when_the_end_is_not_after_the_start() -> None:
    assert school_days_between(date(2026, 11, 30), date(2026, 11, 30)) == 0
    assert school_days_between(date(2026, 11, 30), date(2026, 11, 1)) == 0


def test_five_school_days_after_a_monday_leaving_date_is_the_next_monday() -> None:
    # KCSIE: a safeguarding file goes to the new school within five school days of the pupil leaving.
    assert school_days_after(date(2026, 11, 30), 5) == date(2026, 12, 7)


def test_five_school_days_after_friday_before_half_term_skip_the_whole_week() -> None:
    assert school_days_after(date(2026, 10, 23), 5, [HALF_TERM]) == date(2026, 11, 6)


days = st.dates(min_value=date(2020, 1, 1), max_value=date(2029, 12, 31))
closure = st.tuples(days, st.integers(min_value=0, max_value=20)).map(
    lambda c: (c[0], c[0] + timedelta(days=c[1]))
)


@settings(max_examples=300, deadline=None)
@given(days, st.integers(min_value=-5, max_value=900), st.lists(closure, max_size=5))
def test_it_agrees_with_the_day_by_day_walk(start: date, length: int, closures: list[Closure]) -> None:
    end = start + timedelta(days=length)
    assert school_days_between(start, end, closures) == walk(start, end, closures)


@settings(max_examples=200, deadline=None)
@given(days, st.integers(min_value=0, max_value=60), st.lists(closure, max_size=5))
def test_the_day_n_school_days_after_is_the_first_that_many_days_on(
    start: date, count: int, closures: list[Closure]
) -> None:
    end = school_days_after(start, count, closures)
    assert walk(start, end, closures) == count
    assert end == start or walk(start, end - timedelta(days=1), closures) < count
