"""Pages of the safeguarding log. Every query starts from ``request.school``; which incidents a user may open is
decided in ``permissions.py``; every change goes through ``actions.py``."""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterable
from datetime import datetime, time
from typing import TYPE_CHECKING, Any

from django import forms
from django.contrib import messages
from django.core import signing
from django.db import InterfaceError, OperationalError
from django.db.models import F, Prefetch, Q, QuerySet, Value
from django.db.models.functions import Concat, Lower
from django.forms.utils import ErrorDict
from django.http import FileResponse, Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.crypto import constant_time_compare
from django.views.decorators.http import require_POST

from esafety.access import Action, can, requires
from esafety.accounts.models import Role, RoleAssignment, User
from esafety.audit.actions import record, record_view
from esafety.audit.models import AuditEntry
from esafety.core import schooldays, uploads
from esafety.core.origins import origin_of
from esafety.core.pagination import LookaheadPaginator
from esafety.core.text import neutralise
from esafety.core.types import SchoolRequest
from esafety.core.uploads import too_large
from esafety.incidents import actions, permissions
from esafety.incidents.actions import report_incident
from esafety.incidents.evidence import EvidenceRejected, max_bytes, pdf_has_javascript
from esafety.incidents.forms import (
    NOBODY,
    ActionForm,
    CancelActionForm,
    EditForm,
    EvidenceForm,
    IncidentFilterForm,
    NoteForm,
    OutcomeForm,
    ReportForm,
    RestrictionForm,
    SettingsForm,
    Sort,
    StepForm,
)
from esafety.incidents.models import (
    WORKFLOW,
    Category,
    CategoryGuidance,
    Evidence,
    Incident,
    IncidentAction,
    IncidentConflict,
    IncidentPerson,
    IncidentSettings,
    OpenActionsError,
    Outcome,
    Step,
    WorkflowError,
)
from esafety.people import picker
from esafety.people.models import Person

if TYPE_CHECKING:
    from esafety.people.models import School

PEOPLE_SEARCH_LIMIT = 25
CONFLICT_MESSAGE = (
    "Someone else changed this incident while you had it open, so your change was not saved. "
    "Below is the incident as it is now: check it and try again."
)


def _read_files(files: list[Any]) -> list[tuple[str, bytes]]:
    """Read uploads, refusing one over the limit before reading it all into memory."""
    result = []
    for upload in files:
        if upload.size > max_bytes():
            raise EvidenceRejected(too_large(upload.name, upload.size, max_bytes()))
        result.append((upload.name, upload.read()))
    return result


# --- Reporting -------------------------------------------------------------------------------------------------


def _search_people(school: School, query: str) -> QuerySet[Person]:
    """Part of a name, or a whole class or year group ("Kestrels", "Year 2", "Y2"): the one picker search."""
    return picker.search(Person.objects.filter(school=school), query)


def _browses_people(request: SchoolRequest) -> bool:
    return can(request.user, Action.VIEW_PEOPLE, request.school)


def _exact_name_matches(school: Any, query: str) -> QuerySet[Person]:
    """People whose full name (first or preferred name, then surname) is exactly ``query``, ignoring case and
    spacing: a reporter who may not browse the directory can name someone they know, but not list a class."""
    name = " ".join(query.split()).casefold()
    if not name:
        return Person.objects.none()
    people = Person.objects.filter(school=school).current()
    people = people.annotate(
        _full=Lower(Concat("first_name", Value(" "), "last_name")),
        _preferred=Lower(Concat("preferred_name", Value(" "), "last_name")),
    )
    return people.filter(Q(_full=name) | Q(_preferred=name)).order_by("pk")


def _picker_search(request: SchoolRequest, query: str) -> QuerySet[Person]:
    """The report form's search: the directory for roles with ``people.view``, exact names for the rest."""
    if _browses_people(request):
        return _search_people(request.school, query)
    return _exact_name_matches(request.school, query)


def _pick_token(request: SchoolRequest, person_id: int) -> str:
    """Proof, for a reporter who may not browse the directory, that the picker showed them this person: without
    it, posting ids back would name whoever they belong to."""
    return signing.Signer(salt="incidents.picker").sign(f"{request.user.pk}:{person_id}").rsplit(":", 1)[1]


def _picked_people(request: SchoolRequest, data: Any = None) -> list[tuple[Person, str]]:
    """The people ticked in the picker, with the role chosen for each (only people of this school). The role is
    "" where none was chosen: the picker has no default, so no one is recorded as a "witness" by accident."""
    data = request.POST if data is None else data
    ids = [int(value) for value in data.getlist("people") if value.isdigit()][:200]
    if not _browses_people(request):
        ids = [
            pk for pk in ids if constant_time_compare(data.get(f"pick_{pk}", ""), _pick_token(request, pk))
        ]
    people = Person.objects.filter(school=request.school, pk__in=ids).in_bulk()
    picked = []
    for person_id in dict.fromkeys(ids):
        if person := people.get(person_id):
            role = data.get(f"role_{person_id}", "")
            picked.append((person, role if role in IncidentPerson.Role.values else ""))
    return picked


