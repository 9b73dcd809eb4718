"""Monitoring verbs: capture text, review alerts, turn them into incidents, enhanced monitoring, lexicon, purge.

Called alike by views, the API, management commands and periodic tasks. Each writes its audit entry inside the
same transaction as the change. Audit labels name records ("Alert #12"), never their content.
"""

from __future__ import annotations

import imaplib
import logging
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone

from esafety.access import Action, can
from esafety.accounts.models import Role, User
from esafety.audit.actions import record
from esafety.core.actions import queue_email
from esafety.monitoring import imap, scanning, searchlog
from esafety.monitoring.documents import MAX_TEXT, clean, parse_email
from esafety.monitoring.models import (
    ALLOW_MAX_SEVERITY,
    Alert,
    AllowedPhrase,
    Capture,
    EnhancedMonitoring,
    LexiconAddition,
    LexiconSuppression,
    MonitoringSettings,
    Source,
    WorkflowError,
)
from esafety.monitoring.permissions import may_review
from esafety.people.models import Person, School

if TYPE_CHECKING:
    from django.http import HttpRequest

log = logging.getLogger(__name__)

_CONTEXT_CHARS = 80

# Scanner category -> safeguarding log category.
INCIDENT_CATEGORIES = {
    "self_harm": "self_harm",
    "bullying": "cyberbullying",
    "sexual": "sexting",
    "grooming": "grooming",
    "extremism": "radicalisation",
    "violence": "other",
    "drugs": "illegal_activity",
    "discrimination": "other",
}


def ensure_source(school: School, kind: str, name: str | None = None) -> Source:
    """The school's source of ``kind`` (created on first use for the API and uploads)."""
    name = name or Source.Kind(kind).label
    source, _ = Source.objects.get_or_create(school=school, name=name, defaults={"kind": kind})
    return source


def resolve_person(school: School, addresses: Iterable[str]) -> Person | None:
    """The first address that belongs to someone at the school (the sender is passed first)."""
    for address in addresses:
        address = (address or "").strip()
        if "@" not in address:
            continue
        person = Person.objects.filter(school=school, email__iexact=address).order_by("pk").first()
        if person is not None:
            return person
    return None


def _around(text: str, start: int, end: int) -> tuple[str, str]:
    lo, hi = max(0, start - _CONTEXT_CHARS), min(len(text), end + _CONTEXT_CHARS)
    if lo > 0 and (space := text.find(" ", lo, start)) != -1:
        lo = space + 1
    if hi < len(text) and (space := text.rfind(" ", end, hi)) != -1:
        hi = space
    before = ("…" if lo > 0 else "") + text[lo:start]
    after = text[end:hi] + ("…" if hi < len(text) else "")
    return before[:200], after[:200]


def _alerts_for(school: School, capture: Capture, text: str, hits: Iterable[Any]) -> list[Alert]:
    """One alert per category, most severe first: a message with two worrying phrases of the same kind is one
    thing to review (carrying its highest severity and every hit), not two alerts to close one by one."""
    by_category: dict[str, list[dict[str, Any]]] = {}
    for hit in hits:
        before, after = _around(text, hit.start, hit.end)
        by_category.setdefault(hit.category, []).append(
            {
                "rule": hit.rule[:120],
                "severity": hit.severity,
                "evidence": hit.evidence[:500],
                "start": hit.start,
                "end": hit.end,
                "context_before": before,
                "context_after": after,
            }
        )
    alerts = []
    for category, found in by_category.items():
        found.sort(key=lambda h: (h["start"], h["end"]))
        top = min(found, key=lambda h: (-h["severity"], h["start"]))
        alerts.append(
            Alert(
                school=school,
                capture=capture,
                category=category,
                severity=top["severity"],
                rule=top["rule"],
                evidence=top["evidence"],
                start=top["start"],
                end=top["end"],
                context_before=top["context_before"],
                context_after=top["context_after"],
                hits=found,
            )
        )
    alerts.sort(key=lambda a: (-a.severity, a.start))
    return alerts


