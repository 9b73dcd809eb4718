"""Everything that changes the safeguarding log: called by the views, the API, the demo and other rooms alike.

Each function runs in one transaction: the change, its timeline entry, its audit entry and its (detail-free)
e-mails are committed together or not at all. Access checks are the caller's job (``permissions.py``); these
functions check only that the step makes sense for the incident's status and version.

Other rooms file reports through ``report_incident`` (monitoring turns an alert into an incident with it).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import F, Field
from django.urls import reverse
from django.utils import timezone

from esafety.accounts.models import Role, User
from esafety.audit.actions import record
from esafety.core import antivirus, schooldays
from esafety.core.actions import queue_email
from esafety.core.models import OutboundEmail
from esafety.incidents import routing
from esafety.incidents.evidence import CleanFile, EvidenceRejected, clean_upload, safe_name
from esafety.incidents.models import (
    PUPIL_CATEGORIES,
    WORKFLOW,
    Category,
    CategoryGuidance,
    Evidence,
    Incident,
    IncidentAction,
    IncidentPerson,
    IncidentSettings,
    OpenActionsError,
    Outcome,
    Step,
    TimelineEntry,
)
from esafety.people.models import Person

if TYPE_CHECKING:
    from django.db.models import QuerySet
    from django.http import HttpRequest

    from esafety.people.models import School

__all__ = [
    "linkable_incidents",
    "EvidenceRejected",
    "PersonRole",
    "add_action",
    "add_evidence",
    "add_note",
    "add_people",
    "cancel_action",
    "close_incident",
    "closures_for",
    "complete_action",
    "escalate_incident",
    "record_outcome",
    "reopen_incident",
    "report_incident",
    "needs_people",
    "restrict_if_about_staff",
    "send_overdue_reminders",
    "send_untriaged_reminders",
    "set_restricted",
    "start_investigation",
    "triage_incident",
    "update_incident",
]

PersonWithRole = Person | tuple[Person, str]
PersonRole = IncidentPerson.Role  # the roles a person can have in a report, for rooms filing through here


def linkable_incidents(school: School, category: str | None = None) -> QuerySet[Incident]:
    """Incidents another room may link one of its records to (a confiscation to the incident it belongs to):
    the school's unrestricted ones, newest first. Restricted reports about staff are never offered."""
    incidents = Incident.objects.filter(school=school, restricted=False).order_by("-occurred_at")
    return incidents.filter(category=category) if category else incidents


def _link(path: str) -> str:
    return settings.SITE_URL + path


def _incident_link(incident: Incident) -> str:
    return _link(reverse("incidents:detail", args=[incident.pk]))


def _users_with(school: School, roles: Iterable[Role]) -> list[User]:
    return list(User.holding(school, roles))


def _settings_for(school: School) -> IncidentSettings:
    row, _ = IncidentSettings.objects.get_or_create(school=school)
    return row


def _audit_detail(incident: Incident, **detail: Any) -> dict[str, Any]:
    # The audit trail is read by trust admins too: what was said about a member of staff stays on the
    # incident's own timeline, which only the Head and the named deputy can open.
    if incident.restricted and "reason" in detail:
        detail["reason"] = "(restricted: see the incident timeline)" if detail["reason"] else ""
    return detail


def _chronicle(
    incident: Incident,
    *,
    by: User | None,
    kind: str,
    text: str,
    audit: str,
    detail: dict[str, Any],
    request: HttpRequest | None = None,
    at: datetime | None = None,
) -> TimelineEntry:
    """One step in an incident's history: the timeline entry its readers see and the audit entry beside it.
    Call inside the change's transaction."""
    entry = TimelineEntry.objects.create(
        incident=incident, actor=by, kind=kind, text=text, **({"at": at} if at else {})
    )
    record(audit, actor=by, obj=incident, request=request, detail=detail)
    return entry


