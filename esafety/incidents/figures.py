"""Safeguarding-log figures for the governance pages (see ``esafety.governance.evidence``).

Counts only: no description, no name, no incident number leaves this module.
"""

from __future__ import annotations

from collections import Counter
from statistics import median
from typing import TYPE_CHECKING

from django.db.models import Min, Q
from django.utils import timezone

from esafety.governance.evidence import Measure, Period, monthly, register
from esafety.incidents.models import Category, Incident, IncidentQuerySet, TimelineEntry

if TYPE_CHECKING:
    from esafety.people.models import School


def _in_period(school: School, period: Period) -> IncidentQuerySet:
    return Incident.objects.filter(
        school=school, occurred_at__gte=period.start_at, occurred_at__lt=period.end_at
    )


def by_category(school: School, period: Period) -> Measure:
    counts = Counter(_in_period(school, period).values_list("category", flat=True))
    series = tuple(
        (Category(value).label, float(count))
        for value, count in counts.most_common()
        if value in Category.values
    )
    total = sum(counts.values())
    return Measure(
        f"{total} incidents recorded", value=total, unit="incidents", series=series, series_unit="incidents"
    )


def by_month(school: School, period: Period) -> Measure:
    days = [
        timezone.localtime(at).date()
        for at in _in_period(school, period).values_list("occurred_at", flat=True)
    ]
    series = monthly(period, days)
    busiest = max(series, key=lambda pair: pair[1]) if days else None
    note = f"; busiest month {busiest[0]} ({int(busiest[1])})" if busiest else ""
    return Measure(
        f"{len(days)} incidents recorded{note}",
        value=len(days),
        unit="incidents",
        series=series,
        series_unit="incidents",
    )


def response(school: School, period: Period) -> Measure:
    in_period = _in_period(school, period)
    incidents = in_period.annotate(
        first_triage=Min("timeline__at", filter=Q(timeline__kind=TimelineEntry.Kind.TRIAGED))
    )
    to_triage = [
        (row["first_triage"] - row["reported_at"]).total_seconds() / 3600
        for row in incidents.values("reported_at", "first_triage")
        if row["first_triage"]
    ]
    to_close = [
        (row["closed_at"] - row["reported_at"]).total_seconds() / 86400
        for row in incidents.values("reported_at", "closed_at")
        if row["closed_at"]
    ]
    open_count = in_period.open().count()
    if not to_triage and not to_close:
        return Measure("No incident has been triaged this year", rows=(("Still open", str(open_count)),))
    triage_hours = round(median(to_triage), 1) if to_triage else None
    close_days = round(median(to_close), 1) if to_close else None
    return Measure(
        (
            f"Median {triage_hours} hours from report to triage"
            if triage_hours is not None
            else "Not triaged yet"
        )
        + (f"; median {close_days} days to close" if close_days is not None else ""),
        value=triage_hours,
        unit="hours",
        rows=(
            ("Triaged", str(len(to_triage))),
            ("Closed", str(len(to_close))),
            ("Still open", str(open_count)),
        ),
    )


register("incidents.by_category", "Incidents by category", by_category)
register("incidents.by_month", "Incidents by month", by_month)
register("incidents.response", "Time to triage and close incidents", response)
