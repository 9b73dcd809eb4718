"""The Headteacher's view of who changed whose roles lately: a role change is how access is handed out, so the
Head sees every one, whoever made it (they are e-mailed too)."""

from __future__ import annotations

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from esafety.access import Action, can
from esafety.accounts.models import Role
from esafety.audit.models import AuditEntry
from esafety.core.navigation import Panel
from esafety.core.types import SchoolRequest

RECENT_DAYS = 30


def panels(request: SchoolRequest) -> list[Panel]:
    school = request.school
    if not can(request.user, Action.GRANT_SENIOR_ROLES, school):
        return []
    since = timezone.now() - timedelta(days=RECENT_DAYS)
    changes = AuditEntry.objects.filter(
        school=school, action__in=["account.roles", "account.create"], at__gte=since
    ).order_by("-seq")
    count = changes.count()
    items = []
    for entry in changes[:5]:
        added = [f"given {Role(r).label}" for r in entry.detail.get("added", entry.detail.get("roles", []))]
        removed = [f"removed {Role(r).label}" for r in entry.detail.get("removed", [])]
        when = timezone.localtime(entry.at).strftime("%d %b")
        items.append(
            (
                f"{when}: {entry.actor_name} changed {entry.object_repr}: {', '.join(added + removed)}",
                reverse("user_detail", args=[entry.object_id]) if entry.object_id else "",
            )
        )
    return [
        Panel(
            f"Role changes in the last {RECENT_DAYS} days",
            count,
            url=reverse("user_list"),
            note="every grant and removal of a role at this school" if count else "no roles changed",
            items=items,
        )
    ]