@dataclass
class CaptureResult:
    capture: Capture | None  # None: nothing of concern and nobody under enhanced monitoring, so nothing kept
    created: bool
    alerts: list[Alert]


def capture_text(
    *,
    school: School,
    source: Source | None,
    text: str,
    person: Person | None = None,
    message_id: str = "",
    occurred_at: datetime | None = None,
    subject: str = "",
    sender: str = "",
    recipients: Iterable[str] = (),
    actor: User | None = None,
    request: HttpRequest | None = None,
) -> CaptureResult:
    """Scan ``text`` and keep it as a capture with its alerts if anything is of concern (or the person is under
    enhanced monitoring). Idempotent by ``message_id``: the same message twice is one capture.

    Inside ``esafety.core.actions.quiet()`` (the demo, bulk loads of old text) no e-mail is sent. The capture,
    its alerts, the audit entry and the severity-5 e-mail commit together, so a caller that marks the message
    processed after this returns never loses one.
    """
    message_id = (message_id or "").strip()[:255]
    if message_id and (existing := Capture.objects.filter(school=school, message_id=message_id).first()):
        return CaptureResult(existing, False, list(existing.alerts.order_by("-severity", "start")))
    text = clean(text)[:MAX_TEXT]
    recipients = [r for r in recipients if r][:50]
    if person is None:
        person = resolve_person(school, [sender, *recipients])
    when = occurred_at or timezone.now()
    result = scanning.scan(school, text, person, on=timezone.localdate(when))
    if not result.hits and result.enhanced is None:
        return CaptureResult(None, False, [])
    try:
        with transaction.atomic():
            capture = Capture.objects.create(
                school=school,
                source=source,
                person=person,
                message_id=message_id,
                occurred_at=when,
                subject=subject[:255],
                sender=sender[:255],
                recipients=recipients,
                text=text,
                status=Capture.Status.ALERTED if result.hits else Capture.Status.KEPT,
                enhanced=result.enhanced,
            )
            alerts = Alert.objects.bulk_create(_alerts_for(school, capture, text, result.hits))
            if not all(a.pk for a in alerts):  # backends that do not return keys from bulk_create
                alerts = list(capture.alerts.order_by("-severity", "start"))
            record(
                "capture.create",
                actor=actor,
                obj=capture,
                school=school,
                request=request,
                detail={
                    "source": source.kind if source else "",
                    "alerts": [a.pk for a in alerts],
                    "max_severity": max((a.severity for a in alerts), default=0),
                    "enhanced": bool(result.enhanced),
                    "threshold": result.threshold,
                },
            )
            if any(a.severity >= 5 for a in alerts):
                _notify_urgent(capture)
    except IntegrityError:
        # Another worker stored the same message between our check and our insert: theirs stands.
        existing = Capture.objects.filter(school=school, message_id=message_id).first()
        if existing is None:
            raise
        return CaptureResult(existing, False, list(existing.alerts.order_by("-severity", "start")))
    return CaptureResult(capture, True, alerts)


def _leads(school: School) -> list[User]:
    return list(User.holding(school, [Role.HEAD, Role.COORDINATOR]))


def _notify_urgent(capture: Capture) -> None:
    """Severity 5 (imminent risk to life): the Co-ordinator and the Head hear at once. No content in the e-mail."""
    path = reverse("monitoring:alerts") + "?severity=5&status=new"
    queue_email(
        f"monitoring-severity5:{capture.pk}",
        [u.email for u in _leads(capture.school)],
        "esafety: an urgent monitoring alert needs review now",
        "esafety has raised a severity 5 monitoring alert (possible imminent risk to life) that needs review now.\n\n"
        f"Sign in to review it: {settings.SITE_URL}{path}\n\n"
        "This e-mail carries no details on purpose.\n",
        school=capture.school,
    )


# Alert review ---------------------------------------------------------------------------------------------


