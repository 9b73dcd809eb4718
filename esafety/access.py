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
from typing import TYPE_CHECKING, Any, TypeVar

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404

from esafety.accounts.models import TRUST_ROLES, Role

if TYPE_CHECKING:
    from django.http import HttpRequest, HttpResponseBase, HttpResponseRedirect

    from esafety.accounts.models import User
    from esafety.people.models import School


class Action(StrEnum):
    VIEW_DASHBOARD = "dashboard.view"
    VIEW_PEOPLE = "people.view"
    MANAGE_PEOPLE = "people.manage"  # add, edit, import and export the directory
    MANAGE_USERS = "users.manage"  # sign-in accounts and their roles
    GRANT_SENIOR_ROLES = "users.grant_senior"  # senior roles, and the password, 2FA and activation of holders
    MANAGE_SHARED_ACCOUNTS = "users.manage_shared"  # password, 2FA, activation of a multi-school account
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

    VIEW_ALERTS = "monitoring.alerts"  # the alert queue; its metadata only without REVIEW_ALERTS
    REVIEW_ALERTS = "monitoring.review"  # read the captured words and take review decisions
    MANAGE_ENHANCED_MONITORING = "monitoring.enhanced"
    AUTHORISE_ENHANCED_MONITORING = "monitoring.authorise_enhanced"
    MANAGE_LEXICON = "monitoring.lexicon"  # school terms, suppressions and the allow list learnt from reviews
    # An allowed phrase that also hides severities 4 and 5 (serious, imminent risk to life): the Headteacher's.
    ALLOW_SEVERE_PHRASES = "monitoring.allow_severe"
    MANAGE_MONITORING_SOURCES = "monitoring.sources"
    EDIT_MONITORING_SETTINGS = "monitoring.settings"  # e.g. whether the ICT Technician may review alerts

    # policies
    MANAGE_POLICIES = "policies.manage"  # the library, versions, newsletters
    APPROVE_POLICY = "policies.approve"
    MANAGE_POLICY_CAMPAIGNS = "policies.campaigns"
    RECORD_PAPER_ACKNOWLEDGEMENT = "policies.record_paper"
    ACKNOWLEDGE_POLICY = "policies.acknowledge"  # one's own acknowledgements at /policies/mine/
    VIEW_POLICY_REVIEWS = "policies.reviews"
    RECORD_POLICY_REVIEW = "policies.record_review"
    VIEW_ACKNOWLEDGEMENTS = "policies.view_acknowledgements"  # what a person has signed
    PRINT_POLICY_POSTERS = "policies.posters"
    # consent
    VIEW_CONSENTS = "consent.view"
    MANAGE_CONSENTS = "consent.manage"
    RUN_CONSENT_CAMPAIGNS = "consent.campaigns"
    # publishing
    CHECK_PUBLICATION = "publishing.check"
    APPROVE_PUBLICATION = "publishing.approve"
    RECORD_TAKE_DOWN = "publishing.take_down"
    AUDIT_WEBSITE = "publishing.audit"
    EDIT_PUBLISHING_SETTINGS = "publishing.settings"
    # registers
    MANAGE_NETWORK_ACCOUNTS = "registers.accounts"
    MANAGE_DEVICES = "registers.devices"  # devices, loans and personal-device exceptions
    MANAGE_CONFISCATIONS = "registers.confiscations"
    VIEW_PHOTO_AUTHORISATIONS = "registers.photos"
    AUTHORISE_PHOTOS = "registers.authorise_photos"
    VIEW_ACCESS_REVIEW = "registers.access_review"
    SIGN_OFF_ACCESS_REVIEW = "registers.sign_off_access_review"
    MANAGE_SECURITY_REVIEWS = "registers.security_reviews"
    EDIT_REGISTER_SETTINGS = "registers.settings"
    # training, curriculum and governance
    VIEW_OWN_TRAINING = "training.view_own"
    MANAGE_TRAINING = "training.manage"  # sessions, attendance, requirements and everyone's records
    VIEW_CURRICULUM = "curriculum.view"
    RECORD_LESSON = "curriculum.record_lesson"
    MANAGE_CURRICULUM = "curriculum.manage"  # the plan, resources and their reviews
    VIEW_GOVERNANCE = "governance.view"  # dashboard, annual review and governors' report
    CONDUCT_FILTERING_REVIEW = "governance.review"
    EDIT_RESPONSIBLE_PEOPLE = "governance.responsible_people"
    MANAGE_RETENTION = "governance.retention"  # retention schedule, legal holds, subject access exports
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
    # transfers
    MANAGE_TRANSFERS = "transfers.manage"  # send a leaver's file, expect and accept an incoming one
    # accounts: single sign-on
    MANAGE_SIGN_IN = "users.sign_in"  # sign-in providers (SSO) and whether passwords still work


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
    # Whoever can hand out the Headteacher's powers holds them: a Deputy who could grant roles made themselves
    # Head in a drill. Senior roles (accounts.actions.SENIOR_ROLES) are the Head's or the trust's to give.
    Action.GRANT_SENIOR_ROLES: frozenset({R.HEAD, R.TRUST_ADMIN}),
    # An account that also works at another school is the trust's: one school's Head resetting its password
    # would take over the other school's access too.
    Action.MANAGE_SHARED_ACCOUNTS: frozenset({R.TRUST_ADMIN}),
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
    # DfE roles: the technician runs the system, the safeguarding leads read pupils' words. The Head may grant
    # the technician review in the school's monitoring settings (``monitoring/permissions.may_review``).
    Action.REVIEW_ALERTS: frozenset({R.HEAD, R.COORDINATOR, R.DSL, R.TRUST_SAFEGUARDING}),
    Action.EDIT_MONITORING_SETTINGS: frozenset({R.HEAD}),
    Action.MANAGE_ENHANCED_MONITORING: frozenset({R.HEAD, R.COORDINATOR, R.DSL}),
    Action.AUTHORISE_ENHANCED_MONITORING: frozenset({R.HEAD}),
    Action.MANAGE_LEXICON: frozenset({R.HEAD, R.COORDINATOR, R.DSL}),
    Action.ALLOW_SEVERE_PHRASES: frozenset({R.HEAD}),
    # Mailbox connection settings: the ICT Technician runs the mail system; no captured text is shown there.
    Action.MANAGE_MONITORING_SOURCES: frozenset({R.HEAD, R.COORDINATOR, R.DSL, R.TECHNICIAN}),
    # policies
    # The issue gives the library to the Co-ordinator and the Head, who are responsible for the policy.
    Action.MANAGE_POLICIES: frozenset({R.HEAD, R.COORDINATOR}),
    # Approval before publishing is the Headteacher's; the governing body's approval is recorded, not signed in.
    Action.APPROVE_POLICY: frozenset({R.HEAD}),
    # "Introduce them to all stakeholders": campaigns are run by the Co-ordinator and the Head.
    Action.MANAGE_POLICY_CAMPAIGNS: frozenset({R.HEAD, R.COORDINATOR}),
    # The office collects paper signatures from parents and visitors and records them with a scan.
    Action.RECORD_PAPER_ACKNOWLEDGEMENT: frozenset({R.HEAD, R.COORDINATOR, R.OFFICE}),
    # Everyone who signs in acknowledges the policies that apply to them.
    Action.ACKNOWLEDGE_POLICY: EVERYONE,
    # "The policy is reviewed by the Governing Body": governors see and record reviews with the Head and Co-ordinator.
    Action.VIEW_POLICY_REVIEWS: frozenset({R.HEAD, R.COORDINATOR, R.GOVERNOR}),
    Action.RECORD_POLICY_REVIEW: frozenset({R.HEAD, R.COORDINATOR, R.GOVERNOR}),
    # Who signed what: leads, the office (paper), and the technician before issuing accounts and devices.
    Action.VIEW_ACKNOWLEDGEMENTS: SAFEGUARDING_LEADS | {R.OFFICE, R.TECHNICIAN, R.TRUST_ADMIN},
    # "Post e-safety information in all areas where computers are used": any member of staff prints posters.
    Action.PRINT_POLICY_POSTERS: ALL_STAFF,
    # consent
    # Teachers read the register "because they need to know who may not be photographed"; so does all staff.
    Action.VIEW_CONSENTS: ALL_STAFF,
    # Issue 14: "office, Co-ordinator and Head manage" the register and the campaigns that collect it.
    Action.MANAGE_CONSENTS: frozenset({R.HEAD, R.COORDINATOR, R.OFFICE}),
    Action.RUN_CONSENT_CAMPAIGNS: frozenset({R.HEAD, R.COORDINATOR, R.OFFICE}),
    # publishing
    # "Staff are responsible for the editorial control of work provided for publication": every member checks.
    Action.CHECK_PUBLICATION: ALL_STAFF,
    # "The Headteacher/Deputy takes responsibility for website content" (a delegated editor: a record rule).
    Action.APPROVE_PUBLICATION: frozenset({R.HEAD, R.DEPUTY}),
    # Taking an item down after a withdrawal: whoever answers for the content and whoever keeps the register.
    Action.RECORD_TAKE_DOWN: frozenset({R.HEAD, R.DEPUTY, R.COORDINATOR, R.OFFICE}),
    # The monthly crawl of the school's site: content owners, the Co-ordinator and the technician who runs it.
    Action.AUDIT_WEBSITE: frozenset({R.HEAD, R.DEPUTY, R.COORDINATOR, R.TECHNICIAN}),
    # Who the delegated editors are, the school's own contact details and web address: the Headteacher.
    Action.EDIT_PUBLISHING_SETTINGS: frozenset({R.HEAD}),
    # registers
    # Third-party accounts "will be recorded in the school office"; the Technician sets them up.
    Action.MANAGE_NETWORK_ACCOUNTS: frozenset({R.HEAD, R.COORDINATOR, R.TECHNICIAN, R.OFFICE}),
    # Laptops, iPads and anti-virus are the Technician's; the Co-ordinator and Head oversee them.
    Action.MANAGE_DEVICES: frozenset({R.HEAD, R.COORDINATOR, R.TECHNICIAN}),
    # The Head's power under the Education and Inspections Act 2006, recorded by the senior leads.
    Action.MANAGE_CONFISCATIONS: frozenset({R.HEAD, R.DEPUTY, R.COORDINATOR}),
    # Pictures on personal devices need the Headteacher's authorisation; the leads check who holds one.
    Action.VIEW_PHOTO_AUTHORISATIONS: frozenset({R.HEAD, R.DEPUTY, R.COORDINATOR}),
    Action.AUTHORISE_PHOTOS: frozenset({R.HEAD}),
    # "Who has access to the system" is reviewed by the Head with the Co-ordinator and the Technician.
    Action.VIEW_ACCESS_REVIEW: frozenset({R.HEAD, R.COORDINATOR, R.TECHNICIAN}),
    Action.SIGN_OFF_ACCESS_REVIEW: frozenset({R.HEAD}),
    # Physical and network security reviews: the Head, with the Co-ordinator and the Technician.
    Action.MANAGE_SECURITY_REVIEWS: frozenset({R.HEAD, R.COORDINATOR, R.TECHNICIAN}),
    # User-name convention, device limits and the directory connection: the Head and the Technician.
    Action.EDIT_REGISTER_SETTINGS: frozenset({R.HEAD, R.TECHNICIAN}),
    # training, curriculum and governance
    # Every member of staff sees their own CPD record; governors have induction and safeguarding training too.
    Action.VIEW_OWN_TRAINING: ALL_STAFF | {R.GOVERNOR},
    # "Co-ordinator and Head see all": they run the CPD programme the policy describes.
    Action.MANAGE_TRAINING: frozenset({R.HEAD, R.COORDINATOR}),
    # E-safety is "embedded throughout the school curriculum": every member of staff may see the coverage.
    Action.VIEW_CURRICULUM: ALL_STAFF,
    # Those who teach record the lessons they delivered.
    Action.RECORD_LESSON: frozenset({R.HEAD, R.DEPUTY, R.COORDINATOR, R.TEACHER}),
    # Resources are "reviewed by curriculum co-ordinators": the E-Safety Co-ordinator, and the Head.
    Action.MANAGE_CURRICULUM: frozenset({R.HEAD, R.COORDINATOR}),
    # "The Headteacher and Governors have ultimate responsibility"; the Co-ordinator prepares the evidence.
    Action.VIEW_GOVERNANCE: frozenset({R.HEAD, R.COORDINATOR, R.GOVERNOR}),
    # DfE standards: SLT, the DSL and IT support review filtering and monitoring with the governor.
    Action.CONDUCT_FILTERING_REVIEW: frozenset({R.HEAD, R.COORDINATOR, R.GOVERNOR}),
    # Naming the SLT lead and governor is the senior leadership's decision, prepared by the Co-ordinator.
    Action.EDIT_RESPONSIBLE_PEOPLE: frozenset({R.HEAD, R.COORDINATOR}),
    # Retention, legal holds and subject access release personal data: the Head and the Co-ordinator only.
    Action.MANAGE_RETENTION: frozenset({R.HEAD, R.COORDINATOR}),
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
    # transfers
    # KCSIE: the DSL sends a leaver's child-protection file; issue 18 adds the Head and the Co-ordinator.
    Action.MANAGE_TRANSFERS: frozenset({R.HEAD, R.DSL, R.COORDINATOR}),
    # accounts: single sign-on
    # The Headteacher decides how staff sign in and the ICT Technician sets up the school's Microsoft 365 or
    # Google Workspace; the trust administrator keeps the trust-wide providers. Every change e-mails the Heads.
    Action.MANAGE_SIGN_IN: frozenset({R.HEAD, R.TECHNICIAN, R.TRUST_ADMIN}),
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
        user._esafety_schools = cached  # type: ignore[union-attr]  # a per-object cache, like Django's own
    return list(cached)


