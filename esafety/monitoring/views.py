from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, Q, Sum
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from esafety.access import Action, can, requires
from esafety.audit.actions import record, record_view
from esafety.audit.models import AuditEntry
from esafety.core import antivirus
from esafety.core.types import SchoolRequest
from esafety.monitoring import actions, allowlist, scanning
from esafety.monitoring.documents import read_upload
from esafety.monitoring.forms import (
    OPEN,
    AlertFilterForm,
    AllowDecisionReasonForm,
    AllowPhraseForm,
    EnhancedMonitoringForm,
    ImapSourceForm,
    IncidentFromAlertForm,
    LexiconAdditionForm,
    LexiconSuppressionForm,
    MonitoringSettingsForm,
    ReasonForm,
    ReviewForm,
    UploadForm,
)
from esafety.monitoring.models import (
    ALLOW_MAX_SEVERITY,
    Alert,
    AllowedPhrase,
    EnhancedMonitoring,
    LexiconAddition,
    LexiconSuppression,
    MonitoringSettings,
    Source,
    WorkflowError,
)
from esafety.monitoring.permissions import alerts_visible_to, may_review
from esafety.people.models import Person

CHART_WEEKS = 12


def incident_url(incident: Any) -> str:
    return reverse("incidents:detail", args=[incident.pk])


