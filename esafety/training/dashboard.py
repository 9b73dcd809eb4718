from __future__ import annotations

from django.urls import reverse

from esafety.access import Action, can
from esafety.core.navigation import Panel
from esafety.core.types import SchoolRequest
from esafety.training.actions import overdue_induction, standings
from esafety.training.models import InductionItem


def panels(request: SchoolRequest) -> list[Panel]:
    school, user = request.school, request.user
    result = []
    person = user.person if user.person and school and user.person.school_id == school.pk else None
    if person is not None and can(user, Action.VIEW_OWN_TRAINING, school):
        mine = [s for s in standings(school, [person]) if s.overdue]
        todo = InductionItem.objects.filter(person=person, done_at__isnull=True).count()
        if mine or todo:
            result.append(
                Panel(
                    "My training",
                    len(mine) + todo,
                    url=reverse("training:index"),
                    note=f"{len(mine)} overdue, {todo} induction item(s) to do",
                    tone="warn",
                )
            )
    if can(user, Action.MANAGE_TRAINING, school):
        behind = {s.person.pk for s in standings(school) if s.overdue}
        late_induction = overdue_induction(school).count()
        result.append(
            Panel(
                "Training overdue",
                len(behind),
                url=reverse("training:overdue"),
                note=f"people behind; {late_induction} induction item(s) late",
                tone="warn" if behind or late_induction else "good",
            )
        )
    return result
