"""Training pages: everyone's own record; sessions, requirements and the overdue list for the Head and the
Co-ordinator. Curriculum pages are in ``curriculum_views.py``."""

from __future__ import annotations

from collections import defaultdict

from django.contrib import messages
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from esafety.access import Action, can, requires, requires_record
from esafety.audit.actions import record_view
from esafety.core.types import SchoolRequest
from esafety.core.uploads import too_large
from esafety.people.models import Person
from esafety.training import actions
from esafety.training.forms import AttendanceForm, CertificateForm, RequirementForm, SessionForm
from esafety.training.models import Attendance, InductionItem, Requirement, TrainingSession


def _manages(request: SchoolRequest) -> bool:
    return can(request.user, Action.MANAGE_TRAINING, request.school)


def _own_or_managed(request: SchoolRequest, person: Person) -> None:
    """A record of someone else's training is the managers' only: anyone else gets 404."""
    if not _manages(request) and request.user.person_id != person.pk:
        raise Http404


def _record_context(request: SchoolRequest, person: Person) -> dict[str, object]:
    return {
        "person": person,
        "standings": actions.standings(request.school, [person]),
        "attendances": Attendance.objects.filter(
            person=person, session__school=request.school
        ).select_related("session"),
        "induction": InductionItem.objects.filter(person=person, school=request.school),
        "certificate_form": CertificateForm(),
        "today": timezone.localdate(),
    }


@requires(Action.VIEW_OWN_TRAINING)
def index(request: SchoolRequest) -> HttpResponse:
    person = (
        request.user.person
        if request.user.person and request.user.person.school_id == request.school.pk
        else None
    )
    context: dict[str, object] = {"manages": _manages(request), "own": None}
    if person is not None:
        context["own"] = _record_context(request, person)
    if context["manages"]:
        rows = actions.standings(request.school)
        people = {s.person.pk for s in rows}
        behind = {s.person.pk for s in rows if s.overdue}
        context.update(
            people_count=len(people),
            behind_count=len(behind),
            induction_overdue=actions.overdue_induction(request.school).count(),
            sessions=TrainingSession.objects.filter(school=request.school)[:8],
        )
    return render(request, "training/index.html", context)


@requires(Action.MANAGE_TRAINING)
def session_list(request: SchoolRequest) -> HttpResponse:
    form = SessionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        session = actions.create_session(request.school, by=request.user, **form.cleaned_data)
        messages.success(request, "Session saved: now mark who attended.")
        return redirect("training:session", session_id=session.pk)
    sessions = TrainingSession.objects.filter(school=request.school)
    return render(request, "training/sessions.html", {"form": form, "sessions": sessions})


@requires_record(Action.MANAGE_TRAINING)
def session_detail(request: SchoolRequest, session_id: int) -> HttpResponse:
    session = get_object_or_404(TrainingSession, pk=session_id, school=request.school)
    form = AttendanceForm(request.POST or None, school=request.school)
    if request.method == "POST" and form.is_valid():
        added = actions.record_attendance(session, form.cleaned_data["people"], by=request.user)
        messages.success(request, f"{added} attendance(s) recorded.")
        return redirect("training:session", session_id=session.pk)
    attendances = session.attendances.select_related("person")
    return render(
        request, "training/session.html", {"session": session, "form": form, "attendances": attendances}
    )


def _attendance(request: SchoolRequest, attendance_id: int) -> Attendance:
    attendance = get_object_or_404(
        Attendance.objects.select_related("session", "person"),
        pk=attendance_id,
        session__school=request.school,
    )
    _own_or_managed(request, attendance.person)
    return attendance