def _normalise_people(school: School, people: Iterable[PersonWithRole]) -> list[tuple[Person, str]]:
    result: dict[int, tuple[Person, str]] = {}
    for item in people:
        person, role = item if isinstance(item, tuple) else (item, IncidentPerson.Role.OTHER)
        if person.school_id != school.pk:
            raise ValueError(f"Person {person.pk} does not belong to {school}")
        if role not in IncidentPerson.Role.values:
            raise ValueError(f"Unknown role in incident: {role!r}")
        result[person.pk] = (person, role)
    return list(result.values())


def _store_evidence(
    incident: Incident, files: Sequence[tuple[str, CleanFile]], by: User | None
) -> list[Evidence]:
    stored = []
    try:
        for name, clean in files:
            evidence = Evidence(
                incident=incident,
                school_id=incident.school_id,
                original_name=safe_name(name),
                content_type=clean.content_type,
                extension=clean.extension,
                size=len(clean.content),
                sha256=hashlib.sha256(clean.content).hexdigest(),
                uploaded_by=by,
            )
            evidence.file.save("evidence", ContentFile(clean.content), save=False)
            stored.append(evidence)
            evidence.save()
    except BaseException:
        for evidence in stored:  # the transaction rolls back: don't leave orphaned files behind
            evidence.file.delete(save=False)
        raise
    return stored


def _clean_all(
    evidence: Iterable[tuple[str, bytes]],
    *,
    school: School | None = None,
    by: User | None = None,
    request: HttpRequest | None = None,
) -> list[tuple[str, CleanFile]]:
    """Check every file before anything is saved: one bad file rejects the whole submission, keeping nothing.
    Each file is virus-scanned first (an infected one is refused and the refusal audited)."""
    cleaned = []
    for name, data in evidence:
        try:
            antivirus.scan_or_refuse(
                name, data, where="incidents.evidence", actor=by, school=school, request=request
            )
        except antivirus.Infected as refused:
            raise EvidenceRejected(str(refused)) from None
        cleaned.append((name, clean_upload(name, data)))
    return cleaned


def needs_people(category: str, people: Sequence[Any], unknown_reason: str) -> bool:
    """Whether a report of ``category`` naming ``people`` must name someone first: a report about a pupil names at
    least one person, or says nobody is known and why (a report about nobody is in no child's chronology). The
    form and the API ask this; other rooms filing automatic reports (an alert, a filter event) may not know
    anyone yet and are not held to it."""
    return not people and category in PUPIL_CATEGORIES and not unknown_reason.strip()


