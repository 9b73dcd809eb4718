"""Everything that changes policies, campaigns and acknowledgements, and the gate other rooms call.

Views, commands, the demo and the periodic tasks all come here. Every change is audited; e-mail goes through the
outbox with keys that name the exact step (invitation, reminder n), so a worker restarted half-way through a
campaign never e-mails anyone twice.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import Max, Q, QuerySet
from django.urls import reverse
from django.utils import timezone

from esafety.access import can
from esafety.audit.actions import record
from esafety.core.actions import queue_email
from esafety.core.links import issue_link, use_link
from esafety.core.models import OutboundEmail
from esafety.people.models import Person
from esafety.policies.models import (
    TRANSITIONS,
    Acknowledgement,
    AcknowledgementCampaign,
    AcknowledgementRequest,
    Newsletter,
    Policy,
    PolicyReview,
    PolicyVersion,
)

if TYPE_CHECKING:
    from esafety.accounts.models import User
    from esafety.people.models import School

LINK_PURPOSE = "policies.acknowledge"
LINK_LIFETIME = timedelta(days=30)
RESEND_PAUSE = timedelta(minutes=1)
Audience = AcknowledgementCampaign.Audience


class PolicyError(Exception):
    """A step that cannot be taken, with a message for the person who tried."""


def school_year_start(today: date | None = None) -> date:
    """1 September of the current school year (England)."""
    today = today or timezone.localdate()
    return date(today.year if today.month >= 9 else today.year - 1, 9, 1)


def school_year_label(today: date | None = None) -> str:
    start = school_year_start(today)
    return f"{start.year}-{str(start.year + 1)[2:]}"


# --- Library -------------------------------------------------------------------------------------------------


def create_policy(
    school: School,
    *,
    kind: str,
    title: str,
    slug: str,
    audience: str,
    review_due: date,
    by: User | None,
    owner: User | None = None,
    review_every_months: int = 12,
) -> Policy:
    with transaction.atomic():
        policy = Policy.objects.create(
            school=school,
            kind=kind,
            title=title,
            slug=slug,
            audience=audience,
            review_due=review_due,
            owner=owner,
            review_every_months=review_every_months,
        )
        record("policy.create", actor=by, obj=policy, school=school)
    return policy


def start_version(
    policy: Policy,
    *,
    body: str,
    summary_of_changes: str,
    effective_on: date,
    by: User | None,
    is_template: bool = False,
) -> PolicyVersion:
    with transaction.atomic():
        # Lock the policy so that two authors starting drafts at once get numbers n and n+1, not both n.
        Policy.objects.select_for_update().filter(pk=policy.pk).first()
        number = (policy.versions.aggregate(top=Max("number"))["top"] or 0) + 1
        version = PolicyVersion.objects.create(
            policy=policy,
            number=number,
            body=body,
            summary_of_changes=summary_of_changes,
            effective_on=effective_on,
            is_template=is_template,
            created_by=by,
        )
        record("policy_version.create", actor=by, obj=version, school=policy.school)
    return version


def edit_version(
    version: PolicyVersion, *, body: str, summary_of_changes: str, effective_on: date, by: User | None
) -> PolicyVersion:
    if not version.editable:
        raise PolicyError("Only a draft can be changed. Start a new version to change an approved one.")
    version.body, version.summary_of_changes, version.effective_on = body, summary_of_changes, effective_on
    with transaction.atomic():
        version.save(update_fields=["body", "summary_of_changes", "effective_on"])
        record("policy_version.edit", actor=by, obj=version, school=version.policy.school)
    return version


def take_step(
    version: PolicyVersion,
    step_name: str,
    *,
    by: User,
    meeting_on: date | None = None,
    minute_ref: str = "",
) -> PolicyVersion:
    """Move a version along its approval (see ``models.TRANSITIONS``)."""
    step = TRANSITIONS.get(step_name)
    school = version.policy.school
    if step is None or not can(by, step.action, school):
        raise PolicyError("You cannot take that step.")
    with transaction.atomic():
        locked = PolicyVersion.objects.select_for_update().select_related("policy").get(pk=version.pk)
        if locked.status != step.source:
            raise PolicyError(
                f"This version is now “{locked.get_status_display()}”, so “{step.label}” no longer applies."
            )
        now = timezone.now()
        fields = ["status"]
        if step.name == "head-approve":
            locked.head_approved_at, locked.head_approved_by = now, by
            fields += ["head_approved_at", "head_approved_by"]
        elif step.needs_meeting:
            if meeting_on is None or not minute_ref.strip():
                raise PolicyError("Give the date of the governing body's meeting and the minute reference.")
            locked.governors_meeting_on, locked.governors_minute_ref = meeting_on, minute_ref.strip()
            locked.governors_recorded_by = by
            fields += ["governors_meeting_on", "governors_minute_ref", "governors_recorded_by"]
        elif step.name == "publish":
            PolicyVersion.objects.filter(policy=locked.policy, status=PolicyVersion.Status.PUBLISHED).update(
                status=PolicyVersion.Status.SUPERSEDED
            )
            locked.published_at, locked.published_by = now, by
            fields += ["published_at", "published_by"]
        elif step.name == "return-to-draft":
            locked.head_approved_at = locked.head_approved_by = None
            fields += ["head_approved_at", "head_approved_by"]
        locked.status = step.target
        locked.save(update_fields=fields)
        record(
            f"policy_version.{step.name}",
            actor=by,
            obj=locked,
            school=school,
            detail={"meeting_on": meeting_on, "minute_ref": minute_ref} if step.needs_meeting else None,
        )
    return locked


@dataclass(frozen=True)
class DiffLine:
    kind: str  # "same" | "added" | "removed" | "skip" (a run of unchanged lines left out; text says how many)
    text: str
    old_number: int | None
    new_number: int | None


def diff_versions(old: PolicyVersion, new: PolicyVersion) -> list[DiffLine]:
    """Line by line, as the author wrote the Markdown; the template shows the kind in words as well as colour."""
    a, b = old.body.splitlines(), new.body.splitlines()
    lines: list[DiffLine] = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(a=a, b=b, autojunk=False).get_opcodes():
        if tag == "equal":
            lines += [DiffLine("same", a[i], i + 1, j1 + (i - i1) + 1) for i in range(i1, i2)]
            continue
        lines += [DiffLine("removed", a[i], i + 1, None) for i in range(i1, i2)]
        lines += [DiffLine("added", b[j], None, j + 1) for j in range(j1, j2)]
    return lines


def fold_unchanged(lines: list[DiffLine], context: int = 2) -> list[DiffLine]:
    """Keep ``context`` unchanged lines around each change and fold longer runs into one "skip" line."""
    changed = [index for index, line in enumerate(lines) if line.kind != "same"]
    keep = {near for index in changed for near in range(index - context, index + context + 1)}
    folded: list[DiffLine] = []
    hidden = 0
    for index, line in enumerate(lines):
        if index in keep:
            if hidden:
                folded.append(
                    DiffLine("skip", f"{hidden} unchanged line{'s' if hidden > 1 else ''}", None, None)
                )
                hidden = 0
            folded.append(line)
        else:
            hidden += 1
    if hidden:
        folded.append(DiffLine("skip", f"{hidden} unchanged line{'s' if hidden > 1 else ''}", None, None))
    return folded


def record_review(
    policy: Policy, *, reviewed_on: date, outcome: str, notes: str, next_review_on: date, by: User | None
) -> PolicyReview:
    with transaction.atomic():
        review = PolicyReview.objects.create(
            policy=policy,
            reviewed_on=reviewed_on,
            outcome=outcome,
            notes=notes,
            next_review_on=next_review_on,
            recorded_by=by,
        )
        policy.review_due = next_review_on
        policy.save(update_fields=["review_due"])
        record("policy.review", actor=by, obj=policy, school=policy.school, detail={"outcome": outcome})
    return review


# --- Campaigns -----------------------------------------------------------------------------------------------


def audience_people(school: School, audience: str, audience_filter: str = "") -> list[tuple[Person, str]]:
    """Everyone a campaign for ``audience`` asks, with the group their progress is counted under."""
    people = Person.objects.filter(school=school).current()
    # Keyed by str: ``audience`` arrives as the stored value, and Audience members compare equal to it.
    kinds: dict[str, list[Person.Kind]] = {
        Audience.ALL_STAFF: [Person.Kind.STAFF],
        Audience.GOVERNORS: [Person.Kind.GOVERNOR],
        Audience.TRAINEE_SUPPLY: [Person.Kind.TRAINEE, Person.Kind.SUPPLY],
        Audience.VISITORS: [Person.Kind.VISITOR, Person.Kind.THIRD_PARTY],
    }
    if audience in kinds:
        chosen = people.filter(kind__in=kinds[audience])
        if audience == Audience.GOVERNORS:
            # Governors who sign in may be on the directory as staff-type people: their role says who they are.
            chosen = people.filter(
                Q(kind=Person.Kind.GOVERNOR)
                | Q(user__role_assignments__role="governor", user__role_assignments__school=school)
            ).distinct()
        group: dict[str, str] = {Audience.ALL_STAFF: "Staff", Audience.GOVERNORS: "Governors"}
        return [(person, group.get(audience) or person.get_kind_display()) for person in chosen]
    pupils = people.pupils()
    if audience == Audience.PARENTS_YEAR:
        pupils = pupils.filter(year_group__iexact=audience_filter.strip())
    elif audience == Audience.PARENTS_CLASS:
        pupils = pupils.filter(class_name__iexact=audience_filter.strip())
    elif audience != Audience.PARENTS_SCHOOL:
        raise PolicyError("Choose who the campaign is for.")
    groups: dict[int, str] = {}
    for parent_id, class_name, year_group in (
        people.filter(kind=Person.Kind.PARENT, children_links__pupil__in=pupils)
        .order_by("children_links__pupil__year_group", "children_links__pupil__class_name")
        .values_list("pk", "children_links__pupil__class_name", "children_links__pupil__year_group")
    ):
        groups.setdefault(parent_id, class_name or year_group or "No class")
    parents = Person.objects.in_bulk(list(groups))
    return sorted(
        ((parents[pk], group) for pk, group in groups.items()), key=lambda row: (row[1], row[0].last_name)
    )


def start_campaign(
    version: PolicyVersion,
    *,
    audience: str,
    closes_on: date,
    by: User | None,
    audience_filter: str = "",
    reason: str = AcknowledgementCampaign.Reason.UPDATED,
    title: str = "",
    remind_every_days: int = 7,
    send: bool = True,
) -> AcknowledgementCampaign:
    """Ask ``audience`` to acknowledge ``version``. Invitations are queued in the same transaction; the hourly task
    sends whatever a crash left unsent, and reminders."""
    if version.status != PolicyVersion.Status.PUBLISHED:
        raise PolicyError("Only the published version can be sent out for acknowledgement.")
    school = version.policy.school
    people = audience_people(school, audience, audience_filter)
    if not people:
        raise PolicyError("Nobody is in that audience yet. Check the year group or class, or the directory.")
    with transaction.atomic():
        campaign = AcknowledgementCampaign.objects.create(
            school=school,
            version=version,
            title=title or f"{version.policy.title}, {version.label}: {Audience(audience).label}",
            audience=audience,
            audience_filter=audience_filter.strip(),
            reason=reason,
            closes_on=closes_on,
            remind_every_days=remind_every_days,
            created_by=by,
        )
        AcknowledgementRequest.objects.bulk_create(
            [
                AcknowledgementRequest(campaign=campaign, person=person, group=group)
                for person, group in people
            ]
        )
        record(
            "policy_campaign.start",
            actor=by,
            obj=campaign,
            school=school,
            detail={"audience": audience, "filter": audience_filter, "people": len(people)},
        )
        if send:
            email_campaign(campaign)
    return campaign


def close_campaign(campaign: AcknowledgementCampaign, *, by: User | None) -> None:
    with transaction.atomic():
        campaign.status = AcknowledgementCampaign.Status.CLOSED
        campaign.save(update_fields=["status"])
        record("policy_campaign.close", actor=by, obj=campaign)


def _account_of(person: Person) -> Any:
    from esafety.accounts.models import User

    return User.objects.filter(person=person, is_active=True).first()


def email_key(request: AcknowledgementRequest, step: int) -> str:
    """Step 0 is the invitation, step n the n-th reminder."""
    return f"policies:campaign:{request.campaign_id}:request:{request.pk}:step:{step}"


def _due_step(request: AcknowledgementRequest, now: datetime) -> int | None:
    if request.invited_at is None:
        return 0
    every = timedelta(days=request.campaign.remind_every_days)
    if request.last_emailed_at and now - request.last_emailed_at >= every:
        return request.reminders_sent + 1
    return None


def email_campaign(campaign: AcknowledgementCampaign, now: datetime | None = None) -> int:
    """Queue every invitation and reminder now due; return how many were queued.

    Each person is handled in its own transaction with their request row locked: the link, the e-mail (whose key
    names the step) and the request's counters commit together, so a worker killed at any point either did the
    whole step or none of it, and the next run neither skips nor repeats anyone.
    """
    now = now or timezone.now()
    if not campaign.is_open or campaign.closes_on < timezone.localdate(now):
        return 0
    queued = 0
    pending = campaign.requests.exclude(person__policy_acknowledgements__campaign=campaign).values_list(
        "pk", flat=True
    )
    for request_id in list(pending):
        with transaction.atomic():
            request = (
                AcknowledgementRequest.objects.select_for_update(of=("self",))
                .select_related("campaign__version__policy", "person")
                .get(pk=request_id)
            )
            step = _due_step(request, now)
            if step is None or not request.person.email:
                continue
            if Acknowledgement.objects.filter(campaign=campaign, person=request.person).exists():
                continue  # signed since the list was read: reminders stop here
            key = email_key(request, step)
            if not OutboundEmail.objects.filter(key=key).exists():
                _queue_request_email(request, step, key, now)
                queued += 1
            if step == 0:
                request.invited_at = now
            else:
                request.reminders_sent = step
            request.last_emailed_at = now
            request.save(update_fields=["invited_at", "reminders_sent", "last_emailed_at"])
    return queued


def send_new_link(request: AcknowledgementRequest, *, by: User) -> bool:
    """The office sends someone a fresh link (theirs was lost, expired or used by mistake). False when there is no
    address or they have signed already. A second click within a minute sends nothing more."""
    if not request.person.email or not request.campaign.is_open:
        return False
    with transaction.atomic():
        # The row lock makes a double click wait for the first, then see its e-mail.
        locked = (
            AcknowledgementRequest.objects.select_for_update(of=("self",))
            .select_related("campaign__version__policy", "campaign__school", "person")
            .get(pk=request.pk)
        )
        if Acknowledgement.objects.filter(campaign=locked.campaign, person=locked.person).exists():
            return False
        now = timezone.now()
        if locked.last_emailed_at and now - locked.last_emailed_at < RESEND_PAUSE:
            return True
        _queue_request_email(
            locked,
            1,
            f"policies:campaign:{locked.campaign_id}:request:{locked.pk}:resend:{now.isoformat()}",
            now,
        )
        locked.last_emailed_at = now
        locked.save(update_fields=["last_emailed_at"])
        record(
            "policy_campaign.resend", actor=by, obj=locked.campaign, detail={"person_id": locked.person_id}
        )
    return True


def _queue_request_email(request: AcknowledgementRequest, step: int, key: str, now: datetime) -> None:
    campaign = request.campaign
    policy = campaign.version.policy
    person = request.person
    account = _account_of(person)
    if account is not None:
        url = settings.SITE_URL + reverse("policies:mine")
        how = f"Please sign in and acknowledge it here:\n{url}"
    else:
        _, token = issue_link(
            school=campaign.school,
            person=person,
            purpose=LINK_PURPOSE,
            subject_key=campaign.link_subject,
            expires_at=now + LINK_LIFETIME,
            created_by=None,
        )
        url = settings.SITE_URL + reverse("policies:sign", args=[token])
        how = (
            f"Please read it and tick to say you agree, using this link. It is just for you and works once:\n{url}\n\n"
            f"The link works for {LINK_LIFETIME.days} days. If it has run out, ask the school office for a new one."
        )
    opener = "Reminder: " if step else ""
    subject = f"{opener}please read {policy.title}"
    is_code = policy.kind == Policy.Kind.PARENT_CODE
    intro = f"Dear {person.full_name},\n\n" + (
        "Each year we ask every parent and carer to agree to our Parent Code of Conduct. "
        "It is about how we all talk about the school and its children online. It takes about a minute.\n\n"
        if is_code
        else f"{campaign.school.name} asks you to read {policy.title} ({campaign.version.label}).\n\n"
    )
    body = f"{intro}{how}\n\nPlease do this by {campaign.closes_on:%-d %B %Y}.\n\n{campaign.school.name}"
    queue_email(key, [person.email], subject, body, school=campaign.school)


def pending_for(person: Person | None) -> QuerySet[AcknowledgementRequest]:
    """What ``person`` still owes: requests of open campaigns they have not acknowledged."""
    if person is None:
        return AcknowledgementRequest.objects.none()
    return (
        AcknowledgementRequest.objects.filter(
            person=person, campaign__status=AcknowledgementCampaign.Status.OPEN
        )
        .exclude(campaign__acknowledgements__person=person)
        .select_related("campaign__version__policy")
        .order_by("campaign__closes_on")
    )


def record_acknowledgement(
    request: AcknowledgementRequest,
    *,
    method: str,
    user: User | None = None,
    recorded_by: User | None = None,
    scan: UploadedFile | None = None,
    signed_on_paper: date | None = None,
) -> tuple[Acknowledgement, bool]:
    """Record ``request``'s acknowledgement once; ``(row, created)``. An existing one is returned unchanged."""
    campaign = request.campaign
    existing = Acknowledgement.objects.filter(campaign=campaign, person=request.person).first()
    if existing is not None:
        return existing, False
    try:
        # A savepoint, so that losing a race to the unique constraint leaves the caller's transaction usable.
        with transaction.atomic():
            acknowledgement = Acknowledgement(
                school=campaign.school,
                person=request.person,
                version=campaign.version,
                campaign=campaign,
                method=method,
                user=user,
                recorded_by=recorded_by,
                signed_on_paper=signed_on_paper,
            )
            if scan is not None:
                acknowledgement.scan.save(scan.name or "scan", scan, save=False)
            acknowledgement.save()
    except IntegrityError:
        return Acknowledgement.objects.get(campaign=campaign, person=request.person), False
    record(
        "policy.acknowledge",
        actor=user or recorded_by,
        obj=acknowledgement,
        school=campaign.school,
        object_repr=f"Acknowledgement #{acknowledgement.pk} of {campaign.version}",
        detail={"method": method, "version_id": campaign.version_id, "person_id": request.person_id},
    )
    return acknowledgement, True


