"""Governance pages: the dashboard, the responsible people, the annual filtering and monitoring review, the
governors' report and data protection (retention, legal holds, subject access)."""

from __future__ import annotations

from django.contrib import messages
from django.db.models import Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from esafety.access import Action, can, requires, requires_record
from esafety.audit.actions import record
from esafety.audit.models import AuditEntry
from esafety.core.types import SchoolRequest
from esafety.governance import actions, disposal, evidence, pdf, standards
from esafety.governance.forms import (
    ActionForm,
    HoldForm,
    PeriodForm,
    PersonSearchForm,
    ResponsiblePeopleForm,
    ReviewForm,
)
from esafety.governance.models import DisposalRun, FilteringReview, LegalHold, ReviewAction, ReviewAnswer
from esafety.governance.report import overview
from esafety.people.models import Person


def _period(request: SchoolRequest) -> evidence.Period:
    today = timezone.localdate()
    current = evidence.Period.containing(today)
    raw = request.GET.get("year", "")
    if raw.isdigit() and 2000 <= int(raw) <= current.first_year:
        return evidence.Period.school_year(int(raw))
    return current


def _years(count: int = 4) -> list[evidence.Period]:
    current = evidence.Period.containing(timezone.localdate())
    return [evidence.Period.school_year(current.first_year - n) for n in range(count)]


@requires(Action.VIEW_GOVERNANCE)
def dashboard(request: SchoolRequest) -> HttpResponse:
    period = _period(request)
    context = {
        "data": overview(request.school, period),
        "period": period,
        "years": _years(),
        "can_edit_people": can(request.user, Action.EDIT_RESPONSIBLE_PEOPLE, request.school),
        "can_retention": can(request.user, Action.MANAGE_RETENTION, request.school),
    }
    return render(request, "governance/dashboard.html", context)


@requires(Action.EDIT_RESPONSIBLE_PEOPLE)
def responsible_people(request: SchoolRequest) -> HttpResponse:
    people = actions.responsible_people(request.school)
    form = ResponsiblePeopleForm(request.POST or None, instance=people, school=request.school)
    if request.method == "POST" and form.is_valid():
        actions.save_responsible_people(form.save(commit=False), by=request.user)
        messages.success(request, "The responsible people are saved.")
        return redirect("governance:dashboard")
    return render(request, "governance/people.html", {"form": form})


# --- Annual review -------------------------------------------------------------------------------------------


@requires(Action.CONDUCT_FILTERING_REVIEW)
def review_index(request: SchoolRequest) -> HttpResponse:
    current = evidence.Period.containing(timezone.localdate())
    reviews = FilteringReview.objects.filter(school=request.school)
    return render(
        request,
        "governance/review_index.html",
        {
            "reviews": reviews,
            "current": current,
            "has_current": reviews.filter(year=current.first_year).exists(),
        },
    )


@require_POST
@requires(Action.CONDUCT_FILTERING_REVIEW)
def start_review(request: SchoolRequest) -> HttpResponse:
    current = evidence.Period.containing(timezone.localdate())
    review = actions.start_review(request.school, current.first_year, by=request.user)
    return redirect("governance:review", year=review.year)


def _review_page(
    request: SchoolRequest, review: FilteringReview, form: ReviewForm, status: int = 200
) -> HttpResponse:
    views = actions.item_views(review)
    sections = [
        (name, [(view, form.bound_item(view.item.key)) for view in views if view.item.section == name])
        for name in standards.SECTIONS
    ]
    people = actions.responsible_people(request.school)
    context = {
        "review": review,
        "form": form,
        "notes": [form[name] for name in actions.NOTE_FIELDS],
        "sections": sections,
        "action_form": ActionForm(school=request.school),
        "actions": ReviewAction.objects.filter(review=review).select_related("owner"),
        "unanswered": len(actions.unanswered(review)),
        "can_sign_slt": people.slt_lead_id == request.user.pk and not review.slt_signed_at,
        "can_sign_governor": people.governor_id == request.user.pk and not review.governor_signed_at,
        "slt_named": bool(people.slt_lead_id),
        "governor_named": bool(people.governor_id),
        "today": timezone.localdate(),
    }
    return render(request, "governance/review.html", context, status=status)


