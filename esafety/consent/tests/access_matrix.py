"""Who may use each URL of the consent register, written by hand from issue 14.

- The register, its class lists and a person's consents: all staff read ("teachers read, because they need to
  know who may not be photographed"); governors and the trust lead do not.
- Recording and withdrawing answers, the disagreements list and campaigns: the office, the Co-ordinator and the
  Head ("office, Co-ordinator and Head manage"; campaigns "Co-ordinator, Head, office").
- The page behind a parent's link needs no sign-in: the link is the key.

``sibling`` and ``outsider`` open pages without an id at their own school; a page naming a Hollybrook record
answers them 404, and a page naming the outsider's school's record answers every Hollybrook persona 404.
"""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from esafety.consent.tests import helpers
from esafety.test import ANONYMOUS, PERSONAS, route

OWN = ("sibling", "outsider")
STAFF = ("head", "deputy", "coordinator", "technician", "teacher", "teacher2", "office")
MANAGERS = ("head", "coordinator", "office")


def _pupil(case: Any) -> dict[str, int]:
    return {"person_id": case.pupil.pk}


def _other_pupil(case: Any) -> dict[str, int]:
    pupil, _ = helpers.pupil_with_parent(case.other_school, "Zofia", "Kowalski")
    return {"person_id": pupil.pk}


def _answer(case: Any) -> dict[str, str]:
    return {
        "given_by": str(case.parent.pk),
        "method": "form",
        "given_on": f"{timezone.localdate():%Y-%m-%d}",
        "use_website": "granted",
    }


def _consent(case: Any) -> dict[str, int]:
    return {"consent_id": helpers.grant(case.pupil, case.parent).pk}


def _withdrawal(case: Any) -> dict[str, str]:
    from esafety.consent.models import Consent

    latest = Consent.objects.filter(person=case.pupil).order_by("-pk").first()
    return (
        {f"w{latest.pk}-withdrawn_by": str(case.parent.pk), f"w{latest.pk}-reason": "Changed our mind"}
        if latest
        else {}
    )


def _campaign(case: Any) -> dict[str, int]:
    return {"campaign_id": helpers.campaign(case.school).pk}


def _new_campaign(case: Any) -> dict[str, Any]:
    return {
        "title": "Photo consent",
        "audience": "class",
        "audience_value": "Kestrels",
        "uses": ["website"],
        "closes_on": f"{timezone.localdate():%Y-%m-%d}",
        "consent_expires_on": f"{timezone.localdate():%Y-%m-%d}",
    }


def _token(case: Any) -> dict[str, str]:
    return {"token": helpers.link_for(helpers.campaign(case.school), case.pupil, case.parent)}


EVERYONE = (*PERSONAS, ANONYMOUS)

MATRIX = [
    route("consent:register", *STAFF, *OWN),
    route("consent:print", *STAFF, *OWN),
    route("consent:disagreements", *MANAGERS, *OWN),
    route("consent:person", *STAFF, kwargs=_pupil, refused=404),
    route("consent:person", "outsider", kwargs=_other_pupil, refused=404),
    route("consent:record", *MANAGERS, method="POST", kwargs=_pupil, data=_answer, refused=404),
    route("consent:record", "outsider", method="POST", kwargs=_other_pupil, data=_answer, refused=404),
    route("consent:withdraw", *MANAGERS, method="POST", kwargs=_consent, data=_withdrawal, refused=404),
    route("consent:campaigns", *MANAGERS, *OWN),
    route("consent:new_campaign", *MANAGERS, *OWN),
    route("consent:new_campaign", *MANAGERS, *OWN, method="POST", data=_new_campaign),
    route("consent:campaign", *MANAGERS, kwargs=_campaign, refused=404),
    route("consent:renew", *MANAGERS, method="POST", kwargs=_campaign, refused=404),
    route("consent:close", *MANAGERS, method="POST", kwargs=_campaign, refused=404),
    route("consent:answer", *EVERYONE, kwargs=_token),
    route("consent:answer", *EVERYONE, method="POST", kwargs=_token),
]
