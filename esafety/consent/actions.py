"""Recording, withdrawing and collecting consent. Views, commands, campaigns and the demo all come here, so each
change is audited the same way. Audit labels carry row numbers and uses, never names."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date, datetime, time, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone

from esafety.audit.actions import record
from esafety.consent.models import (
    NO_ANSWER,
    Campaign,
    Consent,
    ConsentRequest,
    Standing,
    Use,
    standing,
)
from esafety.consent.signals import consent_withdrawn
from esafety.core.actions import queue_email
from esafety.core.links import LinkRefused, issue_link, use_link
from esafety.people.models import Guardianship, Person, School

LINK_PURPOSE = "consent.answer"


class ConsentError(Exception):
    """The answer cannot be recorded as asked (a giver without parental responsibility, a use not asked)."""


def uses_for(person: Person) -> list[Use]:
    from esafety.consent.models import STAFF_USES

    return list(Use) if person.kind == Person.Kind.PUPIL else STAFF_USES


def may_answer_for(giver: Person, person: Person) -> bool:
    """A pupil's consent comes from a parent or carer linked to them; an adult answers for themself."""
    if person.kind == Person.Kind.PUPIL:
        return Guardianship.objects.filter(parent=giver, pupil=person).exists()
    return giver.pk == person.pk


def standings(
    school: School, people: Iterable[Person], today: date | None = None
) -> dict[int, dict[str, Standing]]:
    """For each person, what stands today for each use (``NO_ANSWER`` where nobody has answered)."""
    today = today or timezone.localdate()
    ids = [person.pk for person in people]
    rows: dict[tuple[int, str], list[Consent]] = defaultdict(list)
    for row in Consent.objects.filter(school=school, person_id__in=ids).select_related("given_by"):
        rows[(row.person_id, row.use)].append(row)
    return {
        person_id: {
            use: standing(rows[(person_id, use)], today) if (person_id, use) in rows else NO_ANSWER
            for use in Use
        }
        for person_id in ids
    }


def granted_uses(school: School, today: date | None = None) -> dict[int, frozenset[str]]:
    """Every person of the school with at least one use allowed today, and those uses (for the publishing
    check)."""
    today = today or timezone.localdate()
    rows: dict[tuple[int, str], list[Consent]] = defaultdict(list)
    for row in Consent.objects.filter(school=school):
        rows[(row.person_id, row.use)].append(row)
    allowed: dict[int, set[str]] = defaultdict(set)
    for (person_id, use), group in rows.items():
        if standing(group, today).permitted:
            allowed[person_id].add(use)
    return {person_id: frozenset(uses) for person_id, uses in allowed.items()}


def default_expiry(today: date | None = None) -> date:
    """The end of the school year: answers are asked again each year (31 August)."""
    today = today or timezone.localdate()
    year = today.year if today.month < 9 else today.year + 1
    return date(year, 8, 31)


@transaction.atomic
def record_consent(
    *,
    person: Person,
    answers: dict[str, str],
    given_by: Person,
    method: str = Consent.Method.FORM,
    given_at: datetime | None = None,
    expires_on: date | None = None,
    reference: str = "",
    user: Any = None,
    request: Any = None,
    campaign: Campaign | None = None,
) -> list[Consent]:
    """Record ``given_by``'s answers (use -> "granted" | "refused") about ``person``; each is a new row."""
    if given_by.school_id != person.school_id or not may_answer_for(given_by, person):
        raise ConsentError(
            "Only a parent or carer of the pupil (or the member of staff themself) can answer."
        )
    allowed = {use.value for use in uses_for(person)}
    rows = []
    for use, answer in answers.items():
        if use not in allowed or answer not in Consent.Answer.values:
            raise ConsentError(f"“{use}” cannot be answered for this person.")
        rows.append(
            Consent.objects.create(
                school=person.school,
                person=person,
                use=use,
                answer=answer,
                given_by=given_by,
                given_at=given_at or timezone.now(),
                method=method,
                reference=reference,
                expires_on=expires_on,
                campaign=campaign,
                recorded_by=user if getattr(user, "pk", None) else None,
            )
        )
    if rows:
        record(
            "consent.record",
            actor=user,
            obj=person,
            school=person.school,
            request=request,
            object_repr=f"Person #{person.pk}",
            detail={
                "answers": answers,
                "method": method,
                "giver_id": given_by.pk,
                "rows": [row.pk for row in rows],
            },
        )
    return rows


