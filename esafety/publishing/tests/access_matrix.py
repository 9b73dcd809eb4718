"""Who may use each URL of the publishing room, written by hand from issue 14 and the policy.

- Checking an item, its page, revising it and seeing where a person appears: all staff ("staff are responsible
  for the editorial control of work provided for publication").
- Approving: the Headteacher or the deputy ("the Headteacher/Deputy takes responsibility for website content");
  a delegated editor by a record rule (tested apart).
- Recording a take-down: the Head, the deputy, the Co-ordinator and the office.
- The website audit: the Head, the deputy, the Co-ordinator and the technician. Settings: the Head.

A step or record the user may not use answers 404. ``sibling`` and ``outsider`` open pages without an id at their
own school.
"""

from __future__ import annotations

from typing import Any

from esafety.publishing.models import Publication
from esafety.publishing.tests import helpers
from esafety.test import route

OWN = ("sibling", "outsider")
STAFF = ("head", "deputy", "coordinator", "technician", "teacher", "teacher2", "office")
APPROVERS = ("head", "deputy")
TAKE_DOWN = ("head", "deputy", "coordinator", "office")
AUDITORS = ("head", "deputy", "coordinator", "technician")


def _item(case: Any) -> dict[str, int]:
    return {"publication_id": helpers.item(case.school).pk}


def _other_item(case: Any) -> dict[str, int]:
    return {"publication_id": helpers.item(case.other_school).pk}


def _approve(case: Any) -> dict[str, Any]:
    return {"publication_id": helpers.item(case.school).pk, "step": "approve"}


def _take_down(case: Any) -> dict[str, Any]:
    return {"publication_id": helpers.item(case.school, Publication.Status.APPROVED).pk, "step": "take_down"}


def _reason(case: Any) -> dict[str, str]:
    return {"take_down-reason": "Consent withdrawn"}


def _person(case: Any) -> dict[str, int]:
    return {"person_id": case.pupil.pk}


def _appearance(case: Any) -> dict[str, int]:
    return {"appearance_id": helpers.appearance(case.school, case.pupil).pk}


def _audit(case: Any) -> dict[str, int]:
    return {"audit_id": helpers.audit(case.school).pk}


def _revise(case: Any) -> dict[str, Any]:
    data = helpers.check_data("Well done to Ava and Leo.")
    data.pop("channel")
    return data


MATRIX = [
    route("publishing:list", *STAFF, *OWN),
    route("publishing:check", *STAFF, *OWN),
    route("publishing:check", *STAFF, *OWN, method="POST", data=lambda case: helpers.check_data()),
    route("publishing:detail", *STAFF, kwargs=_item, refused=404),
    route("publishing:detail", "outsider", kwargs=_other_item, refused=404),
    route("publishing:revise", *STAFF, method="POST", kwargs=_item, data=_revise, refused=404),
    route("publishing:step", *APPROVERS, method="POST", kwargs=_approve, refused=404),
    route("publishing:step", *TAKE_DOWN, method="POST", kwargs=_take_down, data=_reason, refused=404),
    route("publishing:appearances", *STAFF, kwargs=_person, refused=404),
    route("publishing:remove", *TAKE_DOWN, method="POST", kwargs=_appearance, refused=404),
    route("publishing:audits", *AUDITORS, *OWN),
    route("publishing:run_audit", *AUDITORS, *OWN, method="POST"),
    route("publishing:audit", *AUDITORS, kwargs=_audit, refused=404),
    route("publishing:settings", "head", "outsider"),
    route(
        "publishing:settings",
        "head",
        "outsider",
        method="POST",
        data=lambda case: {"site_url": "", "allowed_contacts": ""},
    ),
]