def _missing_roles(picked: list[tuple[Person, str]]) -> str:
    """The error for ticked people whose part nobody chose, or ""."""
    names = [person.full_name for person, role in picked if not role]
    if not names:
        return ""
    return f"Choose how {' and '.join(names)} {'was' if len(names) == 1 else 'were'} involved."


def _guidance(school: School) -> dict[str, str]:
    return dict(
        CategoryGuidance.objects.filter(school=school).exclude(text="").values_list("category", "text")
    )


def _picker_context(request: SchoolRequest, data: Any) -> dict[str, Any]:
    """The report form's "Who was involved?" rows: the people ticked (with their roles) and then those found.

    A reporter who may not browse the directory sees the name they typed and the kind of person, not the class
    or job that tells where to find them; the others see what tells two people of one name apart."""
    picked = _picked_people(request, data) if data is not None else []
    query = data.get("find", "").strip()[:100] if data is not None else ""
    picked_ids = {person.pk for person, _ in picked}
    found = [
        person
        for person in _picker_search(request, query)[:PEOPLE_SEARCH_LIMIT]
        if person.pk not in picked_ids
    ]
    browses = _browses_people(request)
    shown = [person for person, _ in picked] + found
    if browses:
        children = picker.with_children(Person.objects.filter(pk__in=[person.pk for person in shown]))
        labels = picker.labels(children)
    else:
        labels = picker.kind_labels(shown)
    candidates = [
        (person, role, ticked, labels[person.pk], "" if browses else _pick_token(request, person.pk))
        for person, role, ticked in [(p, r, True) for p, r in picked] + [(p, "", False) for p in found]
    ]
    return {
        "candidates": candidates,
        "query": query,
        "searched": bool(query),
        "roles": IncidentPerson.Role.choices,
        "browses_people": browses,
    }


def _render_report(
    request: SchoolRequest, form: ReportForm, *, status: int = 200, **extra: Any
) -> HttpResponse:
    guidance = _guidance(request.school)
    context = {
        "form": form,
        **_picker_context(request, request.POST if request.method == "POST" else None),
        "guidance": [(Category(key).label, text) for key, text in guidance.items()],
        "max_mb": max_bytes() // (1024 * 1024),
        **extra,
    }
    return render(request, "incidents/new.html", context, status=status)


@requires(Action.REPORT_INCIDENT)
def find_people(request: SchoolRequest) -> HttpResponse:
    """The report form's picker rows for htmx: the same search the form's own Search button runs, swapped into
    the page so that nothing typed or chosen (files included) is lost and focus stays in the search box."""
    return render(request, "incidents/_people_found.html", _picker_context(request, request.GET))


def _pending_evidence(request: SchoolRequest) -> list[tuple[str, str]]:
    """(token, name) of the files kept from an earlier send of this form that the reporter left ticked."""
    kept = []
    for token in dict.fromkeys(request.POST.getlist("pending_evidence")[:20]):
        if name := uploads.pending_name(token, request.user.pk):
            kept.append((token, name))
    return kept


def _keep_evidence(request: SchoolRequest, *, new: bool = True) -> dict[str, Any]:
    """When the form is shown again, keep the files it carried (under the limit) server-side, so the reporter
    is not asked to choose them again; only files that could not be kept are named to choose again."""
    kept = _pending_evidence(request)
    again = []
    for upload in request.FILES.getlist("evidence")[:20]:
        name = upload.name or "file"
        if new and (upload.size or 0) <= max_bytes():
            kept.append((uploads.keep_pending(request.user.pk, name, upload.read()), name))
        else:
            again.append(name)
    return {"kept_files": kept, "chosen_files": again}


@requires(Action.REPORT_INCIDENT)
def new_incident(request: SchoolRequest) -> HttpResponse:
    if request.method != "POST":
        return _render_report(request, ReportForm())
    form = ReportForm(request.POST, request.FILES)
    if "find_people" in request.POST or "update_people" in request.POST:
        # The picker's search button: show the form again with what was typed, nothing saved yet.
        searching = ReportForm(request.POST)
        # Bound (keeps what was typed) but not judged: the report is not sent yet.
        searching._errors = ErrorDict()  # type: ignore[attr-defined]  # Django's own "no errors yet" slot
        return _render_report(request, searching, searching=True, **_keep_evidence(request))
    picked = _picked_people(request)
    missing_roles = _missing_roles(picked)
    if not form.is_valid() or missing_roles:
        return _render_report(
            request, form, status=400, people_error=missing_roles, **_keep_evidence(request)
        )
    data = form.cleaned_data
    if actions.needs_people(data["category"], picked, data["nobody_known_reason"]):
        form.add_error(
            "nobody_known",
            "Say who was involved: find and tick at least one person, or tick “Nobody known” and say why "
            "(for example, an anonymous account).",
        )
        return _render_report(request, form, status=400, **_keep_evidence(request))
    pending = _pending_evidence(request)
    try:
        files = _read_files(data["evidence"])
        for token, _name in pending:
            if kept := uploads.take_pending(token, request.user.pk):
                files.append(kept)
        incident = report_incident(
            school=request.school,
            reporter=request.user,
            category=data["category"],
            description=data["description"],
            occurred_at=data["occurred_at"],
            location=data["location"],
            people=picked,
            people_unknown_reason=data["nobody_known_reason"],
            evidence=files,
            reporter_actions=data["reporter_actions"],
            about_staff=data["about_staff"],
            urgent=data["urgent"],
            idempotency_key=f"form:{request.user.pk}:{data['token']}",
            request=request,
        )
    except EvidenceRejected as rejected:
        # One of the files itself was refused: which one is in the message; none of the new ones is kept.
        form.add_error("evidence", str(rejected))
        return _render_report(request, form, status=400, **_keep_evidence(request, new=False))
    except (OperationalError, InterfaceError):
        # The database is down or gone away: say plainly that nothing was saved and keep every word typed.
        return _render_report(request, form, status=503, db_down=True, **_keep_evidence(request))
    for token, _name in pending:
        uploads.discard_pending(token, request.user.pk)
    if not getattr(incident, "replayed", False):
        messages.success(request, f"Thank you: your report was received as {incident.label}.")
    if permissions.can_view(request.user, incident):
        return redirect("incidents:detail", incident.pk)
    return redirect("incidents:received", incident.pk)


