"""Who sees which monitoring records.

Captures and alerts are restricted records: only the roles with ``Action.VIEW_ALERTS`` at the school see them,
and only that school's. Every view that shows a capture's text records the view in the audit trail.

Seeing that an alert exists is not reading it. ``VIEW_ALERTS`` shows the queue's metadata (category, severity,
time, source, account); reading the words and deciding (``may_review``) is for the safeguarding leads
(``Action.REVIEW_ALERTS``) and, only where the Headteacher has granted it in the school's monitoring settings,
the ICT Technician: per DfE roles the technician manages the system, not the pupils' disclosures.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from esafety.access import Action, can, roles_at
from esafety.accounts.models import Role
from esafety.monitoring.models import Alert, Capture, MonitoringSettings

if TYPE_CHECKING:
    from esafety.accounts.models import User
    from esafety.people.models import School


def technician_reviews(school: School) -> bool:
    """Whether the school lets its ICT Technician read and review alerts (read once per school object)."""
    cached = getattr(school, "_technician_reviews", None)
    if cached is None:
        cached = bool(
            MonitoringSettings.objects.filter(school=school)
            .values_list("technician_reviews", flat=True)
            .first()
        )
        school._technician_reviews = cached  # type: ignore[attr-defined]
    return cached


def may_review(user: User | Any, school: School | None) -> bool:
    """Read captured words and take review decisions (reviewed, false positive, action taken, incident)."""
    if school is None or not can(user, Action.VIEW_ALERTS, school):
        return False
    if can(user, Action.REVIEW_ALERTS, school):
        return True
    return Role.TECHNICIAN in roles_at(user, school) and technician_reviews(school)


def alerts_visible_to(user: User, school: School) -> Any:
    if not can(user, Action.VIEW_ALERTS, school):
        return Alert.objects.none()
    return Alert.objects.filter(school=school).select_related("capture", "capture__person", "capture__source")


def captures_visible_to(user: User, school: School) -> Any:
    if not can(user, Action.VIEW_ALERTS, school):
        return Capture.objects.none()
    return Capture.objects.filter(school=school).select_related("person", "source")