def report_incident(
    *,
    school: School,
    reporter: User | None,
    category: str,
    description: str,
    occurred_at: datetime | None = None,
    location: str = "",
    people: Iterable[PersonWithRole] = (),
    evidence: Iterable[tuple[str, bytes]] = (),
    reporter_actions: str = "",
    about_staff: bool = False,
    urgent: bool | None = None,
    people_unknown_reason: str = "",
    source: str = "",
    source_ref: str = "",
    idempotency_key: str | None = None,
    request: HttpRequest | None = None,
) -> Incident:
    """File a new report into the school's log, route it by the policy's rules and tell whoever must know.

    - ``people``: ``Person`` objects of ``school`` or ``(person, role)`` pairs, role an ``IncidentPerson.Role``.
    - ``evidence``: ``(filename, bytes)`` pairs; types are checked from the content and images are stripped
      of metadata. A file that is refused raises ``EvidenceRejected`` and nothing is saved.
    - ``source``/``source_ref``: where an automatic report came from (e.g. ``"monitoring"``, ``"alert:123"``).
    - ``idempotency_key``: the same key at the same school returns the incident already filed instead of a second
      one (double-clicked forms, retried API calls); the returned incident then has ``replayed = True``.
    - ``urgent``: the reporter's flag; routing may raise it (never lower it).

    Returns the incident, with ``route`` (the ``routing.Route`` applied) set on it.
    """
    if category not in Category.values:
        raise ValueError(f"Unknown incident category: {category!r}")
    key = (idempotency_key or "")[:200]
    if key:
        existing = Incident.objects.filter(school=school, idempotency_key=key).first()
        if existing:
            existing.replayed = True  # type: ignore[attr-defined]
            return existing
    involved = _normalise_people(school, people)
    files = _clean_all(evidence, school=school, by=reporter, request=request)
    route = routing.route(
        routing.report_for(category, involved, about_staff=about_staff, urgent=bool(urgent))
    )
    with transaction.atomic():
        # The settings row is the per-school lock: it numbers incidents without gaps or duplicates and makes a
        # concurrent retry with the same key wait, then find the first one.
        _settings_for(school)
        counter = IncidentSettings.objects.select_for_update().get(school=school)
        if key and (existing := Incident.objects.filter(school=school, idempotency_key=key).first()):
            existing.replayed = True  # type: ignore[attr-defined]
            return existing
        IncidentSettings.objects.filter(pk=counter.pk).update(last_number=F("last_number") + 1)
        now = timezone.now()
        incident = Incident.objects.create(
            school=school,
            number=counter.last_number + 1,
            category=category,
            description=description,
            occurred_at=occurred_at or now,
            location=location,
            reporter_actions=reporter_actions,
            urgent=route.urgent,
            restricted=route.restricted,
            people_unknown_reason=people_unknown_reason.strip() if not involved else "",
            reporter=reporter,
            source=source,
            source_ref=source_ref,
            idempotency_key=key,
            reported_at=now,
            updated_at=now,
        )
        IncidentPerson.objects.bulk_create(
            [IncidentPerson(incident=incident, person=person, role=role) for person, role in involved]
        )
        _store_evidence(incident, files, reporter)
        _chronicle(
            incident,
            by=reporter,
            kind=TimelineEntry.Kind.REPORTED,
            at=now,
            text=f"Reported{' by ' + source if source else ''}: {routing.describe(route)}."
            + (
                f"\nNobody recorded: {people_unknown_reason.strip()}"
                if people_unknown_reason.strip() and not involved
                else ""
            ),
            audit="incident.report",
            request=request,
            detail={
                "category": category,
                "urgent": route.urgent,
                "restricted": route.restricted,
                "rules": route.rules,
                "people": len(involved),
                "evidence": len(files),
                "source": source,
            },
        )
        _notify_new(incident, route, reporter)
    incident.route = route  # type: ignore[attr-defined]
    incident.replayed = False  # type: ignore[attr-defined]
    return incident


def _notify_new(
    incident: Incident, route: routing.Route, reporter: User | None, *, key: str | None = None
) -> None:
    recipients = _users_with(incident.school, route.notify)
    if route.notify_named_deputy and (deputy_id := _settings_for(incident.school).restricted_deputy_id):
        recipients += list(User.objects.filter(pk=deputy_id, is_active=True))
    addresses = {user.email for user in recipients if user.email and user != reporter}
    if not addresses:
        return
    subject = ("Urgent: a" if route.urgent else "A") + " new safeguarding report needs your review"
    body = (
        f"A new report has been added to the safeguarding log of {incident.school.name}.\n\n"
        f"Please sign in to review it:\n{_incident_link(incident)}\n\n"
        "For everyone's safety this e-mail carries no details of the report.\n"
    )
    queue_email(key or f"incident:{incident.pk}:reported", addresses, subject, body, school=incident.school)


# --- Workflow steps --------------------------------------------------------------------------------------------


def _take_step(
    incident: Incident,
    step: Step,
    *,
    by: User,
    reason: str,
    expected_version: int | None,
    request: HttpRequest | None,
    **kwargs: Any,
) -> Incident:
    transition = WORKFLOW[step]
    if transition.reason_required and not reason.strip():
        raise ValueError(f"Say why: “{transition.label}” needs a reason")
    with transaction.atomic():
        before = incident.status
        getattr(incident, transition.method)(expected_version=expected_version, **kwargs)
        _chronicle(
            incident,
            by=by,
            kind=transition.timeline,
            text=reason,
            audit=transition.audit,
            request=request,
            detail=_audit_detail(incident, reason=reason, status_from=before, status_to=incident.status),
        )
    return incident


