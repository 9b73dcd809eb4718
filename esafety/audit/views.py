from __future__ import annotations

from django import forms
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpResponse
from django.shortcuts import render

from esafety.access import Action, requires
from esafety.audit.models import AuditEntry, ChainCheck
from esafety.core.types import SchoolRequest


class AuditFilterForm(forms.Form):
    q = forms.CharField(label="User, action or record", required=False)
    kind = forms.ChoiceField(label="Kind", required=False, choices=[("", "All"), *AuditEntry.Kind.choices])
    since = forms.DateField(label="From", required=False, widget=forms.DateInput(attrs={"type": "date"}))
    until = forms.DateField(label="To", required=False, widget=forms.DateInput(attrs={"type": "date"}))


@requires(Action.VIEW_AUDIT)
def audit_list(request: SchoolRequest) -> HttpResponse:
    """The current school's audit trail, newest first."""
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
    page = Paginator(entries.order_by("-seq"), 100).get_page(request.GET.get("page"))
    last_check = ChainCheck.objects.first()
    return render(request, "audit/list.html", {"form": form, "page": page, "last_check": last_check})