def acknowledge_signed_in(request: AcknowledgementRequest, user: User) -> tuple[Acknowledgement, bool]:
    if request.person_id != user.person_id:
        raise PolicyError("This request is for someone else.")
    if not request.campaign.is_open:
        raise PolicyError("This campaign has closed.")
    with transaction.atomic():
        return record_acknowledgement(request, method=Acknowledgement.Method.SIGNED_IN, user=user)


def request_for_link(link: Any) -> AcknowledgementRequest | None:
    """The campaign request a personal link stands for (the link names the person and the campaign)."""
    kind, _, campaign_id = link.subject_key.partition(":")
    if kind != "campaign" or not campaign_id.isdigit():
        return None
    return (
        AcknowledgementRequest.objects.select_related(
            "campaign__version__policy", "campaign__school", "person"
        )
        .filter(campaign_id=int(campaign_id), campaign__school=link.school, person=link.person)
        .first()
    )


def acknowledge_by_link(raw_token: str) -> tuple[Acknowledgement, bool]:
    """Consume the link and record the acknowledgement in one transaction; raises ``LinkRefused``."""
    with transaction.atomic():
        link = use_link(raw_token, LINK_PURPOSE)
        request = request_for_link(link)
        if request is None or not request.campaign.is_open:
            raise PolicyError("This request has closed. Please contact the school office.")
        return record_acknowledgement(request, method=Acknowledgement.Method.LINK)


