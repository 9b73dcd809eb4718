"""The safeguarding log's part of ``esafety.core.holdings``: open actions someone owns and open incidents
assigned to them, handed on before their account is deactivated."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import F

from esafety.audit.actions import record
from esafety.core.holdings import CannotReassign, Held, register_holder
from esafety.incidents import permissions
from esafety.incidents.models import Incident, IncidentAction, TimelineEntry


def _open_actions(user: Any, school: Any) -> Any:
    return IncidentAction.objects.filter(school=school, owner=user, done_at__isnull=True).select_related(
        "incident"
    )


def _held_incidents(user: Any, school: Any) -> Any:
    return Incident.objects.filter(school=school, assigned=user).exclude(status=Incident.Status.CLOSED)


def held(user: Any, school: Any) -> list[Held]:
    actions = [
        Held("Open action", f"Action on {action.incident.label}, due {action.due_on:%d %b %Y}")
        for action in _open_actions(user, school).order_by("due_on", "pk")
    ]
    incidents = [
        Held("Incident held", f"{incident.label} ({incident.get_status_display().lower()})")
        for incident in _held_incidents(user, school).order_by("pk")
    ]
    return actions + incidents


def reassign(user: Any, to: Any, school: Any, *, by: Any, request: Any = None) -> int:
    name = to.get_full_name() or to.username
    with transaction.atomic():
        incidents = list(_held_incidents(user, school).select_for_update())
        for incident in incidents:
            if not permissions.can_manage(to, incident):
                raise CannotReassign(f"{name} cannot work on {incident.label}: choose a safeguarding lead.")
        actions = list(_open_actions(user, school).select_for_update(of=("self",)))
        for action in actions:
            IncidentAction.objects.filter(pk=action.pk).update(owner=to)
            TimelineEntry.objects.create(
                incident=action.incident,
                actor=by,
                kind=TimelineEntry.Kind.ACTION,
                text=f"Action handed to {name} (account of its owner deactivated): {action.title}",
            )
            record(
                "incident.action.reassign",
                actor=by,
                obj=action.incident,
                request=request,
                detail={"action": action.pk, "from": user.pk, "to": to.pk},
            )
        for incident in incidents:
            Incident.objects.filter(pk=incident.pk).update(assigned=to, version=F("version") + 1)
            TimelineEntry.objects.create(
                incident=incident,
                actor=by,
                kind=TimelineEntry.Kind.NOTE,
                text=f"Now held by {name} (the account of the person who held it was deactivated).",
            )
            record(
                "incident.reassign",
                actor=by,
                obj=incident,
                request=request,
                detail={"from": user.pk, "to": to.pk},
            )
    return len(actions) + len(incidents)


register_holder("incidents", held, reassign)
