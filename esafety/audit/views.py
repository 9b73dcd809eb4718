from __future__ import annotations

import csv
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

from django import forms
from django.core.paginator import Paginator
from django.db.models import Q, QuerySet
from django.http import HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone

from esafety.access import Action, requires
from esafety.audit.actions import record
from esafety.audit.models import AuditEntry, ChainCheck
from esafety.audit.sentences import describe_entries
from esafety.core.text import neutralise
from esafety.core.types import SchoolRequest
from esafety.core.widgets import DateInput

# A first check on the page itself is run only while the trail is this short (well under a second); a longer
# trail waits for the nightly task, so the page stays fast.
INLINE_CHECK_LIMIT = 5000
# The nightly check runs every 24 hours: a result older than this means the scheduler has stopped.
STALE_AFTER = timedelta(hours=36)
CSV_LIMIT = 100_000
_CSV_BATCH = 2000


class AuditFilterForm(forms.Form):
    q = forms.CharField(label="User, action or record", required=False)
    kind = forms.ChoiceField(label="Kind", required=False, choices=[("", "All"), *AuditEntry.Kind.choices])
    since = forms.DateField(label="From", required=False, widget=DateInput())
    until = forms.DateField(label="To", required=False, widget=DateInput())


def _filtered(request: SchoolRequest) -> tuple[AuditFilterForm, QuerySet[AuditEntry]]:
    form = AuditFilterForm(request.GET or None)
    entries = AuditEntry.objects.filter(school=request.school)
    if form.is_valid():
        if q := form.cleaned_data["q"].strip():
            entries = entries.filter(
                Q(actor_name__icontains=q)
                | Q(action__icontains=q)
                | Q(object_repr__icontains=q)
                | Q(object_id=q)
            )
        if kind := form.cleaned_data["kind"]:
            entries = entries.filter(kind=kind)
        if since := form.cleaned_data["since"]:
            entries = entries.filter(at__date__gte=since)
        if until := form.cleaned_data["until"]:
            entries = entries.filter(at__date__lte=until)
    return form, entries.order_by("-seq")


def _when(moment: Any) -> str:
    local = timezone.localtime(moment)
    today = timezone.localdate()
    if local.date() == today:
        return f"today at {local:%H:%M}"
    if local.date() == today - timedelta(days=1):
        return f"yesterday at {local:%H:%M}"
    return f"{local.day} {local:%B %Y} at {local:%H:%M}"


def integrity_summary(check: ChainCheck | None) -> dict[str, str]:
    """What the last integrity check found, in words for the Head: ``tone`` (good, alert, muted) and ``text``."""
    if check is None:
        return {
            "tone": "muted",
            "text": "The trail has not been checked yet. esafety checks every entry each night, and the result "
            "will show here.",
        }
    if not check.ok:
        intact = (check.break_seq or 1) - 1
        before = (
            "No entry before it could be trusted."
            if intact == 0
            else "The entry before it is intact."
            if intact == 1
            else f"The {intact:,} entries before it are intact."
        )
        return {
            "tone": "alert",
            "text": f"The integrity check {_when(check.at)} found that the trail was altered at entry "
            f"#{check.break_seq}: {check.reason}. {before} Keep this page as evidence and ask your ICT "
            "technician to find out what changed it.",
        }
    noun = "entry is" if check.checked == 1 else "entries are"
    text = f"All {check.checked:,} {noun} intact; last checked {_when(check.at)}."
    if timezone.now() - check.at > STALE_AFTER:
        text += (
            " The nightly check has not run since: ask your ICT technician to see that the worker is running."
        )
    return {"tone": "good", "text": text}


def _last_check() -> ChainCheck | None:
    check = ChainCheck.objects.first()
    if check is None and AuditEntry.objects.count() <= INLINE_CHECK_LIMIT:
        from esafety.audit.tasks import check_chain

        check = check_chain()
    return check


@requires(Action.VIEW_AUDIT)
def audit_list(request: SchoolRequest) -> HttpResponse | StreamingHttpResponse:
    """The current school's audit trail, newest first, each entry as a sentence (``?format=csv`` exports it)."""
    form, entries = _filtered(request)
    if request.GET.get("format") == "csv":
        return _export_csv(request, entries)
    page = Paginator(entries, 100).get_page(request.GET.get("page"))
    sentences = describe_entries(page.object_list)
    rows = [(entry, sentences[entry.seq]) for entry in page.object_list]
    query = request.GET.copy()
    query.pop("page", None)
    query["format"] = "csv"
    return render(
        request,
        "audit/list.html",
        {
            "form": form,
            "page": page,
            "rows": rows,
            "integrity": integrity_summary(_last_check()),
            "csv_query": query.urlencode(),
        },
    )


class _Echo:
    def write(self, value: str) -> str:
        return value


def _export_csv(request: SchoolRequest, entries: QuerySet[AuditEntry]) -> StreamingHttpResponse:
    record(
        "audit.export_csv",
        request=request,
        kind=AuditEntry.Kind.EXPORT,
        object_repr="Audit trail CSV",
        detail={"filters": {k: v for k, v in request.GET.items() if k != "format"}},
    )
    writer = csv.writer(_Echo(), lineterminator="\r\n")

    def rows() -> Iterator[str]:
        yield writer.writerow(
            ["Entry", "When", "What happened", "Who", "Kind", "Record", "Action code", "From"]
        )
        chosen = entries[:CSV_LIMIT]
        for start in range(0, CSV_LIMIT, _CSV_BATCH):
            batch = list(chosen[start : start + _CSV_BATCH])
            if not batch:
                break
            sentences = describe_entries(batch)
            for entry in batch:
                yield writer.writerow(
                    [
                        entry.seq,
                        timezone.localtime(entry.at).isoformat(timespec="seconds"),
                        neutralise(sentences[entry.seq]),
                        neutralise(entry.actor_name),
                        entry.get_kind_display(),
                        neutralise(entry.object_repr),
                        entry.action,
                        entry.ip or "",
                    ]
                )

    response = StreamingHttpResponse(rows(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="audit-trail-{timezone.localdate():%Y-%m-%d}.csv"'
    )
    return response