def record_paper_acknowledgement(
    request: AcknowledgementRequest, *, signed_on: date, scan: UploadedFile | None, by: User
) -> tuple[Acknowledgement, bool]:
    with transaction.atomic():
        return record_acknowledgement(
            request, method=Acknowledgement.Method.PAPER, recorded_by=by, scan=scan, signed_on_paper=signed_on
        )


@dataclass(frozen=True)
class GroupProgress:
    group: str
    done: int
    total: int

    @property
    def percent(self) -> int:
        return round(100 * self.done / self.total) if self.total else 0


@dataclass(frozen=True)
class ProgressRow:
    request: AcknowledgementRequest
    acknowledgement: Acknowledgement | None


def campaign_progress(campaign: AcknowledgementCampaign) -> tuple[list[ProgressRow], list[GroupProgress]]:
    done = {ack.person_id: ack for ack in campaign.acknowledgements.all()}
    rows = [
        ProgressRow(request, done.get(request.person_id))
        for request in campaign.requests.select_related("person").order_by("group", "person__last_name")
    ]
    groups: dict[str, list[int]] = {}
    for row in rows:
        tally = groups.setdefault(row.request.group or "Everyone", [0, 0])
        tally[0] += row.acknowledgement is not None
        tally[1] += 1
    return rows, [GroupProgress(group, d, t) for group, (d, t) in sorted(groups.items())]