@requires(Action.REPORT_INCIDENT)
def received(request: SchoolRequest, incident_id: int) -> HttpResponse:
    incident = get_object_or_404(Incident, pk=incident_id, school=request.school, reporter=request.user)
    return render(request, "incidents/received.html", {"incident": incident})


# --- The list and its exports ----------------------------------------------------------------------------------


SORTS: dict[str, tuple[Any, ...]] = {
    Sort.OLDEST: ("reported_at", "id"),
    Sort.NEWEST: ("-reported_at", "-id"),
    Sort.STATUS: ("status", F("urgent").desc(), "reported_at", "id"),
    Sort.CATEGORY: ("category", F("urgent").desc(), "reported_at", "id"),
    Sort.HOLDER: (  # each holder's incidents in the log's own order (``IncidentQuerySet.by_urgency``)
        F("assigned__first_name").asc(nulls_first=True),
        "assigned__last_name",
        "assigned_id",
        F("urgent").desc(),
        F("closed_at").desc(nulls_first=True),
        "reported_at",
        "id",
    ),
}


def _holders(school: School) -> QuerySet[User]:
    """Who the "held by" filter offers: the school's safeguarding leads, who triage and so hold incidents. (Not
    every past holder: that would scan the whole log on every page.)"""
    leads = RoleAssignment.objects.filter(
        school=school, role__in=[Role.HEAD, Role.DEPUTY, Role.COORDINATOR, Role.DSL]
    ).values("user_id")
    return User.objects.filter(pk__in=leads).order_by("first_name", "last_name", "pk")


def _filtered(request: SchoolRequest, *, warn: bool = False) -> tuple[IncidentFilterForm, QuerySet[Incident]]:
    """The visible incidents, filtered and ordered by the query string. A value that is not valid (an unknown
    status, a date that is not one) is left out, with a message when ``warn``; the other filters still apply."""
    school = request.school
    form = IncidentFilterForm(request.GET or None, holders=_holders(school))
    incidents = permissions.visible_to(request.user, school)
    data: dict[str, Any] = {}
    if form.is_bound:
        form.is_valid()
        data = form.cleaned_data
        if warn and form.errors:
            names = ", ".join(str(form.fields[name].label or name).lower() for name in form.errors)
            messages.warning(request, f"Some filters were not understood and are not applied: {names}.")
    if data.get("category"):
        incidents = incidents.filter(category=data["category"])
    if data.get("status"):
        incidents = incidents.filter(status=data["status"])
    if data.get("urgency"):
        incidents = incidents.filter(urgent=data["urgency"] == "urgent")
    if holder := data.get("holder"):
        incidents = (
            incidents.filter(assigned__isnull=True)
            if holder == NOBODY
            else incidents.filter(assigned_id=holder)
        )
    if age := data.get("age"):
        # "n school days or more" is one date comparison: the latest day a report could have been made and be
        # that old today, holidays and weekends skipped.
        today = timezone.localdate()
        latest = schooldays.latest_start(today, int(age), _closures(request))
        tz = timezone.get_current_timezone()
        incidents = incidents.filter(reported_at__lte=datetime.combine(latest, time.max, tz))
    # IN over the people's links (indexed by person) rather than EXISTS per incident: start from the few
    # matching people, not from the whole log.
    if data.get("person", "").strip():
        people = _search_people(school, data["person"]).values("pk")
        incidents = incidents.filter(
            pk__in=IncidentPerson.objects.filter(person__in=people).values("incident_id")
        )
    if class_name := data.get("class_name", "").strip():
        people = Person.objects.filter(school=school, class_name__iexact=class_name).values("pk")
        incidents = incidents.filter(
            pk__in=IncidentPerson.objects.filter(person__in=people).values("incident_id")
        )
    tz = timezone.get_current_timezone()
    if data.get("date_from"):
        incidents = incidents.filter(occurred_at__gte=datetime.combine(data["date_from"], time.min, tz))
    if data.get("date_to"):
        incidents = incidents.filter(occurred_at__lte=datetime.combine(data["date_to"], time.max, tz))
    if (person_id := request.GET.get("person_id", "")).isdigit():
        incidents = incidents.filter(
            pk__in=IncidentPerson.objects.filter(person_id=person_id).values("incident_id")
        )
    involved = Prefetch(
        "involvements", queryset=IncidentPerson.objects.select_related("person").order_by("pk")
    )
    incidents = incidents.select_related("reporter", "assigned").prefetch_related(involved)
    sort = data.get("sort") or Sort.URGENCY
    if sort == Sort.HOLDER and holder:
        sort = Sort.URGENCY  # one holder (or nobody): the holder's name is the same on every row
    ordered = incidents.by_urgency() if sort == Sort.URGENCY else incidents.order_by(*SORTS[sort])
    return form, ordered


