"""The governance room's own figures (see ``esafety.governance.evidence``): roles only, never names."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.utils import timezone

from esafety.governance.evidence import Measure, Period, register
from esafety.governance.models import FilteringReview, ResponsiblePeople, ReviewAction

if TYPE_CHECKING:
    from esafety.people.models import School


def named(school: School, period: Period) -> Measure:
    people = ResponsiblePeople.objects.filter(school=school).first()
    roles = people.named() if people else [(label, False) for _, label in ResponsiblePeople.ROLES]
    count = sum(is_named for _, is_named in roles)
    return Measure(
        f"{count} of {len(roles)} responsibilities named",
        value=count,
        unit="named",
        rows=tuple((label, "named" if is_named else "NOT NAMED") for label, is_named in roles),
        ok=count == len(roles),
    )


def last_review(school: School, period: Period) -> Measure:
    """The review of this school year, or the last one signed before it (DfE: at least every year)."""
    reviews = FilteringReview.objects.filter(school=school, year__lte=period.first_year).order_by("-year")
    this_year = reviews.filter(year=period.first_year).first()
    signed = next((r for r in reviews if r.slt_signed_at and r.governor_signed_at), None)
    rows = []
    if this_year:
        rows.append((f"{this_year.year_label} review", this_year.status.label))
    if signed is None:
        return Measure("No signed review on record", rows=tuple(rows), ok=False)
    when = timezone.localtime(max(signed.slt_signed_at, signed.governor_signed_at))  # type: ignore[type-var]
    rows.append(("Last signed off", f"{when:%d %b %Y} ({signed.year_label})"))
    return Measure(
        f"Last signed off {when:%d %b %Y} for {signed.year_label}",
        rows=tuple(rows),
        ok=signed.year >= period.first_year - 1,
    )


def overdue_actions(school: School, period: Period) -> Measure:
    today = timezone.localdate()
    open_actions = ReviewAction.objects.filter(school=school, done_at__isnull=True)
    overdue = open_actions.filter(due_on__lt=today).count()
    return Measure(
        f"{overdue} review action(s) overdue of {open_actions.count()} open",
        value=overdue,
        unit="overdue",
        ok=overdue == 0,
    )


register("governance.responsible_people", "Named responsible people", named)
register("governance.last_review", "Last annual filtering and monitoring review", last_review)
register("governance.overdue_actions", "Review actions overdue", overdue_actions)
