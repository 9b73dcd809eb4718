"""Demo consent register: every pupil's and staff member's answers for this school year, with the cases a real
register has: refusals, answers that ran out, withdrawals, parents who disagree and pupils nobody answered for;
and an open request to the new Reception class. Deterministic: every choice comes from ``ctx.rng``."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django.utils import timezone

from esafety.consent.actions import LINK_PURPOSE, default_expiry
from esafety.consent.models import STAFF_USES, Campaign, Consent, ConsentRequest, Use
from esafety.core.demo import DemoContext
from esafety.core.links import issue_link
from esafety.people.models import Guardianship, Person

SECOND_PARENTS = ["Marcus", "Joanna", "Tariq", "Helena", "Craig", "Bianca"]


def _at(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(9, 30)))


def build(ctx: DemoContext) -> None:
    rng, school = ctx.rng, ctx.school
    pupils: list[Person] = ctx.extra["pupils"]
    parent_of = {
        link.pupil_id: link.parent
        for link in Guardianship.objects.filter(pupil__in=pupils).select_related("parent")
    }
    expiry = default_expiry(ctx.today)
    september = date(expiry.year - 1, 9, 8)
    recorder = ctx.users["office"]

    def answer(
        person: Person,
        giver: Person,
        use: str,
        granted: bool,
        *,
        day: date = september,
        until: date = expiry,
        method: str = Consent.Method.SCAN,
    ) -> Consent:
        return Consent(
            school=school,
            person=person,
            use=use,
            answer=Consent.Answer.GRANTED if granted else Consent.Answer.REFUSED,
            given_by=giver,
            given_at=_at(min(day, ctx.today)),
            method=method,
            reference=f"Consent forms {until.year - 1}-{until.year % 100:02d}"
            if method == Consent.Method.SCAN
            else "",
            expires_on=until,
            recorded_by=recorder if method != Consent.Method.LINK else None,
        )

    rows: list[Consent] = []
    unanswered, fully = [], []
    reception = [pupil for pupil in pupils if pupil.class_name == "Robins"]
    for pupil in pupils:
        parent = parent_of[pupil.pk]
        if pupil in reception[:12]:
            unanswered.append(pupil)  # the new Reception class is being asked now (the open campaign below)
            continue
        roll = rng.random()
        if roll < 0.05:
            unanswered.append(pupil)
            continue
        if roll < 0.10:  # last year's answers, never renewed: they ran out on 31 August
            for use in Use:
                rows.append(
                    answer(
                        pupil,
                        parent,
                        use,
                        True,
                        day=september - timedelta(days=365),
                        until=september - timedelta(days=8),
                    )
                )
            continue
        refused: set[str] = set()
        if roll < 0.16:
            refused = set(Use)  # no photos at all
        elif roll < 0.28:
            refused = {Use.SOCIAL, Use.PRESS}
        elif roll < 0.34:
            refused = {Use.WEBSITE, Use.SOCIAL, Use.PRESS, Use.FIRST_NAME}
        rows += [answer(pupil, parent, use, use not in refused) for use in Use]
        if not refused:
            fully.append(pupil)
    withdrawn = rng.sample(fully, 3)
    disputed = rng.sample([pupil for pupil in fully if pupil not in withdrawn], 3)
    created = {(row.person_id, row.use, row.given_by_id): row for row in Consent.objects.bulk_create(rows)}

    # Withdrawals, kept as history: the website and social media consent withdrawn in the spring.
    for pupil in withdrawn:
        parent = parent_of[pupil.pk]
        for use in (Use.WEBSITE, Use.SOCIAL):
            row = created[(pupil.pk, use, parent.pk)]
            row.withdrawn_at = _at(min(ctx.today, september + timedelta(days=rng.randrange(60, 150))))
            row.withdrawn_by = parent
            row.withdrawal_reason = rng.choice(
                [
                    "Family circumstances have changed",
                    "Would rather not have photos online",
                    "Asked at parents' evening",
                ]
            )
            row.withdrawal_recorded_by = recorder
            row.save(
                update_fields=["withdrawn_at", "withdrawn_by", "withdrawal_reason", "withdrawal_recorded_by"]
            )

    # Parents who disagree: a second parent refused what the first agreed to; the refusal stands.
    second_rows: list[Consent] = []
    for index, pupil in enumerate(disputed):
        other = Person.objects.create(
            school=school,
            kind=Person.Kind.PARENT,
            mis_id=f"C2{index:03d}",
            first_name=SECOND_PARENTS[index % len(SECOND_PARENTS)],
            last_name=pupil.last_name,
            email=f"second.parent{index}@home.example",
        )
        Guardianship.objects.create(
            parent=other, pupil=pupil, relationship=rng.choice(["Father", "Mother", "Step-parent"])
        )
        second_rows += [
            answer(
                pupil, other, use, use not in (Use.WEBSITE, Use.SOCIAL), day=september + timedelta(days=12)
            )
            for use in Use
        ]
    Consent.objects.bulk_create(second_rows)

    # Staff answer for themselves.
    staff_rows: list[Consent] = []
    staff = list(Person.objects.filter(school=school, kind=Person.Kind.STAFF).order_by("mis_id"))
    for number, person in enumerate(staff):
        if number == len(staff) - 1:
            continue  # a new starter who has not handed the form in yet
        no_video = rng.random() < 0.15
        staff_rows += [
            answer(person, person, use, not (no_video and use == Use.VIDEO), method=Consent.Method.FORM)
            for use in STAFF_USES
        ]
    Consent.objects.bulk_create(staff_rows)

    # The open request to the new Reception class: some parents have answered through their link.
    campaign = Campaign.objects.create(
        school=school,
        title="Photo and video consent: new Reception class",
        audience=Campaign.Audience.CLASS,
        audience_value="Robins",
        uses=[use.value for use in Use],
        closes_on=ctx.today + timedelta(days=10),
        consent_expires_on=expiry,
        created_by=ctx.users["coordinator"],
    )
    answered_rows: list[Consent] = []
    sent = timezone.now() - timedelta(days=9)
    for index, pupil in enumerate(reception[:12]):
        parent = parent_of[pupil.pk]
        link, _ = issue_link(
            school=school,
            person=parent,
            purpose=LINK_PURPOSE,
            subject_key=campaign.link_subject,
            expires_at=_at(campaign.closes_on),
            created_by=ctx.users["coordinator"],
        )
        answered = index < 7
        ConsentRequest.objects.create(
            campaign=campaign,
            pupil=pupil,
            parent=parent,
            link=link,
            sent_at=sent,
            reminded_at=None if answered else sent + timedelta(days=7),
            reminders=0 if answered else 1,
            answered_at=sent + timedelta(days=rng.randrange(1, 6)) if answered else None,
        )
        if answered:
            link.used_at = sent + timedelta(days=1)
            link.save(update_fields=["used_at"])
            for use in Use:
                row = answer(
                    pupil,
                    parent,
                    use,
                    rng.random() > 0.1,
                    day=ctx.today - timedelta(days=5),
                    method=Consent.Method.LINK,
                )
                row.campaign = campaign
                answered_rows.append(row)
    Consent.objects.bulk_create(answered_rows)
    ctx.extra["consent_withdrawn"] = withdrawn
    ctx.extra["consent_disputed"] = disputed