def _closures(request: SchoolRequest) -> list[schooldays.Closure]:
    """The school's closures, read once per request (the age filter and the ages shown both need them)."""
    if not hasattr(request, "_incident_closures"):
        request._incident_closures = actions.closures_for(request.school)  # type: ignore[attr-defined]
    return request._incident_closures  # type: ignore[attr-defined]


def _with_ages(request: SchoolRequest, incidents: Iterable[Incident]) -> list[Incident]:
    """Set ``age_days`` on each incident: school days since it was reported (until it was closed)."""
    closures = _closures(request)
    today = timezone.localdate()
    rows = list(incidents)
    for incident in rows:
        end = timezone.localdate(incident.closed_at) if incident.closed_at else today
        start = timezone.localdate(incident.reported_at)
        incident.age_days = schooldays.school_days_between(start, end, closures)  # type: ignore[attr-defined]
    return rows


@requires(Action.LIST_INCIDENTS)
def incident_list(request: SchoolRequest) -> HttpResponse:
    form, incidents = _filtered(request, warn=True)
    page = LookaheadPaginator(incidents, 50, request.GET.get("page")).get_page()
    page.object_list = _with_ages(request, page.object_list)
    sort = getattr(form, "cleaned_data", {}).get("sort") or Sort.URGENCY
    context = {"form": form, "page": page, "order_label": Sort(sort).label}
    return render(request, "incidents/list.html", context)


class _Echo:
    def write(self, value: str) -> str:
        return value


@requires(Action.LIST_INCIDENTS)
def export_csv(request: SchoolRequest) -> StreamingHttpResponse:
    form, incidents = _filtered(request)
    record(
        "incident.export_csv",
        request=request,
        kind=AuditEntry.Kind.EXPORT,
        detail={"filters": request.GET.dict()},
        object_repr="Safeguarding log CSV",
    )
    writer = csv.writer(_Echo(), lineterminator="\r\n")

    def rows() -> Any:
        yield writer.writerow(
            [
                "Reference",
                "Occurred",
                "Reported",
                "Category",
                "Area (4 Cs)",
                "Status",
                "Urgent",
                "Location",
                "People",
                "Reporter",
                "Description",
                "Reporter's actions",
            ]
        )
        for incident in incidents.iterator(chunk_size=500):
            people = "; ".join(
                f"{link.person.full_name} ({link.role})" for link in incident.involvements.all()
            )
            cells = [
                incident.number,
                timezone.localtime(incident.occurred_at).strftime("%Y-%m-%d %H:%M"),
                timezone.localtime(incident.reported_at).strftime("%Y-%m-%d %H:%M"),
                incident.get_category_display(),
                incident.get_four_c_display(),
                incident.get_status_display(),
                "yes" if incident.urgent else "no",
                incident.location,
                people,
                incident.reporter.get_full_name() if incident.reporter else "",
                incident.description,
                incident.reporter_actions,
            ]
            yield writer.writerow([neutralise(str(cell)) for cell in cells])

    response = StreamingHttpResponse(rows(), content_type="text/csv; charset=utf-8")
    stamp = timezone.localdate().isoformat()
    response["Content-Disposition"] = (
        f'attachment; filename="safeguarding-log-{request.school.slug}-{stamp}.csv"'
    )
    return response


# --- One incident ----------------------------------------------------------------------------------------------


def _incident_for(
    request: SchoolRequest, incident_id: int, may: Callable[[Any, Incident], bool] | None = None
) -> Incident:
    """The incident if the user may open it (and, given ``may``, do this to it); 404 otherwise, whether it is
    another school's, not theirs to see or not theirs to change: a refusal never confirms the record exists."""
    incident = get_object_or_404(
        Incident.objects.select_related("school"), pk=incident_id, school=request.school
    )
    if not permissions.can_view(request.user, incident):
        raise Http404
    if may is not None and not may(request.user, incident):
        raise Http404
    return incident


def _render_detail(request: SchoolRequest, incident: Incident, *, status: int, **forms: Any) -> HttpResponse:
    return render(
        request, "incidents/detail.html", _detail_context(request, incident, **forms), status=status
    )