@requires_record(Action.CONDUCT_FILTERING_REVIEW)
def review(request: SchoolRequest, year: int) -> HttpResponse:
    review = get_object_or_404(FilteringReview, school=request.school, year=year)
    answers = {a.item: a for a in review.answers.all()}
    measured = {view.item.key: view.measured for view in actions.item_views(review)}
    if request.method != "POST":
        form = ReviewForm(initial=ReviewForm.initial_notes(review), measured=measured, answers=answers)
        return _review_page(request, review, form)
    form = ReviewForm(request.POST, measured=measured, answers=answers)
    if review.locked:
        messages.error(request, "This review has been signed: its answers can no longer change.")
        return redirect("governance:review", year=review.year)
    if not form.is_valid():
        messages.error(request, "Some answers need a correction: nothing was saved. See the marked items.")
        return _review_page(request, review, form, status=400)
    data = form.cleaned_data
    saved = 0
    for item in standards.ITEMS:
        verdict = data.get(f"verdict__{item.key}")
        if not verdict:
            continue
        previous = answers.get(item.key)
        comment, reported_by = data.get(f"comment__{item.key}", ""), data.get(f"reported_by__{item.key}", "")
        if previous and (previous.verdict, previous.comment, previous.reported_by) == (
            verdict,
            comment.strip(),
            reported_by.strip(),
        ):
            continue
        actions.answer_item(
            review, item.key, verdict=verdict, comment=comment, reported_by=reported_by, by=request.user
        )
        saved += 1
    actions.save_notes(review, by=request.user, **{name: data[name] for name in actions.NOTE_FIELDS})
    messages.success(request, f"Review saved ({saved} answer(s) changed).")
    return redirect("governance:review", year=review.year)


@require_POST
@requires_record(Action.CONDUCT_FILTERING_REVIEW)
def add_action(request: SchoolRequest, year: int) -> HttpResponse:
    review = get_object_or_404(FilteringReview, school=request.school, year=year)
    form = ActionForm(request.POST, school=request.school)
    if form.is_valid():
        actions.add_action(review, by=request.user, **form.cleaned_data)
        messages.success(request, "Action added.")
    else:
        messages.error(request, "The action needs a title, an owner and a due date.")
    return redirect("governance:review", year=review.year)


@require_POST
@requires_record(Action.CONDUCT_FILTERING_REVIEW)
def complete_action(request: SchoolRequest, action_id: int) -> HttpResponse:
    action = get_object_or_404(
        ReviewAction.objects.select_related("review"), pk=action_id, school=request.school
    )
    if actions.complete_action(action, by=request.user):
        messages.success(request, "Action marked as done.")
    return redirect("governance:review", year=action.review.year)


@require_POST
@requires_record(Action.CONDUCT_FILTERING_REVIEW)
def sign_review(request: SchoolRequest, year: int) -> HttpResponse:
    review = get_object_or_404(FilteringReview, school=request.school, year=year)
    try:
        actions.sign(review, request.POST.get("as", ""), by=request.user)
    except (actions.ReviewError, KeyError) as exc:
        messages.error(
            request, str(exc) if isinstance(exc, actions.ReviewError) else "Choose what to sign as."
        )
    else:
        messages.success(request, "Signed. The answers are now frozen.")
    return redirect("governance:review", year=review.year)


@requires(Action.CONDUCT_FILTERING_REVIEW)
def compare_reviews(request: SchoolRequest) -> HttpResponse:
    reviews = list(FilteringReview.objects.filter(school=request.school).order_by("-year")[:4])
    answers: dict[tuple[int, str], ReviewAnswer] = {
        (a.review_id, a.item): a for a in ReviewAnswer.objects.filter(review__in=reviews)
    }
    rows = [(item, [answers.get((r.pk, item.key)) for r in reviews]) for item in standards.ITEMS]
    return render(request, "governance/compare.html", {"reviews": reviews, "rows": rows})


# --- Governors' report ---------------------------------------------------------------------------------------


@requires(Action.VIEW_GOVERNANCE)
def report(request: SchoolRequest) -> HttpResponse:
    period = _period(request)
    return render(
        request, "governance/report.html", {"data": overview(request.school, period), "period": period}
    )


