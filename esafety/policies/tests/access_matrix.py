"""Who may use each URL of the policies room, written by hand from issue 11 and the E-Safety policy.

Done means: anonymous visitors open /policies/; the Co-ordinator and Head open /policies/manage/ and a teacher gets
403 there; teachers and the office open /policies/mine/; governors open /policies/reviews/ and a teacher gets 403
there; the Co-ordinator opens /policies/campaigns/.

Pages without an id are answered for ``sibling`` and ``outsider`` by their roles at their own school (both are
co-ordinators there). URLs naming a record answer 404 to everyone who may not open it.
"""

from __future__ import annotations

from typing import Any

from esafety.policies.tests.helpers import fixtures
from esafety.test import ANONYMOUS, PERSONAS, BaseTestCase, route

EVERYONE = PERSONAS
PUBLIC = (*PERSONAS, ANONYMOUS)
LIBRARY = ("head", "coordinator", "sibling", "outsider")  # "Library ... (Co-ordinator and Head)"
CAMPAIGNS = ("head", "coordinator", "sibling", "outsider")
CAMPAIGN_PAGES = (
    "head",
    "coordinator",
    "office",
    "sibling",
    "outsider",
)  # the office records paper signatures
REVIEWS = ("head", "coordinator", "governor", "sibling", "outsider")  # "(Co-ordinator, Head, Governors)"
STAFF = (
    "head",
    "deputy",
    "coordinator",
    "technician",
    "teacher",
    "teacher2",
    "office",
    "sibling",
    "outsider",
)
# What a person has signed: leads, the office and the technician (who issues accounts and devices).
SIGNED = ("head", "deputy", "coordinator", "technician", "office", "trust_lead")


def policy(case: BaseTestCase) -> dict[str, Any]:
    return {"policy_id": fixtures(case).version.policy_id}


def version(case: BaseTestCase) -> dict[str, Any]:
    return {"version_id": fixtures(case).draft.pk}


def campaign(case: BaseTestCase) -> dict[str, Any]:
    return {"campaign_id": fixtures(case).staff_campaign.pk}


def public_policy(case: BaseTestCase) -> dict[str, Any]:
    made = fixtures(case)
    return {"school_slug": case.school.slug, "policy_slug": made.version.policy.slug}


def version_body(case: BaseTestCase) -> dict[str, Any]:
    return {
        "body": "# Acceptable use\n\nKeep passwords private.",
        "summary_of_changes": "",
        "effective_on": "2026-12-01",
    }