def triage_incident(
    incident: Incident,
    *,
    by: User,
    reason: str = "",
    assigned: User | None = None,
    expected_version: int | None = None,
    request: HttpRequest | None = None,
) -> Incident:
    """The Co-ordinator has looked at the report and taken it on (optionally assigning it)."""
    return _take_step(
        incident,
        Step.TRIAGE,
        by=by,
        reason=reason,
        expected_version=expected_version,
        request=request,
        assigned=assigned,
    )


def escalate_incident(
    incident: Incident,
    *,
    by: User,
    reason: str,
    expected_version: int | None = None,
    request: HttpRequest | None = None,
) -> Incident:
    """Hand the incident to the Headteacher (policy: the Co-ordinator "will report it to the Headteacher")."""
    with transaction.atomic():
        _take_step(
            incident, Step.ESCALATE, by=by, reason=reason, expected_version=expected_version, request=request
        )
        heads = _users_with(incident.school, [Role.HEAD])
        addresses = {user.email for user in heads if user.email and user != by}
        if addresses:
            queue_email(
                f"incident:{incident.pk}:escalated:{incident.version}",
                addresses,
                "A safeguarding report has been escalated to you",
                f"A report in the safeguarding log of {incident.school.name} has been escalated to you.\n\n"
                f"Please sign in to review it:\n{_incident_link(incident)}\n",
                school=incident.school,
            )
    return incident


def start_investigation(
    incident: Incident,
    *,
    by: User,
    reason: str = "",
    expected_version: int | None = None,
    request: HttpRequest | None = None,
) -> Incident:
    return _take_step(
        incident, Step.INVESTIGATE, by=by, reason=reason, expected_version=expected_version, request=request
    )


def close_incident(
    incident: Incident,
    *,
    by: User,
    reason: str = "",
    expected_version: int | None = None,
    request: HttpRequest | None = None,
) -> Incident:
    """Close the incident; refused with ``OpenActionsError`` (listing them) while an action is neither done nor
    cancelled: closing must never hide work someone still has to do."""
    with transaction.atomic():
        open_actions = list(incident.actions.filter(done_at__isnull=True).order_by("due_on", "pk"))
        if open_actions:
            raise OpenActionsError(open_actions)
        was_urgent = incident.urgent
        _take_step(
            incident, Step.CLOSE, by=by, reason=reason, expected_version=expected_version, request=request
        )
        if was_urgent:
            _chronicle(
                incident,
                by=by,
                kind=TimelineEntry.Kind.EDITED,
                text="No longer urgent: closed.",
                audit="incident.urgency",
                request=request,
                detail={"urgent": False, "because": "closed"},
            )
    return incident


def reopen_incident(
    incident: Incident,
    *,
    by: User,
    reason: str,
    expected_version: int | None = None,
    request: HttpRequest | None = None,
) -> Incident:
    return _take_step(
        incident, Step.REOPEN, by=by, reason=reason, expected_version=expected_version, request=request
    )


OUTCOME_FIELDS = (
    "sanction",
    "disciplinary",
    "agency",
    "referred_on",
    "agency_reference",
    "informed_at",
    "informed_by",
    "notes",
)


def validate_outcome(kind: str, values: dict[str, Any]) -> dict[str, str]:
    """Field errors for an outcome of ``kind`` (empty when it is complete)."""
    errors = {}
    if kind not in Outcome.Kind.values:
        errors["kind"] = "Choose what the outcome was."
    if kind == Outcome.Kind.BEHAVIOUR_SANCTION and not values.get("sanction"):
        errors["sanction"] = "Say which sanction the behaviour policy gave."
    if kind == Outcome.Kind.STAFF_DISCIPLINARY and not values.get("disciplinary"):
        errors["disciplinary"] = "Say what the disciplinary process decided."
    if kind == Outcome.Kind.REFERRAL:
        if not values.get("agency"):
            errors["agency"] = "Say which agency the referral went to."
        if not values.get("referred_on"):
            errors["referred_on"] = "Give the date of the referral."
    if kind == Outcome.Kind.PARENTS_INFORMED:
        if not values.get("informed_at"):
            errors["informed_at"] = "Say when the parents or carers were told."
        if not values.get("informed_by"):
            errors["informed_by"] = "Say who told them."
    return errors


