"""The publishing check page, items and their approval, where a person appears, and the website audits. Every
query starts from ``request.school``; every change goes through ``actions.py``."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.core.exceptions import RequestDataTooBig
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from esafety.access import Action, can, requires, requires_record
from esafety.core.types import SchoolRequest
from esafety.people.models import Person
from esafety.publishing import actions
from esafety.publishing.forms import ItemForm, ReviseForm, SettingsForm, StepForm, media_formset
from esafety.publishing.models import (
    TRANSITIONS,
    Appearance,
    Publication,
    PublicationCheck,
    WebsiteAudit,
)

KIND_LABELS = {
    "pupil-full-name": "Pupil's full name",
    "phone-number": "Phone number",
    "email-address": "E-mail address",
    "postcode": "Postcode",
    "postal-address": "Postal address",
    "unconsented-image": "Photo without consent",
    "named-beside-photo": "Pupil named beside their photo",
    "third-party-media": "Someone else's photo or video without permission or credit",
}
ADVICE = {
    "pupil-full-name": "Use the first name only, or the first name and the surname's initial.",
    "phone-number": "Do not publish pupils' or families' numbers; the school's own number can be allowed in settings.",
    "email-address": "Do not publish pupils' or families' addresses.",
    "postcode": "Do not publish where a pupil lives.",
    "postal-address": "Do not publish where a pupil lives.",
    "unconsented-image": "Remove the photo, or choose one without this person.",
    "named-beside-photo": "Take the name out of the caption and alt text.",
    "third-party-media": "Record the owner's permission, or print a credit with it.",
}
_TAG = re.compile(r"<[^>]*>?")


@dataclass(frozen=True)
class ShownFinding:
    kind: str
    label: str
    advice: str
    before: str
    text: str
    after: str
    note: str
    person: Person | None


CONTEXT_CHARS = 70


def _visible(fragment: str, is_html: bool) -> str:
    """The fragment as a reader sees it: tags gone, runs of white space one space (kept at the ends, so the
    words beside the match keep their spacing)."""
    return re.sub(r"\s+", " ", _TAG.sub(" ", fragment) if is_html else fragment)


def shown_findings(school: Any, text: str, findings: list[dict[str, Any]]) -> list[ShownFinding]:
    """Each finding with the words around it, as a reader would see them (tags removed)."""
    is_html = actions.looks_like_html(text)
    people = Person.objects.filter(
        school=school, pk__in=[f["person"] for f in findings if f.get("person")]
    ).in_bulk()
    result = []
    for finding in findings:
        offset = int(finding.get("offset", 0))
        match = str(finding.get("text", ""))
        in_text = text[offset : offset + len(match)] == match or (is_html and 0 <= offset < len(text))
        before = _visible(text[max(0, offset - 200) : offset], is_html) if in_text else ""
        end = offset + len(match) if text[offset : offset + len(match)] == match else offset
        after = _visible(text[end : end + 200], is_html) if in_text else ""
        if len(before) > CONTEXT_CHARS or offset > 200:
            before = "…" + before[-CONTEXT_CHARS:]
        if len(after) > CONTEXT_CHARS or end + 200 < len(text):
            after = after[:CONTEXT_CHARS] + "…"
        result.append(
            ShownFinding(
                kind=finding["kind"],
                label=KIND_LABELS.get(finding["kind"], finding["kind"]),
                advice=ADVICE.get(finding["kind"], ""),
                before=before,
                text=" ".join(match.split()),
                after=after,
                note=str(finding.get("note", "")),
                person=people.get(finding.get("person")),
            )
        )
    return result


@requires(Action.CHECK_PUBLICATION)
def item_list(request: SchoolRequest) -> HttpResponse:
    items = Publication.objects.filter(school=request.school).select_related("created_by", "approved_by")
    status = request.GET.get("status", "")
    if status in Publication.Status.values:
        items = items.filter(status=status)
    page = Paginator(items, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "publishing/list.html",
        {"page": page, "status": status, "statuses": Publication.Status.choices},
    )


def _render_check(
    request: SchoolRequest, form: ItemForm, formset: Any, status: int = 200, error: str = ""
) -> HttpResponse:
    return render(
        request, "publishing/check.html", {"form": form, "formset": formset, "error": error}, status=status
    )


@requires(Action.CHECK_PUBLICATION)
def check(request: SchoolRequest) -> HttpResponse:
    if request.method != "POST":
        return _render_check(request, ItemForm(), media_formset(None, request.school))
    try:
        data, files = request.POST, request.FILES
    except RequestDataTooBig:
        return _render_check(
            request,
            ItemForm(),
            media_formset(None, request.school),
            status=413,
            error="That is too much to check in one go. Check the text in parts (up to about 30,000 words each).",
        )
    form = ItemForm(data, files)
    formset = media_formset(data, request.school)
    if not (form.is_valid() and formset.is_valid()):
        return _render_check(request, form, formset, status=400)
    try:
        upload = form.cleaned_data["file"]
        body = actions.read_upload(upload.read(), upload.name) if upload else form.cleaned_data["text"]
        publication, _ = actions.create_publication(
            school=request.school,
            title=form.cleaned_data["title"],
            channel=form.cleaned_data["channel"],
            body=body,
            media=formset.media_items(),
            user=request.user,
            request=request,
        )
    except actions.BadInput as exc:
        return _render_check(request, form, formset, status=400, error=str(exc))
    return redirect("publishing:detail", publication.pk)


def _publication(request: SchoolRequest, publication_id: int) -> Publication:
    return get_object_or_404(Publication, pk=publication_id, school=request.school)


def _render_detail(
    request: SchoolRequest,
    publication: Publication,
    *,
    revise: ReviseForm | None = None,
    formset: Any = None,
    status: int = 200,
    error: str = "",
) -> HttpResponse:
    latest: PublicationCheck | None = publication.latest_check
    steps = [
        (transition, StepForm(prefix=transition.name))
        for transition in TRANSITIONS.values()
        if publication.status in transition.sources
        and actions.may_take(request.user, publication.school, transition.name)
    ]
    return render(
        request,
        "publishing/detail.html",
        {
            "publication": publication,
            "latest": latest,
            "findings": shown_findings(publication.school, latest.text, latest.findings) if latest else [],
            "checks": publication.checks.select_related("checked_by")[:20],
            "media": publication.media.prefetch_related("people"),
            "appearances": publication.appearances.select_related("person", "removed_by"),
            "revise": revise or ReviseForm(initial={"title": publication.title, "text": publication.body}),
            "formset": formset or media_formset(None, publication.school, publication),
            "steps": steps,
            "error": error,
            "may_revise": publication.status != Publication.Status.TAKEN_DOWN,
        },
        status=status,
    )


@requires_record(Action.CHECK_PUBLICATION)
def detail(request: SchoolRequest, publication_id: int) -> HttpResponse:
    return _render_detail(request, _publication(request, publication_id))


@require_POST
@requires_record(Action.CHECK_PUBLICATION)
def revise(request: SchoolRequest, publication_id: int) -> HttpResponse:
    publication = _publication(request, publication_id)
    try:
        data = request.POST
    except RequestDataTooBig:
        return _render_detail(
            request, publication, status=413, error="That is too much to check in one go. Check it in parts."
        )
    form = ReviseForm(data)
    formset = media_formset(data, publication.school)
    if publication.status == Publication.Status.TAKEN_DOWN:
        return _render_detail(
            request, publication, status=400, error="This item was taken down; start a new check."
        )
    if not (form.is_valid() and formset.is_valid()):
        return _render_detail(request, publication, revise=form, formset=formset, status=400)
    try:
        latest = actions.revise_publication(
            publication,
            title=form.cleaned_data["title"],
            body=form.cleaned_data["text"],
            media=formset.media_items(),
            user=request.user,
            request=request,
        )
    except actions.BadInput as exc:
        return _render_detail(request, publication, revise=form, formset=formset, status=400, error=str(exc))
    if latest.is_clean:
        messages.success(request, "Checked again: nothing found. It can now be approved.")
    else:
        messages.warning(request, f"Checked again: {len(latest.findings)} thing(s) still to look at.")
    return redirect("publishing:detail", publication.pk)


@require_POST
@requires_record(Action.CHECK_PUBLICATION)
def take_step(request: SchoolRequest, publication_id: int, step: str) -> HttpResponse:
    publication = _publication(request, publication_id)
    # A step the user may not take answers 404, like a record they may not see (one rule for the whole room).
    if step not in TRANSITIONS or not actions.may_take(request.user, publication.school, step):
        raise Http404
    form = StepForm(request.POST, prefix=step)
    form.is_valid()
    try:
        actions.take_step(
            publication, step, user=request.user, reason=form.cleaned_data.get("reason", ""), request=request
        )
    except actions.PublishingError as exc:
        return _render_detail(request, publication, status=409, error=str(exc))
    messages.success(request, f"{TRANSITIONS[step].label}: done.")
    return redirect("publishing:detail", publication.pk)


@requires_record(Action.CHECK_PUBLICATION)
def appearances(request: SchoolRequest, person_id: int) -> HttpResponse:
    """Every recorded publication where the person appears, so each can be taken down after a withdrawal."""
    person = get_object_or_404(Person, pk=person_id, school=request.school)
    rows = (
        Appearance.objects.filter(person=person, publication__school=request.school)
        .select_related("publication", "removed_by")
        .order_by("removed_at", "-publication__updated_at")
    )
    return render(
        request,
        "publishing/appearances.html",
        {
            "person": person,
            "rows": rows,
            "may_remove": can(request.user, Action.RECORD_TAKE_DOWN, request.school),
        },
    )


@require_POST
@requires_record(Action.RECORD_TAKE_DOWN)
def record_removal(request: SchoolRequest, appearance_id: int) -> HttpResponse:
    appearance = get_object_or_404(Appearance, pk=appearance_id, publication__school=request.school)
    actions.record_removal(appearance, user=request.user, request=request)
    messages.success(request, "Recorded as taken down.")
    return redirect("publishing:appearances", appearance.person_id)


@requires(Action.AUDIT_WEBSITE)
def audits(request: SchoolRequest) -> HttpResponse:
    publishing = actions.settings_for(request.school)
    return render(
        request,
        "publishing/audits.html",
        {"audits": WebsiteAudit.objects.filter(school=request.school)[:24], "site_url": publishing.site_url},
    )


@require_POST
@requires(Action.AUDIT_WEBSITE)
def run_audit(request: SchoolRequest) -> HttpResponse:
    from esafety.publishing.tasks import audit_school_website

    publishing = actions.settings_for(request.school)
    if not publishing.site_url:
        messages.error(request, "Set the school's website address in the publishing settings first.")
        return redirect("publishing:audits")
    audit = WebsiteAudit.objects.create(
        school=request.school,
        url=publishing.site_url,
        started_by=request.user,
        status=WebsiteAudit.Status.RUNNING,
    )
    audit_school_website.enqueue(audit.pk)
    messages.success(request, "The audit has started; this page shows its findings when it finishes.")
    return redirect("publishing:audit", audit.pk)


@requires_record(Action.AUDIT_WEBSITE)
def audit_detail(request: SchoolRequest, audit_id: int) -> HttpResponse:
    audit = get_object_or_404(WebsiteAudit, pk=audit_id, school=request.school)
    pages = [
        (page, [(KIND_LABELS.get(f["kind"], f["kind"]), f) for f in page.findings])
        for page in audit.pages.all()
        if page.findings or page.note
    ]
    return render(request, "publishing/audit.html", {"audit": audit, "pages": pages})


@requires(Action.EDIT_PUBLISHING_SETTINGS)
def settings_view(request: SchoolRequest) -> HttpResponse:
    publishing = actions.settings_for(request.school)
    form = SettingsForm(request.POST or None, instance=publishing, school=request.school)
    if request.method == "POST" and form.is_valid():
        form.save()
        from esafety.audit.actions import record

        record("publishing.settings", obj=publishing, request=request, object_repr="Publishing settings")
        messages.success(request, "Saved.")
        return redirect("publishing:settings")
    return render(request, "publishing/settings.html", {"form": form}, status=400 if form.errors else 200)
