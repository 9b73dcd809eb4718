"""Demo policies: every policy of the E-Safety policy's list, published from the starter templates and approved
by the Head and the governing body; a staff campaign in progress; this year's Parent Code of Conduct campaign with
parents who have and have not signed; an Acceptable Use update approved and waiting to be published.

Built through the real actions (so the audit trail is what the app itself would write), then back-dated. No
e-mail is queued: campaign invitations are marked as sent on the campaign's opening day.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django.utils import timezone

from esafety.core.demo import DemoContext
from esafety.policies import actions
from esafety.policies.models import (
    Acknowledgement,
    AcknowledgementCampaign,
    AcknowledgementRequest,
    Newsletter,
    Policy,
    PolicyReview,
    PolicyVersion,
)
from esafety.policies.starters import STARTERS, TEMPLATE_NOTE

A = AcknowledgementCampaign.Audience
# Months until each policy's review falls due (negative: overdue, so the Head's and governors' dashboards show it).
REVIEW_IN_DAYS = {
    Policy.Kind.E_SAFETY: 200,
    Policy.Kind.AUP_STAFF: 250,
    Policy.Kind.AUP_PUPIL: 250,
    Policy.Kind.SAFEGUARDING: 280,
    Policy.Kind.ANTI_BULLYING: -12,
    Policy.Kind.ICT: 20,
    Policy.Kind.FOUNDATION_STAGE: 160,
    Policy.Kind.PARENT_CODE: 290,
}


def _at(day: date, hour: int, minute: int = 0) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


def build(ctx: DemoContext) -> None:
    school, today = ctx.school, ctx.today
    head, coordinator = ctx.users["head"], ctx.users["coordinator"]
    year_start = actions.school_year_start(today)
    meeting = year_start + timedelta(days=27)
    published: dict[str, PolicyVersion] = {}
    for starter in STARTERS:
        policy = actions.create_policy(
            school,
            kind=starter.kind,
            title=starter.title,
            slug=starter.slug,
            audience=starter.audience,
            review_due=today + timedelta(days=REVIEW_IN_DAYS[Policy.Kind(starter.kind)]),
            owner=coordinator,
            by=coordinator,
        )
        version = actions.start_version(
            policy,
            body=TEMPLATE_NOTE + starter.body,
            summary_of_changes="First version, from the esafety starter template.",
            effective_on=year_start,
            is_template=True,
            by=coordinator,
        )
        actions.take_step(version, "head-approve", by=head)
        actions.take_step(
            version, "record-governors", by=coordinator, meeting_on=meeting, minute_ref="FGB 24/07"
        )
        version = actions.take_step(version, "publish", by=coordinator)
        PolicyVersion.objects.filter(pk=version.pk).update(
            created=_at(year_start - timedelta(days=20), 10),
            head_approved_at=_at(year_start - timedelta(days=10), 15),
            published_at=_at(meeting + timedelta(days=1), 9),
        )
        PolicyReview.objects.create(
            policy=policy,
            reviewed_on=meeting,
            outcome=PolicyReview.Outcome.NO_CHANGE,
            notes="Adopted from the template with the school's details.",
            next_review_on=policy.review_due,
            recorded_by=head,
        )
        published[starter.kind] = version

    # An update to the staff Acceptable Use Policy, approved and ready to publish (the end-to-end journey does).
    aup = published[Policy.Kind.AUP_STAFF]
    update = actions.start_version(
        aup.policy,
        body=aup.body.replace(
            "- remind pupils of their Acceptable Use Policy before any activity that uses the internet.",
            "- remind pupils of their Acceptable Use Policy before any activity that uses the internet;\n"
            "- use only the school's approved AI tools with pupils' work, and never enter pupils' names into them.",
        ),
        summary_of_changes="Adds a line on AI tools.",
        effective_on=today + timedelta(days=7),
        by=coordinator,
    )
    actions.take_step(update, "head-approve", by=head)
    PolicyVersion.objects.filter(pk=update.pk).update(head_approved_at=_at(today - timedelta(days=9), 16))
    actions.take_step(
        update,
        "record-governors",
        by=coordinator,
        meeting_on=today - timedelta(days=6),
        minute_ref="FGB 24/19",
    )

    # The yearly staff campaign for the E-Safety Policy: in progress, most have acknowledged.
    opened = year_start + timedelta(days=2)
    staff_campaign = _campaign(
        published[Policy.Kind.E_SAFETY],
        A.ALL_STAFF,
        opened,
        today + timedelta(days=10),
        AcknowledgementCampaign.Reason.ANNUAL,
    )
    _sign_some(ctx, staff_campaign, share=0.7, method=Acknowledgement.Method.SIGNED_IN, skip={"teacher"})
    # Staff acknowledged the Acceptable Use Policy in September (the gate answers yes for them).
    aup_campaign = _campaign(
        aup, A.ALL_STAFF, opened, opened + timedelta(days=21), AcknowledgementCampaign.Reason.ANNUAL
    )
    _sign_some(ctx, aup_campaign, share=1.0, method=Acknowledgement.Method.SIGNED_IN)
    actions.close_campaign(aup_campaign, by=coordinator)
    governors = _campaign(
        published[Policy.Kind.E_SAFETY],
        A.GOVERNORS,
        meeting,
        today + timedelta(days=20),
        AcknowledgementCampaign.Reason.ANNUAL,
    )
    _sign_some(ctx, governors, share=0.8, method=Acknowledgement.Method.LINK, skip={"governor"})

    # This year's Parent Code of Conduct: about two in three parents have signed, by link or on paper.
    code = _campaign(
        published[Policy.Kind.PARENT_CODE],
        A.PARENTS_SCHOOL,
        opened,
        today + timedelta(days=30),
        AcknowledgementCampaign.Reason.ANNUAL,
    )
    _sign_some(ctx, code, share=0.65, method=Acknowledgement.Method.LINK, paper_share=0.1)

    Newsletter.objects.create(
        school=school,
        term=f"Autumn term {year_start.year}",
        title="Keeping children safe with new games and apps",
        body="Many children get new games and apps this term. **Check the age rating**, set up parental controls "
        "together, and keep devices out of bedrooms at night.\n\nIf your child sees something upsetting online, "
        "stay calm, keep a screenshot, and tell us: the class teacher or the office will help.",
        created_by=coordinator,
        published_at=_at(year_start + timedelta(days=3), 9),
    )


def _campaign(
    version: PolicyVersion, audience: str, opened: date, closes: date, reason: str
) -> AcknowledgementCampaign:
    campaign = actions.start_campaign(
        version, audience=audience, closes_on=closes, reason=reason, by=version.published_by, send=False
    )
    AcknowledgementCampaign.objects.filter(pk=campaign.pk).update(opens_on=opened, created=_at(opened, 8))
    AcknowledgementRequest.objects.filter(campaign=campaign).update(
        invited_at=_at(opened, 8), last_emailed_at=_at(opened, 8)
    )
    campaign.refresh_from_db()
    return campaign


def _sign_some(
    ctx: DemoContext,
    campaign: AcknowledgementCampaign,
    *,
    share: float,
    method: str,
    paper_share: float = 0.0,
    skip: set[str] = frozenset(),  # type: ignore[assignment]
) -> None:
    skipped = {ctx.users[name].person_id for name in skip if name in ctx.users}
    users = {user.person_id: user for user in ctx.users.values() if user.person_id}
    span = max((min(ctx.today, campaign.closes_on) - campaign.opens_on).days, 1)
    for request in campaign.requests.select_related("campaign__version", "campaign__school", "person"):
        if request.person_id in skipped or ctx.rng.random() >= share:
            continue
        when = _at(
            campaign.opens_on + timedelta(days=ctx.rng.randrange(span)),
            ctx.rng.randrange(7, 21),
            ctx.rng.randrange(60),
        )
        when = min(when, timezone.now() - timedelta(hours=1))
        user = users.get(request.person_id)
        if user is not None and method == Acknowledgement.Method.SIGNED_IN:
            acknowledgement, _ = actions.record_acknowledgement(request, method=method, user=user)
        elif ctx.rng.random() < paper_share:
            acknowledgement, _ = actions.record_acknowledgement(
                request,
                method=Acknowledgement.Method.PAPER,
                recorded_by=ctx.users["office"],
                signed_on_paper=when.date(),
            )
        else:
            acknowledgement, _ = actions.record_acknowledgement(request, method=Acknowledgement.Method.LINK)
        Acknowledgement.objects.filter(pk=acknowledgement.pk).update(acknowledged_at=when)
    # Someone who signed does not get reminders; the rest had one a week after the start.
    reminded = campaign.requests.exclude(person__policy_acknowledgements__campaign=campaign)
    reminded.update(reminders_sent=1, last_emailed_at=_at(campaign.opens_on + timedelta(days=7), 8))