def record_outcome(
    incident: Incident,
    *,
    by: User,
    kind: str,
    expected_version: int | None = None,
    request: HttpRequest | None = None,
    **values: Any,
) -> Outcome:
    """Add one outcome (an incident can have several: a sanction, a referral and parents informed)."""
    unknown = set(values) - set(OUTCOME_FIELDS)
    if unknown:
        raise TypeError(f"Unknown outcome fields: {sorted(unknown)}")
    if errors := validate_outcome(kind, values):
        raise ValueError("; ".join(errors.values()))
    clean = {
        name: values.get(name) or ("" if name not in ("referred_on", "informed_at") else None)
        for name in OUTCOME_FIELDS
    }
    with transaction.atomic():
        before = incident.status
        incident.mark_outcome_recorded(expected_version=expected_version)
        outcome = Outcome.objects.create(incident=incident, kind=kind, recorded_by=by, **clean)
        _chronicle(
            incident,
            by=by,
            kind=WORKFLOW[Step.RECORD_OUTCOME].timeline,
            text=outcome.summary + (f"\n{outcome.notes}" if outcome.notes else ""),
            audit=WORKFLOW[Step.RECORD_OUTCOME].audit,
            request=request,
            detail={
                "kind": kind,
                "status_from": before,
                "agency": clean["agency"],
                "referred_on": clean["referred_on"],
            },
        )
    return outcome


# --- Notes, evidence, people, details --------------------------------------------------------------------------


def add_note(incident: Incident, *, by: User, text: str, request: HttpRequest | None = None) -> TimelineEntry:
    with transaction.atomic():
        entry = TimelineEntry.objects.create(
            incident=incident, actor=by, kind=TimelineEntry.Kind.NOTE, text=text
        )
        Incident.objects.filter(pk=incident.pk).update(updated_at=timezone.now())
        record("incident.note", actor=by, obj=incident, request=request, detail={"entry": entry.pk})
    return entry


def add_evidence(
    incident: Incident, *, by: User, files: Iterable[tuple[str, bytes]], request: HttpRequest | None = None
) -> list[Evidence]:
    cleaned = _clean_all(files, school=incident.school, by=by, request=request)
    with transaction.atomic():
        stored = _store_evidence(incident, cleaned, by)
        for evidence in stored:
            TimelineEntry.objects.create(
                incident=incident, actor=by, kind=TimelineEntry.Kind.EVIDENCE, text=evidence.original_name
            )
        record(
            "incident.evidence",
            actor=by,
            obj=incident,
            request=request,
            detail={"evidence": [evidence.pk for evidence in stored]},
        )
    return stored


def add_people(
    incident: Incident, *, by: User, people: Iterable[PersonWithRole], request: HttpRequest | None = None
) -> int:
    involved = _normalise_people(incident.school, people)
    with transaction.atomic():
        existing = set(incident.involvements.values_list("person_id", flat=True))
        new = [
            IncidentPerson(incident=incident, person=p, role=r) for p, r in involved if p.pk not in existing
        ]
        IncidentPerson.objects.bulk_create(new)
        if new:
            _chronicle(
                incident,
                by=by,
                kind=TimelineEntry.Kind.EDITED,
                text="People added: " + ", ".join(f"{link.person.full_name} ({link.role})" for link in new),
                audit="incident.people",
                request=request,
                detail={"added": [link.person_id for link in new]},
            )
            added = [(link.person, link.role) for link in new]
            restrict_if_about_staff(
                incident,
                by=by,
                report=routing.report_for(incident.category, added, about_staff=False, urgent=False),
                request=request,
            )
    return len(new)


EDITABLE_FIELDS = (
    "category",
    "occurred_at",
    "location",
    "description",
    "reporter_actions",
    "urgent",
    "assigned",
)


def _label(name: str) -> str:
    field = Incident._meta.get_field(name)
    return str(field.verbose_name) if isinstance(field, Field) else name


