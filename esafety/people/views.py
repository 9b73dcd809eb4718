from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import F, Q
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone

from esafety.access import Action, can, requires
from esafety.audit.actions import record
from esafety.audit.models import AuditEntry
from esafety.core.types import SchoolRequest
from esafety.people import oneroster, picker
from esafety.people.actions import DuplicateMisId, apply_people, import_people, save_person
from esafety.people.ctf import read_ctf
from esafety.people.forms import (
    CtfImportForm,
    ImportForm,
    OneRosterImportForm,
    PersonFilterForm,
    PersonForm,
)
from esafety.people.importer import COLUMNS, ImportRejected, export_people
from esafety.people.models import Person


@requires(Action.VIEW_PEOPLE)
def person_list(request: SchoolRequest) -> HttpResponse:
    form = PersonFilterForm(request.GET or None)
    people = Person.objects.filter(school=request.school).current()
    if form.is_valid():
        if q := form.cleaned_data["q"].strip():
            for word in q.split()[:4]:
                people = people.filter(
                    Q(first_name__icontains=word)
                    | Q(last_name__icontains=word)
                    | Q(preferred_name__icontains=word)
                    | Q(mis_id__iexact=word)
                )
        if kind := form.cleaned_data["kind"]:
            people = people.filter(kind=kind)
        if class_name := form.cleaned_data["class_name"].strip():
            people = people.filter(class_name__iexact=class_name)
    page = Paginator(people, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "people/list.html",
        {"form": form, "page": page, "can_manage": can(request.user, Action.MANAGE_PEOPLE, request.school)},
    )


@requires(Action.VIEW_PEOPLE)
def person_detail(request: SchoolRequest, person_id: int) -> HttpResponse:
    person = get_object_or_404(Person, pk=person_id, school=request.school)
    parents = person.parent_links.select_related("parent").order_by(
        F("priority").asc(nulls_last=True), "parent__last_name", "parent__first_name"
    )
    children = Person.objects.filter(parent_links__parent=person)
    return render(
        request,
        "people/detail.html",
        {
            "person": person,
            "parents": parents,
            "children": children,
            "can_manage": can(request.user, Action.MANAGE_PEOPLE, request.school),
        },
    )


@requires(Action.MANAGE_PEOPLE)
def person_edit(request: SchoolRequest, person_id: int | None = None) -> HttpResponse:
    """Add or correct one person by hand (visitors, third-party users, or a fix before the next MIS import)."""
    school = request.school
    person = get_object_or_404(Person, pk=person_id, school=school) if person_id else Person(school=school)
    form = PersonForm(request.POST or None, instance=person)
    if request.method == "POST" and form.is_valid():
        try:
            saved = save_person(school, form.save(commit=False), form.changed_data, request=request)
        except DuplicateMisId as exc:
            form.add_error("mis_id", str(exc))
        else:
            messages.success(request, f"Saved {saved.full_name}.")
            return redirect("people:detail", saved.pk)
    return render(request, "people/edit.html", {"form": form, "person": person})


@requires(Action.MANAGE_PEOPLE)
def import_view(request: SchoolRequest) -> HttpResponse:
    form = ImportForm(request.POST or None, request.FILES or None)
    report = None
    if request.method == "POST" and form.is_valid():
        try:
            report = import_people(request.school, form.cleaned_data["file"].read(), request=request)
        except ImportRejected as rejected:
            report = rejected.report
        else:
            messages.success(
                request,
                f"Imported: {report.created} added, {report.updated} updated, {report.unchanged} unchanged, "
                f"{report.links_created} parent links added.",
            )
    return render(request, "people/import.html", {"form": form, "report": report, "columns": COLUMNS})


@requires(Action.MANAGE_PEOPLE)
def import_ctf_view(request: SchoolRequest) -> HttpResponse:
    """Pupils and their contacts from a Common Transfer File, matched by UPN (same guarantees as the CSV)."""
    form = CtfImportForm(request.POST or None, request.FILES or None)
    report = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            report = apply_people(
                request.school,
                read_ctf(request.school, upload.read()),
                request=request,
                detail={"file": upload.name[:200]},
            )
        except ImportRejected as rejected:
            report = rejected.report
        else:
            messages.success(request, f"Imported: {report.summary}")
            return redirect("people:import_ctf")
    return render(request, "people/import_ctf.html", {"form": form, "report": report})


@requires(Action.MANAGE_PEOPLE)
def import_oneroster_view(request: SchoolRequest) -> HttpResponse:
    """Users, parent links and classes from a OneRoster 1.2 CSV export, zipped or as separate files."""
    form = OneRosterImportForm(request.POST or None, request.FILES or None)
    report = None
    if request.method == "POST" and form.is_valid():
        uploads = form.cleaned_data["uploads"]
        try:
            files = oneroster.gather({upload.name: upload.read() for upload in uploads})
            report = apply_people(
                request.school,
                oneroster.read_oneroster(request.school, files),
                request=request,
                detail={"files": sorted(files)},
            )
        except ImportRejected as rejected:
            report = rejected.report
        else:
            messages.success(request, f"Imported: {report.summary}")
            for warning in report.warnings[:20]:
                messages.warning(request, f"{warning.file}: {warning.message}")
            return redirect("people:import_oneroster")
    return render(request, "people/import_oneroster.html", {"form": form, "report": report})


@requires(Action.MANAGE_PEOPLE)
def export_view(request: SchoolRequest) -> HttpResponse:
    school = request.school
    record("people.export", school=school, request=request, kind=AuditEntry.Kind.EXPORT)
    response = HttpResponse(export_people(school), content_type="text/csv; charset=utf-8")
    stamp = timezone.localdate().isoformat()
    response["Content-Disposition"] = f'attachment; filename="people-{school.slug}-{stamp}.csv"'
    return response


@requires(Action.VIEW_PEOPLE)
def pick(request: SchoolRequest) -> HttpResponse:
    """The picker's results for htmx: the same rows the no-JavaScript search shows, for one field.

    Only roles that browse the directory get here (need to know); a governor's report form searches exact names
    through the form itself. ``kinds`` narrows the search to the kinds of person the field takes."""
    name = request.GET.get("field", "person")
    if not name.replace("_", "").isalnum() or len(name) > 60:
        name = "person"
    query = request.GET.get(name + picker.SEARCH_SUFFIX, request.GET.get("q", "")).strip()[:100]
    people = Person.objects.filter(school=request.school)
    kinds = [kind for kind in request.GET.get("kinds", "").split(",") if kind in Person.Kind.values]
    if kinds:
        people = people.filter(kind__in=kinds)
    chosen = request.GET.get(name, "")
    found = list(picker.with_children(picker.search(people, query))[: picker.SEARCH_LIMIT])
    if chosen.isdigit() and all(str(person.pk) != chosen for person in found):
        found = list(picker.with_children(people.filter(pk=int(chosen)))) + found
    required = request.GET.get("required", "1") == "1"
    context = {"picker": picker.results_context(name, found, chosen=chosen, query=query, required=required)}
    return render(request, "people/_picker_results.html", context)