MATRIX = [
    # Public: the school website links here.
    route("policies:public", *PUBLIC),
    route("policies:school", *PUBLIC, kwargs=lambda case: {"school_slug": case.school.slug}),
    route("policies:policy_public", *PUBLIC, kwargs=public_policy),
    route("policies:version_public", *PUBLIC, kwargs=lambda case: {**public_policy(case), "number": 1}),
    route("policies:sign", *PUBLIC, kwargs=lambda case: {"token": fixtures(case).parent_token}),
    route(
        "policies:sign", *PUBLIC, method="POST", kwargs=lambda case: {"token": fixtures(case).parent_token}
    ),
    # Everyone who signs in acknowledges what they owe.
    route("policies:mine", *EVERYONE),
    route(
        "policies:acknowledge",
        "teacher",
        method="POST",
        kwargs=lambda case: {
            "request_id": fixtures(case).staff_campaign.requests.get(person=case.teacher.person).pk
        },
        data=lambda case: {"confirm": "yes"},
        refused=404,
    ),
    # The library: Co-ordinator and Head.
    route("policies:manage", *LIBRARY),
    route("policies:new_policy", *LIBRARY),
    route(
        "policies:new_policy",
        *LIBRARY,
        method="POST",
        data=lambda case: {
            "kind": "other",
            "title": "Mobile phones",
            "slug": "phones",
            "audience": "All",
            "review_due": "2027-09-01",
            "review_every_months": 12,
        },
    ),
    route("policies:policy", "head", "coordinator", kwargs=policy, refused=404),
    route("policies:new_version", "head", "coordinator", kwargs=policy, refused=404),
    route(
        "policies:new_version",
        "head",
        "coordinator",
        method="POST",
        kwargs=policy,
        data=version_body,
        refused=404,
    ),
    route("policies:diff", "head", "coordinator", kwargs=policy, refused=404),
    route("policies:version", "head", "coordinator", kwargs=version, refused=404),
    route("policies:edit_version", "head", "coordinator", kwargs=version, refused=404),
    route(
        "policies:edit_version",
        "head",
        "coordinator",
        method="POST",
        kwargs=version,
        data=version_body,
        refused=404,
    ),
    route(
        "policies:step",
        "head",
        "coordinator",
        method="POST",
        kwargs=lambda case: {"version_id": fixtures(case).approved.pk, "step": "publish"},
        refused=404,
    ),
    # Another school's policy is not found, even by a co-ordinator of the same trust.
    route(
        "policies:policy",
        "sibling",
        kwargs=lambda case: {"policy_id": fixtures(case).sibling_version.policy_id},
        refused=404,
    ),
    route("policies:newsletters", *LIBRARY),
    route(
        "policies:newsletters",
        *LIBRARY,
        method="POST",
        data=lambda case: {"term": "Summer", "title": "Screen time", "body": "Talk about it."},
    ),
    route(
        "policies:publish_newsletter",
        "head",
        "coordinator",
        method="POST",
        kwargs=lambda case: {"newsletter_id": fixtures(case).newsletter.pk},
        refused=404,
    ),
    # Campaigns: Co-ordinator and Head start them; the office follows progress and records paper signatures.
    route("policies:campaigns", *CAMPAIGN_PAGES),
    route("policies:new_campaign", *CAMPAIGNS),
    route(
        "policies:new_campaign",
        *CAMPAIGNS,
        method="POST",
        data=lambda case: {
            "audience": "all_staff",
            "reason": "annual",
            "closes_on": "2027-01-01",
            "remind_every_days": 7,
        },
    ),
    route("policies:code_of_conduct", *CAMPAIGN_PAGES),
    route("policies:start_code_of_conduct", *CAMPAIGNS, method="POST"),
    route("policies:campaign", "head", "coordinator", "office", kwargs=campaign, refused=404),
    route("policies:campaign_export", "head", "coordinator", "office", kwargs=campaign, refused=404),
    route("policies:campaign_paper", "head", "coordinator", "office", kwargs=campaign, refused=404),
    route(
        "policies:campaign_paper",
        "head",
        "coordinator",
        "office",
        method="POST",
        kwargs=campaign,
        refused=404,
    ),
    route("policies:campaign_close", "head", "coordinator", method="POST", kwargs=campaign, refused=404),
    route(
        "policies:campaign_resend",
        "head",
        "coordinator",
        "office",
        method="POST",
        kwargs=lambda case: {
            **campaign(case),
            "request_id": fixtures(case).staff_campaign.requests.get(person=case.teacher.person).pk,
        },
        refused=404,
    ),
    route(
        "policies:scan",
        *SIGNED,
        kwargs=lambda case: {"acknowledgement_id": fixtures(case).paper.pk},
        refused=404,
    ),
    route("policies:person", *SIGNED, kwargs=lambda case: {"person_id": case.staff_member.pk}, refused=404),
    # Reviews: "The policy is reviewed by the Governing Body".
    route("policies:reviews", *REVIEWS),
    route("policies:record_review", "head", "coordinator", "governor", kwargs=policy, refused=404),
    route(
        "policies:record_review",
        "head",
        "coordinator",
        "governor",
        method="POST",
        kwargs=policy,
        data=lambda case: {
            "reviewed_on": "2026-11-20",
            "outcome": "no_change",
            "next_review_on": "2027-11-20",
        },
        refused=404,
    ),
    # Posters for "all areas where computers are used": any member of staff prints them.
    route("policies:posters", *STAFF),
    route("policies:poster", *STAFF, kwargs=lambda case: {"audience": "infants"}),
]
