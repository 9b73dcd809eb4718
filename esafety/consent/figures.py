"""Consent figures for the governance pages (see ``esafety.governance.evidence``): the share of pupils on roll
whose parents have returned a consent answer (given or refused), per year group. No names."""

from __future__ import annotations

from collections import defaultdict
from datetime import timedelta
from typing import TYPE_CHECKING

from django.db.models import Q
from django.utils import timezone

from esafety.consent.models import Consent
from esafety.governance.evidence import Measure, Period, register
from esafety.people.models import Person

if TYPE_CHECKING:
    from esafety.people.models import School


def completion(school: School, period: Period) -> Measure:
    day = min(timezone.localdate(), period.end - timedelta(days=1))
    pupils = Person.objects.filter(school=school, kind=Person.Kind.PUPIL).filter(
        Q(left_on__isnull=True) | Q(left_on__gt=day)
    )
    by_year = dict(pupils.values_list("pk", "year_group"))
    if not by_year:
        return Measure("No pupils on roll", ok=None)
    returned = set(
        Consent.objects.filter(school=school, person_id__in=list(by_year), given_at__date__lte=day)
        .filter(Q(expires_on__isnull=True) | Q(expires_on__gte=day))
        .filter(Q(withdrawn_at__isnull=True) | Q(withdrawn_at__date__gt=day))
        .values_list("person_id", flat=True)
    )
    groups: dict[str, list[bool]] = defaultdict(list)
    for pk, year in by_year.items():
        groups[year or "No year group"].append(pk in returned)
    yes = len(returned & set(by_year))
    percent = round(100 * yes / len(by_year), 1)
    return Measure(
        f"{yes} of {len(by_year)} pupils have a consent answer from home ({percent:g}%)",
        value=percent,
        unit="%",
        series=tuple(
            (year, round(100 * sum(v) / len(v), 1)) for year, v in sorted(groups.items(), key=_year_order)
        ),
        series_unit="% returned",
        rows=(
            ("Pupils", str(len(by_year))),
            ("Returned", str(yes)),
            ("Not returned", str(len(by_year) - yes)),
        ),
        ok=yes == len(by_year),
    )


def _year_order(item: tuple[str, list[bool]]) -> tuple[int, str]:
    year = item[0]
    if year.lower().startswith("reception"):
        return (0, year)
    digits = "".join(ch for ch in year if ch.isdigit())
    return (int(digits) if digits else 99, year)


register("consent.completion", "Parental consent returned", completion)