# --- The gate ------------------------------------------------------------------------------------------------


def has_current_acknowledgement(person: Person, policy_kind: str) -> bool:
    """Has ``person`` acknowledged the currently published version of their school's ``policy_kind`` policy in
    this school year? Other rooms ask before issuing an account, a device or a temporary credential.

    "At least once a year or whenever it is updated": an acknowledgement of an older version, or of this version
    before 1 September, does not count. No such policy published means there is nothing to acknowledge: False,
    so that a school notices it has not published its Acceptable Use Policy.
    """
    start = timezone.make_aware(datetime.combine(school_year_start(), datetime.min.time()))
    return Acknowledgement.objects.filter(
        person=person,
        version__policy__school_id=person.school_id,
        version__policy__kind=policy_kind,
        version__status=PolicyVersion.Status.PUBLISHED,
        acknowledged_at__gte=start,
    ).exists()


def acknowledgements_of(person: Person) -> QuerySet[Acknowledgement]:
    return Acknowledgement.objects.filter(person=person, school=person.school).select_related(
        "version__policy", "campaign", "recorded_by"
    )


# --- Newsletters ---------------------------------------------------------------------------------------------


def publish_newsletter(newsletter: Newsletter, *, by: User | None) -> int:
    """Show it on the public page and e-mail every current parent with an address, once each."""
    with transaction.atomic():
        if newsletter.published_at is None:
            newsletter.published_at = timezone.now()
            newsletter.save(update_fields=["published_at"])
            record("policy_newsletter.publish", actor=by, obj=newsletter)
        url = settings.SITE_URL + reverse("policies:school", args=[newsletter.school.slug])
        sent = 0
        parents = (
            Person.objects.filter(school=newsletter.school, kind=Person.Kind.PARENT)
            .current()
            .exclude(email="")
        )
        for parent in parents:
            queue_email(
                f"policies:newsletter:{newsletter.pk}:person:{parent.pk}",
                [parent.email],
                f"{newsletter.school.name}: {newsletter.title}",
                f"Dear {parent.full_name},\n\n{newsletter.body}\n\nThis and our policies are on our website:\n{url}",
                school=newsletter.school,
            )
            sent += 1
    return sent