@requires(Action.VIEW_ALERTS)
def alert_list(request: SchoolRequest) -> HttpResponse:
    """The queue: most severe first, with the words around each hit."""
    school = request.school
    form = AlertFilterForm(request.GET or None)
    alerts = alerts_visible_to(request.user, school)
    status = OPEN
    if form.is_valid():
        status = form.cleaned_data["status"] or OPEN
        if category := form.cleaned_data["category"]:
            alerts = alerts.filter(category=category)
        if severity := form.cleaned_data["severity"]:
            alerts = alerts.filter(severity__gte=severity)
        if who := form.cleaned_data["person"].strip():
            alerts = alerts.filter(
                Q(capture__person__first_name__icontains=who)
                | Q(capture__person__last_name__icontains=who)
                | Q(capture__sender__icontains=who)
            )
    if status == OPEN:
        alerts = alerts.open()
    elif status != "all":
        alerts = alerts.filter(status=status)
    page = Paginator(alerts.order_by("-severity", "-created", "-pk"), 50).get_page(request.GET.get("page"))
    reads = may_review(request.user, school)
    if page.object_list:
        # The queue shows captured words (or, to the technician, who wrote about what): a view of restricted
        # records, noted once per page.
        record(
            "capture.list_view" if reads else "alert.metadata_view",
            request=request,
            kind=AuditEntry.Kind.VIEW,
            object_repr="Monitoring alert queue",
            detail={"alerts": [a.pk for a in page.object_list]},
        )
    counts = dict(
        alerts_visible_to(request.user, school)
        .open()
        .values_list("severity")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return render(
        request,
        "monitoring/alerts.html",
        {
            "form": form,
            "page": page,
            "counts": [(s, counts.get(s, 0)) for s in range(5, 0, -1)],
            "reads": reads,
            "can_upload": True,
            "can_lexicon": can(request.user, Action.MANAGE_LEXICON, school),
            "proposals": len(allowlist.proposals(school))
            if can(request.user, Action.MANAGE_LEXICON, school)
            else 0,
            "can_settings": can(request.user, Action.EDIT_MONITORING_SETTINGS, school),
            "can_sources": can(request.user, Action.MANAGE_MONITORING_SOURCES, school),
        },
    )


def _get_alert(request: SchoolRequest, pk: int) -> Alert:
    return get_object_or_404(alerts_visible_to(request.user, request.school), pk=pk)


@requires(Action.VIEW_ALERTS)
def alert_detail(request: SchoolRequest, pk: int) -> HttpResponse:
    alert = _get_alert(request, pk)
    capture = alert.capture
    reads = may_review(request.user, request.school)
    if reads:
        record_view(request, capture, alert=alert.pk)
    else:
        record("alert.metadata_view", request=request, obj=alert, kind=AuditEntry.Kind.VIEW)
    return render(
        request,
        "monitoring/alert.html",
        {
            "alert": alert,
            "capture": capture,
            "reads": reads,
            "others": capture.alerts.exclude(pk=alert.pk).order_by("-severity", "start"),
            "review_form": ReviewForm(),
            "incident_form": IncidentFromAlertForm(),
            "can_report": can(request.user, Action.REPORT_INCIDENT, request.school),
            "can_settings": can(request.user, Action.EDIT_MONITORING_SETTINGS, request.school),
            "incident_url": incident_url(alert.incident) if alert.incident else "",
        },
    )


@require_POST
@requires(Action.VIEW_ALERTS)
def alert_review(request: SchoolRequest, pk: int) -> HttpResponse:
    alert = _get_alert(request, pk)
    if not may_review(request.user, request.school):
        raise PermissionDenied
    form = ReviewForm(request.POST)
    if form.is_valid():
        try:
            actions.review_alert(
                alert,
                by=request.user,
                status=form.cleaned_data["status"],
                reason=form.cleaned_data["reason"],
                request=request,
            )
            messages.success(
                request, f"{alert.label}: {Alert.Status(form.cleaned_data['status']).label.lower()}."
            )
        except WorkflowError as exc:
            messages.error(request, str(exc))
    else:
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
        return redirect("monitoring:alert", pk=alert.pk)
    if request.POST.get("next") == "alert":
        return redirect("monitoring:alert", pk=alert.pk)
    return redirect("monitoring:alerts")


@require_POST
@requires(Action.VIEW_ALERTS)
def alert_incident(request: SchoolRequest, pk: int) -> HttpResponse:
    alert = _get_alert(request, pk)
    if not may_review(request.user, request.school) or not can(
        request.user, Action.REPORT_INCIDENT, request.school
    ):
        raise PermissionDenied
    form = IncidentFromAlertForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
        return redirect("monitoring:alert", pk=alert.pk)
    try:
        incident = actions.create_incident_from_alert(
            alert, by=request.user, note=form.cleaned_data["note"], request=request
        )
    except WorkflowError as exc:
        messages.error(request, str(exc))
        return redirect("monitoring:alert", pk=alert.pk)
    messages.success(
        request, f"{incident.label} created from {alert.label}, with the captured text attached."
    )
    return redirect(incident_url(incident) or reverse("monitoring:alert", args=[alert.pk]))


@requires(Action.EDIT_MONITORING_SETTINGS)
def monitoring_settings(request: SchoolRequest) -> HttpResponse:
    """The Headteacher's monitoring settings: whether the ICT Technician may read and review alerts."""
    school = request.school
    current = MonitoringSettings.for_school(school)
    form = MonitoringSettingsForm(
        request.POST or None, initial={"technician_reviews": current.technician_reviews}
    )
    if request.method == "POST" and form.is_valid():
        allowed = form.cleaned_data["technician_reviews"]
        actions.set_technician_reviews(school, allowed=allowed, by=request.user, request=request)
        messages.success(
            request,
            "The ICT Technician may now read and review alerts."
            if allowed
            else "The ICT Technician now sees alerts' metadata only.",
        )
        return redirect("monitoring:settings")
    return render(request, "monitoring/settings.html", {"form": form})


@requires(Action.VIEW_ALERTS)
def person_summary(request: SchoolRequest, pk: int) -> HttpResponse:
    """A person's alerts over the last weeks: a bar per week, its height the sum of severities."""
    school = request.school
    person = get_object_or_404(Person, pk=pk, school=school)
    alerts = alerts_visible_to(request.user, school).filter(capture__person=person)
    today = timezone.localdate()
    first = today - timedelta(days=today.weekday() + 7 * (CHART_WEEKS - 1))
    weeks: list[dict[str, Any]] = [
        {"start": first + timedelta(weeks=i), "score": 0, "count": 0, "top": 0} for i in range(CHART_WEEKS)
    ]
    for alert in alerts.filter(capture__occurred_at__date__gte=first).exclude(
        status=Alert.Status.FALSE_POSITIVE
    ):
        index = (timezone.localdate(alert.capture.occurred_at) - first).days // 7
        if 0 <= index < CHART_WEEKS:
            week = weeks[index]
            week["score"] += alert.severity
            week["count"] += 1
            week["top"] = max(week["top"], alert.severity)
    peak = max((w["score"] for w in weeks), default=0) or 1
    for i, week in enumerate(weeks):
        week["height"] = round(120 * week["score"] / peak)
        week["x"] = 40 + i * 45
        week["y"] = 140 - week["height"]
        week["tone"] = "alert" if week["top"] >= 4 else "warn" if week["top"] >= 3 else "neutral"
    totals = alerts.exclude(status=Alert.Status.FALSE_POSITIVE).aggregate(
        n=Count("pk"), score=Sum("severity")
    )
    recent = alerts.order_by("-capture__occurred_at", "-pk")[:50]
    record(
        "capture.list_view" if may_review(request.user, school) else "alert.metadata_view",
        request=request,
        kind=AuditEntry.Kind.VIEW,
        object_repr=f"Monitoring summary, Person #{person.pk}",
        detail={"person": person.pk},
    )
    enhanced = EnhancedMonitoring.objects.filter(school=school, person=person).order_by("-starts")[:5]
    return render(
        request,
        "monitoring/person.html",
        {
            "person": person,
            "weeks": weeks,
            "peak": peak,
            "totals": totals,
            "recent": recent,
            "enhanced": enhanced,
        },
    )


@requires(Action.MANAGE_ENHANCED_MONITORING)
def enhanced_list(request: SchoolRequest) -> HttpResponse:
    school = request.school
    form = EnhancedMonitoringForm(request.POST or None, school=school)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            item = actions.request_enhanced_monitoring(
                school=school,
                person=data["person"],
                reason=data["reason"],
                starts=data["starts"],
                ends=data["ends"],
                threshold=data["threshold"],
                by=request.user,
                request=request,
            )
        except WorkflowError as exc:
            messages.error(request, str(exc))
        else:
            if item.authorised_at:
                messages.success(request, f"{item.label} authorised for {item.person.full_name}.")
            else:
                messages.success(
                    request, f"{item.label} requested; it starts once the Headteacher authorises it."
                )
            return redirect("monitoring:enhanced")
    items = EnhancedMonitoring.objects.filter(school=school).select_related(
        "person", "requested_by", "authorised_by", "ended_by"
    )
    return render(
        request,
        "monitoring/enhanced.html",
        {
            "form": form,
            "items": items,
            "reason_form": ReasonForm(),
            "can_authorise": can(request.user, Action.AUTHORISE_ENHANCED_MONITORING, school),
        },
    )


@require_POST
@requires(Action.AUTHORISE_ENHANCED_MONITORING)
def enhanced_authorise(request: SchoolRequest, pk: int) -> HttpResponse:
    item = get_object_or_404(EnhancedMonitoring, pk=pk, school=request.school)
    try:
        if request.POST.get("decision") == "decline":
            form = ReasonForm(request.POST)
            if not form.is_valid():
                messages.error(request, "Give a reason to decline.")
                return redirect("monitoring:enhanced")
            actions.decline_enhanced_monitoring(
                item, by=request.user, reason=form.cleaned_data["reason"], request=request
            )
            messages.success(request, f"{item.label} declined.")
        else:
            actions.authorise_enhanced_monitoring(item, by=request.user, request=request)
            messages.success(request, f"{item.label} authorised.")
    except WorkflowError as exc:
        messages.error(request, str(exc))
    return redirect("monitoring:enhanced")


@require_POST
@requires(Action.MANAGE_ENHANCED_MONITORING)
def enhanced_end(request: SchoolRequest, pk: int) -> HttpResponse:
    item = get_object_or_404(EnhancedMonitoring, pk=pk, school=request.school)
    form = ReasonForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Give a reason to end enhanced monitoring early.")
        return redirect("monitoring:enhanced")
    try:
        actions.end_enhanced_monitoring(
            item, by=request.user, reason=form.cleaned_data["reason"], request=request
        )
        messages.success(request, f"{item.label} ended.")
    except WorkflowError as exc:
        messages.error(request, str(exc))
    return redirect("monitoring:enhanced")


@requires(Action.MANAGE_LEXICON)
def lexicon(request: SchoolRequest) -> HttpResponse:
    """School terms and suppressions, each previewed against the evaluation set before it is saved."""
    school = request.school
    kind = request.POST.get("form") if request.method == "POST" else None
    term_form = LexiconAdditionForm(request.POST if kind == "term" else None, school=school, prefix="term")
    suppress_form = LexiconSuppressionForm(
        request.POST if kind == "suppress" else None, school=school, prefix="supp"
    )
    preview = None
    saving = request.POST.get("save") == "1"
    if kind == "term" and term_form.is_valid():
        data = term_form.cleaned_data
        if saving:
            actions.add_lexicon_term(
                school=school,
                phrase=data["phrase"],
                category=data["category"],
                severity=data["severity"],
                first_person=data["first_person"],
                negatives=data["negatives"],
                by=request.user,
                request=request,
            )
            messages.success(request, "School term added.")
            return redirect("monitoring:lexicon")
        candidate = LexiconAddition(school=school, **data)
        preview = scanning.preview(school, additions=[candidate.as_data()])
    elif kind == "suppress" and suppress_form.is_valid():
        data = suppress_form.cleaned_data
        if saving:
            actions.suppress_term(
                school=school,
                rule=data["rule"],
                group=data["group"],
                reason=data["reason"],
                by=request.user,
                request=request,
            )
            messages.success(request, "Term suppressed for that group.")
            return redirect("monitoring:lexicon")
        candidate_supp = {"rule": data["rule"], "group": data["group"], "reason": data["reason"]}
        group = data["group"]
        preview = scanning.preview(
            school, suppressions=[candidate_supp], groups=[group] if group != "*" else []
        )
    return render(
        request,
        "monitoring/lexicon.html",
        {
            "term_form": term_form,
            "suppress_form": suppress_form,
            "preview": preview,
            "kind": kind,
            "terms": LexiconAddition.objects.filter(school=school).select_related("added_by"),
            "suppressions": LexiconSuppression.objects.filter(school=school).select_related("added_by"),
        },
    )


@require_POST
@requires(Action.MANAGE_LEXICON)
def lexicon_remove(request: SchoolRequest, kind: str, pk: int) -> HttpResponse:
    school = request.school
    if kind == "term":
        actions.remove_lexicon_term(
            get_object_or_404(LexiconAddition, pk=pk, school=school), by=request.user, request=request
        )
    else:
        actions.remove_suppression(
            get_object_or_404(LexiconSuppression, pk=pk, school=school), by=request.user, request=request
        )
    messages.success(request, "Removed.")
    return redirect("monitoring:lexicon")


# The allow list learnt from reviews ----------------------------------------------------------------------


@requires(Action.MANAGE_LEXICON)
def allow_list(request: SchoolRequest) -> HttpResponse:
    """Proposals from the school's dismissals, the phrases allowed, and the decisions taken (this school only)."""
    school = request.school
    decisions = AllowedPhrase.objects.filter(school=school).select_related("decided_by", "removed_by")
    return render(
        request,
        "monitoring/allow_list.html",
        {
            "proposals": allowlist.proposals(school),
            "allowed": decisions.allowed(),
            "history": decisions.exclude(status=AllowedPhrase.Status.ALLOWED).order_by("-decided_at"),
            "remove_form": AllowDecisionReasonForm(),
            "needed": allowlist.DISMISSALS_NEEDED,
            "limit": ALLOW_MAX_SEVERITY,
        },
    )


@requires(Action.MANAGE_LEXICON)
def allow_proposal(request: SchoolRequest, slug: str) -> HttpResponse:
    """One proposal: its dismissals, what allowing it would change on the evaluation sets, apply or reject."""
    school = request.school
    proposal = allowlist.find_proposal(school, slug)
    if proposal is None:
        raise Http404("No such proposal at this school.")
    head = can(request.user, Action.ALLOW_SEVERE_PHRASES, school)
    source = request.POST if request.method == "POST" else request.GET
    asked = source.get("severe") == "1"  # hide severities 4 and 5 too: the Headteacher's alone
    if asked and not head and request.method == "POST":
        raise PermissionDenied
    severe = head and asked
    apply_form = AllowPhraseForm(request.POST if source.get("decision") == "apply" else None)
    reject_form = AllowDecisionReasonForm(
        request.POST if source.get("decision") == "reject" else None, prefix="reject"
    )
    if request.method == "POST":
        try:
            if request.POST.get("decision") == "apply" and apply_form.is_valid():
                data = apply_form.cleaned_data
                item = actions.apply_allow_proposal(
                    proposal,
                    school=school,
                    by=request.user,
                    reason=data["reason"],
                    severe=severe,
                    accept_lower_recall=data["accept_lower_recall"],
                    request=request,
                )
                messages.success(
                    request, f"“{item.phrase}” is on the school's allow list from the next scan."
                )
                return redirect("monitoring:allow_list")
            if request.POST.get("decision") == "reject" and reject_form.is_valid():
                actions.reject_allow_proposal(
                    proposal,
                    school=school,
                    by=request.user,
                    reason=reject_form.cleaned_data["reason"],
                    request=request,
                )
                messages.success(request, f"“{proposal.phrase}” keeps alerting.")
                return redirect("monitoring:allow_list")
        except WorkflowError as exc:
            messages.error(request, str(exc))
    most = 5 if severe else ALLOW_MAX_SEVERITY
    return render(
        request,
        "monitoring/allow_proposal.html",
        {
            "proposal": proposal,
            "preview": scanning.preview_allow(school, proposal.category, proposal.key, most),
            "apply_form": apply_form,
            "reject_form": reject_form,
            "head": head,
            "severe": severe,
            "most": most,
            "limit": ALLOW_MAX_SEVERITY,
        },
    )


@require_POST
@requires(Action.MANAGE_LEXICON)
def allow_remove(request: SchoolRequest, pk: int) -> HttpResponse:
    item = get_object_or_404(AllowedPhrase.objects.allowed(), pk=pk, school=request.school)
    form = AllowDecisionReasonForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Say why these words should alert again.")
        return redirect("monitoring:allow_list")
    try:
        actions.remove_allowed_phrase(
            item, by=request.user, reason=form.cleaned_data["reason"], request=request
        )
        messages.success(request, f"“{item.phrase}” alerts again from the next scan.")
    except WorkflowError as exc:
        messages.error(request, str(exc))
    return redirect("monitoring:allow_list")


@requires(Action.VIEW_ALERTS)
def upload(request: SchoolRequest) -> HttpResponse:
    """Scan a document someone handed in: text, .eml, .docx or PDF."""
    school = request.school
    form = UploadForm(request.POST or None, request.FILES or None, school=school)
    if request.method == "POST" and form.is_valid():
        upload_file = form.cleaned_data["file"]
        data = upload_file.read()
        name = upload_file.name or ""
        try:
            antivirus.scan_or_refuse(name, data, where="monitoring.upload", school=school, request=request)
        except antivirus.Infected as refused:
            form.add_error("file", str(refused))
            return render(request, "monitoring/upload.html", {"form": form}, status=400)
        text, meta = read_upload(name, data)
        if not text.strip():
            form.add_error("file", "No text could be read from this file (use text, .eml, .docx or PDF).")
        else:
            result = actions.capture_text(
                school=school,
                source=actions.ensure_source(school, Source.Kind.UPLOAD),
                text=text,
                person=form.cleaned_data["person"],
                actor=request.user,
                request=request,
                **meta,
            )
            if result.capture is None:
                messages.success(
                    request, "The document was scanned: nothing of concern was found, and it was not kept."
                )
                return redirect("monitoring:upload")
            if result.alerts:
                messages.success(request, f"The document raised {len(result.alerts)} alert(s).")
                return redirect("monitoring:alert", pk=result.alerts[0].pk)
            messages.success(request, "Kept under enhanced monitoring; no alert.")
            return redirect("monitoring:upload")
    return render(request, "monitoring/upload.html", {"form": form})


# Sources --------------------------------------------------------------------------------------------------


@requires(Action.MANAGE_MONITORING_SOURCES)
def sources(request: SchoolRequest) -> HttpResponse:
    """Where text comes from. Connection settings only: no captured text is shown here."""
    rows = []
    for source in Source.objects.filter(school=request.school).order_by("kind", "name"):
        config = source.config or {}
        summary = ""
        if source.kind == Source.Kind.IMAP:
            summary = f"{config.get('user', '')} at {config.get('host', '')}:{config.get('port', '')}" + (
                " (TLS)" if config.get("ssl") else " (STARTTLS)" if config.get("starttls") else " (no TLS)"
            )
        rows.append(
            {
                "source": source,
                "summary": summary,
                "password_env": config.get("password_env", ""),
                "password_stored": "password" in config,
            }
        )
    return render(request, "monitoring/sources.html", {"rows": rows})


def _imap_source(request: SchoolRequest, pk: int) -> Source:
    return get_object_or_404(Source, pk=pk, school=request.school, kind=Source.Kind.IMAP)


@requires(Action.MANAGE_MONITORING_SOURCES)
def source_form(request: SchoolRequest, pk: int | None = None) -> HttpResponse:
    """Add (``pk`` None) or edit a journal mailbox, the way ``esafety monitoring_source`` does."""
    school = request.school
    source = _imap_source(request, pk) if pk is not None else None
    form = ImapSourceForm(request.POST or None, school=school, source=source)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        saved, created = actions.save_imap_source(
            school=school,
            source=source,
            name=data["name"],
            host=data["host"],
            port=data["port"],
            ssl=data["ssl"],
            starttls=data["starttls"],
            user=data["user"],
            password_env=data["password_env"],
            mailbox=data["mailbox"],
            processed_folder=data["processed_folder"],
            by=request.user,
            request=request,
        )
        messages.success(request, f"{saved.name}: {'added' if created else 'saved'}.")
        return redirect("monitoring:sources")
    return render(request, "monitoring/source_form.html", {"form": form, "source": source})


@require_POST
@requires(Action.MANAGE_MONITORING_SOURCES)
def source_active(request: SchoolRequest, pk: int) -> HttpResponse:
    source = get_object_or_404(Source, pk=pk, school=request.school)
    active = request.POST.get("active") == "1"
    actions.set_source_active(source, active=active, by=request.user, request=request)
    messages.success(request, f"{source.name}: {'enabled' if active else 'disabled'}.")
    return redirect("monitoring:sources")


@require_POST
@requires(Action.MANAGE_MONITORING_SOURCES)
def source_test(request: SchoolRequest, pk: int) -> HttpResponse:
    source = _imap_source(request, pk)
    if error := actions.check_source_connection(source, by=request.user, request=request):
        messages.error(request, f"{source.name}: could not sign in to the mailbox. {error}")
    else:
        messages.success(request, f"{source.name}: signed in to the mailbox successfully.")
    return redirect("monitoring:sources")
