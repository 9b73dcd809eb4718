"""Curriculum pages (/curriculum/): coverage per year group and term with the gaps, lessons, resources."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from esafety.access import Action, can, requires, requires_record
from esafety.audit.actions import record
from esafety.core.types import SchoolRequest
from esafety.training import actions
from esafety.training.curriculum import coverage, current_year, resources_due
from esafety.training.forms import LessonForm, PlannedUnitForm, ResourceForm, ReviewResourceForm
from esafety.training.models import Lesson, Resource, Term


def _year(request: SchoolRequest) -> int:
    today = timezone.localdate()
    raw = request.GET.get("year", "")
    return int(raw) if raw.isdigit() and 2000 <= int(raw) <= today.year else current_year(today)


@requires(Action.VIEW_CURRICULUM)
def overview(request: SchoolRequest) -> HttpResponse:
    today = timezone.localdate()
    year = _year(request)
    grid = coverage(request.school, year, today)
    context = {
        "year": year,
        "year_label": f"{year}/{str(year + 1)[-2:]}",
        "years": range(current_year(today), current_year(today) - 3, -1),
        "terms": list(Term),
        "grid": grid,
        "gaps": [unit for row in grid for cell in row for unit in cell.gaps],
        "resources_due": resources_due(request.school, today),
        "lessons": Lesson.objects.filter(school=request.school).prefetch_related("resources")[:15],
        "can_record": can(request.user, Action.RECORD_LESSON, request.school),
        "can_manage": can(request.user, Action.MANAGE_CURRICULUM, request.school),
        "plan_form": PlannedUnitForm(school=request.school),
    }
    return render(request, "curriculum/overview.html", context)


@requires(Action.RECORD_LESSON)
def new_lesson(request: SchoolRequest) -> HttpResponse:
    form = LessonForm(request.POST or None, school=request.school)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        resources = data.pop("resources")
        actions.record_lesson(request.school, by=request.user, resources=resources, **data)
        messages.success(request, "Lesson recorded.")
        return redirect("curriculum:overview")
    return render(request, "curriculum/lesson_form.html", {"form": form})


@requires(Action.VIEW_CURRICULUM)
def resource_list(request: SchoolRequest) -> HttpResponse:
    today = timezone.localdate()
    resources = Resource.objects.filter(school=request.school).select_related("last_reviewed_by")
    can_manage = can(request.user, Action.MANAGE_CURRICULUM, request.school)
    rows = [(resource, resource.review_due(today)) for resource in resources]
    return render(
        request,
        "curriculum/resources.html",
        {"rows": rows, "can_manage": can_manage, "form": ResourceForm(), "review_form": ReviewResourceForm()},
    )


@require_POST
@requires(Action.MANAGE_CURRICULUM)
def add_resource(request: SchoolRequest) -> HttpResponse:
    form = ResourceForm(request.POST)
    if not form.is_valid():
        today = timezone.localdate()
        resources = Resource.objects.filter(school=request.school)
        rows = [(resource, resource.review_due(today)) for resource in resources]
        return render(
            request,
            "curriculum/resources.html",
            {"rows": rows, "can_manage": True, "form": form, "review_form": ReviewResourceForm()},
            status=400,
        )
    resource = form.save(commit=False)
    resource.school = request.school
    resource.save()
    record(
        "curriculum.resource_add", actor=request.user, obj=resource, object_repr=f"Resource #{resource.pk}"
    )
    messages.success(request, "Resource added: review it before it is used.")
    return redirect("curriculum:resources")


@require_POST
@requires_record(Action.MANAGE_CURRICULUM)
def review_resource(request: SchoolRequest, resource_id: int) -> HttpResponse:
    resource = get_object_or_404(Resource, pk=resource_id, school=request.school)
    form = ReviewResourceForm(request.POST)
    if form.is_valid():
        actions.review_resource(resource, by=request.user, note=form.cleaned_data["note"])
        messages.success(request, f"“{resource.title}” marked as reviewed today.")
    else:
        messages.error(request, "Add a short review note.")
    return redirect("curriculum:resources")


@require_POST
@requires(Action.MANAGE_CURRICULUM)
def add_unit(request: SchoolRequest) -> HttpResponse:
    form = PlannedUnitForm(request.POST, school=request.school)
    if form.is_valid():
        unit = form.save(commit=False)
        unit.school = request.school
        unit.save()
        record("curriculum.plan_add", actor=request.user, obj=unit, object_repr=f"Planned unit #{unit.pk}")
        messages.success(request, "Added to the plan.")
    else:
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
    return redirect("curriculum:overview")