def update_incident(
    incident: Incident,
    *,
    by: User,
    expected_version: int,
    changes: dict[str, Any],
    request: HttpRequest | None = None,
) -> Incident:
    """Change the details, unless someone else changed the incident since ``expected_version`` (then
    ``IncidentConflict``)."""
    changes = {name: value for name, value in changes.items() if name in EDITABLE_FIELDS}
    changed = sorted(name for name, value in changes.items() if getattr(incident, name) != value)
    with transaction.atomic():
        incident.update_fields(expected_version, **changes)
        if changed:
            TimelineEntry.objects.create(
                incident=incident,
                actor=by,
                kind=TimelineEntry.Kind.EDITED,
                text="Changed: " + ", ".join(_label(name) for name in changed),
            )
        record("incident.edit", actor=by, obj=incident, request=request, detail={"fields": changed})
        if "category" in changed:
            subjects = [(link.person, link.role) for link in incident.involvements.select_related("person")]
            restrict_if_about_staff(
                incident,
                by=by,
                report=routing.report_for(incident.category, subjects, about_staff=False, urgent=False),
                request=request,
            )
    return incident


def restrict_if_about_staff(
    incident: Incident, *, by: User | None, report: routing.Report, request: HttpRequest | None = None
) -> bool:
    """Apply the filing-time routing to a change that may have made the report one about staff.

    ``report`` describes the change (the new category, the people just added). If routing says "restricted" and
    the incident is not, it is restricted now, with a timeline entry, an audit entry and the detail-free e-mail
    to the Head and the named deputy, exactly as a report filed that way. Never lifts a restriction: only the
    Head does that, with a reason. Call inside the change's transaction. Returns whether it restricted.
    """
    route = routing.route(report)
    if not route.restricted or incident.restricted:
        return False
    incident.update_fields(None, restricted=True)
    _chronicle(
        incident,
        by=by,
        kind=TimelineEntry.Kind.RESTRICTED,
        text=f"Restricted when it changed: {routing.describe(route)}.",
        audit="incident.restrict",
        request=request,
        detail={"restricted": True, "rules": route.rules, "automatic": True},
    )
    _notify_new(incident, route, by, key=f"incident:{incident.pk}:restricted")
    return True


def set_restricted(
    incident: Incident,
    *,
    by: User,
    restricted: bool,
    reason: str,
    expected_version: int | None = None,
    request: HttpRequest | None = None,
) -> Incident:
    """Restrict an incident to the Headteacher and the named deputy (it is about a member of staff), or lift the
    restriction. The Head only; a reason is required and goes on the incident's timeline, never into the audit
    detail (it was written about a restricted matter either way).

    Raises ``PermissionDenied``, ``ValueError`` (no reason), ``WorkflowError`` (already so) or ``IncidentConflict``.
    """
    from esafety.incidents.permissions import can_restrict

    if not can_restrict(by, incident):
        raise PermissionDenied
    if not reason.strip():
        raise ValueError("Say why the restriction changes")
    with transaction.atomic():
        incident.set_restricted(restricted, expected_version=expected_version)
        _chronicle(
            incident,
            by=by,
            kind=TimelineEntry.Kind.RESTRICTED if restricted else TimelineEntry.Kind.UNRESTRICTED,
            text=(
                "Restricted to the Headteacher and the named deputy: "
                if restricted
                else "Restriction lifted: "
            )
            + reason.strip(),
            audit="incident.restrict" if restricted else "incident.unrestrict",
            request=request,
            detail={"restricted": restricted, "reason": "(restricted: see the incident timeline)"},
        )
    return incident


# --- Actions (tasks with an owner and a due date) ---------------------------------------------------------------