def _change(
    request: SchoolRequest,
    incident: Incident,
    form: forms.Form,
    call: Callable[[], str | None],
    *,
    form_name: str,
    rejected: tuple[type[Exception], str] | None = None,
    keep_on_conflict: bool = False,
) -> HttpResponse:
    """The shape of every change made from the incident page: check the bound ``form`` (shown again with its
    errors, status 400), ``call`` the action (which returns the message to flash), and answer a change that lost
    a race (``IncidentConflict``, or a ``WorkflowError`` because the status moved on) with the incident as it is
    now. ``rejected`` names an exception the action raises about one field (bad evidence) and that field;
    ``keep_on_conflict`` shows the form again, typed values kept and armed with the new version (status 409),
    instead of sending the user back to the page."""
    if form.is_valid():
        try:
            success = call()
        except (IncidentConflict, WorkflowError):
            messages.error(request, CONFLICT_MESSAGE)
            if not keep_on_conflict:
                return redirect("incidents:detail", incident.pk)
            incident.refresh_from_db()
            kept = type(form)(request.POST.copy() | {"version": incident.version})
            kept.is_valid()
            return _render_detail(request, incident, status=409, **{form_name: kept})
        except Exception as error:
            if rejected is None or not isinstance(error, rejected[0]):
                raise
            form.add_error(rejected[1], str(error))
        else:
            if success:
                messages.success(request, success)
            return redirect("incidents:detail", incident.pk)
    return _render_detail(request, incident, status=400, **{form_name: form})


def _owners(school: School) -> QuerySet[User]:
    staff = RoleAssignment.objects.filter(school=school).exclude(role="governor").values("user_id")
    return User.objects.filter(pk__in=staff, is_active=True).order_by("first_name", "last_name")


def _detail_context(request: SchoolRequest, incident: Incident, **forms: Any) -> dict[str, Any]:
    user = request.user
    steps = permissions.allowed_steps(user, incident)
    manage = permissions.can_manage(user, incident)
    decide = permissions.can_decide(user, incident)
    initial = {"version": incident.version}
    return {
        "incident": incident,
        "involvements": _involvements(incident),
        "evidence": incident.evidence.all(),
        "timeline": incident.timeline.select_related("actor"),
        "actions": incident.actions.select_related("owner", "done_by"),
        "open_actions": [action for action in incident.actions.all() if action.done_at is None],
        "cancel_form": CancelActionForm() if manage else None,
        "cancel_forms": forms.get("cancel_forms", {}),
        "outcomes": incident.outcomes.select_related("recorded_by"),
        "steps": [
            (
                WORKFLOW[step],
                forms.get(f"step_{step}") or StepForm(initial=initial, transition=WORKFLOW[step]),
            )
            for step in steps
            if not WORKFLOW[step].own_form
        ],
        "outcome_form": (forms.get("outcome_form") or OutcomeForm(initial=initial))
        if Step.RECORD_OUTCOME in steps
        else None,
        "note_form": (forms.get("note_form") or NoteForm())
        if permissions.can_add_note(user, incident)
        else None,
        "evidence_form": (forms.get("evidence_form") or EvidenceForm())
        if permissions.can_add_note(user, incident)
        else None,
        "action_form": (forms.get("action_form") or ActionForm(owners=_owners(incident.school)))
        if manage
        else None,
        "can_edit": manage,
        "people_search": _people_search(request, incident) if manage else None,
        "roles": IncidentPerson.Role.choices,
        "can_decide": decide,
        "today": timezone.localdate(),
        "origin": origin_of(request, incident),
        "restriction_form": (
            forms.get("restriction_form")
            or RestrictionForm(initial=initial | {"restricted": "0" if incident.restricted else "1"})
        )
        if permissions.can_restrict(user, incident)
        else None,
    }


def _involvements(incident: Incident) -> list[tuple[IncidentPerson, str]]:
    """The incident's people, each labelled as the picker showed them (namesakes told apart here too)."""
    links = list(incident.involvements.select_related("person").order_by("role", "person__last_name"))
    people = picker.with_children(Person.objects.filter(pk__in=[link.person_id for link in links]))
    labels = picker.labels(people)
    return [(link, labels[link.person_id]) for link in links]


def _people_search(request: SchoolRequest, incident: Incident) -> dict[str, Any]:
    """The add-people picker on the incident page: a GET search, then a POST of the ticked people."""
    query = request.GET.get("find", "").strip()[:100]
    found = []
    if query:
        involved = incident.involvements.values("person_id")
        found = list(_search_people(incident.school, query).exclude(pk__in=involved)[:PEOPLE_SEARCH_LIMIT])
    labels = picker.labels(picker.with_children(Person.objects.filter(pk__in=[p.pk for p in found])))
    return {"query": query, "found": [(person, labels[person.pk]) for person in found]}


