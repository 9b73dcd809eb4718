"""Dashboard panels: the filter requests waiting for this person, and log items for the Co-ordinator."""

from __future__ import annotations

from django.urls import reverse

from esafety.access import Action, can
from esafety.core.navigation import Panel
from esafety.core.types import SchoolRequest
from esafety.filtering.models import OPEN_STATUSES, AttemptItem, ChangeRequest
from esafety.filtering.permissions import steps_for


def panels(request: SchoolRequest) -> list[Panel]:
    school, user = request.school, request.user
    if school is None or not can(user, Action.REQUEST_FILTER_CHANGE, school):
        return []
    result = []
    open_requests = ChangeRequest.objects.filter(school=school, status__in=OPEN_STATUSES).select_related(
        "school"
    )
    mine = [item for item in open_requests[:200] if steps_for(user, item) and item.requester_id != user.pk]
    if can(user, Action.MANAGE_FILTERING, school) or mine:
        result.append(
            Panel(
                "Filter requests waiting for you",
                len(mine),
                url=reverse("filtering:requests"),
                note="oldest first below" if mine else "nothing waiting",
                tone="warn" if mine else "good",
                items=[
                    (item.label, reverse("filtering:request", args=[item.pk]))
                    for item in sorted(mine, key=lambda i: i.stage_since)[:5]
                ],
            )
        )
    if can(user, Action.HANDLE_FILTER_ITEMS, school):
        count = AttemptItem.objects.filter(school=school, status=AttemptItem.Status.OPEN).count()
        result.append(
            Panel(
                "Filter-log items",
                count,
                url=reverse("filtering:items"),
                note="repeated attempts or sites that got through" if count else "none open",
                tone="alert" if count else "good",
            )
        )
    return result