def review_alert(
    alert: Alert, *, by: User, status: str, reason: str = "", request: HttpRequest | None = None
) -> Alert:
    """Mark ``alert`` reviewed, a false positive or action taken: each with the reviewer's note, which is
    required (``WorkflowError`` without one)."""
    if not may_review(by, alert.school):
        raise PermissionDenied
    with transaction.atomic():
        alert = Alert.objects.select_for_update().get(pk=alert.pk)
        before = alert.status
        if status == Alert.Status.REVIEWED:
            alert.mark_reviewed(by, reason)
        elif status == Alert.Status.FALSE_POSITIVE:
            alert.mark_false_positive(by, reason)
        elif status == Alert.Status.ACTION_TAKEN:
            alert.mark_action_taken(by, reason)
        else:
            raise WorkflowError(f"Unknown review step {status!r}.")
        record(
            "alert.review",
            actor=by,
            obj=alert,
            request=request,
            detail={"from": before, "to": alert.status, "reason": alert.reason},
        )
    return alert


def evidence_file(capture: Capture) -> tuple[str, bytes]:
    """The capture as a plain-text evidence file (labels avoid e-mail header names so it stays text/plain)."""
    lines = [
        f"esafety monitoring capture {capture.pk}",
        f"Source name = {capture.source.name if capture.source else 'unknown'}",
        f"Sender address = {capture.sender or '-'}",
        f"Recipient addresses = {', '.join(capture.recipients) or '-'}",
        f"Subject line = {capture.subject or '-'}",
        f"Time (UTC) = {capture.occurred_at.astimezone(UTC).isoformat(timespec='seconds')}",
        "Alerts = "
        + "; ".join(f"{a.category} severity {a.severity} ({a.rule})" for a in capture.alerts.all()),
        "",
        capture.text,
    ]
    return f"monitoring-capture-{capture.pk}.txt", ("\n".join(lines) + "\n").encode("utf-8")


def create_incident_from_alert(
    alert: Alert, *, by: User, note: str = "", request: HttpRequest | None = None
) -> Any:
    """One click: a safeguarding-log incident with the capture attached as evidence, linked both ways
    (the alert points to the incident; the incident's source reference names the alert).

    ``note`` (required) is the reviewer's: it becomes part of the incident's description. The incident starts as
    triaged by the reviewer, who has just read the message and taken it on. The message's other open alerts
    close with it ("closed: became incident #N"): one message is one piece of work. The message's words are not
    copied into the description (anyone with a job on the incident reads that); the incident page shows them as
    a quotation only to those who may read the alert (``origins.py``), and the evidence file holds the whole text.
    """
    from esafety.incidents.actions import PersonRole, report_incident, triage_incident

    if not may_review(by, alert.school):
        raise PermissionDenied
    if not note.strip():
        raise WorkflowError("Say why this becomes an incident: your note goes into the incident.")
    note = note.strip()
    with transaction.atomic():
        # Lock the alert row only: PostgreSQL cannot lock the nullable side of the person and source joins.
        alert = (
            Alert.objects.select_for_update(of=("self",))
            .select_related("capture", "capture__person", "capture__source")
            .get(pk=alert.pk)
        )
        if not alert.is_open:
            raise WorkflowError(f"{alert.label} is already closed ({alert.get_status_display()}).")
        capture = alert.capture
        people = []
        if capture.person is not None:
            role = PersonRole.VICTIM if alert.category == "self_harm" else PersonRole.SUBJECT
            people.append((capture.person, role))
        found_in = capture.source.get_kind_display().lower() if capture.source else "text"
        rules = "; ".join(dict.fromkeys(h["description"] for h in alert.described_hits))
        description = (
            f"Raised from monitoring {alert.label}: {alert.get_category_display().lower()}, severity {alert.severity}"
            f" ({rules}), found in {found_in} at {timezone.localtime(capture.occurred_at):%d %b %Y %H:%M}."
            " The captured text is attached.\n\n"
            f"Reviewer's note ({by.get_full_name() or by.username}): {note}"
        )
        incident = report_incident(
            school=alert.school,
            reporter=by,
            category=INCIDENT_CATEGORIES.get(alert.category, "other"),
            description=description,
            occurred_at=capture.occurred_at,
            people=people,
            evidence=[evidence_file(capture)],
            urgent=alert.severity >= 4,
            source="monitoring",
            source_ref=f"alert:{alert.pk}",
            idempotency_key=f"monitoring-alert:{alert.pk}",
            request=request,
        )
        if (
            not getattr(incident, "replayed", False)
            and not incident.restricted
            and incident.can_step("triage")
            and can(by, Action.TRIAGE_INCIDENT, alert.school)
        ):
            incident = triage_incident(
                incident,
                by=by,
                reason=f"Taken on when raised from monitoring {alert.label}.",
                assigned=by,
                request=request,
            )
        alert.link_incident(incident, by, note)
        record(
            "alert.incident",
            actor=by,
            obj=alert,
            request=request,
            detail={"incident": incident.pk, "capture": capture.pk, "reason": note},
        )
        closing = f"closed: became {incident.label.lower()}"
        for sibling in capture.alerts.open().exclude(pk=alert.pk).select_for_update().order_by("pk"):
            sibling.link_incident(incident, by, closing)
            record(
                "alert.close_sibling",
                actor=by,
                obj=sibling,
                request=request,
                detail={"incident": incident.pk, "alert": alert.pk, "reason": closing},
            )
    return incident