# --- Parent Code of Conduct ----------------------------------------------------------------------------------


def code_of_conduct_report(school: School) -> list[tuple[str, list[Person]]]:
    """Current parents and carers who have not acknowledged the Parent Code of Conduct this school year, by their
    children's class (a parent of two classes appears under each)."""
    start = timezone.make_aware(datetime.combine(school_year_start(), datetime.min.time()))
    signed = Acknowledgement.objects.filter(
        school=school, version__policy__kind=Policy.Kind.PARENT_CODE, acknowledged_at__gte=start
    ).values_list("person_id", flat=True)
    groups: dict[str, dict[int, Person]] = {}
    parents = (
        Person.objects.filter(school=school, kind=Person.Kind.PARENT)
        .current()
        .exclude(pk__in=signed)
        .prefetch_related("children_links__pupil")
    )
    for parent in parents:
        for link in parent.children_links.all():
            if link.pupil.left_on is None:
                group = link.pupil.class_name or link.pupil.year_group or "No class"
                groups.setdefault(group, {})[parent.pk] = parent
    return [
        (group, sorted(people.values(), key=lambda p: p.last_name))
        for group, people in sorted(groups.items())
    ]


def start_code_of_conduct_year(school: School, *, by: User | None) -> AcknowledgementCampaign:
    """This school year's Parent Code of Conduct campaign to every parent and carer (or the one already open)."""
    version = PolicyVersion.objects.filter(
        policy__school=school, policy__kind=Policy.Kind.PARENT_CODE, status=PolicyVersion.Status.PUBLISHED
    ).first()
    if version is None:
        raise PolicyError("Publish the Parent Code of Conduct first.")
    existing = current_code_of_conduct_campaign(school)
    if existing is not None:
        return existing
    return start_campaign(
        version,
        audience=Audience.PARENTS_SCHOOL,
        reason=AcknowledgementCampaign.Reason.ANNUAL,
        closes_on=timezone.localdate() + timedelta(days=28),
        title=f"Parent Code of Conduct {school_year_label()}",
        by=by,
    )