@requires(Action.LIST_INCIDENTS, Action.REPORT_INCIDENT)
def incident_detail(request: SchoolRequest, incident_id: int) -> HttpResponse:
    incident = get_object_or_404(
        Incident.objects.select_related("school"), pk=incident_id, school=request.school
    )
    if permissions.sees_only_receipt(request.user, incident):
        return redirect("incidents:received", incident.pk)
    if not can(request.user, Action.LIST_INCIDENTS, request.school):
        if incident.reporter_id == request.user.pk:
            return redirect("incidents:received", incident.pk)
        raise Http404
    if not permissions.can_view(request.user, incident):
        raise Http404
    record_view(request, incident, object_repr=incident.label)
    return render(request, "incidents/detail.html", _detail_context(request, incident))


@require_POST
@requires(Action.LIST_INCIDENTS)
def take_step(request: SchoolRequest, incident_id: int, step: str) -> HttpResponse:
    if step not in Step.values:
        raise Http404
    transition = WORKFLOW[Step(step)]
    incident = _incident_for(
        request, incident_id, lambda user, incident: permissions.may_take(user, incident, transition.step)
    )
    if transition.own_form:
        raise Http404  # the outcome has its own form and URL
    form = StepForm(request.POST, transition=transition)

    def call() -> str:
        extra = {"assigned": request.user} if transition.step == Step.TRIAGE else {}
        getattr(actions, transition.action)(
            incident,
            by=request.user,
            reason=form.cleaned_data["reason"],
            expected_version=form.cleaned_data["version"],
            request=request,
            **extra,
        )
        return f"{incident.label}: {incident.get_status_display().lower()}."

    return _change(
        request,
        incident,
        form,
        call,
        form_name=f"step_{transition.step}",
        rejected=(OpenActionsError, "reason"),
    )


@require_POST
@requires(Action.LIST_INCIDENTS)
def set_restriction(request: SchoolRequest, incident_id: int) -> HttpResponse:
    incident = _incident_for(request, incident_id, permissions.can_restrict)
    form = RestrictionForm(request.POST)

    def call() -> str:
        restricted = form.cleaned_data["restricted"]
        actions.set_restricted(
            incident,
            by=request.user,
            restricted=restricted,
            reason=form.cleaned_data["reason"],
            expected_version=form.cleaned_data["version"],
            request=request,
        )
        return f"{incident.label}: " + (
            "restricted to the Headteacher and the named deputy." if restricted else "restriction lifted."
        )

    return _change(request, incident, form, call, form_name="restriction_form")


@require_POST
@requires(Action.LIST_INCIDENTS)
def add_outcome(request: SchoolRequest, incident_id: int) -> HttpResponse:
    incident = _incident_for(
        request, incident_id, lambda user, incident: permissions.may_take(user, incident, Step.RECORD_OUTCOME)
    )
    form = OutcomeForm(request.POST)

    def call() -> str:
        data = dict(form.cleaned_data)
        version, kind = data.pop("version"), data.pop("kind")
        actions.record_outcome(
            incident, by=request.user, kind=kind, expected_version=version, request=request, **data
        )
        return "Outcome recorded."

    return _change(request, incident, form, call, form_name="outcome_form", keep_on_conflict=True)


@require_POST
@requires(Action.LIST_INCIDENTS)
def add_note(request: SchoolRequest, incident_id: int) -> HttpResponse:
    incident = _incident_for(request, incident_id, permissions.can_add_note)
    form = NoteForm(request.POST)

    def call() -> str:
        actions.add_note(incident, by=request.user, text=form.cleaned_data["text"], request=request)
        return "Note added."

    return _change(request, incident, form, call, form_name="note_form")


@require_POST
@requires(Action.LIST_INCIDENTS)
def add_evidence(request: SchoolRequest, incident_id: int) -> HttpResponse:
    incident = _incident_for(request, incident_id, permissions.can_add_note)
    form = EvidenceForm(request.POST, request.FILES)

    def call() -> str:
        files = _read_files(form.cleaned_data["evidence"])
        actions.add_evidence(incident, by=request.user, files=files, request=request)
        return "Evidence added."

    return _change(
        request, incident, form, call, form_name="evidence_form", rejected=(EvidenceRejected, "evidence")
    )


@require_POST
@requires(Action.LIST_INCIDENTS)
def add_people(request: SchoolRequest, incident_id: int) -> HttpResponse:
    incident = _incident_for(request, incident_id, permissions.can_manage)
    picked = _picked_people(request)
    if missing_roles := _missing_roles(picked):
        messages.error(request, f"No one was added. {missing_roles}")
        return _back_to_incident(request, incident)
    if added := actions.add_people(incident, by=request.user, people=picked, request=request):
        messages.success(request, f"{added} {'person' if added == 1 else 'people'} added.")
    return _back_to_incident(request, incident)


def _back_to_incident(request: SchoolRequest, incident: Incident) -> HttpResponse:
    """After a change that may have restricted the incident (it is now about staff), say so to a user who can no
    longer open it, instead of sending them to a 404."""
    incident.refresh_from_db(fields=["restricted", "version"])
    if permissions.can_view(request.user, incident):
        return redirect("incidents:detail", incident.pk)
    messages.info(
        request,
        f"{incident.label} is now about a member of staff: it has gone to the Headteacher and is no longer "
        "in your list.",
    )
    return redirect("incidents:list")