def set_technician_reviews(
    school: School, *, allowed: bool, by: User, request: HttpRequest | None = None
) -> MonitoringSettings:
    """The Headteacher grants (or withdraws) the ICT Technician's reading and review of alerts."""
    if not can(by, Action.EDIT_MONITORING_SETTINGS, school):
        raise PermissionDenied
    with transaction.atomic():
        MonitoringSettings.for_school(school)
        config = MonitoringSettings.objects.select_for_update().get(school=school)
        if config.technician_reviews != allowed:
            config.technician_reviews = allowed
            config.save(update_fields=["technician_reviews"])
            record(
                "monitoring_settings.technician_reviews",
                actor=by,
                obj=config,
                request=request,
                detail={"technician_reviews": allowed},
            )
    school.__dict__.pop("_technician_reviews", None)
    return config


# Enhanced monitoring --------------------------------------------------------------------------------------


def request_enhanced_monitoring(
    *,
    school: School,
    person: Person,
    reason: str,
    starts: date,
    ends: date,
    threshold: int = 1,
    by: User,
    request: HttpRequest | None = None,
) -> EnhancedMonitoring:
    """Ask for enhanced monitoring of ``person``; when the Headteacher asks, it is authorised at once."""
    if person.school_id != school.pk:
        raise PermissionDenied
    if not can(by, Action.MANAGE_ENHANCED_MONITORING, school):
        raise PermissionDenied
    if ends < starts:
        raise WorkflowError("The end date must be on or after the start date.")
    if not reason.strip():
        raise WorkflowError("A reason is required.")
    with transaction.atomic():
        item = EnhancedMonitoring.objects.create(
            school=school,
            person=person,
            reason=reason.strip(),
            starts=starts,
            ends=ends,
            threshold=threshold,
            requested_by=by,
        )
        record(
            "enhanced_monitoring.request",
            actor=by,
            obj=item,
            request=request,
            detail={"person": person.pk, "starts": starts, "ends": ends, "threshold": threshold},
        )
        if can(by, Action.AUTHORISE_ENHANCED_MONITORING, school):
            _authorise(item, by, request)
    return item


def _authorise(item: EnhancedMonitoring, by: User, request: Any) -> None:
    item.authorise(by)
    record(
        "enhanced_monitoring.authorise",
        actor=by,
        obj=item,
        request=request,
        detail={"person": item.person_id},
    )


def authorise_enhanced_monitoring(
    item: EnhancedMonitoring, *, by: User, request: HttpRequest | None = None
) -> EnhancedMonitoring:
    # Only the Headteacher authorises: checked here as well as in the view, so no caller can skip it.
    if not can(by, Action.AUTHORISE_ENHANCED_MONITORING, item.school):
        raise PermissionDenied
    with transaction.atomic():
        item = EnhancedMonitoring.objects.select_for_update().get(pk=item.pk)
        _authorise(item, by, request)
    return item


