"""Who may see and work on which incident: the record rules on top of the matrix in ``esafety/access.py``.

- Safeguarding leads (``VIEW_ALL_INCIDENTS``: Head, deputy, co-ordinator, DSL, trust safeguarding lead) see every
  incident of the school except restricted ones.
- Restricted incidents (about a member of staff) are seen by the Headteacher (``VIEW_RESTRICTED_INCIDENTS``) and
  the deputy named in the school's incident settings; nobody else, not even the trust lead. Their reporter sees
  only that the report was received.
- Everyone else with ``LIST_INCIDENTS`` sees the incidents they reported, are assigned to, or hold an action on
  (need to know: they were given a job on it).
- Nobody sees another school's incidents: every query starts from ``school``.

Working on an incident (triage, notes, outcomes...) needs ``TRIAGE_INCIDENT`` and sight of it; once escalated to
the Head, recording the outcome and closing need ``HANDLE_ESCALATION``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Q

from esafety.access import Action, can
from esafety.incidents.models import WORKFLOW, Incident, IncidentAction, IncidentSettings, Step, Who

if TYPE_CHECKING:
    from esafety.accounts.models import User
    from esafety.incidents.models import IncidentQuerySet
    from esafety.people.models import School


def named_deputy_id(school: School) -> int | None:
    cache = getattr(school, "_incident_deputy", ...)
    if cache is ...:
        cache = (
            IncidentSettings.objects.filter(school=school).values_list("restricted_deputy", flat=True).first()
        )
        school._incident_deputy = cache  # type: ignore[attr-defined]
    return cache


def sees_restricted(user: User, school: School) -> bool:
    if can(user, Action.VIEW_RESTRICTED_INCIDENTS, school):
        return True
    deputy = named_deputy_id(school)
    return deputy is not None and deputy == user.pk and can(user, Action.LIST_INCIDENTS, school)


_MAX_LISTED = 500


def visible_to(user: User, school: School | None) -> IncidentQuerySet:
    """The incidents of ``school`` that ``user`` may open."""
    if school is None or not can(user, Action.LIST_INCIDENTS, school):
        return Incident.objects.none()
    incidents = Incident.objects.filter(school=school)
    if can(user, Action.VIEW_ALL_INCIDENTS, school):
        return incidents if sees_restricted(user, school) else incidents.filter(restricted=False)
    # Their own reports by the reporter column, so the log's order comes straight off the index on (school,
    # reporter, urgency order); the few they hold or have actions on as a list of ids read first (one query).
    # A subquery there (IN (a UNION)) made PostgreSQL hash-join the UNION against every incident of the school:
    # at 100,000 incidents most of a teacher's page time.
    others = set(
        Incident.objects.filter(school=school, assigned=user)
        .order_by()
        .values_list("pk", flat=True)
        .union(
            IncidentAction.objects.filter(school=school, owner=user)
            .order_by()
            .values_list("incident_id", flat=True)
        )
    )
    if len(others) > _MAX_LISTED:  # a teacher holding thousands of incidents: keep the query text small
        listed = Q(pk__in=Incident.objects.filter(school=school, assigned=user).values("pk")) | Q(
            pk__in=IncidentAction.objects.filter(school=school, owner=user).values("incident_id")
        )
        return incidents.filter(Q(reporter=user) | listed, restricted=False)
    if not others:
        return incidents.filter(restricted=False, reporter=user)
    return incidents.filter(Q(reporter=user) | Q(pk__in=sorted(others)), restricted=False)


def can_view(user: User, incident: Incident) -> bool:
    return visible_to(user, incident.school).filter(pk=incident.pk).exists()


def sees_only_receipt(user: User, incident: Incident) -> bool:
    """The reporter of a restricted incident learns only that it arrived."""
    return (
        incident.restricted and incident.reporter_id == user.pk and not sees_restricted(user, incident.school)
    )


def can_manage(user: User, incident: Incident) -> bool:
    """Triage, edit, add notes, actions and evidence, start an investigation."""
    if incident.restricted:
        return sees_restricted(user, incident.school)
    return can(user, Action.TRIAGE_INCIDENT, incident.school)


def can_decide(user: User, incident: Incident) -> bool:
    """Record outcomes, close and reopen: the Head's side once the incident was escalated."""
    if not can_manage(user, incident):
        return False
    return not incident.was_escalated or can(user, Action.HANDLE_ESCALATION, incident.school)


def may_take(user: User, incident: Incident, step: Step) -> bool:
    """Whether the step is ``user``'s to take on this incident, whatever its status now."""
    who = WORKFLOW[step].who
    return can_decide(user, incident) if who == Who.DECIDER else can_manage(user, incident)


def allowed_steps(user: User, incident: Incident) -> list[Step]:
    """The workflow steps ``user`` may take now (assumes they can view the incident), in workflow order."""
    return [step for step in WORKFLOW if incident.can_step(step) and may_take(user, incident, step)]


def can_restrict(user: User, incident: Incident) -> bool:
    """Mark an incident as about a member of staff after filing, or lift that: the Headteacher only (not the
    named deputy, whose sight of restricted reports is the Head's choice)."""
    return can(user, Action.VIEW_RESTRICTED_INCIDENTS, incident.school)


def can_add_note(user: User, incident: Incident) -> bool:
    # The reporter may add what they learn later (a further screenshot, a remark) to their own report.
    return can_manage(user, incident) or (incident.reporter_id == user.pk and not incident.restricted)