@transaction.atomic
def withdraw_consent(consent: Consent, *, by: Person, reason: str, user: Any, request: Any = None) -> Consent:
    """Withdraw a given consent (kept as history) and tell the rooms that hold publications."""
    consent = Consent.objects.select_for_update().get(pk=consent.pk)
    if not may_answer_for(by, consent.person):
        raise ConsentError(
            "Only a parent or carer of the pupil (or the member of staff themself) can withdraw."
        )
    try:
        consent.withdraw(by=by, reason=reason, recorded_by=user if getattr(user, "pk", None) else None)
    except ValueError as exc:
        raise ConsentError("This consent is not given now, so there is nothing to withdraw.") from exc
    record(
        "consent.withdraw",
        actor=user,
        obj=consent,
        request=request,
        detail={"use": consent.use, "person_id": consent.person_id, "by_id": by.pk},
    )
    # Sent inside the transaction: what listeners write (a notice to the editors) commits with the withdrawal.
    consent_withdrawn.send(sender=Consent, consent=consent, request=request)
    return consent


# --- Campaigns ---------------------------------------------------------------------------------------------


def audience_pupils(
    school: School, audience: str, value: str = "", new_since: date | None = None
) -> QuerySet[Person]:
    pupils = Person.objects.filter(school=school).pupils().current()
    if audience == Campaign.Audience.CLASS:
        return pupils.filter(class_name=value)
    if audience == Campaign.Audience.YEAR:
        return pupils.filter(year_group=value)
    if audience == Campaign.Audience.NEW_STARTERS:
        since = new_since or (timezone.localdate() - timedelta(days=60))
        return pupils.filter(created__date__gte=since)
    return pupils


def _link_expiry(campaign: Campaign) -> datetime:
    return timezone.make_aware(datetime.combine(campaign.closes_on, time(23, 59)))


def _send(request_row: ConsentRequest, *, user: Any, reminder: bool) -> None:
    """Issue a fresh link to the parent and e-mail it. A reminder gets a new link (only hashes are kept, so the
    first one cannot be sent again); the old one still works until the campaign closes."""
    campaign, parent = request_row.campaign, request_row.parent
    link, token = issue_link(
        school=campaign.school,
        person=parent,
        purpose=LINK_PURPOSE,
        subject_key=campaign.link_subject,
        expires_at=_link_expiry(campaign),
        created_by=user,
    )
    request_row.link = link
    url = settings.SITE_URL + reverse("consent:answer", args=[token])
    count = request_row.reminders + 1 if reminder else 0
    subject = ("Reminder: " if reminder else "") + f"{campaign.school.name}: photo and video consent"
    body = (
        f"Dear {parent.full_name},\n\n{campaign.school.name} asks for your consent to use photos and video of "
        f"{request_row.pupil.first_name} ({', '.join(campaign.get_uses_display()).lower()}).\n\n"
        f"Please answer here by {campaign.closes_on:%-d %B %Y}: {url}\n\n"
        "The link is for you only and works once. You can change your mind at any time by telling the office.\n"
    )
    queue_email(
        f"consent-request-{request_row.pk}-{count}", [parent.email], subject, body, school=campaign.school
    )


@transaction.atomic
def start_campaign(
    *,
    school: School,
    title: str,
    audience: str,
    audience_value: str,
    uses: list[str],
    closes_on: date,
    consent_expires_on: date,
    user: Any,
    request: Any = None,
    new_since: date | None = None,
    renewal_of: Campaign | None = None,
) -> Campaign:
    """Create the campaign, one request per parent and pupil, and e-mail each parent who has an address."""
    campaign = Campaign.objects.create(
        school=school,
        title=title,
        audience=audience,
        audience_value=audience_value,
        new_since=new_since,
        uses=[use for use in Use.values if use in uses],
        closes_on=closes_on,
        consent_expires_on=consent_expires_on,
        created_by=user if getattr(user, "pk", None) else None,
        renewal_of=renewal_of,
    )
    links = Guardianship.objects.filter(
        pupil__in=audience_pupils(school, audience, audience_value, new_since)
    )
    for guardianship in links.select_related("parent", "pupil"):
        row = ConsentRequest.objects.create(
            campaign=campaign, pupil=guardianship.pupil, parent=guardianship.parent
        )
        if guardianship.parent.email:
            row.sent_at = timezone.now()
            _send(row, user=user, reminder=False)
            row.save(update_fields=["sent_at", "link"])
    record(
        "consent.campaign.start",
        actor=user,
        obj=campaign,
        request=request,
        detail={
            "audience": audience,
            "value": audience_value,
            "uses": campaign.uses,
            "requests": campaign.requests.count(),
        },
    )
    return campaign