@require_POST
@requires_record(Action.VIEW_OWN_TRAINING)
def upload_certificate(request: SchoolRequest, attendance_id: int) -> HttpResponse:
    attendance = _attendance(request, attendance_id)
    form = CertificateForm(request.POST, request.FILES)
    back = (
        reverse("training:person", args=[attendance.person_id])
        if request.user.person_id != attendance.person_id
        else reverse("training:index")
    )
    if not form.is_valid():
        errors = [str(error) for error in form.errors.get("certificate", [])]
        too_big = [error for error in errors if "the limit is" in error]
        messages.error(request, too_big[0] if too_big else "Choose a certificate file to upload.")
        return redirect(back)
    upload = form.cleaned_data["certificate"]
    if upload.size > actions.CERTIFICATE_MAX_MB * 1024 * 1024:
        messages.error(request, too_large(upload.name, upload.size, actions.CERTIFICATE_MAX_MB * 1024 * 1024))
        return redirect(back)
    try:
        actions.attach_certificate(attendance, upload.name, upload.read(), by=request.user)
    except actions.CertificateRejected as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, "Certificate uploaded.")
    return redirect(back)


@requires_record(Action.VIEW_OWN_TRAINING)
def download_certificate(request: SchoolRequest, attendance_id: int) -> FileResponse:
    attendance = _attendance(request, attendance_id)
    if not attendance.certificate:
        raise Http404
    if request.user.person_id != attendance.person_id:
        record_view(request, attendance, object_repr=f"Certificate of attendance #{attendance.pk}")
    response = FileResponse(
        attendance.certificate.open("rb"),
        as_attachment=True,
        filename=attendance.certificate_name or f"certificate.{attendance.certificate_extension}",
        content_type=attendance.certificate_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


@require_POST
@requires_record(Action.VIEW_OWN_TRAINING)
def complete_induction(request: SchoolRequest, item_id: int) -> HttpResponse:
    item = get_object_or_404(
        InductionItem.objects.select_related("person"), pk=item_id, school=request.school
    )
    _own_or_managed(request, item.person)
    if actions.complete_induction_item(item, by=request.user):
        messages.success(request, "Induction item marked as done.")
    if request.user.person_id == item.person_id:
        return redirect("training:index")
    return redirect("training:person", person_id=item.person_id)


@requires(Action.MANAGE_TRAINING)
def requirement_list(request: SchoolRequest) -> HttpResponse:
    editing = None
    if edit_id := request.GET.get("edit") or request.POST.get("requirement"):
        editing = get_object_or_404(
            Requirement, pk=edit_id if str(edit_id).isdigit() else 0, school=request.school
        )
    form = RequirementForm(request.POST or None, instance=editing, school=request.school)
    if request.method == "POST" and form.is_valid():
        actions.save_requirement(request.school, form.save(commit=False), by=request.user)
        messages.success(request, "Requirement saved.")
        return redirect("training:requirements")
    requirements = Requirement.objects.filter(school=request.school)
    return render(
        request,
        "training/requirements.html",
        {"form": form, "requirements": requirements, "editing": editing},
    )


@requires(Action.MANAGE_TRAINING)
def overdue(request: SchoolRequest) -> HttpResponse:
    today = timezone.localdate()
    rows = actions.standings(request.school, today=today)
    by_person: dict[Person, list[actions.Standing]] = defaultdict(list)
    for standing in rows:
        by_person[standing.person].append(standing)
    context = {
        "overdue": actions.overdue_by_person(request.school, today),
        "induction": actions.overdue_induction(request.school, today),
        "matrix": sorted(by_person.items(), key=lambda item: (item[0].last_name, item[0].first_name)),
    }
    return render(request, "training/overdue.html", context)


@require_POST
@requires(Action.MANAGE_TRAINING)
def send_reminders(request: SchoolRequest) -> HttpResponse:
    sent = actions.send_reminders(request.school, by=request.user)
    messages.success(
        request,
        f"{sent} reminder(s) queued." if sent else "Nobody new to remind: each person hears once a week.",
    )
    return redirect("training:overdue")


@requires_record(Action.MANAGE_TRAINING)
def person_record(request: SchoolRequest, person_id: int) -> HttpResponse:
    person = get_object_or_404(Person, pk=person_id, school=request.school)
    return render(request, "training/person.html", {"record": _record_context(request, person)})
