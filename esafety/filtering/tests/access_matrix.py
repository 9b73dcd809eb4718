"""Who may use each filtering URL, written by hand from issue 10 and the policy (never from esafety.access).

Chain = head, coordinator, technician ("directed to the E-safety Co-ordinator ... the Head and then the ICT
Technician"). Staff = everyone employed at the school (teacher, office, deputy ...). The coordinator persona is also
DSL and teacher. Governors see reports (without names). Another school's record answers 404.
"""

from __future__ import annotations

from esafety.filtering.models import AttemptItem, FilterCategory, FilterGroup, FilterHost
from esafety.test import ANONYMOUS, route

CHAIN = ("head", "coordinator", "technician")
STAFF = ("head", "deputy", "coordinator", "technician", "teacher", "teacher2", "office")
# Rows naming another school's record allow "outsider", who holds head and co-ordinator roles there.
# sibling and outsider hold co-ordinator (and head) roles at their own schools: pages without an id answer them there.
CHAIN_ELSEWHERE = (*CHAIN, "sibling", "outsider")
STAFF_ELSEWHERE = (*STAFF, "sibling", "outsider")
REASON = {"reason": "Access table"}


def _group(case):
    return {"group_id": FilterGroup.objects.get(school=case.school, name="pupils").pk}


def _other_group(case):
    return {"group_id": FilterGroup.objects.get(school=case.other_school, name="pupils").pk}


def _category(case, school=None):
    category, _ = FilterCategory.objects.get_or_create(
        school=school or case.school, name="chat", defaults={"label": "Chat"}
    )
    return {"category_id": category.pk}


def _item(case, school=None):
    item, _ = AttemptItem.objects.get_or_create(
        school=school or case.school,
        kind=AttemptItem.Kind.REPEATED,
        category="chat",
        day="2026-11-30",
        person=case.pupil if school is None else None,
        defaults={"count": 6},
    )
    return {"item_id": item.pk}


def _host(case, school=None):
    school = school or case.school
    found = FilterHost.objects.filter(school=school, name="Juniors' proxy").first()
    return found or FilterHost.issue(school, "Juniors' proxy", None)[0]


def _request(case):
    # Filed by teacher: only the requester and the chain may see it.
    return {"request_id": case.file().pk}


def _other_request(case):
    return {"request_id": case.file(by=case.outsider, school=case.other_school).pk}