@require_POST
@requires(Action.LIST_INCIDENTS)
def add_action(request: SchoolRequest, incident_id: int) -> HttpResponse:
    incident = _incident_for(request, incident_id, permissions.can_manage)
    form = ActionForm(request.POST, owners=_owners(incident.school))

    def call() -> str:
        actions.add_action(incident, by=request.user, request=request, **form.cleaned_data)
        return "Action added."

    return _change(request, incident, form, call, form_name="action_form")


@requires(Action.LIST_INCIDENTS)
def edit_incident(request: SchoolRequest, incident_id: int) -> HttpResponse:
    incident = _incident_for(request, incident_id, permissions.can_manage)
    fields = ("category", "occurred_at", "location", "description", "reporter_actions", "urgent")
    current = {name: getattr(incident, name) for name in fields} | {"version": incident.version}
    if request.method != "POST":
        return render(
            request, "incidents/edit.html", {"incident": incident, "form": EditForm(initial=current)}
        )
    form = EditForm(request.POST)
    if not form.is_valid():
        return render(request, "incidents/edit.html", {"incident": incident, "form": form}, status=400)
    changes = {name: form.cleaned_data[name] for name in fields}
    try:
        actions.update_incident(
            incident,
            by=request.user,
            expected_version=form.cleaned_data["version"],
            changes=changes,
            request=request,
        )
    except IncidentConflict:
        incident.refresh_from_db()
        # Keep what this user typed, but arm the form with the new version: saving again is a deliberate choice
        # made after seeing the other person's change, shown beside it.
        data = request.POST.copy()
        data["version"] = str(incident.version)
        context = {
            "incident": incident,
            "form": EditForm(data),
            "conflict": True,
            "current": {name: getattr(incident, name) for name in fields},
        }
        return render(request, "incidents/edit.html", context, status=409)
    messages.success(request, "Changes saved.")
    return _back_to_incident(request, incident)


@requires(Action.LIST_INCIDENTS)
def download_evidence(request: SchoolRequest, incident_id: int, evidence_id: int) -> FileResponse:
    incident = _incident_for(request, incident_id)
    evidence = get_object_or_404(Evidence, pk=evidence_id, incident=incident, school=request.school)
    record_view(request, incident, object_repr=incident.label, evidence=evidence.pk)
    # A download, never rendered inline: an uploaded text or PDF cannot run in the site's origin.
    flag = _javascript_flag(evidence)
    response = FileResponse(
        evidence.file.open("rb"),
        as_attachment=True,
        content_type=evidence.content_type,
        filename=f"incident-{incident.number}-evidence-{evidence.pk}{flag}.{evidence.extension}",
    )
    if flag:
        response["X-Esafety-Warning"] = "PDF contains JavaScript: open it with JavaScript turned off"
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, no-store"
    return response


def _javascript_flag(evidence: Evidence) -> str:
    """A PDF that carries JavaScript downloads with a name that says so (and a header for tools): PDF readers
    run it on opening, and it may be what the report is about."""
    if evidence.content_type != "application/pdf":
        return ""
    with evidence.file.open("rb") as handle:
        return "-CONTAINS-JAVASCRIPT" if pdf_has_javascript(handle.read()) else ""


@requires(Action.LIST_INCIDENTS)
def incident_pdf(request: SchoolRequest, incident_id: int) -> HttpResponse:
    from esafety.incidents.pdf import incident_pdf as build

    incident = _incident_for(request, incident_id)
    record(
        "incident.export_pdf",
        request=request,
        obj=incident,
        kind=AuditEntry.Kind.EXPORT,
        object_repr=incident.label,
    )
    return _pdf_response(build(incident), f"incident-{incident.number}.pdf")


