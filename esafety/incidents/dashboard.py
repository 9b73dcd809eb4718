from __future__ import annotations

from datetime import date

from django.urls import reverse
from django.utils import timezone

from esafety.access import Action, can
from esafety.core import schooldays
from esafety.core.navigation import Panel
from esafety.core.types import SchoolRequest
from esafety.incidents.actions import closures_for
from esafety.incidents.models import Incident, IncidentAction
from esafety.incidents.permissions import visible_to


def _waiting_label(incident: Incident, today: date, closures: list[schooldays.Closure]) -> str:
    """ "Incident #42 · urgent · 3 school days": the card says what to open first and how long it has waited."""
    days = schooldays.school_days_between(timezone.localdate(incident.reported_at), today, closures)
    age = f"{days} school day{'s' if days != 1 else ''}"
    return " · ".join([incident.label, *(["urgent"] if incident.urgent else []), age])


def panels(request: SchoolRequest) -> list[Panel]:
    school = request.school
    user = request.user
    result = []
    list_url = reverse("incidents:list")
    if can(user, Action.TRIAGE_INCIDENT, school):
        waiting = visible_to(user, school).filter(status=Incident.Status.REPORTED)
        count = waiting.count()
        today, closures = timezone.localdate(), closures_for(school)
        result.append(
            Panel(
                "Reports awaiting triage",
                count,
                url=f"{list_url}?status=reported",
                note="new reports for the Co-ordinator" if count else "nothing waiting",
                tone="warn" if count else "good",
                items=[
                    (
                        _waiting_label(incident, today, closures),
                        reverse("incidents:detail", args=[incident.pk]),
                    )
                    for incident in waiting.by_urgency()[:5]
                ],
            )
        )
    if can(user, Action.HANDLE_ESCALATION, school):
        urgent = visible_to(user, school).open().filter(status=Incident.Status.ESCALATED) | visible_to(
            user, school
        ).filter(urgent=True, status=Incident.Status.REPORTED)
        count = urgent.count()
        result.append(
            Panel(
                "Escalated or urgent",
                count,
                url=f"{list_url}?status=escalated",
                note="need the Headteacher" if count else "none open",
                tone="alert" if count else "good",
                items=[
                    (incident.label, reverse("incidents:detail", args=[incident.pk]))
                    for incident in urgent.by_urgency()[:5]
                ],
            )
        )
    if can(user, Action.LIST_INCIDENT_ACTIONS, school):
        mine = IncidentAction.objects.filter(school=school, owner=user, done_at__isnull=True)
        overdue = mine.filter(due_on__lt=timezone.localdate()).count()
        open_count = mine.count()
        if open_count:
            result.append(
                Panel(
                    "My safeguarding actions",
                    open_count,
                    url=reverse("incidents:actions"),
                    note=f"{overdue} overdue" if overdue else "none overdue",
                    tone="alert" if overdue else "neutral",
                )
            )
    return result
