from __future__ import annotations

from django.urls import reverse
from django.utils import timezone

from esafety.access import Action, can
from esafety.core.navigation import Panel
from esafety.core.types import SchoolRequest
from esafety.transfers.models import IncomingTransfer, Status, Transfer


def panels(request: SchoolRequest) -> list[Panel]:
    """The DSL's view of the five-school-day deadline: leavers' files not yet delivered, soonest due first."""
    school = request.school
    if not can(request.user, Action.MANAGE_TRANSFERS, school):
        return []
    today = timezone.localdate()
    waiting = Transfer.objects.filter(
        school=school, status__in=(Status.PENDING, Status.FAILED, Status.REJECTED)
    )
    waiting = waiting.select_related("person").order_by("due_on", "pk")
    count = waiting.count()
    overdue = waiting.filter(due_on__lt=today).count()
    arrived = IncomingTransfer.objects.filter(school=school, status__in=(Status.SENT, Status.VIEWED)).count()
    notes = [f"{overdue} past the five-school-day deadline" if overdue else "none overdue"] if count else []
    if arrived:
        notes.append(f"{arrived} received, awaiting your decision")
    if not count and not arrived:
        return []
    return [
        Panel(
            "Safeguarding files to transfer",
            count,
            url=reverse("transfers:list"),
            note="; ".join(notes),
            tone="alert" if overdue else "warn",
            items=[
                (f"{t.person.full_name}: due {t.due_on:%d %b}", reverse("transfers:detail", args=[t.pk]))
                for t in waiting[:5]
            ],
        )
    ]