def _pdf_response(data: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response


# --- Actions page ----------------------------------------------------------------------------------------------


@requires(Action.LIST_INCIDENT_ACTIONS)
def action_list(request: SchoolRequest) -> HttpResponse:
    school, today = request.school, timezone.localdate()
    base = IncidentAction.objects.filter(school=school, done_at__isnull=True).select_related(
        "incident", "owner"
    )
    mine = base.filter(owner=request.user).order_by("due_on")
    overdue = None
    if can(request.user, Action.VIEW_ALL_INCIDENTS, school):
        visible = permissions.visible_to(request.user, school).values("pk")
        overdue = base.filter(due_on__lt=today, incident__in=visible).order_by("due_on")[:200]
    return render(request, "incidents/actions.html", {"mine": mine, "overdue": overdue, "today": today})


@require_POST
@requires(Action.LIST_INCIDENT_ACTIONS)
def complete_action(request: SchoolRequest, action_id: int) -> HttpResponse:
    action = get_object_or_404(
        IncidentAction.objects.select_related("incident", "incident__school"),
        pk=action_id,
        school=request.school,
    )
    if action.owner_id != request.user.pk and not permissions.can_manage(request.user, action.incident):
        raise Http404
    if action.owner_id != request.user.pk and not permissions.can_view(request.user, action.incident):
        raise Http404
    if actions.complete_action(action, by=request.user, request=request):
        messages.success(request, "Action marked done.")
    target = request.POST.get("next", "")
    if target.startswith("/incidents/") and "//" not in target:
        return redirect(target)
    return redirect("incidents:actions")


@require_POST
@requires(Action.LIST_INCIDENT_ACTIONS)
def cancel_action(request: SchoolRequest, action_id: int) -> HttpResponse:
    """Close an action without doing it, with a reason: whoever runs the incident (not the owner alone, who
    cannot decide their own work is no longer needed)."""
    action = get_object_or_404(
        IncidentAction.objects.select_related("incident", "incident__school"),
        pk=action_id,
        school=request.school,
    )
    incident = action.incident
    if not (permissions.can_view(request.user, incident) and permissions.can_manage(request.user, incident)):
        raise Http404
    form = CancelActionForm(request.POST)
    if not form.is_valid():
        messages.error(request, f"Say why “{action.title}” is cancelled: nothing was changed.")
        return _render_detail(request, incident, status=400, cancel_forms={action.pk: form})
    if actions.cancel_action(action, by=request.user, reason=form.cleaned_data["reason"], request=request):
        messages.success(request, f"Action cancelled: {action.title}.")
    return redirect("incidents:detail", incident.pk)


# --- Chronology ------------------------------------------------------------------------------------------------


def _chronology(request: SchoolRequest, person: Person) -> list[Incident]:
    own = Prefetch(
        "involvements", queryset=IncidentPerson.objects.filter(person=person), to_attr="person_links"
    )
    incidents = (
        permissions.visible_to(request.user, request.school)
        # IN over the person's links (index person, incident), not EXISTS per incident: the database starts from
        # the few links of this person instead of walking the whole log.
        .filter(pk__in=IncidentPerson.objects.filter(person=person).values("incident_id"))
        .select_related("reporter")
        .prefetch_related(
            own,
            Prefetch("outcomes", queryset=Outcome.objects.order_by("recorded_at", "pk")),
            Prefetch(
                "actions", queryset=IncidentAction.objects.select_related("owner").order_by("due_on", "pk")
            ),
        )
        .order_by("occurred_at", "id")
    )
    return list(incidents[:1000])


@requires(Action.LIST_INCIDENTS)
def chronology(request: SchoolRequest, person_id: int) -> HttpResponse:
    person = get_object_or_404(Person, pk=person_id, school=request.school)
    incidents = _chronology(request, person)
    record(
        "incident.chronology.view",
        request=request,
        obj=person,
        kind=AuditEntry.Kind.VIEW,
        object_repr=f"Chronology of person {person.pk}",
        detail={"incidents": len(incidents)},
    )
    return render(
        request,
        "incidents/chronology.html",
        {"person": person, "incidents": incidents, "today": timezone.localdate()},
    )


@requires(Action.LIST_INCIDENTS)
def chronology_pdf(request: SchoolRequest, person_id: int) -> HttpResponse:
    from esafety.incidents.pdf import chronology_pdf as build

    person = get_object_or_404(Person, pk=person_id, school=request.school)
    incidents = _chronology(request, person)
    record(
        "incident.chronology.export_pdf",
        request=request,
        obj=person,
        kind=AuditEntry.Kind.EXPORT,
        object_repr=f"Chronology of person {person.pk}",
        detail={"incidents": len(incidents)},
    )
    return _pdf_response(build(person, incidents, request.school), f"chronology-{person.pk}.pdf")


# --- Settings --------------------------------------------------------------------------------------------------


@requires(Action.EDIT_INCIDENT_SETTINGS)
def settings_view(request: SchoolRequest) -> HttpResponse:
    school = request.school
    guidance = dict(CategoryGuidance.objects.filter(school=school).values_list("category", "text"))
    row = IncidentSettings.objects.filter(school=school).first()
    # Only the Headteacher chooses who else sees reports about staff.
    may_name_deputy = can(request.user, Action.VIEW_RESTRICTED_INCIDENTS, school)
    deputies = User.holding(school, [Role.DEPUTY]) if may_name_deputy else None
    form = SettingsForm(
        request.POST or None,
        guidance=guidance,
        deputies=deputies,
        deputy=row.restricted_deputy if row else None,
        initial={
            "urgent_reminder_hours": row.urgent_reminder_hours if row else 2,
            "closures": row.closures if row else "",
        },
    )
    if request.method == "POST" and form.is_valid():
        texts = {value: form.cleaned_data[f"guidance_{value}"].strip() for value in Category.values}
        extra = {"restricted_deputy": form.cleaned_data["restricted_deputy"]} if may_name_deputy else {}
        actions.save_settings(
            school,
            by=request.user,
            guidance=texts,
            urgent_reminder_hours=form.cleaned_data["urgent_reminder_hours"],
            closures=form.cleaned_data["closures"],
            request=request,
            **extra,
        )
        messages.success(request, "Settings saved.")
        return redirect("incidents:settings")
    return render(request, "incidents/settings.html", {"form": form})
