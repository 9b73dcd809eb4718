from __future__ import annotations

from django.http import HttpRequest
from django.urls import reverse

from esafety.core.navigation import Panel
from esafety.publishing.actions import may_approve
from esafety.publishing.models import Publication


def panels(request: HttpRequest) -> list[Panel]:
    school = request.school  # type: ignore[attr-defined]
    if school is None or not request.user.is_authenticated or not may_approve(request.user, school):
        return []
    waiting = Publication.objects.filter(school=school, status=Publication.Status.CLEAN)
    count = waiting.count()
    return [
        Panel(
            "Items waiting for approval",
            count,
            url=reverse("publishing:list") + "?status=clean",
            note="checked, with nothing found" if count else "nothing waiting",
            tone="warn" if count else "good",
            items=[(item.title, reverse("publishing:detail", args=[item.pk])) for item in waiting[:5]],
        )
    ]
