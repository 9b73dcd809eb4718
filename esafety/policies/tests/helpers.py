"""Building blocks for the policies tests: a published policy, its next version, campaigns and a personal link,
built through the real actions."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from esafety.core.links import issue_link
from esafety.policies import actions
from esafety.policies.models import (
    Acknowledgement,
    AcknowledgementCampaign,
    Newsletter,
    Policy,
    PolicyVersion,
)
from esafety.test import BaseTestCase

A = AcknowledgementCampaign.Audience
PDF_SCAN = b"%PDF-1.4\n% a signed paper form\n"


def publish(
    school: Any,
    by_head: Any,
    by_coordinator: Any,
    *,
    kind: str = Policy.Kind.AUP_STAFF,
    title: str = "Acceptable Use Policy (staff)",
    slug: str = "acceptable-use-staff",
    body: str = "# Acceptable use\n\n- Keep passwords private.\n",
    review_due: date | None = None,
) -> PolicyVersion:
    policy = actions.create_policy(
        school,
        kind=kind,
        title=title,
        slug=slug,
        audience="All staff",
        review_due=review_due or timezone.localdate() + timedelta(days=300),
        by=by_coordinator,
    )
    version = actions.start_version(
        policy, body=body, summary_of_changes="First", effective_on=timezone.localdate(), by=by_coordinator
    )
    return approve_and_publish(version, by_head, by_coordinator)


def approve_and_publish(version: PolicyVersion, by_head: Any, by_coordinator: Any) -> PolicyVersion:
    actions.take_step(version, "head-approve", by=by_head)
    actions.take_step(
        version, "record-governors", by=by_coordinator, meeting_on=timezone.localdate(), minute_ref="FGB 1"
    )
    return actions.take_step(version, "publish", by=by_coordinator)


@dataclass
class Fixtures:
    version: PolicyVersion
    draft: PolicyVersion
    approved: PolicyVersion
    staff_campaign: AcknowledgementCampaign
    parent_campaign: AcknowledgementCampaign
    parent_token: str
    paper: Acknowledgement
    newsletter: Newsletter
    sibling_version: PolicyVersion


class PolicyTestCase(BaseTestCase):
    def publish(self, **kwargs: Any) -> PolicyVersion:
        return publish(self.school, self.head, self.coordinator, **kwargs)

    def closes(self) -> date:
        return timezone.localdate() + timedelta(days=21)


def fixtures(case: BaseTestCase) -> Fixtures:
    """Built once per test (cached on the test case), so every row of a table names the same records."""
    cached = getattr(case, "_policy_fixtures", None)
    if cached is not None:
        return cached
    version = publish(case.school, case.head, case.coordinator)
    draft = actions.start_version(
        version.policy,
        body=version.body + "\n- Lock the screen.\n",
        summary_of_changes="Adds locking",
        effective_on=timezone.localdate(),
        by=case.coordinator,
    )
    code = publish(
        case.school,
        case.head,
        case.coordinator,
        kind=Policy.Kind.PARENT_CODE,
        title="Parent Code of Conduct",
        slug="parent-code",
        body="# Parent Code of Conduct\n\n- Be kind online.\n",
    )
    approved = actions.start_version(
        code.policy,
        body=code.body + "\n- Talk to us first.\n",
        summary_of_changes="",
        effective_on=timezone.localdate(),
        by=case.coordinator,
    )
    actions.take_step(approved, "head-approve", by=case.head)
    actions.take_step(
        approved, "record-governors", by=case.coordinator, meeting_on=timezone.localdate(), minute_ref="M1"
    )
    closes = timezone.localdate() + timedelta(days=21)
    staff_campaign = actions.start_campaign(
        version, audience=A.ALL_STAFF, closes_on=closes, by=case.coordinator
    )
    parent_campaign = actions.start_campaign(
        code, audience=A.PARENTS_SCHOOL, closes_on=closes, by=case.coordinator, send=False
    )
    _, parent_token = issue_link(
        school=case.school,
        person=case.parent,
        purpose=actions.LINK_PURPOSE,
        subject_key=parent_campaign.link_subject,
        expires_at=timezone.now() + timedelta(days=3),
    )
    request = staff_campaign.requests.get(person=case.staff_member)
    paper, _ = actions.record_paper_acknowledgement(
        request, signed_on=timezone.localdate(), scan=SimpleUploadedFile("form.pdf", PDF_SCAN), by=case.office
    )
    newsletter = Newsletter.objects.create(
        school=case.school, term="Spring", title="Apps", body="Check ratings."
    )
    # Riverside's own policy, made directly: the test trust has no Riverside Headteacher to approve it.
    sibling_policy = Policy.objects.create(
        school=case.sibling_school,
        kind=Policy.Kind.AUP_STAFF,
        title="Riverside AUP",
        slug="riverside-aup",
        audience="All staff",
        review_due=closes,
    )
    sibling_version = PolicyVersion.objects.create(
        policy=sibling_policy,
        number=1,
        body="Riverside text",
        effective_on=closes,
        status=PolicyVersion.Status.PUBLISHED,
    )
    made = Fixtures(
        version,
        draft,
        approved,
        staff_campaign,
        parent_campaign,
        parent_token,
        paper,
        newsletter,
        sibling_version,
    )
    case._policy_fixtures = made
    return made
