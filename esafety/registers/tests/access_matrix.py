"""Who may use each URL of the registers, written by hand from issue 13 and the policy.

- Network accounts: the office, the Technician, the Co-ordinator and the Head.
- Devices and personal-device exceptions: the Technician, the Co-ordinator and the Head.
- Confiscations: the Head, the Deputy and the Co-ordinator; photo authorisations seen by the same, given by the
  Head alone.
- Access review: the Head, the Co-ordinator and the Technician; signed off by the Head.
- Security reviews: the Head, the Co-ordinator and the Technician. Register settings: the Head and the Technician.

``sibling`` (co-ordinator at Riverside) and ``outsider`` (head and co-ordinator elsewhere) open the pages without
an id at their own school; a page naming a Hollybrook record answers them 404, and a page naming their own
school's record answers every Hollybrook persona 404.
"""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from esafety.registers.tests import helpers
from esafety.test import route

OWN = ("sibling", "outsider")  # answered at their own school for pages without an id
ACCOUNTS = ("head", "coordinator", "technician", "office")
DEVICES = ("head", "coordinator", "technician")
LEADS = ("head", "deputy", "coordinator")
REVIEWERS = ("head", "coordinator", "technician")


def _account(case: object) -> dict[str, int]:
    return {"account_id": helpers.make_account(case.school).pk}


def _other_account(case: object) -> dict[str, int]:
    return {"account_id": helpers.make_account(case.other_school).pk}


def _device(case: object) -> dict[str, int]:
    return {"device_id": helpers.make_device(case.school).pk}


def _other_device(case: object) -> dict[str, int]:
    return {"device_id": helpers.make_device(case.sibling_school).pk}


def _confiscation(case: object) -> dict[str, int]:
    return {"confiscation_id": helpers.make_confiscation(case.school).pk}


def _review(case: object) -> dict[str, int]:
    return {"review_id": helpers.make_review(case.school).pk}


def _visitor(case: object) -> dict[str, str]:
    return {
        "kind": "visitor",
        "first_name": "Vic",
        "last_name": "Visitor",
        "ends_on": f"{timezone.localdate() + timedelta(days=1):%Y-%m-%d}",
        "requested_by": "Office",
        "reason": "Book fair",
        "aup_on_paper": "on",
    }


# The "Done means", cell by cell as written: (demo or test persona, path, status).
DONE_MEANS = [
    ("office", "/registers/accounts/", 200),
    ("technician", "/registers/accounts/", 200),
    ("coordinator", "/registers/accounts/", 200),
    ("teacher", "/registers/accounts/", 403),
    ("governor", "/registers/accounts/", 403),
    ("technician", "/registers/devices/", 200),
    ("teacher", "/registers/devices/", 403),
    ("head", "/registers/confiscations/", 200),
    ("coordinator", "/registers/confiscations/", 200),
    ("technician", "/registers/confiscations/", 403),
    ("head", "/registers/access-review/", 200),
    ("teacher", "/registers/access-review/", 403),
]

MATRIX = [
    # Network accounts
    route("registers:accounts", *ACCOUNTS, *OWN),
    route("registers:new_account", *ACCOUNTS, *OWN),
    route("registers:new_account", *ACCOUNTS, *OWN, method="POST", data=_visitor),
    route("registers:export_accounts", *ACCOUNTS, *OWN),
    route("registers:retry_directory", *ACCOUNTS, *OWN, method="POST"),
    route("registers:account", *ACCOUNTS, kwargs=_account, refused=404),
    route("registers:account", "outsider", kwargs=_other_account, refused=404),
    route("registers:account_password", *ACCOUNTS, method="POST", kwargs=_account, refused=404),
    route(
        "registers:account_disable",
        *ACCOUNTS,
        method="POST",
        kwargs=_account,
        data=lambda case: {"reason": "Left early"},
        refused=404,
    ),
    route("registers:account_disable", "outsider", method="POST", kwargs=_other_account, refused=404),
    route("registers:settings", "head", "technician", "outsider"),
    route("registers:settings", "head", "technician", "outsider", method="POST"),
    # Devices and personal devices
    route("registers:devices", *DEVICES, *OWN),
    route("registers:new_device", *DEVICES, *OWN),
    route("registers:new_device", *DEVICES, *OWN, method="POST"),
    route("registers:import_devices", *DEVICES, *OWN),
    route("registers:import_devices", *DEVICES, *OWN, method="POST"),
    route("registers:device", *DEVICES, kwargs=_device, refused=404),
    route("registers:device", "sibling", kwargs=_other_device, refused=404),
    route("registers:device", *DEVICES, method="POST", kwargs=_device, refused=404),
    route("registers:issue_device", *DEVICES, method="POST", kwargs=_device, refused=404),
    route("registers:return_device", *DEVICES, method="POST", kwargs=_device, refused=404),
    route("registers:issue_device", "sibling", method="POST", kwargs=_other_device, refused=404),
    route("registers:exceptions", *DEVICES, *OWN),
    route("registers:exceptions", *DEVICES, *OWN, method="POST"),
    # Confiscations and photo authorisations
    route("registers:confiscations", *LEADS, *OWN),
    route("registers:new_confiscation", *LEADS, *OWN),
    route("registers:new_confiscation", *LEADS, *OWN, method="POST"),
    route("registers:confiscation", *LEADS, kwargs=_confiscation, refused=404),
    route(
        "registers:confiscation",
        "outsider",
        kwargs=lambda case: {"confiscation_id": helpers.make_confiscation(case.other_school).pk},
        refused=404,
    ),
    route(
        "registers:confiscation_step",
        *LEADS,
        method="POST",
        kwargs=lambda case: {**_confiscation(case), "step": "return"},
        data=lambda case: {"return-to": "Mother"},
        refused=404,
    ),
    route("registers:photos", *LEADS, *OWN),
    route("registers:authorise_photos", "head", "outsider", method="POST"),
    # Access review
    route("registers:access_review", *REVIEWERS, *OWN),
    route("registers:sign_off_access_review", "head", "outsider", method="POST"),
    # Security reviews
    route("registers:security_reviews", *REVIEWERS, *OWN),
    route("registers:new_security_review", *REVIEWERS, *OWN),
    route("registers:new_security_review", *REVIEWERS, *OWN, method="POST"),
    route("registers:security_review", *REVIEWERS, kwargs=_review, refused=404),
    route(
        "registers:security_review",
        "sibling",
        kwargs=lambda case: {"review_id": helpers.make_review(case.sibling_school).pk},
        refused=404,
    ),
    route("registers:add_security_action", *REVIEWERS, method="POST", kwargs=_review, refused=404),
    route(
        "registers:security_action_done",
        *REVIEWERS,
        method="POST",
        kwargs=lambda case: {"action_id": helpers.make_security_action(case.school).pk},
        refused=404,
    ),
]