def decline_enhanced_monitoring(
    item: EnhancedMonitoring, *, by: User, reason: str, request: HttpRequest | None = None
) -> EnhancedMonitoring:
    if not can(by, Action.AUTHORISE_ENHANCED_MONITORING, item.school):
        raise PermissionDenied
    with transaction.atomic():
        item = EnhancedMonitoring.objects.select_for_update().get(pk=item.pk)
        item.decline(by, reason)
        record("enhanced_monitoring.decline", actor=by, obj=item, request=request, detail={"reason": reason})
    return item


def end_enhanced_monitoring(
    item: EnhancedMonitoring, *, by: User | None, reason: str, request: HttpRequest | None = None
) -> EnhancedMonitoring:
    with transaction.atomic():
        item = EnhancedMonitoring.objects.select_for_update().get(pk=item.pk)
        item.end(by, reason)
        record("enhanced_monitoring.end", actor=by, obj=item, request=request, detail={"reason": reason})
    return item


def end_expired_enhanced_monitoring(today: date | None = None) -> int:
    """Stamp the end of every authorisation whose end date has passed (they already stopped counting by date)."""
    today = today or timezone.localdate()
    ended = 0
    for item in EnhancedMonitoring.objects.filter(
        ended_at__isnull=True, declined_at__isnull=True, ends__lt=today
    ):
        try:
            end_enhanced_monitoring(item, by=None, reason="End date reached")
            ended += 1
        except WorkflowError:
            continue  # ended by someone else meanwhile
    return ended


# Lexicon --------------------------------------------------------------------------------------------------


def add_lexicon_term(
    *,
    school: School,
    phrase: str,
    category: str,
    severity: int,
    first_person: bool = False,
    negatives: str = "",
    by: User,
    request: HttpRequest | None = None,
) -> LexiconAddition:
    with transaction.atomic():
        term = LexiconAddition.objects.create(
            school=school,
            phrase=phrase.strip(),
            category=category,
            severity=severity,
            first_person=first_person,
            negatives=negatives.strip(),
            added_by=by,
        )
        record(
            "lexicon.add",
            actor=by,
            obj=term,
            request=request,
            detail={
                "phrase": term.phrase,
                "category": category,
                "severity": severity,
                "first_person": first_person,
            },
        )
    return term


def remove_lexicon_term(term: LexiconAddition, *, by: User, request: HttpRequest | None = None) -> None:
    with transaction.atomic():
        record(
            "lexicon.remove",
            actor=by,
            obj=term,
            request=request,
            detail={"phrase": term.phrase, "category": term.category},
        )
        term.delete()


def suppress_term(
    *, school: School, rule: str, group: str, reason: str, by: User, request: HttpRequest | None = None
) -> LexiconSuppression:
    if not reason.strip():
        raise WorkflowError("A reason is required to suppress a term.")
    with transaction.atomic():
        item = LexiconSuppression.objects.create(
            school=school, rule=rule.strip(), group=group.strip() or "*", reason=reason.strip(), added_by=by
        )
        record(
            "lexicon.suppress",
            actor=by,
            obj=item,
            request=request,
            detail={"rule": item.rule, "group": item.group, "reason": item.reason},
        )
    return item


def remove_suppression(item: LexiconSuppression, *, by: User, request: HttpRequest | None = None) -> None:
    with transaction.atomic():
        record(
            "lexicon.unsuppress",
            actor=by,
            obj=item,
            request=request,
            detail={"rule": item.rule, "group": item.group},
        )
        item.delete()


# The allow list learnt from reviews (allowlist.py computes the proposals) ---------------------------------


def _allow_max_severity(by: User, school: School, severe: bool) -> int:
    """3, or 5 when the Headteacher asks for it: a phrase hides severity 4 and 5 only on the Head's say-so."""
    if not severe:
        return ALLOW_MAX_SEVERITY
    if not can(by, Action.ALLOW_SEVERE_PHRASES, school):
        raise PermissionDenied
    return 5