@requires(Action.VIEW_GOVERNANCE)
def report_pdf(request: SchoolRequest) -> HttpResponse:
    period = _period(request)
    content = pdf.governors_report(request.school, overview(request.school, period))
    record(
        "governance.report_export",
        request=request,
        kind=AuditEntry.Kind.EXPORT,
        object_repr=f"Governors' report {period.label}",
    )
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="online-safety-report-{period.first_year}.pdf"'
    return response


# --- Data protection ----------------------------------------------------------------------------------------


@requires(Action.MANAGE_RETENTION)
def retention(request: SchoolRequest) -> HttpResponse:
    types = disposal.record_types()
    schedule = [(t, disposal.period_of(request.school, t)) for t in types]
    holds = LegalHold.objects.filter(school=request.school).select_related("person")
    hold_form = HoldForm(school=request.school, record_types=[(t.key, t.label) for t in types])
    search = PersonSearchForm(request.GET or None)
    found = []
    if search.is_valid():
        q = search.cleaned_data["q"].strip()
        found = list(
            Person.objects.filter(school=request.school).filter(
                Q(last_name__icontains=q) | Q(first_name__icontains=q) | Q(mis_id__iexact=q)
            )[:25]
        )
    context = {
        "schedule": schedule,
        "missing": disposal.missing_types(),
        "holds": holds,
        "hold_form": hold_form,
        "runs": DisposalRun.objects.filter(school=request.school)[:10],
        "labels": {t.key: t.label for t in types},
        "search": search,
        "found": found,
    }
    return render(request, "governance/retention.html", context)


@require_POST
@requires(Action.MANAGE_RETENTION)
def set_period(request: SchoolRequest, key: str) -> HttpResponse:
    try:
        record_type = disposal.record_type(key)
    except KeyError:
        raise Http404 from None
    form = PeriodForm(request.POST)
    if form.is_valid():
        disposal.set_period(request.school, record_type, form.cleaned_data["period"], by=request.user)
        messages.success(
            request, f"{record_type.label}: kept for {form.cleaned_data['period']} {record_type.unit}."
        )
    else:
        messages.error(request, "Enter a whole number of at least 1.")
    return redirect("governance:retention")


@require_POST
@requires(Action.MANAGE_RETENTION)
def place_hold(request: SchoolRequest) -> HttpResponse:
    types = disposal.record_types()
    form = HoldForm(request.POST, school=request.school, record_types=[(t.key, t.label) for t in types])
    if form.is_valid():
        data = form.cleaned_data
        actions.place_hold(
            request.school,
            reason=data["reason"],
            by=request.user,
            person=data["person"],
            record_type="" if data["person"] else data["record_type"],
            object_id="" if data["person"] else data["object_id"].strip(),
        )
        messages.success(request, "Legal hold placed: nothing it covers will be disposed of.")
    else:
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
    return redirect("governance:retention")


@require_POST
@requires_record(Action.MANAGE_RETENTION)
def lift_hold(request: SchoolRequest, hold_id: int) -> HttpResponse:
    hold = get_object_or_404(LegalHold, pk=hold_id, school=request.school)
    if actions.lift_hold(hold, by=request.user):
        messages.success(request, "Legal hold lifted.")
    return redirect("governance:retention")


@require_POST
@requires(Action.MANAGE_RETENTION)
def run_disposal(request: SchoolRequest) -> HttpResponse:
    counts = disposal.dispose_due(request.school)
    removed = sum(c["removed"] + c["anonymised"] for c in counts.values())
    held = sum(c["held"] for c in counts.values())
    messages.success(request, f"Disposal run: {removed} record(s) removed, {held} kept under legal hold.")
    return redirect("governance:retention")


@requires_record(Action.MANAGE_RETENTION)
def subject_access(request: SchoolRequest, person_id: int, fmt: str) -> HttpResponse:
    if fmt not in ("pdf", "json"):
        raise Http404
    person = get_object_or_404(Person, pk=person_id, school=request.school)
    bundle = actions.subject_access(request.school, person, by=request.user, fmt=fmt)
    if fmt == "json":
        response = HttpResponse(bundle.as_json(), content_type="application/json")
    else:
        response = HttpResponse(pdf.subject_access(request.school, bundle), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="subject-access-{person.pk}.{fmt}"'
    response["Cache-Control"] = "no-store"
    return response
