"""Who sees which monitoring records.

Captures and alerts are restricted records: only the roles with ``Action.VIEW_ALERTS`` at the school see them,
and only that school's. Every view that shows a capture's text records the view in the audit trail.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from esafety.access import Action, can
from esafety.monitoring.models import Alert, Capture

if TYPE_CHECKING:
    from esafety.accounts.models import User
    from esafety.people.models import School


def alerts_visible_to(user: User, school: School) -> Any:
    if not can(user, Action.VIEW_ALERTS, school):
        return Alert.objects.none()
    return Alert.objects.filter(school=school).select_related("capture", "capture__person", "capture__source")


def captures_visible_to(user: User, school: School) -> Any:
    if not can(user, Action.VIEW_ALERTS, school):
        return Capture.objects.none()
    return Capture.objects.filter(school=school).select_related("person", "source")