def renew_campaign(campaign: Campaign, *, user: Any, request: Any = None) -> Campaign:
    """Next year's campaign: the same audience and uses, dates a year on."""

    def next_year(day: date) -> date:
        return (
            day.replace(year=day.year + 1)
            if not (day.month == 2 and day.day == 29)
            else date(day.year + 1, 2, 28)
        )

    today = timezone.localdate()
    closes_on = max(next_year(campaign.closes_on), today + timedelta(days=14))
    return start_campaign(
        school=campaign.school,
        title=f"{campaign.title} (renewal)" if "renewal" not in campaign.title else campaign.title,
        audience=campaign.audience,
        audience_value=campaign.audience_value,
        new_since=campaign.new_since,
        uses=list(campaign.uses),
        closes_on=closes_on,
        consent_expires_on=default_expiry(closes_on),
        user=user,
        request=request,
        renewal_of=campaign,
    )


def send_reminders(now: datetime | None = None) -> int:
    """Remind every parent of an open campaign who has not answered, at most once per the campaign's interval."""
    now = now or timezone.now()
    sent = 0
    due = ConsentRequest.objects.filter(
        campaign__status=Campaign.Status.OPEN,
        campaign__closes_on__gte=timezone.localdate(now),
        answered_at__isnull=True,
        sent_at__isnull=False,
    ).select_related("campaign__school", "parent", "pupil")
    for row in due:
        last = row.reminded_at or row.sent_at
        assert last is not None
        if now - last < timedelta(days=row.campaign.remind_every_days):
            continue
        with transaction.atomic():
            _send(row, user=None, reminder=True)
            row.reminders += 1
            row.reminded_at = now
            row.save(update_fields=["reminders", "reminded_at", "link"])
        sent += 1
    return sent


def close_finished_campaigns(today: date | None = None) -> int:
    today = today or timezone.localdate()
    return Campaign.objects.filter(status=Campaign.Status.OPEN, closes_on__lt=today).update(
        status=Campaign.Status.CLOSED
    )


def requests_for_link(token_link: Any) -> QuerySet[ConsentRequest]:
    """The open requests the link's parent was sent in its campaign (one per child in the audience)."""
    campaign_id = int(token_link.subject_key.split(":", 1)[1])
    return ConsentRequest.objects.filter(
        campaign_id=campaign_id, parent_id=token_link.person_id, campaign__school_id=token_link.school_id
    ).select_related("campaign", "pupil", "parent")


@transaction.atomic
def answer_by_link(raw_token: str, answers: dict[int, dict[str, str]], request: Any = None) -> list[Consent]:
    """A parent answers through their link: ``answers`` is pupil id -> use -> "granted"|"refused". The link is
    used in the same transaction, so the answers and the link's use commit together or not at all."""
    link = use_link(raw_token, LINK_PURPOSE)
    rows: list[Consent] = []
    now = timezone.now()
    for consent_request in requests_for_link(link):
        campaign = consent_request.campaign
        if campaign.status != Campaign.Status.OPEN:
            raise LinkRefused("expired")
        given = {
            use: answer
            for use, answer in answers.get(consent_request.pupil_id, {}).items()
            if use in campaign.uses
        }
        if not given:
            continue
        rows += record_consent(
            person=consent_request.pupil,
            answers=given,
            given_by=consent_request.parent,
            method=Consent.Method.LINK,
            expires_on=campaign.consent_expires_on,
            request=request,
            campaign=campaign,
        )
        ConsentRequest.objects.filter(
            campaign=campaign, parent=consent_request.parent, pupil=consent_request.pupil
        ).update(answered_at=now)
    return rows
