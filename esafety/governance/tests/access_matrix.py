"""Who may use each governance URL, written by hand from issue 15.

The dashboard, annual review and governors' report are for the Head, the Co-ordinator and governors ("The
Headteacher and Governors have ultimate responsibility"); naming the responsible people and data protection
(retention, legal holds, subject access) are the Head's and the Co-ordinator's. URLs naming a record refuse
with 404. ``sibling`` (co-ordinator at Riverside) and ``outsider`` (head and co-ordinator elsewhere) answer
page URLs at their own school and get 404 for Hollybrook's records.
"""

from __future__ import annotations

from typing import Any

from esafety.governance.models import FilteringReview, LegalHold, ReviewAction
from esafety.people.models import Person
from esafety.test import BaseTestCase, route

OVERSIGHT = ("head", "coordinator", "governor", "sibling", "outsider")
MANAGERS = ("head", "coordinator", "sibling", "outsider")


def _review(case: BaseTestCase, school: Any = None) -> FilteringReview:
    review, _ = FilteringReview.objects.get_or_create(school=school or case.school, year=2025)
    return review


def _action(case: BaseTestCase) -> ReviewAction:
    review = _review(case)
    return ReviewAction.objects.create(
        review=review, school=case.school, title="Re-test", owner=case.technician, due_on="2026-12-31"
    )


def _hold(case: BaseTestCase) -> LegalHold:
    return LegalHold.objects.create(school=case.school, person=case.pupil, reason="Claim")


MATRIX = [
    route("governance:dashboard", *OVERSIGHT),
    route("governance:people", *MANAGERS),
    route("governance:people", *MANAGERS, method="POST", data=lambda c: {"it_provider": "Trust IT"}),
    route("governance:reviews", *OVERSIGHT),
    route("governance:start_review", *OVERSIGHT, method="POST"),
    route("governance:compare", *OVERSIGHT),
    route(
        "governance:review",
        "head",
        "coordinator",
        "governor",
        kwargs=lambda c: {"year": _review(c).year},
        refused=404,
    ),
    route(
        "governance:review",
        "head",
        "coordinator",
        "governor",
        method="POST",
        kwargs=lambda c: {"year": _review(c).year},
        data=lambda c: {"summary": "Fine"},
        refused=404,
    ),
    # Riverside's review of the same year: Riverside's co-ordinator sees it; Hollybrook's people see their own
    # school's, which does not exist here.
    route(
        "governance:review",
        "sibling",
        kwargs=lambda c: {
            "year": FilteringReview.objects.get_or_create(school=c.sibling_school, year=2019)[0].year
        },
        refused=404,
    ),
    route(
        "governance:add_action",
        "head",
        "coordinator",
        "governor",
        method="POST",
        kwargs=lambda c: {"year": _review(c).year},
        data=lambda c: {"title": "Check VPNs", "owner": c.technician.pk, "due_on": "2026-12-31"},
        refused=404,
    ),
    route(
        "governance:sign",
        "head",
        "coordinator",
        "governor",
        method="POST",
        kwargs=lambda c: {"year": _review(c).year},
        data=lambda c: {"as": "slt"},
        refused=404,
    ),
    route(
        "governance:action_done",
        "head",
        "coordinator",
        "governor",
        method="POST",
        kwargs=lambda c: {"action_id": _action(c).pk},
        refused=404,
    ),
    route("governance:report", *OVERSIGHT),
    route("governance:report_pdf", *OVERSIGHT),
    route("governance:retention", *MANAGERS),
    route(
        "governance:set_period",
        *MANAGERS,
        method="POST",
        kwargs=lambda c: {"key": "incidents.other"},
        data=lambda c: {"period": "7"},
    ),
    route(
        "governance:place_hold",
        *MANAGERS,
        method="POST",
        data=lambda c: {"person": c.pupil.pk, "reason": "Claim"},
    ),
    route(
        "governance:lift_hold",
        "head",
        "coordinator",
        method="POST",
        kwargs=lambda c: {"hold_id": _hold(c).pk},
        refused=404,
    ),
    route("governance:dispose", *MANAGERS, method="POST"),
    route(
        "governance:subject_access",
        "head",
        "coordinator",
        kwargs=lambda c: {"person_id": c.pupil.pk, "fmt": "json"},
        refused=404,
    ),
    route(
        "governance:subject_access",
        "head",
        "coordinator",
        kwargs=lambda c: {"person_id": c.pupil.pk, "fmt": "pdf"},
        refused=404,
    ),
    route(
        "governance:subject_access",
        "sibling",
        kwargs=lambda c: {
            "person_id": Person.objects.create(
                school=c.sibling_school, kind="pupil", first_name="R", last_name="P"
            ).pk,
            "fmt": "json",
        },
        refused=404,
    ),
]
