"""Record rules for filtering, starting from the actions in ``esafety.access``.

A change request is seen by its requester and by the three people of the chain (who may manage filtering); any
other member of staff gets a 404 for it. A step is offered to, and accepted from, only whoever ``WORKFLOW`` names.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db.models import Q, QuerySet

from esafety.access import Action, can
from esafety.filtering.models import ChangeRequest, Transition
from esafety.filtering.workflow import REQUESTER, WORKFLOW

if TYPE_CHECKING:
    from esafety.people.models import School


def visible_requests(user: Any, school: School | None) -> QuerySet[ChangeRequest]:
    if (
        school is None
        or not can(user, Action.REQUEST_FILTER_CHANGE, school)
        and not can(user, Action.MANAGE_FILTERING, school)
    ):
        return ChangeRequest.objects.none()
    requests = ChangeRequest.objects.filter(school=school)
    if can(user, Action.MANAGE_FILTERING, school):
        return requests
    return requests.filter(Q(requester=user))


def may_take(user: Any, item: ChangeRequest, transition: Transition) -> bool:
    if item.status not in transition.sources:
        return False
    if transition.who == REQUESTER:
        return item.requester_id == user.pk
    return can(user, Action(transition.who), item.school)


def steps_for(user: Any, item: ChangeRequest) -> list[Transition]:
    return [t for t in WORKFLOW.values() if may_take(user, item, t)]


def sees_names(user: Any, school: School | None) -> bool:
    """Governors see filter reports without pupils' names: only the chain sees who."""
    return can(user, Action.MANAGE_FILTERING, school)