def current_code_of_conduct_campaign(school: School) -> AcknowledgementCampaign | None:
    start = timezone.make_aware(datetime.combine(school_year_start(), datetime.min.time()))
    return (
        AcknowledgementCampaign.objects.filter(
            school=school,
            version__policy__kind=Policy.Kind.PARENT_CODE,
            audience=Audience.PARENTS_SCHOOL,
            status=AcknowledgementCampaign.Status.OPEN,
            created__gte=start,
        )
        .order_by("-created")
        .first()
    )


# --- Reviews -------------------------------------------------------------------------------------------------

REVIEW_WARNING = timedelta(days=30)


def remind_reviews(school: School | None = None, today: date | None = None) -> int:
    """E-mail each policy's owner and the Headteacher a month before its review falls due, and again once it is
    overdue; one e-mail per policy, per due date, per stage."""
    from esafety.accounts.models import Role, User

    today = today or timezone.localdate()
    policies = Policy.objects.filter(review_due__lte=today + REVIEW_WARNING).select_related("school", "owner")
    if school is not None:
        policies = policies.filter(school=school)
    queued = 0
    for policy in policies:
        stage = "overdue" if policy.review_due < today else "soon"
        key = f"policies:review:{policy.pk}:{policy.review_due.isoformat()}:{stage}"
        if OutboundEmail.objects.filter(key=key).exists():
            continue
        to = {user.email for user in User.holding(policy.school, [Role.HEAD])}
        to |= {policy.owner.email} if policy.owner else set()
        url = settings.SITE_URL + reverse("policies:reviews")
        when = f"{policy.review_due:%-d %B %Y}"
        subject = (
            f"Policy review overdue: {policy.title}"
            if stage == "overdue"
            else f"Policy review due: {policy.title}"
        )
        queue_email(
            key,
            sorted(to),
            subject,
            f"{policy.title} is due for review by the governing body on {when}.\n\nRecord the review here:\n{url}",
            school=policy.school,
        )
        queued += 1
    return queued