def apply_allow_proposal(
    proposal: Any,
    *,
    school: School,
    by: User,
    reason: str,
    severe: bool = False,
    accept_lower_recall: bool = False,
    request: HttpRequest | None = None,
) -> AllowedPhrase:
    """Allow ``proposal``'s words at ``school``: from the next scan, hits of its category with those words (up to
    severity 3, or 5 when the Headteacher applies it with ``severe``) raise no alert there.

    The preview is computed again here and kept with the decision and in the audit entry: the figures recorded
    are the ones the page showed. A change that lowers recall on any evaluation set needs
    ``accept_lower_recall``; every application needs a reason.
    """
    if not can(by, Action.MANAGE_LEXICON, school):
        raise PermissionDenied
    if not reason.strip():
        raise WorkflowError("Say why these words should no longer alert.")
    most = _allow_max_severity(by, school, severe)
    if proposal.lowest_severity > most:
        raise WorkflowError(
            f"These words were dismissed only at severity {proposal.lowest_severity}: allowed up to severity"
            f" {most} they would change nothing. Only the Headteacher can allow words at severity 4 and 5."
        )
    shown = scanning.preview_allow(school, proposal.category, proposal.key, most)
    if shown.loses_recall and not accept_lower_recall:
        raise WorkflowError(
            "This phrase would stop catching messages the evaluation sets count as concerns: confirm that you"
            " accept the lower recall, and say why."
        )
    figures = shown.as_data()
    dismissals = proposal.dismissals()
    with transaction.atomic():
        try:
            with transaction.atomic():
                item = AllowedPhrase.objects.create(
                    school=school,
                    category=proposal.category,
                    key=proposal.key,
                    phrase=proposal.phrase[:500],
                    status=AllowedPhrase.Status.ALLOWED,
                    max_severity=most,
                    reason=reason.strip(),
                    decided_by=by,
                    dismissals=dismissals,
                    figures=figures,
                )
        except IntegrityError:
            raise WorkflowError("These words are already on the school's allow list.") from None
        record(
            "allow_list.apply",
            actor=by,
            obj=item,
            request=request,
            detail=_allow_detail(
                item,
                max_severity=most,
                reason=item.reason,
                lower_recall=shown.loses_recall,
                alerts=[d["alert"] for d in dismissals],
                figures=figures,
            ),
        )
    return item


def _allow_detail(item: AllowedPhrase, **more: Any) -> dict[str, Any]:
    """An allow-list audit entry's detail: the words and their category (as the audit sentence names it)."""
    return {
        "phrase": item.phrase,
        "category": item.category,
        "category_label": item.get_category_display().lower(),
        **more,
    }


def reject_allow_proposal(
    proposal: Any, *, school: School, by: User, reason: str, request: HttpRequest | None = None
) -> AllowedPhrase:
    """Keep alerting on ``proposal``'s words; it is proposed again only after two newer dismissals."""
    if not can(by, Action.MANAGE_LEXICON, school):
        raise PermissionDenied
    if not reason.strip():
        raise WorkflowError("Say why these words should keep alerting.")
    dismissals = proposal.dismissals()
    with transaction.atomic():
        item = AllowedPhrase.objects.create(
            school=school,
            category=proposal.category,
            key=proposal.key,
            phrase=proposal.phrase[:500],
            status=AllowedPhrase.Status.REJECTED,
            reason=reason.strip(),
            decided_by=by,
            dismissals=dismissals,
        )
        record(
            "allow_list.reject",
            actor=by,
            obj=item,
            request=request,
            detail=_allow_detail(item, reason=item.reason, alerts=[d["alert"] for d in dismissals]),
        )
    return item


def remove_allowed_phrase(
    item: AllowedPhrase, *, by: User, reason: str, request: HttpRequest | None = None
) -> AllowedPhrase:
    """Take words off the allow list: they alert again from the next scan, and are proposed again only after two
    newer dismissals. The figures shown when they were allowed go into the audit entry beside the reason."""
    # Anyone who manages the lexicon may remove a phrase, the Head's too: removing only ever brings alerts back.
    if not can(by, Action.MANAGE_LEXICON, item.school):
        raise PermissionDenied
    with transaction.atomic():
        item = AllowedPhrase.objects.select_for_update().get(pk=item.pk)
        item.remove(by, reason)
        record(
            "allow_list.remove",
            actor=by,
            obj=item,
            request=request,
            detail=_allow_detail(
                item, max_severity=item.max_severity, reason=item.removed_reason, figures=item.figures
            ),
        )
    return item