def add_action(
    incident: Incident, *, by: User, title: str, owner: User, due_on: date, request: HttpRequest | None = None
) -> IncidentAction:
    with transaction.atomic():
        action = IncidentAction.objects.create(
            incident=incident,
            school_id=incident.school_id,
            title=title,
            owner=owner,
            due_on=due_on,
            created_by=by,
        )
        _chronicle(
            incident,
            by=by,
            kind=TimelineEntry.Kind.ACTION,
            text=f"Action for {owner.get_full_name() or owner.username}, due {due_on:%d %b %Y}: {title}",
            audit="incident.action.add",
            request=request,
            detail={"action": action.pk, "owner": owner.pk, "due_on": due_on},
        )
        if owner.email and owner != by:
            queue_email(
                f"incident-action:{action.pk}:assigned",
                [owner.email],
                "You have a safeguarding action to do",
                f"You have been given an action in the safeguarding log of {incident.school.name}, due "
                f"{due_on:%d %B %Y}.\n\nPlease sign in to see it:\n{_link(reverse('incidents:actions'))}\n",
                school=incident.school,
            )
    return action


def complete_action(action: IncidentAction, *, by: User, request: HttpRequest | None = None) -> bool:
    with transaction.atomic():
        if not action.mark_done(by):
            return False
        _chronicle(
            action.incident,
            by=by,
            kind=TimelineEntry.Kind.ACTION,
            text=f"Action done: {action.title}",
            audit="incident.action.done",
            request=request,
            detail={"action": action.pk},
        )
    return True


def cancel_action(
    action: IncidentAction, *, by: User, reason: str, request: HttpRequest | None = None
) -> bool:
    """Close an action without doing it; a reason is required and goes on the timeline and into the audit."""
    if not reason.strip():
        raise ValueError("Say why the action is cancelled")
    with transaction.atomic():
        if not action.cancel(by, reason):
            return False
        incident = action.incident
        _chronicle(
            incident,
            by=by,
            kind=TimelineEntry.Kind.ACTION,
            text=f"Action cancelled: {action.title}. Why: {action.cancel_reason}",
            audit="incident.action.cancel",
            request=request,
            detail=_audit_detail(incident, action=action.pk, reason=action.cancel_reason),
        )
    return True


def send_overdue_reminders(today: date | None = None) -> int:
    """E-mail each owner of overdue actions once a day (one e-mail however many); returns how many were queued.

    Idempotent: the e-mail key names the owner and the day, so a second run the same day queues nothing.
    """
    today = today or timezone.localdate()
    counts: dict[int, int] = {}
    owners: dict[int, IncidentAction] = {}
    overdue = (
        IncidentAction.objects.filter(done_at__isnull=True, due_on__lt=today, owner__is_active=True)
        .select_related("owner", "school")
        .order_by("pk")
    )
    for action in overdue.iterator(chunk_size=500):
        counts[action.owner_id] = counts.get(action.owner_id, 0) + 1
        owners.setdefault(action.owner_id, action)
    queued = 0
    for owner_id, action in owners.items():
        key = f"incident-actions-overdue:{owner_id}:{today.isoformat()}"
        if not action.owner.email or OutboundEmail.objects.filter(key=key).exists():
            continue
        count = counts[owner_id]
        with transaction.atomic():
            queue_email(
                key,
                [action.owner.email],
                "Safeguarding actions are overdue",
                f"You have {count} overdue action{'s' if count != 1 else ''} in the safeguarding log.\n\n"
                f"Please sign in to see {'them' if count != 1 else 'it'}:\n{_link(reverse('incidents:actions'))}\n",
                school=action.school,
            )
        queued += 1
    return queued


# --- Urgent reports nobody has triaged -------------------------------------------------------------------------


def closures_for(school: School) -> list[schooldays.Closure]:
    """The school's holidays and INSET days, for counting school days (unreadable lines were refused on save)."""
    text = IncidentSettings.objects.filter(school=school).values_list("closures", flat=True).first() or ""
    try:
        return schooldays.parse_closures(text)
    except schooldays.ClosureError:
        return []


def _untriaged_recipients(incident: Incident, stage: int) -> list[User]:
    """Stage 1: the DSL and the Co-ordinator; stage 2: the Headteacher. A report about staff (restricted) is
    seen only by the Head and the named deputy: the deputy then, the Head after."""
    school = incident.school
    if incident.restricted:
        if stage == 1 and (deputy_id := _settings_for(school).restricted_deputy_id):
            return list(User.objects.filter(pk=deputy_id, is_active=True))
        return _users_with(school, [Role.HEAD])
    return _users_with(school, [Role.DSL, Role.COORDINATOR] if stage == 1 else [Role.HEAD])