MATRIX = [
    route("filtering:index", *CHAIN_ELSEWHERE),
    route("filtering:new_group", *CHAIN_ELSEWHERE),
    route("filtering:new_group", *CHAIN_ELSEWHERE, method="POST", data=lambda c: {}),
    route("filtering:group", *CHAIN, kwargs=_group, refused=404),
    route("filtering:group", *CHAIN, method="POST", kwargs=_group, data=lambda c: {}, refused=404),
    route("filtering:group", "outsider", kwargs=_other_group, refused=404),
    route("filtering:mark_illegal", *CHAIN, method="POST", kwargs=_category, data=lambda c: {}, refused=404),
    route(
        "filtering:mark_illegal",
        "outsider",
        method="POST",
        kwargs=lambda c: _category(c, c.other_school),
        refused=404,
    ),
    route("filtering:chain", *CHAIN_ELSEWHERE, method="POST", data=lambda c: {}),
    route("filtering:publish", *CHAIN_ELSEWHERE, method="POST", data=lambda c: {}),
    route("filtering:versions", *CHAIN_ELSEWHERE),
    route("filtering:version", *CHAIN, kwargs=lambda c: {"version_id": c.version.pk}, refused=404),
    route("filtering:version", "outsider", kwargs=lambda c: {"version_id": c.other_version.pk}, refused=404),
    route(
        "filtering:rollback",
        *CHAIN,
        method="POST",
        kwargs=lambda c: {"version_id": c.version.pk},
        data=lambda c: {},
        refused=404,
    ),
    route(
        "filtering:rollback",
        "outsider",
        method="POST",
        kwargs=lambda c: {"version_id": c.other_version.pk},
        refused=404,
    ),
    route("filtering:test", *CHAIN_ELSEWHERE),
    route("filtering:hosts", *CHAIN_ELSEWHERE),
    route("filtering:hosts", *CHAIN_ELSEWHERE, method="POST", data=lambda c: {}),
    route(
        "filtering:revoke_host",
        *CHAIN,
        method="POST",
        kwargs=lambda c: {"host_id": _host(c).pk},
        data=lambda c: {},
        refused=404,
    ),
    route(
        "filtering:revoke_host",
        "outsider",
        method="POST",
        kwargs=lambda c: {"host_id": _host(c, c.other_school).pk},
        refused=404,
    ),
    # Filter hosts authenticate with their own key, never a session: 401 for every person, signed in or not.
    route("filtering:feed", refused=401, anonymous=401),
    route("filtering:leases", *CHAIN_ELSEWHERE),
    # Items name pupils: the Co-ordinator and the Headteacher.
    route("filtering:items", "head", "coordinator", "sibling", "outsider"),
    route("filtering:item_incident", "head", "coordinator", method="POST", kwargs=_item, refused=404),
    route("filtering:item_dismiss", "head", "coordinator", method="POST", kwargs=_item, refused=404),
    route(
        "filtering:item_dismiss",
        "outsider",
        method="POST",
        kwargs=lambda c: _item(c, c.other_school),
        refused=404,
    ),
    route("filtering:requests", *STAFF_ELSEWHERE),
    route("filtering:new_request", *STAFF_ELSEWHERE),
    route("filtering:new_request", *STAFF_ELSEWHERE, method="POST", data=lambda c: {}),
    # Another member of staff does not see a colleague's request: 404, like another school's.
    route("filtering:request", "teacher", *CHAIN, kwargs=_request, refused=404),
    route("filtering:request", "outsider", kwargs=_other_request, refused=404),
    route("filtering:blocked", ANONYMOUS, *STAFF_ELSEWHERE, "governor", "trust_lead"),
    route("filtering:report", *STAFF_ELSEWHERE, "governor", "trust_lead"),
    route("filtering:report", *STAFF_ELSEWHERE, "governor", "trust_lead", method="POST", data=lambda c: {}),
    route("filtering:reports", *CHAIN_ELSEWHERE, "governor"),
    route("filtering:reports_csv", *CHAIN_ELSEWHERE, "governor", kwargs=lambda c: {"kind": "register"}),
    route("filtering:check", *STAFF_ELSEWHERE),
    route("filtering:check", *STAFF_ELSEWHERE, method="POST", data=lambda c: {}),
    route("filtering:check_detail", *STAFF, kwargs=lambda c: {"check_id": c.link_check().pk}, refused=404),
    # A class's links page is per school: before the other school has a Kestrels page, its staff get 404.
    route(
        "filtering:class_links",
        *STAFF,
        kwargs=lambda c: (c.link_check(), {"class_slug": "kestrels"})[1],
        refused=404,
    ),
    route(
        "filtering:check_detail",
        "outsider",
        kwargs=lambda c: {"check_id": c.link_check(c.other_school, c.outsider).pk},
        refused=404,
    ),
    # A step of the chain from the request's page: the Co-ordinator's "forward", posted without a reason. Those
    # who may see the request but whose step it is not (the requester, the Head, the Technician) get 403; to
    # everyone else the request does not exist.
    route(
        "filtering:request_step",
        "coordinator",
        method="POST",
        kwargs=lambda c: {"request_id": c.file().pk, "step": "forward"},
        refused=404,
        forbidden=("head", "technician", "teacher"),
    ),
    # The API (issue 10: "REST endpoints ... with the same rules"). A caller who is not signed in gets 401; a
    # governor or trust lead, with no part in requests, 403 before any record is looked up.
    route("api-filter-requests", *STAFF_ELSEWHERE, anonymous=401),
    route("api-filter-requests", *STAFF_ELSEWHERE, method="POST", data=lambda c: {}, anonymous=401),
    route(
        "api-filter-request",
        "teacher",
        *CHAIN,
        kwargs=lambda c: {"pk": c.file().pk},
        refused=404,
        forbidden=("governor", "trust_lead"),
        anonymous=401,
    ),
    route(
        "api-filter-request",
        "outsider",
        kwargs=lambda c: {"pk": c.file(by=c.outsider, school=c.other_school).pk},
        refused=404,
        forbidden=("governor", "trust_lead"),
        anonymous=401,
    ),
    # The Co-ordinator's step, posted without its reason: the Co-ordinator is answered (400, the reason is
    # missing); the Head and the Technician, who see the request but whose step this is not, get 403.
    route(
        "api-filter-request-step",
        "coordinator",
        method="POST",
        kwargs=lambda c: {"pk": c.file().pk, "step": "forward"},
        refused=404,
        forbidden=("head", "technician", "teacher", "governor", "trust_lead"),
        anonymous=401,
    ),
]