# Privacy --------------------------------------------------------------------------------------------------


def purge_captures(now: datetime | None = None) -> dict[str, int]:
    """Delete captures past the school's retention, and dismissed false positives sooner.

    Alerts go with their capture. An alert that became an incident loses nothing: the incident holds its own
    copy of the text as an evidence file. Captures of a person under active enhanced monitoring are kept until
    the ordinary retention ends.
    """
    now = now or timezone.now()
    totals = {"retention": 0, "false_positive": 0}
    school_ids = Capture.objects.values_list("school_id", flat=True).distinct()
    for school in School.objects.filter(pk__in=list(school_ids)):
        config = MonitoringSettings.for_school(school)
        with transaction.atomic():
            old = Capture.objects.filter(
                school=school, received_at__lt=now - timedelta(days=school.retention_days)
            )
            old_count = old.count()
            old.delete()
            watched = EnhancedMonitoring.objects.active(timezone.localdate(now)).filter(school=school)
            dismissed = (
                Capture.objects.filter(school=school, alerts__isnull=False)
                .exclude(
                    alerts__status__in=[s for s in Alert.Status.values if s != Alert.Status.FALSE_POSITIVE]
                )
                .exclude(person__in=watched.values("person"))
                .annotate(last_review=Max("alerts__reviewed_at"))
                .filter(last_review__lt=now - timedelta(days=config.false_positive_days))
            )
            ids = list(dismissed.values_list("pk", flat=True))
            Capture.objects.filter(pk__in=ids).delete()
            if old_count or ids:
                record(
                    "capture.purge",
                    school=school,
                    object_repr="Monitoring captures",
                    detail={
                        "retention": old_count,
                        "false_positive": len(ids),
                        "retention_days": school.retention_days,
                        "false_positive_days": config.false_positive_days,
                    },
                )
        totals["retention"] += old_count
        totals["false_positive"] += len(ids)
    return totals


# Sources --------------------------------------------------------------------------------------------------

# Keys of an IMAP source's config that the form and the command set; anything else (processed_keyword) is kept.
_IMAP_KEYS = (
    "host",
    "port",
    "ssl",
    "starttls",
    "user",
    "mailbox",
    "processed_folder",
    "password",
    "password_env",
)


def save_imap_source(
    *,
    school: School,
    name: str,
    host: str,
    port: int,
    user: str,
    ssl: bool = False,
    starttls: bool = False,
    password_env: str = "",
    password: str | None = None,
    mailbox: str = "INBOX",
    processed_folder: str = "",
    source: Source | None = None,
    by: User | None = None,
    request: HttpRequest | None = None,
) -> tuple[Source, bool]:
    """Add or update a journal mailbox; returns ``(source, created)``.

    ``source`` given: that row is updated (the page). Otherwise the school's source called ``name`` is updated or
    created (the ``monitoring_source`` command). The password should live in the environment of the server
    (``password_env`` names the variable); ``password`` stores it in the database and is for the command line
    only. Giving one drops the other. The audit detail never holds a password.
    """
    if not password_env and password is None:
        raise WorkflowError("Name the environment variable that holds the password.")
    config: dict[str, Any] = {
        "host": host.strip(),
        "port": int(port),
        "ssl": bool(ssl),
        "starttls": bool(starttls) and not ssl,
        "user": user.strip(),
        "mailbox": mailbox.strip() or "INBOX",
    }
    if processed_folder.strip():
        config["processed_folder"] = processed_folder.strip()
    if password_env:
        config["password_env"] = password_env.strip()
    else:
        config["password"] = password
    with transaction.atomic():
        if source is None:
            source = Source.objects.select_for_update().filter(school=school, name=name.strip()).first()
        else:
            source = Source.objects.select_for_update().get(pk=source.pk, school=school)
        created = source is None
        if source is None:
            source = Source(school=school, kind=Source.Kind.IMAP, active=True)
        elif source.kind != Source.Kind.IMAP:
            raise WorkflowError(f"{source.name} is not a journal mailbox.")
        kept = {k: v for k, v in (source.config or {}).items() if k not in _IMAP_KEYS}
        source.name, source.config = name.strip(), kept | config
        source.save()
        shown = {k: v for k, v in source.config.items() if k != "password"}
        record(
            "source.save",
            actor=by,
            obj=source,
            school=school,
            request=request,
            detail={"created": created, "config": shown, "password_stored": "password" in source.config},
        )
    return source, created