def send_untriaged_reminders(now: datetime | None = None) -> int:
    """Remind about urgent reports still waiting for triage: after the school's ``urgent_reminder_hours`` to the
    DSL and the Co-ordinator, after twice that to the Headteacher. Each reminder is sent once (the e-mail key
    names the incident and the stage) and written to the incident's timeline and the audit trail. Returns how
    many reminders were sent."""
    now = now or timezone.now()
    sent = 0
    waiting = (
        Incident.objects.filter(status=Incident.Status.REPORTED, urgent=True)
        .select_related("school", "school__incident_settings")
        .order_by("pk")
    )
    for incident in waiting.iterator(chunk_size=200):
        row = getattr(incident.school, "incident_settings", None)
        hours = (
            row.urgent_reminder_hours
            if row
            else IncidentSettings._meta.get_field("urgent_reminder_hours").default
        )
        waited = now - incident.reported_at
        for stage in (1, 2):
            if waited < timedelta(hours=hours * stage):
                break
            key = f"incident:{incident.pk}:untriaged:{stage}"
            if OutboundEmail.objects.filter(key=key).exists():
                continue
            recipients = _untriaged_recipients(incident, stage)
            who = (
                "the DSL and the Co-ordinator"
                if stage == 1 and not incident.restricted
                else ("the named deputy" if stage == 1 else "the Headteacher")
            )
            with transaction.atomic():
                queue_email(
                    key,
                    {user.email for user in recipients if user.email},
                    "Reminder: an urgent safeguarding report is waiting for triage",
                    f"An urgent report in the safeguarding log of {incident.school.name} has not been triaged "
                    f"after {hours * stage} hours.\n\nPlease sign in to review it:\n{_incident_link(incident)}\n\n"
                    "For everyone's safety this e-mail carries no details of the report.\n",
                    school=incident.school,
                )
                _chronicle(
                    incident,
                    by=None,
                    kind=TimelineEntry.Kind.REMINDER,
                    text=f"Not triaged after {hours * stage} hours: reminder e-mailed to {who}.",
                    audit="incident.untriaged_reminder",
                    detail={"stage": stage, "hours": hours * stage, "recipients": len(recipients)},
                )
            sent += 1
    return sent


# --- Settings -------------------------------------------------------------------------------------------------


def save_settings(
    school: School,
    *,
    by: User,
    guidance: dict[str, str],
    restricted_deputy: Any = ...,
    urgent_reminder_hours: int | None = None,
    closures: str | None = None,
    request: HttpRequest | None = None,
) -> None:
    """Store the category guidance texts; ``restricted_deputy`` (a User or None), the urgent-reminder time and
    the closures (checked by ``schooldays.parse_closures``) only when given."""
    with transaction.atomic():
        for category, text in guidance.items():
            CategoryGuidance.objects.update_or_create(
                school=school, category=category, defaults={"text": text}
            )
        detail: dict[str, Any] = {"guidance": sorted(guidance)}
        values: dict[str, Any] = {}
        if urgent_reminder_hours is not None:
            values["urgent_reminder_hours"] = urgent_reminder_hours
        if closures is not None:
            schooldays.parse_closures(closures)  # raises ClosureError before anything is saved
            values["closures"] = closures
        if values:
            IncidentSettings.objects.filter(pk=_settings_for(school).pk).update(**values)
            detail.update(values)
        if restricted_deputy is not ...:
            row = _settings_for(school)
            row.restricted_deputy = restricted_deputy
            row.save(update_fields=["restricted_deputy"])
            detail["restricted_deputy"] = getattr(restricted_deputy, "pk", None)
        record(
            "incident.settings",
            actor=by,
            school=school,
            request=request,
            detail=detail,
            object_repr="Incident settings",
        )
