"""Training and curriculum figures for the governance pages (see ``esafety.governance.evidence``). No names."""

from __future__ import annotations

from datetime import date, timedelta
from typing import TYPE_CHECKING

from django.utils import timezone

from esafety.governance.evidence import Measure, Period, percent, register
from esafety.training.actions import standings, trained_people
from esafety.training.curriculum import coverage
from esafety.training.models import Audience, Resource

if TYPE_CHECKING:
    from esafety.people.models import School


def _as_of(period: Period) -> date:
    return min(timezone.localdate(), period.end - timedelta(days=1))


def compliance(school: School, period: Period) -> Measure:
    """Share of (person, requirement) pairs up to date at the end of the period (or today), overall and per
    training: "up to date" means not overdue."""
    today = _as_of(period)
    people = trained_people(school).filter(created__date__lte=today)
    rows = standings(school, people, today)
    if not rows:
        return Measure("No training requirements are set", ok=None)
    persons = {s.person.pk for s in rows}
    behind = {s.person.pk for s in rows if s.overdue}
    by_training: dict[str, list[bool]] = {}
    for s in rows:
        by_training.setdefault(s.requirement.get_kind_display(), []).append(not s.overdue)
    series = tuple(
        (label, float(percent(sum(done), len(done)))) for label, done in sorted(by_training.items())
    )
    up = len(persons) - len(behind)
    return Measure(
        f"{up} of {len(persons)} people up to date with all their training ({percent(up, len(persons))}%)",
        value=percent(up, len(persons)),
        unit="%",
        series=series,
        series_unit="% up to date",
        rows=(("People with something overdue", str(len(behind))),),
        ok=not behind,
    )


ROLE_AUDIENCES = {
    Audience.ROLE_HEAD: "Headteacher (SLT)",
    Audience.ROLE_DSL: "DSL",
    Audience.ROLE_COORDINATOR: "E-Safety Co-ordinator",
    Audience.ROLE_TECHNICIAN: "ICT Technician",
}


def named_people(school: School, period: Period) -> Measure:
    """Role training (the DfE standards: the people responsible are trained for their role), by role."""
    today = _as_of(period)
    rows = [
        s
        for s in standings(school, trained_people(school), today)
        if s.requirement.audience in ROLE_AUDIENCES
    ]
    if not rows:
        return Measure("No role training is required of the named roles yet", ok=None)
    lines = []
    for audience, label in ROLE_AUDIENCES.items():
        mine = [s for s in rows if s.requirement.audience == audience]
        if mine:
            current = sum(not s.overdue for s in mine)
            lines.append((label, f"{current} of {len(mine)} up to date"))
    current = sum(not s.overdue for s in rows)
    return Measure(
        f"{current} of {len(rows)} role trainings up to date",
        value=percent(current, len(rows)),
        unit="%",
        rows=tuple(lines),
        ok=current == len(rows),
    )


def curriculum_coverage(school: School, period: Period) -> Measure:
    today = _as_of(period)
    grid = coverage(school, period.first_year, today)
    series, due_total, met_total = [], 0, 0
    for row in grid:
        due = [unit for cell in row if cell.started for unit in cell.planned]
        met = [unit for cell in row if cell.started for unit in cell.planned if unit.strand in cell.delivered]
        due_total, met_total = due_total + len(due), met_total + len(met)
        if due:
            series.append((row[0].year_group, float(percent(len(met), len(due)))))
    if not due_total:
        return Measure("No e-safety units are planned for terms that have begun", ok=None)
    gaps = due_total - met_total
    return Measure(
        f"{met_total} of {due_total} planned units taught ({percent(met_total, due_total)}%), {gaps} gaps",
        value=percent(met_total, due_total),
        unit="%",
        series=tuple(series),
        series_unit="% of planned units taught",
        ok=gaps == 0,
    )


def resource_reviews(school: School, period: Period) -> Measure:
    today = _as_of(period)
    resources = list(Resource.objects.filter(school=school, retired=False))
    if not resources:
        return Measure("No teaching resources are listed", ok=None)
    due = sum(r.review_due(today) for r in resources)
    current = len(resources) - due
    return Measure(
        f"{current} of {len(resources)} resources reviewed in the last 12 months",
        value=percent(current, len(resources)),
        unit="%",
        ok=due == 0,
    )


register("training.compliance", "Staff training up to date", compliance)
register("training.named_people", "Role training of the named people", named_people)
register("curriculum.coverage", "E-safety curriculum coverage", curriculum_coverage)
register("curriculum.resource_reviews", "Teaching resources reviewed", resource_reviews)