def set_source_active(
    source: Source, *, active: bool, by: User, request: HttpRequest | None = None
) -> Source:
    """Switch a source on or off: ingestion skips a disabled mailbox, and its captures stay as they are."""
    with transaction.atomic():
        source = Source.objects.select_for_update().get(pk=source.pk)
        if source.active != active:
            source.active = active
            source.save(update_fields=["active"])
            record("source.enable" if active else "source.disable", actor=by, obj=source, request=request)
    return source


def check_source_connection(source: Source, *, by: User, request: HttpRequest | None = None) -> str:
    """Log in to the source's mailbox the way ingestion does; returns "" on success, else the error message."""
    error = ""
    try:
        imap.check_login(dict(source.config or {}))
    except imap.MailboxError as exc:
        error = str(exc)
    record(
        "source.test", actor=by, obj=source, request=request, detail={"ok": not error, "error": error[:500]}
    )
    return error


# --- The journal mailbox (imap.py speaks IMAP; this drives it) ---------------------------------------------


def ingest_mailbox(source: Source, *, limit: int | None = None) -> imap.MailboxReport:
    """Read every unprocessed message of ``source`` (oldest first), capture what is of concern, mark each done.

    Order matters: parse, scan and commit the capture and its alerts, and only then mark the message processed
    on the server. A crash before the commit loses nothing (the message is still unprocessed); a crash between
    the commit and the mark re-reads the message next time, and the Message-ID constraint makes that a no-op.
    """
    report = imap.MailboxReport()
    with imap.open_mailbox(dict(source.config or {})) as mailbox:
        for uid, raw in mailbox.unprocessed(limit):
            report.fetched += 1
            try:
                parsed = parse_email(raw)
                result = capture_text(
                    school=source.school,
                    source=source,
                    text=parsed.text,
                    message_id=parsed.message_id,
                    occurred_at=parsed.occurred_at,
                    subject=parsed.subject,
                    sender=parsed.sender,
                    recipients=parsed.recipients,
                )
            except Exception as exc:  # one bad message must not stop the mailbox; it is logged and retried
                log.exception("monitoring: message UID %s of source %s failed", uid, source.pk)
                report.failed += 1
                report.errors.append(f"UID {uid.decode()}: {type(exc).__name__}: {exc}")
                continue
            if result.capture is None:
                report.clean += 1
            elif result.created:
                report.captured += 1
            else:
                report.duplicates += 1
            mailbox.mark_processed(uid)  # committed: only now may the server forget about it
    return report


def ingest_all(school: School | None = None, *, limit: int | None = None) -> dict[int, imap.MailboxReport]:
    """Every active journal mailbox (of ``school``, or all schools)."""
    sources = Source.objects.filter(kind=Source.Kind.IMAP, active=True).select_related("school")
    if school is not None:
        sources = sources.filter(school=school)
    reports = {}
    for source in sources:
        try:
            reports[source.pk] = report = ingest_mailbox(source, limit=limit)
            source.note_run("; ".join(report.errors))
        except (imap.MailboxError, imaplib.IMAP4.error, OSError) as exc:
            log.warning("monitoring: mailbox %s: %s", source.pk, exc)
            source.note_run(f"{type(exc).__name__}: {exc}")
    return reports


def search_query_in(url: str) -> tuple[str, str] | None:
    """(search engine, terms) when ``url`` is a search-results address, else None: how the filtering room hands
    the search terms in its logs to the scanner."""
    return searchlog.query_from_url(url)