ResponseT = TypeVar("ResponseT", bound="HttpResponseBase")


def current_school(user: User | Any, *, pk: Any = None, slug: str | None = None) -> School | None:
    """The one answer to "which school does this request work on?", for pages and the API alike.

    ``slug`` (the API's ``?school=``) names a school explicitly: that school if it is one of the user's, else
    None, so asking for a school where one holds no role never silently answers about another. Otherwise the
    school ``pk`` chosen in the session if it is one of theirs (a forged value grants nothing), else their home
    school, else the first of their schools; None for a visitor or a user with no role anywhere.
    """
    schools = schools_of(user)
    if slug:
        return next((school for school in schools if school.slug == slug), None)
    by_id = {school.pk: school for school in schools}
    for wanted in (pk, getattr(user, "school_id", None)):
        if wanted in by_id:
            return by_id[wanted]
    return schools[0] if schools else None


def _guard(
    actions: tuple[Action, ...], refusal: type[Exception]
) -> Callable[[Callable[..., ResponseT]], Callable[..., ResponseT | HttpResponseRedirect]]:
    def decorator(view: Callable[..., ResponseT]) -> Callable[..., ResponseT | HttpResponseRedirect]:
        @functools.wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> ResponseT | HttpResponseRedirect:
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            school = getattr(request, "school", None)
            if not any(can(request.user, action, school) for action in actions):
                raise refusal
            return view(request, *args, **kwargs)

        wrapper.required_actions = actions  # type: ignore[attr-defined]
        return wrapper

    return decorator


def requires(
    *actions: Action,
) -> Callable[[Callable[..., ResponseT]], Callable[..., ResponseT | HttpResponseRedirect]]:
    """View decorator: sign-in first, then at least one of ``actions`` at the current school, else 403."""
    return _guard(actions, PermissionDenied)


def requires_record(
    *actions: Action,
) -> Callable[[Callable[..., ResponseT]], Callable[..., ResponseT | HttpResponseRedirect]]:
    """Like ``requires`` for URLs that name a record: a refusal answers 404, as a missing record does, so that it
    never confirms the record exists."""
    return _guard(actions, Http404)


def allowed_actions(user: User | Any, school: School | None) -> frozenset[Action]:
    roles = roles_at(user, school)
    return frozenset(action for action, allowed in PERMISSIONS.items() if roles & allowed)
