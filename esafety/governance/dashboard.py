from __future__ import annotations

from django.urls import reverse
from django.utils import timezone

from esafety.access import Action, can
from esafety.core.navigation import Panel
from esafety.core.types import SchoolRequest
from esafety.governance.evidence import Period
from esafety.governance.models import FilteringReview, ReviewAction


def panels(request: SchoolRequest) -> list[Panel]:
    school, user = request.school, request.user
    if not can(user, Action.CONDUCT_FILTERING_REVIEW, school):
        return []
    year = Period.containing(timezone.localdate()).first_year
    review = FilteringReview.objects.filter(school=school, year=year).first()
    mine = ReviewAction.objects.filter(school=school, owner=user, done_at__isnull=True).count()
    state = review.status.label if review else "not started"
    return [
        Panel(
            "Filtering and monitoring review",
            state,
            url=reverse("governance:review", args=[year]) if review else reverse("governance:reviews"),
            note=f"{mine} review action(s) of yours open"
            if mine
            else "the DfE standards ask for one every year",
            tone="good" if review and review.status == FilteringReview.Status.SIGNED else "warn",
        )
    ]
