"""Who may do what: the one place that states it.

Each ``Action`` maps to the roles that may take it at a school. A trust-wide role counts at every school of its
trust; a school role counts only at that school. Views say which action they need with ``@requires``; record
rules that depend on the record itself (a teacher sees the incidents they reported, restricted reports are for
the Headteacher) live beside the records in ``<app>/permissions.py`` and start from these actions.

The whole matrix is walked by ``esafety/core/tests/test_enforce_access_matrix.py``: change a row here and the
test shows exactly which role gained or lost what.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied

from esafety.accounts.models import TRUST_ROLES, Role

if TYPE_CHECKING:
    from django.http import HttpRequest, HttpResponse

    from esafety.accounts.models import User
    from esafety.people.models import School


class Action(StrEnum):
    VIEW_DASHBOARD = "dashboard.view"
    VIEW_PEOPLE = "people.view"
    MANAGE_PEOPLE = "people.manage"  # add, edit, import and export the directory
    MANAGE_USERS = "users.manage"  # sign-in accounts and their roles
    VIEW_AUDIT = "audit.view"
    USE_API = "api.use"  # hold personal API tokens

    REPORT_INCIDENT = "incidents.report"
    LIST_INCIDENTS = "incidents.list"  # the list itself; which rows show is decided per record
    VIEW_ALL_INCIDENTS = "incidents.view_all"
    TRIAGE_INCIDENT = "incidents.triage"
    HANDLE_ESCALATION = "incidents.handle_escalation"
    VIEW_RESTRICTED_INCIDENTS = "incidents.view_restricted"
    LIST_INCIDENT_ACTIONS = "incidents.actions"
    EDIT_INCIDENT_SETTINGS = "incidents.settings"

    VIEW_ALERTS = "monitoring.alerts"
    MANAGE_ENHANCED_MONITORING = "monitoring.enhanced"
    AUTHORISE_ENHANCED_MONITORING = "monitoring.authorise_enhanced"
    MANAGE_LEXICON = "monitoring.lexicon"
    MANAGE_MONITORING_SOURCES = "monitoring.sources"

    # filtering
    MANAGE_FILTERING = "filtering.manage"  # group policies, publish, rollback, filter test, log items
    REQUEST_FILTER_CHANGE = "filtering.request"
    REVIEW_FILTER_REQUEST = "filtering.review"  # the Co-ordinator's step
    APPROVE_FILTER_REQUEST = "filtering.approve"  # the Headteacher's step
    APPLY_FILTER_REQUEST = "filtering.apply"  # the ICT Technician's step
    VIEW_FILTER_REPORTS = "filtering.reports"
    CHECK_LESSON_LINKS = "filtering.check"
    REPORT_SITE = "filtering.report_site"
    HANDLE_FILTER_ITEMS = "filtering.items"


R = Role
ALL_STAFF = frozenset({R.HEAD, R.DEPUTY, R.COORDINATOR, R.DSL, R.TECHNICIAN, R.TEACHER, R.OFFICE})
EVERYONE = ALL_STAFF | {R.GOVERNOR} | TRUST_ROLES
SAFEGUARDING_LEADS = frozenset({R.HEAD, R.DEPUTY, R.COORDINATOR, R.DSL, R.TRUST_SAFEGUARDING})

PERMISSIONS: dict[Action, frozenset[Role]] = {
    Action.VIEW_DASHBOARD: EVERYONE,
    # Governors oversee policy and receive anonymised reports; they have no need to browse pupils' details.
    Action.VIEW_PEOPLE: ALL_STAFF | TRUST_ROLES,
    Action.MANAGE_PEOPLE: frozenset({R.HEAD, R.DEPUTY, R.OFFICE, R.TRUST_ADMIN}),
    Action.MANAGE_USERS: frozenset({R.HEAD, R.DEPUTY, R.TRUST_ADMIN}),
    # The audit trail shows who looked at restricted records: it is for the Headteacher and trust oversight.
    Action.VIEW_AUDIT: frozenset({R.HEAD, R.TRUST_SAFEGUARDING, R.TRUST_ADMIN}),
    Action.USE_API: EVERYONE,
    # "All members of the school community ... report any incidents": everyone who signs in may report.
    Action.REPORT_INCIDENT: EVERYONE - {R.TRUST_ADMIN},
    Action.LIST_INCIDENTS: ALL_STAFF | {R.TRUST_SAFEGUARDING},
    Action.VIEW_ALL_INCIDENTS: SAFEGUARDING_LEADS,
    Action.TRIAGE_INCIDENT: SAFEGUARDING_LEADS,
    Action.HANDLE_ESCALATION: frozenset({R.HEAD, R.DEPUTY, R.TRUST_SAFEGUARDING}),
    # Reports about a member of staff: the Headteacher only (and a deputy the school names, a record rule).
    Action.VIEW_RESTRICTED_INCIDENTS: frozenset({R.HEAD}),
    Action.LIST_INCIDENT_ACTIONS: ALL_STAFF | {R.TRUST_SAFEGUARDING},
    Action.EDIT_INCIDENT_SETTINGS: frozenset({R.HEAD, R.COORDINATOR, R.DSL}),
    # The policy names the ICT Technician as the person who monitors e-mail.
    Action.VIEW_ALERTS: frozenset({R.HEAD, R.COORDINATOR, R.DSL, R.TECHNICIAN, R.TRUST_SAFEGUARDING}),
    Action.MANAGE_ENHANCED_MONITORING: frozenset({R.HEAD, R.COORDINATOR, R.DSL}),
    Action.AUTHORISE_ENHANCED_MONITORING: frozenset({R.HEAD}),
    Action.MANAGE_LEXICON: frozenset({R.HEAD, R.COORDINATOR, R.DSL}),
    # Mailbox connection settings: the ICT Technician runs the mail system; no captured text is shown there.
    Action.MANAGE_MONITORING_SOURCES: frozenset({R.HEAD, R.COORDINATOR, R.DSL, R.TECHNICIAN}),
    # filtering
    # The policy's chain names exactly these three: Co-ordinator, Headteacher, ICT Technician.
    Action.MANAGE_FILTERING: frozenset({R.HEAD, R.COORDINATOR, R.TECHNICIAN}),
    # "Requests for changes to the filtering" come from any member of staff.
    Action.REQUEST_FILTER_CHANGE: ALL_STAFF,
    # "... directed to the E-safety Co-ordinator in the first instance"
    Action.REVIEW_FILTER_REQUEST: frozenset({R.COORDINATOR}),
    # "... who will forward these to the Head"
    Action.APPROVE_FILTER_REQUEST: frozenset({R.HEAD}),
    # "... and then the ICT Technician"
    Action.APPLY_FILTER_REQUEST: frozenset({R.TECHNICIAN}),
    # Governors review filtering yearly (DfE standards); they see counts, never pupils' names (a record rule).
    Action.VIEW_FILTER_REPORTS: frozenset({R.HEAD, R.COORDINATOR, R.TECHNICIAN, R.GOVERNOR}),
    # "All activities using the internet ... will be tested first": every member of staff checks links.
    Action.CHECK_LESSON_LINKS: ALL_STAFF,
    # An inappropriate site "must be reported": anyone who signs in may report one.
    Action.REPORT_SITE: EVERYONE - {R.TRUST_ADMIN},
    # Items from the logs name pupils: for the Co-ordinator (and the Headteacher), who turn them into incidents.
    Action.HANDLE_FILTER_ITEMS: frozenset({R.HEAD, R.COORDINATOR}),
}


def _assignments(user: User) -> list[tuple[str, int | None, int | None]]:
    """(role, school_id, trust_id) for every role the user holds, loaded once per user object."""
    cached = getattr(user, "_esafety_assignments", None)
    if cached is None:
        cached = list(user.role_assignments.values_list("role", "school_id", "trust_id"))
        user._esafety_assignments = cached  # type: ignore[attr-defined]
    return cached


def roles_at(user: User | Any, school: School | None) -> frozenset[Role]:
    """The roles ``user`` holds at ``school``: its own school roles plus trust-wide roles of its trust."""
    if school is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return frozenset()
    return frozenset(
        Role(role)
        for role, school_id, trust_id in _assignments(user)
        if school_id == school.pk or (trust_id is not None and trust_id == school.trust_id)
    )


def roles_anywhere(user: User | Any) -> frozenset[Role]:
    """Every role the user holds, at any school or trust (for rules about the person, such as 2FA)."""
    if not getattr(user, "is_authenticated", False):
        return frozenset()
    return frozenset(Role(role) for role, _, _ in _assignments(user))


def can(user: User | Any, action: Action, school: School | None) -> bool:
    return bool(roles_at(user, school) & PERMISSIONS[action])


def schools_of(user: User | Any) -> list[School]:
    """Every school where the user holds at least one role, loaded once per user object like its roles
    (the middleware, the page shell and the school switcher all ask on the same request)."""
    from django.db.models import Q

    from esafety.people.models import School

    if not getattr(user, "is_authenticated", False):
        return []
    cached = getattr(user, "_esafety_schools", None)
    if cached is None:
        school_ids = {school_id for _, school_id, _ in _assignments(user) if school_id}
        trust_ids = {trust_id for _, _, trust_id in _assignments(user) if trust_id}
        cached = (
            list(School.objects.filter(Q(pk__in=school_ids) | Q(trust_id__in=trust_ids)).order_by("name"))
            if school_ids or trust_ids
            else []
        )
        user._esafety_schools = cached  # type: ignore[attr-defined]
    return list(cached)


def requires(*actions: Action) -> Callable[[Callable[..., HttpResponse]], Callable[..., HttpResponse]]:
    """View decorator: sign-in first, then at least one of ``actions`` at the current school, else 403."""

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @functools.wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            school = getattr(request, "school", None)
            if not any(can(request.user, action, school) for action in actions):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        wrapper.required_actions = actions  # type: ignore[attr-defined]
        return wrapper

    return decorator


def allowed_actions(user: User | Any, school: School | None) -> frozenset[Action]:
    roles = roles_at(user, school)
    return frozenset(action for action, allowed in PERMISSIONS.items() if roles & allowed)
