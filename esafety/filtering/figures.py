"""Filtering figures for the governance pages (see ``esafety.governance.evidence``): the filter checks, what was
blocked, and the change requests with how long they took.

Counts and percentages only: no person, no URL, no request number leaves this module (governors read it all).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from statistics import median
from typing import TYPE_CHECKING

from django.db.models import Sum

from esafety.filtering.models import (
    OPEN_STATUSES,
    ChangeRequest,
    DailyCount,
    FilterGroup,
    FilterTestRun,
    RequestStatus,
)
from esafety.governance.evidence import Measure, Period, register

if TYPE_CHECKING:
    from esafety.people.models import School


def test_results(school: School, period: Period) -> Measure:
    """Every check of every filter test run in the year, per group."""
    runs = list(
        FilterTestRun.objects.filter(school=school, run_at__gte=period.start_at, run_at__lt=period.end_at)
    )
    if not runs:
        return Measure("No filter test was run this year", ok=False)
    labels = dict(FilterGroup.objects.filter(school=school).values_list("name", "label"))
    passed: dict[str, list[bool]] = defaultdict(list)
    for run in runs:
        for check in run.results:
            passed[str(check.get("group", ""))].append(bool(check.get("passed")))
    everything = [ok for checks in passed.values() for ok in checks]
    if not everything:
        return Measure(f"{len(runs)} filter test run(s) with no checks in them", ok=False)
    good = sum(everything)
    percent = round(100 * good / len(everything), 1)
    series = tuple(
        (labels.get(group) or group or "No group", round(100 * sum(checks) / len(checks), 1))
        for group, checks in sorted(passed.items())
    )
    last = max(run.run_at for run in runs)
    return Measure(
        f"{good} of {len(everything)} filter checks gave the expected answer ({percent:g}%)",
        value=percent,
        unit="%",
        series=series,
        series_unit="% passed",
        rows=(
            ("Last check", f"{last:%d %b %Y}"),
            ("Test runs", str(len(runs))),
            ("Checks run", str(len(everything))),
        ),
        ok=good == len(everything),
    )


def blocks(school: School, period: Period) -> Measure:
    counts = (
        DailyCount.objects.filter(school=school, day__gte=period.start, day__lt=period.end, blocked__gt=0)
        .values("category")
        .annotate(total=Sum("blocked"))
        .order_by("-total", "category")
    )
    series = tuple((row["category"], float(row["total"])) for row in counts)
    total = int(sum(value for _, value in series))
    if not total:
        return Measure("No blocked requests recorded this year", value=0, unit="blocked requests")
    top = series[0][0]
    return Measure(
        f"{total} requests blocked in {len(series)} categories; the most in {top}",
        value=total,
        unit="blocked requests",
        series=series,
        series_unit="blocked requests",
    )


def change_requests(school: School, period: Period) -> Measure:
    requests = list(
        ChangeRequest.objects.filter(
            school=school, created_at__gte=period.start_at, created_at__lt=period.end_at
        ).values_list("kind", "status", "created_at", "applied_at", "closed_at")
    )
    if not requests:
        return Measure("No filter change requests this year", value=0, unit="requests")
    kinds = Counter(kind for kind, *_ in requests)
    series = tuple(
        (label, float(kinds.get(value, 0)))
        for value, label in (
            (ChangeRequest.Kind.UNBLOCK, "Unblock: wrongly blocked or needed for teaching"),
            (ChangeRequest.Kind.BLOCK, "Block: should be blocked"),
        )
    )
    applied = sum(applied_at is not None for _, _, _, applied_at, _ in requests)
    refused = sum(status == RequestStatus.REJECTED for _, status, *_ in requests)
    waiting = sum(status in OPEN_STATUSES for _, status, *_ in requests)
    days = []
    for _, status, created_at, applied_at, closed_at in requests:
        decided_at = applied_at or closed_at
        if decided_at is not None and status != RequestStatus.WITHDRAWN:
            days.append(max((decided_at - created_at).total_seconds(), 0) / 86400)
    decided = f"{round(median(days), 1):g} days" if days else "none decided yet"
    return Measure(
        f"{len(requests)} change requests: {applied} applied, {refused} refused, {waiting} still waiting",
        value=len(requests),
        unit="requests",
        series=series,
        series_unit="requests",
        rows=(
            ("Applied", str(applied)),
            ("Refused", str(refused)),
            ("Still waiting", str(waiting)),
            ("Median time to decide", decided),
        ),
    )


register("filtering.test_results", "Filter checks per group", test_results)
register("filtering.blocks", "Filter blocks by category", blocks)
register("filtering.change_requests", "Filter change requests and their reasons", change_requests)
