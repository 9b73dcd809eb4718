"""Monitoring figures for the governance pages (see ``esafety.governance.evidence``).

Counts and times only: no captured text, no person, no alert number leaves this module.
"""

from __future__ import annotations

from collections import Counter
from statistics import median
from typing import TYPE_CHECKING

from esafety.governance.evidence import Measure, Period, register
from esafety.monitoring.models import SEVERITY_CHOICES, Alert, AlertQuerySet

if TYPE_CHECKING:
    from esafety.people.models import School


def _alerts(school: School, period: Period) -> AlertQuerySet:
    return Alert.objects.filter(school=school, created__gte=period.start_at, created__lt=period.end_at)


def by_severity(school: School, period: Period) -> Measure:
    counts = Counter(_alerts(school, period).values_list("severity", flat=True))
    series = tuple((label, float(counts.get(value, 0))) for value, label in SEVERITY_CHOICES)
    total = sum(counts.values())
    serious = counts.get(4, 0) + counts.get(5, 0)
    return Measure(
        f"{total} alerts raised, {serious} serious or worse (severity 4-5)",
        value=total,
        unit="alerts",
        series=series,
        series_unit="alerts",
    )


def time_to_review(school: School, period: Period) -> Measure:
    """Hours from an alert being raised to its first human review, median overall and per severity."""
    alerts = _alerts(school, period)
    hours: dict[int, list[float]] = {}
    for severity, created, reviewed in alerts.filter(reviewed_at__isnull=False).values_list(
        "severity", "created", "reviewed_at"
    ):
        assert reviewed is not None  # filtered on reviewed_at__isnull=False
        hours.setdefault(severity, []).append(max((reviewed - created).total_seconds(), 0) / 3600)
    still_open = alerts.open().count()
    everything = [h for values in hours.values() for h in values]
    if not everything:
        return Measure(
            "No alert has been reviewed this year", rows=(("Waiting for review", str(still_open)),)
        )
    series = tuple(
        (label, round(median(hours[value]), 1)) for value, label in SEVERITY_CHOICES if value in hours
    )
    within_day = sum(h <= 24 for h in everything)
    return Measure(
        f"Median {round(median(everything), 1)} hours to review; {within_day} of {len(everything)} within a day",
        value=round(median(everything), 1),
        unit="hours",
        series=series,
        series_unit="median hours to review",
        rows=(("Reviewed", str(len(everything))), ("Waiting for review", str(still_open))),
    )


register("monitoring.alerts_by_severity", "Monitoring alerts by severity", by_severity)
register("monitoring.time_to_review", "Time to review monitoring alerts", time_to_review)
