"""Filtering pages. Views bind forms and call ``actions``; access comes from ``esafety.access`` and
``permissions``; every record is fetched within ``request.school`` (another school's answers 404)."""

from __future__ import annotations

import csv
import functools
import re
from collections.abc import Callable
from datetime import timedelta
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Sum
from django.http import FileResponse, Http404, HttpResponse, HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from esafety.access import Action, can, requires
from esafety.core.types import SchoolRequest
from esafety.filtering import actions, forms, ingest, permissions, publishing
from esafety.filtering.charts import bar_chart
from esafety.filtering.models import (
    OPEN_STATUSES,
    AttemptItem,
    BlockedEvent,
    ChangeRequest,
    CheckedLink,
    DailyCount,
    FilterCategory,
    FilterGroup,
    FilterHost,
    FilterTestRun,
    LinkCheck,
    LogSource,
    PolicyChange,
    PolicyVersion,
    RequestConflict,
)
from esafety.filtering.workflow import WORKFLOW


def record_of(*needed: Action) -> Callable[[Callable[..., HttpResponse]], Callable[..., HttpResponse]]:
    """``requires`` for pages that name a record: refused as 404, like a record of another school, so a refusal
    never confirms the record exists."""

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @functools.wraps(view)
        def wrapper(request: SchoolRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not any(can(request.user, action, request.school) for action in needed):
                raise Http404
            return view(request, *args, **kwargs)

        wrapper.required_actions = needed  # type: ignore[attr-defined]
        return wrapper

    return decorator


def _school(request: SchoolRequest) -> Any:
    if request.school is None:
        raise PermissionDenied
    return request.school


# --- Settings -------------------------------------------------------------------------------------------------


@requires(Action.MANAGE_FILTERING)
def index(request: SchoolRequest) -> HttpResponse:
    school = _school(request)
    publishing.settings_for(school)
    names = publishing.available_categories(publishing.lists_dir(school))
    for name in names:
        FilterCategory.objects.get_or_create(
            school=school, name=name, defaults={"label": name.replace("_", " ").capitalize()}
        )
    return render(
        request,
        "filtering/index.html",
        {
            "groups": FilterGroup.objects.filter(school=school),
            "categories": FilterCategory.objects.filter(school=school, name__in=names),
            "settings": publishing.settings_for(school),
            "latest": publishing.latest_version(school),
            "policy_path": publishing.current_path(school),
            "changes": PolicyChange.objects.filter(school=school).select_related("by")[:15],
            "chain_form": forms.ChainForm(initial={"chain": publishing.settings_for(school).chain}),
            "publish_form": forms.ReasonForm(),
            "open_requests": ChangeRequest.objects.filter(school=school, status__in=OPEN_STATUSES).count(),
            "open_items": AttemptItem.objects.filter(school=school, status=AttemptItem.Status.OPEN).count(),
            "sources": LogSource.objects.filter(school=school),
            "last_test": FilterTestRun.objects.filter(school=school).first(),
        },
    )


@requires(Action.MANAGE_FILTERING)
def new_group(request: SchoolRequest) -> HttpResponse:
    return _edit_group(request, None)


@record_of(Action.MANAGE_FILTERING)
def edit_group(request: SchoolRequest, group_id: int) -> HttpResponse:
    return _edit_group(request, group_id)


def _edit_group(request: SchoolRequest, group_id: int | None) -> HttpResponse:
    school = _school(request)
    group = (
        get_object_or_404(FilterGroup, pk=group_id, school=school) if group_id else FilterGroup(school=school)
    )
    initial = (
        {**group.snapshot(), "name": group.name}
        if group.pk
        else {"safe_search": True, "block_ip_literals": True}
    )
    initial.pop("windows", None)
    form = forms.GroupForm(request.POST or None, school=school, initial=initial)
    # A form posted without the windows part (a script, an old page) leaves the windows as they are.
    posted_windows = request.method == "POST" and "windows-TOTAL_FORMS" in request.POST
    windows = forms.window_formset(
        request.POST if posted_windows else None, school=school, windows=group.windows if group.pk else []
    )
    if group.pk:
        del form.fields["name"]  # the engine's name of a group stays: Squid configurations refer to it
    if request.method == "POST" and form.is_valid() and (not posted_windows or windows.is_valid()):
        changes = form.changes()
        if posted_windows:
            changes["windows"] = [w for w in (f.window() for f in windows.forms) if w is not None]
        if not group.pk and FilterGroup.objects.filter(school=school, name=changes["name"]).exists():
            form.add_error("name", "There is already a group with this name.")
        if not form.errors:
            try:
                actions.save_group(
                    group,
                    by=request.user,
                    reason=form.cleaned_data["reason"],
                    changes=changes,
                    request=request,
                )
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(request, "Saved. Publish to put the change into force.")
                return redirect("filtering:index")
    return render(request, "filtering/group.html", {"form": form, "group": group, "windows": windows})


@require_POST
@record_of(Action.MANAGE_FILTERING)
def mark_illegal(request: SchoolRequest, category_id: int) -> HttpResponse:
    category = get_object_or_404(FilterCategory, pk=category_id, school=_school(request))
    form = forms.ReasonForm(request.POST)
    if form.is_valid():
        actions.mark_illegal(category, by=request.user, reason=form.cleaned_data["reason"], request=request)
        messages.success(request, f"{category.label} is now illegal content: blocked for everyone, for good.")
    else:
        messages.error(request, "Give a reason for marking the category as illegal content.")
    return redirect("filtering:index")


@require_POST
@requires(Action.MANAGE_FILTERING)
def set_chain(request: SchoolRequest) -> HttpResponse:
    form = forms.ChainForm(request.POST)
    if form.is_valid():
        actions.set_chain(
            _school(request),
            form.cleaned_data["chain"],
            by=request.user,
            reason=form.cleaned_data["reason"],
            request=request,
        )
        messages.success(
            request, "The approval chain is saved; the audit trail shows who changed it and when."
        )
    else:
        messages.error(request, "Choose a chain and give a reason.")
    return redirect("filtering:index")


@require_POST
@requires(Action.MANAGE_FILTERING)
def publish(request: SchoolRequest) -> HttpResponse:
    form = forms.ReasonForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Give a reason for publishing.")
        return redirect("filtering:index")
    version = actions.publish(
        _school(request), by=request.user, reason=form.cleaned_data["reason"], request=request
    )
    messages.success(request, f"{version.label} is published; filter helpers pick it up by themselves.")
    return redirect("filtering:version", version_id=version.pk)


# --- Filter hosts elsewhere: /filtering/hosts/ to manage them, /filtering/feed/ for them to fetch from ----------


@requires(Action.MANAGE_FILTERING)
def hosts(request: SchoolRequest) -> HttpResponse:
    school = _school(request)
    form = forms.FilterHostForm(request.POST or None)
    key = None
    if request.method == "POST" and form.is_valid():
        try:
            host, key = actions.add_filter_host(
                school, name=form.cleaned_data["name"], by=request.user, request=request
            )
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                for error in errors:
                    form.add_error(field if field in form.fields else None, error)
        else:
            messages.success(request, f"{host.name} is added. Copy its key now: it is not shown again.")
            form = forms.FilterHostForm()
    latest = publishing.latest_version(school)
    response = render(
        request,
        "filtering/hosts.html",
        {
            "hosts": FilterHost.objects.filter(school=school).select_related("created_by", "revoked_by"),
            "form": form,
            "key": key,
            "latest": latest,
            "feed_url": settings.SITE_URL + reverse("filtering:feed"),
            "revoke_form": forms.ReasonForm(),
        },
    )
    if key:
        response["Cache-Control"] = "no-store"  # the page holding the key is never kept by the browser
    return response


@require_POST
@record_of(Action.MANAGE_FILTERING)
def revoke_host(request: SchoolRequest, host_id: int) -> HttpResponse:
    host = get_object_or_404(FilterHost, pk=host_id, school=_school(request), revoked_at__isnull=True)
    form = forms.ReasonForm(request.POST)
    if not form.is_valid():
        messages.error(request, f"Give a reason for revoking {host.name}'s key.")
        return redirect("filtering:hosts")
    actions.revoke_filter_host(host, by=request.user, reason=form.cleaned_data["reason"], request=request)
    messages.success(request, f"{host.name}'s key no longer works. It keeps the version it last fetched.")
    return redirect("filtering:hosts")


def _refused(detail: str) -> HttpResponse:
    response = HttpResponse(detail + "\n", status=401, content_type="text/plain; charset=utf-8")
    response["WWW-Authenticate"] = 'Bearer realm="esafety filter feed"'
    return response


@never_cache
@require_GET
def feed(request: SchoolRequest) -> HttpResponseBase:
    """The school's current published version for ``esafety filter sync``: authenticated by the filter host's
    own key (never a session), with an ETag so an unchanged version costs a 304."""
    scheme, _, key = request.headers.get("Authorization", "").partition(" ")
    host = FilterHost.for_key(key.strip()) if scheme.lower() == "bearer" else None
    if host is None:
        return _refused("A filter host key is needed: Authorization: Bearer esf_...")
    version = publishing.latest_version(host.school)
    if version is None:
        return HttpResponse("Nothing is published yet.\n", status=404, content_type="text/plain")
    etag = publishing.feed_etag(version)
    if etag in [tag.strip() for tag in request.headers.get("If-None-Match", "").split(",")]:
        host.seen(version.number, request.META.get("REMOTE_ADDR") or None)
        response: HttpResponseBase = HttpResponse(status=304)
    else:
        try:
            path = publishing.bundle(host.school, version)
        except FileNotFoundError:
            return HttpResponse(
                "The published version's files are missing on the server: publish again.\n",
                status=503,
                content_type="text/plain",
            )
        actions.feed_fetched(host, version, request.META.get("REMOTE_ADDR") or None)
        response = FileResponse(open(path, "rb"), content_type="application/x-tar")  # noqa: SIM115 (FileResponse closes it)
        response["Content-Disposition"] = f'attachment; filename="policy-v{version.number}.tar"'
    response["ETag"] = etag
    return response


@requires(Action.MANAGE_FILTERING)
def versions(request: SchoolRequest) -> HttpResponse:
    return render(
        request,
        "filtering/versions.html",
        {"versions": PolicyVersion.objects.filter(school=_school(request)).select_related("published_by")},
    )


@record_of(Action.MANAGE_FILTERING)
def version_detail(request: SchoolRequest, version_id: int) -> HttpResponse:
    school = _school(request)
    version = get_object_or_404(PolicyVersion, pk=version_id, school=school)
    previous = (
        PolicyVersion.objects.filter(school=school, number__lt=version.number).order_by("-number").first()
    )
    return render(
        request,
        "filtering/version.html",
        {
            "version": version,
            "previous": previous,
            "diff": actions.diff(previous, version),
            "latest": publishing.latest_version(school),
            "form": forms.ReasonForm(),
        },
    )


@require_POST
@record_of(Action.MANAGE_FILTERING)
def rollback(request: SchoolRequest, version_id: int) -> HttpResponse:
    version = get_object_or_404(PolicyVersion, pk=version_id, school=_school(request))
    form = forms.ReasonForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Give a reason for the rollback.")
        return redirect("filtering:version", version_id=version.pk)
    new = actions.rollback(version, by=request.user, reason=form.cleaned_data["reason"], request=request)
    messages.success(request, f"Rolled back: {new.label} has the settings of {version.label}.")
    return redirect("filtering:version", version_id=new.pk)


@requires(Action.MANAGE_FILTERING)
def filter_test(request: SchoolRequest) -> HttpResponse:
    school = _school(request)
    if request.method == "POST":
        try:
            run = actions.run_filter_test(school, by=request.user, request=request)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(
                request, "Filter test passed." if run.passed else "Filter test FAILED: see below."
            )
        return redirect("filtering:test")
    return render(request, "filtering/test.html", {"runs": FilterTestRun.objects.filter(school=school)[:10]})


@requires(Action.HANDLE_FILTER_ITEMS)
def items(request: SchoolRequest) -> HttpResponse:
    school = _school(request)
    found = AttemptItem.objects.filter(school=school, status=AttemptItem.Status.OPEN).select_related(
        "person"
    )[:200]
    return render(request, "filtering/items.html", {"items": found})


@require_POST
@record_of(Action.HANDLE_FILTER_ITEMS)
def item_incident(request: SchoolRequest, item_id: int) -> HttpResponse:
    item = get_object_or_404(AttemptItem, pk=item_id, school=_school(request))
    try:
        incident = actions.item_to_incident(item, by=request.user, request=request)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("filtering:items")
    messages.success(request, f"{incident.label} is in the safeguarding log.")
    return redirect("incidents:detail", incident_id=incident.pk)


@require_POST
@record_of(Action.HANDLE_FILTER_ITEMS)
def item_dismiss(request: SchoolRequest, item_id: int) -> HttpResponse:
    item = get_object_or_404(AttemptItem, pk=item_id, school=_school(request))
    actions.dismiss_item(item, by=request.user, request=request)
    return redirect("filtering:items")


@requires(Action.MANAGE_FILTERING)
def leases(request: SchoolRequest) -> HttpResponse:
    school = _school(request)
    form = forms.LeaseForm(request.POST or None, request.FILES or None)
    result = None
    if request.method == "POST" and form.is_valid():
        text = form.cleaned_data["file"].read().decode("utf-8", "replace")
        result = ingest.import_leases(school, text, form.cleaned_data["format"])
    return render(request, "filtering/leases.html", {"form": form, "result": result})


# --- Change requests ------------------------------------------------------------------------------------------


@requires(Action.REQUEST_FILTER_CHANGE, Action.MANAGE_FILTERING)
def request_list(request: SchoolRequest) -> HttpResponse:
    school = _school(request)
    visible = permissions.visible_requests(request.user, school).select_related("requester")
    status = request.GET.get("status", "")
    if status in ChangeRequest.Status.values:
        visible = visible.filter(status=status)
    rows = list(visible[:200])
    now = timezone.now()
    for row in rows:
        row.waiting = row.waited(now) if row.is_open else None  # type: ignore[attr-defined]
        row.my_turn = bool(permissions.steps_for(request.user, row))  # type: ignore[attr-defined]
    return render(
        request,
        "filtering/requests.html",
        {"rows": rows, "statuses": ChangeRequest.Status.choices, "status": status},
    )


@requires(Action.REQUEST_FILTER_CHANGE)
def new_request(request: SchoolRequest) -> HttpResponse:
    school = _school(request)
    initial = {
        "kind": request.GET.get("kind", ChangeRequest.Kind.UNBLOCK),
        "url": request.GET.get("url", "")[:2000],
        "group": request.GET.get("group", ""),
        "scope": ChangeRequest.Scope.GROUP,
        "whole_site": True,
        "duration": ChangeRequest.Duration.LESSON,
    }
    form = forms.RequestForm(request.POST or None, school=school, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            item = actions.file_request(
                school,
                by=request.user,
                kind=data["kind"],
                url=data["url"],
                scope=data["scope"],
                reason=data["reason"],
                duration=data["duration"],
                group=data["group"],
                class_name=data["class_name"],
                person=data["person"],
                until=data["until"],
                whole_site=data["whole_site"],
                request=request,
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, f"{item.label} is with the E-Safety Co-ordinator.")
            return redirect("filtering:request", request_id=item.pk)
    return render(request, "filtering/new_request.html", {"form": form})


def _visible_request(request: SchoolRequest, request_id: int) -> ChangeRequest:
    return get_object_or_404(permissions.visible_requests(request.user, _school(request)), pk=request_id)


@record_of(Action.REQUEST_FILTER_CHANGE, Action.MANAGE_FILTERING)
def request_detail(request: SchoolRequest, request_id: int) -> HttpResponse:
    item = _visible_request(request, request_id)
    return render(
        request,
        "filtering/request.html",
        {
            "item": item,
            "events": item.events.select_related("actor"),
            "steps": permissions.steps_for(request.user, item),
            "form": forms.StepForm(initial={"version": item.version}),
            "waiting": item.waited() if item.is_open else None,
            "holders": actions.holders(item),
        },
    )


@require_POST
@record_of(Action.REQUEST_FILTER_CHANGE, Action.MANAGE_FILTERING)
def request_step(request: SchoolRequest, request_id: int, step: str) -> HttpResponse:
    item = _visible_request(request, request_id)
    transition = WORKFLOW.get(step)
    if transition is None:
        raise Http404
    if not permissions.may_take(request.user, item, transition):
        raise PermissionDenied
    form = forms.StepForm(request.POST)
    form.is_valid()
    try:
        actions.take_step(
            item,
            step,
            by=request.user,
            reason=form.cleaned_data.get("reason", ""),
            expected_version=form.cleaned_data.get("version"),
            request=request,
        )
    except (ValidationError, RequestConflict) as exc:
        messages.error(request, " ".join(getattr(exc, "messages", [str(exc)])))
    else:
        messages.success(request, f"{item.label}: {transition.label.lower()} — done.")
    return redirect("filtering:request", request_id=item.pk)


# --- Block page and report a site -----------------------------------------------------------------------------

_NAME = re.compile(r"^[a-z0-9_-]{1,60}$")
ADULT_GROUPS = ("staff", "visitors", "governors")
KNOWN = {
    "chat": "unmoderated chat rooms",
    "adult": "adult content",
    "mixed_adult": "sites that mix adult content with other content",
    "gambling": "gambling",
    "games": "online games",
    "social_networks": "social networks",
    "dating": "dating sites",
    "malware": "sites that spread harmful software",
    "phishing": "sites that steal passwords",
    "redirector": "sites that get around the filter",
    "vpn": "services that get around the filter",
    "deny": "a site the school has chosen to block",
    "default": "a site that is not on this group's allowed list",
    "ip-literal": "an address typed as numbers",
    "invalid": "an address the filter could not read",
    "no-group": "a device the filter does not know",
}


def blocked(request: SchoolRequest) -> HttpResponse:
    """The helper's redirect target (public). The URL, category and group are shown as escaped text only and
    this page never redirects anywhere: nothing in the query string can send a visitor elsewhere."""
    category = request.GET.get("category", "")
    group = request.GET.get("group", "")
    category = category if _NAME.match(category) else ""
    group = group if _NAME.match(group) else ""
    url = request.GET.get("url", "")[:2048]
    staff = (
        request.user.is_authenticated
        and request.school is not None
        and can(request.user, Action.REQUEST_FILTER_CHANGE, request.school)
    )
    request_link = (
        reverse("filtering:new_request") + "?" + urlencode({"kind": "unblock", "url": url, "group": group})
        if staff
        else ""
    )
    return render(
        request,
        "filtering/blocked.html",
        {
            "category": category,
            "why": KNOWN.get(category, "a category the school blocks" if category else ""),
            "group": group,
            "url": url,
            "adult": group.startswith(ADULT_GROUPS),
            "request_link": request_link,
            "signed_in": request.user.is_authenticated,
        },
    )


@requires(Action.REPORT_SITE)
def report_site(request: SchoolRequest) -> HttpResponse:
    form = forms.ReportSiteForm(request.POST or None, initial={"url": request.GET.get("url", "")[:2000]})
    if request.method == "POST" and form.is_valid():
        try:
            incident, block = actions.report_site(
                _school(request),
                by=request.user,
                url=form.cleaned_data["url"],
                description=form.cleaned_data["description"],
                request=request,
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(
                request,
                f"Thank you. {incident.label} is in the safeguarding log"
                + (f" and {block.label} asks for the site to be blocked." if block else "."),
            )
            return redirect("dashboard")
    return render(request, "filtering/report.html", {"form": form})


# --- Reports --------------------------------------------------------------------------------------------------


def _period(request: SchoolRequest) -> int:
    try:
        return max(1, min(366, int(request.GET.get("days", "30"))))
    except ValueError:
        return 30


def _report_data(request: SchoolRequest) -> dict[str, Any]:
    school = _school(request)
    days = _period(request)
    since = timezone.localdate() - timedelta(days=days - 1)
    counts = DailyCount.objects.filter(school=school, day__gte=since)
    by_category = list(
        counts.filter(blocked__gt=0).values("category").annotate(n=Sum("blocked")).order_by("-n")[:15]
    )
    by_class = list(
        counts.filter(blocked__gt=0)
        .exclude(person__isnull=True)
        .values("person__class_name")
        .annotate(n=Sum("blocked"))
        .order_by("-n")[:15]
    )
    by_day = {row["day"]: row["n"] for row in counts.values("day").annotate(n=Sum("blocked"))}
    timeline = [(since + timedelta(days=i), by_day.get(since + timedelta(days=i), 0)) for i in range(days)]
    sites = list(
        BlockedEvent.objects.filter(school=school, at__date__gte=since, got_through=False)
        .values("host", "category")
        .annotate(n=Count("id"))
        .order_by("-n")[:15]
    )
    return {
        "days": days,
        "since": since,
        "by_category": by_category,
        "by_class": [
            {"class_name": r["person__class_name"] or "Staff / no class", "n": r["n"]} for r in by_class
        ],
        "timeline": timeline,
        "sites": sites,
        "register": PolicyChange.objects.filter(school=school).select_related("by")[:300],
        "total": sum(n for _, n in timeline),
    }


@requires(Action.VIEW_FILTER_REPORTS)
def reports(request: SchoolRequest) -> HttpResponse:
    data = _report_data(request)
    data["charts"] = {
        "category": bar_chart(
            [(r["category"], r["n"]) for r in data["by_category"]], "Blocked attempts by category"
        ),
        "class": bar_chart(
            [(r["class_name"], r["n"]) for r in data["by_class"]], "Blocked attempts by class"
        ),
        "time": bar_chart(
            [(d.strftime("%d %b"), n) for d, n in data["timeline"]], "Blocked attempts per day", vertical=True
        ),
    }
    data["names"] = permissions.sees_names(request.user, request.school)
    if data["names"]:
        data["people"] = (
            DailyCount.objects.filter(
                school=request.school, day__gte=data["since"], blocked__gt=0, person__isnull=False
            )
            .values("person__first_name", "person__last_name", "person__class_name")
            .annotate(n=Sum("blocked"))
            .order_by("-n")[:10]
        )
    return render(request, "filtering/reports.html", data)


@requires(Action.VIEW_FILTER_REPORTS)
def reports_csv(request: SchoolRequest, kind: str) -> HttpResponse:
    data = _report_data(request)
    tables: dict[str, tuple[list[str], list[list[Any]]]] = {
        "categories": (["category", "blocked"], [[r["category"], r["n"]] for r in data["by_category"]]),
        "classes": (["class", "blocked"], [[r["class_name"], r["n"]] for r in data["by_class"]]),
        "days": (["day", "blocked"], [[d.isoformat(), n] for d, n in data["timeline"]]),
        "sites": (
            ["site", "category", "blocked"],
            [[r["host"], r["category"], r["n"]] for r in data["sites"]],
        ),
        "register": (
            ["when", "group", "change", "entry", "why", "by"],
            [
                [
                    timezone.localtime(c.at).isoformat(timespec="minutes"),
                    c.group or "whole school",
                    c.get_kind_display(),
                    c.entry,
                    c.reason,
                    c.by.get_full_name() if c.by else "esafety",
                ]
                for c in data["register"]
            ],
        ),
    }
    if kind not in tables:
        raise Http404
    header, rows = tables[kind]
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="filtering-{kind}.csv"'
    writer = csv.writer(response)
    writer.writerow(header)
    for row in rows:
        # A cell starting with = + - @ would run as a formula in a spreadsheet: quote it as text.
        writer.writerow(["'" + c if isinstance(c, str) and c[:1] in "=+-@" else c for c in row])
    return response


# --- Lesson link check ----------------------------------------------------------------------------------------


@requires(Action.CHECK_LESSON_LINKS)
def check(request: SchoolRequest) -> HttpResponse:
    school = _school(request)
    form = forms.CheckForm(request.POST or None, school=school, initial={"group": "pupils"})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            done = actions.check_links(
                school,
                by=request.user,
                lesson=data["lesson"],
                class_name=data["class_name"],
                group=data["group"],
                urls=data["links"].splitlines(),
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            return redirect("filtering:check_detail", check_id=done.pk)
    recent = LinkCheck.objects.filter(school=school, teacher=request.user)[:10]
    classes = sorted(set(LinkCheck.objects.filter(school=school).values_list("class_name", flat=True)))
    return render(
        request,
        "filtering/check.html",
        {"form": form, "recent": recent, "classes": [(c, slugify(c)) for c in classes if slugify(c)]},
    )


@record_of(Action.CHECK_LESSON_LINKS)
def check_detail(request: SchoolRequest, check_id: int) -> HttpResponse:
    done = get_object_or_404(LinkCheck, pk=check_id, school=_school(request))
    return render(
        request,
        "filtering/check_detail.html",
        {"check": done, "links": done.links.all(), "class_slug": slugify(done.class_name)},
    )


@record_of(Action.CHECK_LESSON_LINKS)
def class_links(request: SchoolRequest, class_slug: str) -> HttpResponse:
    """The approved ("tested first") links of one class: a page pupils can be given instead of open searching."""
    school = _school(request)
    checks = [c for c in LinkCheck.objects.filter(school=school) if slugify(c.class_name) == class_slug]
    if not checks:
        raise Http404
    links = (
        CheckedLink.objects.filter(link_check__in=checks, allowed=True)
        .select_related("link_check")
        .order_by("link_check__lesson", "id")
    )
    return render(request, "filtering/class_links.html", {"class_name": checks[0].class_name, "links": links})
