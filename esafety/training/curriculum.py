"""Curriculum coverage: which planned strands each year group has been taught in each term, and the gaps."""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from typing import TYPE_CHECKING

from esafety.training.models import (
    YEAR_GROUPS,
    CoverageCell,
    Lesson,
    PlannedUnit,
    Resource,
    Term,
    school_year_of,
    term_of,
    term_start,
)

if TYPE_CHECKING:
    from esafety.people.models import School


def coverage(school: School, year: int, today: date) -> list[list[CoverageCell]]:
    """Rows of year groups (those planned or taught), columns of terms, for the school year starting in ``year``.

    A planned strand with no lesson in a term that has begun is a gap; a term yet to come has none.
    """
    planned: dict[tuple[str, str], list[PlannedUnit]] = defaultdict(list)
    for unit in PlannedUnit.objects.filter(school=school):
        planned[(unit.year_group, unit.term)].append(unit)
    taught: dict[tuple[str, str], set[str]] = defaultdict(set)
    lessons = Lesson.objects.filter(
        school=school, delivered_on__gte=date(year, 9, 1), delivered_on__lt=date(year + 1, 9, 1)
    )
    for year_group, delivered_on, strand in lessons.values_list("year_group", "delivered_on", "strand"):
        taught[(year_group, term_of(delivered_on))].add(strand)
    groups = {group for group, _ in planned} | {group for group, _ in taught}
    ordered = [g for g in YEAR_GROUPS if g in groups] + sorted(groups - set(YEAR_GROUPS))
    return [
        [
            CoverageCell(
                group,
                term,
                planned.get((group, term), []),
                taught.get((group, term), set()),
                term_start(year, term) <= today,
            )
            for term in Term
        ]
        for group in ordered
    ]


def gaps(school: School, year: int, today: date) -> list[PlannedUnit]:
    return [unit for row in coverage(school, year, today) for cell in row for unit in cell.gaps]


def resources_due(school: School, today: date) -> list[Resource]:
    return [r for r in Resource.objects.filter(school=school, retired=False) if r.review_due(today)]


def current_year(today: date) -> int:
    return school_year_of(today)
