"""Demo safeguarding log: about a hundred past incidents over the last two school years, all fictional.

Built through the real actions (so timelines, audit entries and outcomes are what the app itself would write),
then back-dated. No e-mail is queued (``esafety.core.actions.quiet``). Deterministic: every choice comes from ``ctx.rng``.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import Any

from django.utils import timezone

from esafety.core.actions import quiet
from esafety.core.demo import DemoContext
from esafety.incidents import actions
from esafety.incidents.models import (
    Category,
    CategoryGuidance,
    Incident,
    IncidentAction,
    IncidentPerson,
    IncidentSettings,
    Outcome,
    TimelineEntry,
)
from esafety.people.models import Person

C = Category
COUNT = 96
WEIGHTS = [
    (C.OFF_TASK, 22),
    (C.INAPPROPRIATE_CONTENT, 18),
    (C.CYBERBULLYING, 14),
    (C.DEVICE_MISUSE, 9),
    (C.INAPPROPRIATE_EMAIL, 6),
    (C.DATA_BREACH, 4),
    (C.SEXTING, 3),
    (C.GROOMING, 3),
    (C.SELF_HARM, 3),
    (C.RADICALISATION, 2),
    (C.ILLEGAL_ACTIVITY, 2),
    (C.OTHER, 6),
]
PLACES = [
    "Year 2 classroom",
    "ICT suite",
    "Library",
    "School iPad at home",
    "Playground",
    "Year 5 classroom",
    "Year 6 classroom",
    "After-school club",
    "Breakfast club",
    "Hall",
]
TEXT = {
    C.OFF_TASK: [
        "During a maths lesson {p} was playing an online game instead of the set task.",
        "{p} had opened a video site during independent research time.",
    ],
    C.INAPPROPRIATE_CONTENT: [
        "A search for images for a topic on animals showed an unsuitable picture on {p}'s "
        "screen. The page was not blocked by the filter.",
        "{p} showed a friend a violent video clip found through a link in a game chat.",
    ],
    C.CYBERBULLYING: [
        "{p} said that other children in the class had been sending unkind messages about them in a "
        "group chat over the weekend, and had left them out of the group.",
        "A parent reported that {p} had received name-calling messages through a game.",
    ],
    C.DEVICE_MISUSE: [
        "{p} had a mobile phone switched on in class and was taking photos of other pupils. The "
        "phone was confiscated and kept in the office.",
        "{p} changed another pupil's password on a class laptop.",
    ],
    C.INAPPROPRIATE_EMAIL: [
        "{p} received an e-mail on the school account from an unknown sender with a link "
        "asking for their password.",
        "An e-mail with offensive language was sent from {p}'s school account.",
    ],
    C.DATA_BREACH: [
        "A spreadsheet with pupils' names and reading levels was e-mailed to the wrong parent.",
        "A school laptop was left unlocked in the hall during a parents' evening.",
    ],
    C.SEXTING: [
        "{p} told a teaching assistant that an older child had asked them to send a photo of themself."
    ],
    C.GROOMING: [
        "{p} said an adult they met in an online game has been asking where they live and which school "
        "they go to, and asked them to keep it secret."
    ],
    C.SELF_HARM: [
        "{p} was seen watching videos about hurting yourself and seemed upset when asked about it."
    ],
    C.RADICALISATION: [
        "{p} repeated extremist slogans seen in videos online and was sharing them with friends."
    ],
    C.ILLEGAL_ACTIVITY: [
        "A parent passed on concerns that an older sibling was sharing illegal images through a "
        "messaging app used by {p}'s friends."
    ],
    C.OTHER: [
        "{p} was upset after seeing a frightening online challenge video that other children were talking "
        "about."
    ],
}
GUIDANCE = {
    C.OFF_TASK: "Deal with it there and then under the behaviour policy; report it if it happens again.",
    C.INAPPROPRIATE_CONTENT: "Close the lid or turn off the screen, do not close the page, note the time and tell "
    "the Co-ordinator so the filter can be checked.",
    C.INAPPROPRIATE_EMAIL: "Do not forward it. Report it here at once: it goes to the Headteacher too.",
    C.ILLEGAL_ACTIVITY: "Do not investigate or copy anything yourself. Report it here at once and tell the "
    "Headteacher in person.",
    C.STAFF_AUP_BREACH: "Only the Headteacher (and the named deputy) will see this report.",
}
OUTCOMES: dict[str, list[dict[str, Any]]] = {
    C.OFF_TASK: [{"kind": Outcome.Kind.HANDLED_IN_CLASS}],
    C.INAPPROPRIATE_CONTENT: [
        {"kind": Outcome.Kind.FILTER_CHANGE, "notes": "Site category blocked."},
        {"kind": Outcome.Kind.HANDLED_IN_CLASS},
    ],
    C.CYBERBULLYING: [
        {"kind": Outcome.Kind.BEHAVIOUR_SANCTION, "sanction": Outcome.Sanction.LOSS_OF_PRIVILEGES},
        {"kind": Outcome.Kind.PARENTS_INFORMED},
    ],
    C.DEVICE_MISUSE: [
        {"kind": Outcome.Kind.BEHAVIOUR_SANCTION, "sanction": Outcome.Sanction.WARNING},
        {"kind": Outcome.Kind.PARENTS_INFORMED},
    ],
    C.INAPPROPRIATE_EMAIL: [
        {"kind": Outcome.Kind.FILTER_CHANGE, "notes": "Sender blocked at the mail filter."}
    ],
    C.DATA_BREACH: [{"kind": Outcome.Kind.NO_FURTHER_ACTION, "notes": "Recipient confirmed deletion."}],
    C.SEXTING: [
        {"kind": Outcome.Kind.REFERRAL, "agency": Outcome.Agency.SOCIAL_CARE},
        {"kind": Outcome.Kind.PARENTS_INFORMED},
    ],
    C.GROOMING: [
        {"kind": Outcome.Kind.REFERRAL, "agency": Outcome.Agency.CEOP},
        {"kind": Outcome.Kind.REFERRAL, "agency": Outcome.Agency.POLICE},
        {"kind": Outcome.Kind.PARENTS_INFORMED},
    ],
    C.SELF_HARM: [
        {"kind": Outcome.Kind.REFERRAL, "agency": Outcome.Agency.SOCIAL_CARE},
        {"kind": Outcome.Kind.PARENTS_INFORMED},
    ],
    C.RADICALISATION: [
        {"kind": Outcome.Kind.REFERRAL, "agency": Outcome.Agency.PREVENT},
        {"kind": Outcome.Kind.PARENTS_INFORMED},
    ],
    C.ILLEGAL_ACTIVITY: [{"kind": Outcome.Kind.REFERRAL, "agency": Outcome.Agency.POLICE}],
    C.OTHER: [{"kind": Outcome.Kind.PARENTS_INFORMED}],
}
SERIOUS = {C.SEXTING, C.GROOMING, C.SELF_HARM, C.RADICALISATION, C.ILLEGAL_ACTIVITY, C.INAPPROPRIATE_EMAIL}


def _backdate(incident: Incident, start: datetime) -> None:
    """Spread the incident's timeline over the days after ``start`` (the actions stamped it "now")."""
    entries = list(incident.timeline.order_by("at", "pk"))
    for index, entry in enumerate(entries):
        TimelineEntry.objects.filter(pk=entry.pk).update(at=start + timedelta(hours=1 + index * 20))
    last = start + timedelta(hours=1 + max(len(entries) - 1, 0) * 20)
    Incident.objects.filter(pk=incident.pk).update(
        reported_at=start + timedelta(minutes=40),
        updated_at=last,
        escalated_at=start + timedelta(hours=21) if incident.escalated_at else None,
        closed_at=last if incident.closed_at else None,
    )
    for outcome in incident.outcomes.all():
        outcome.recorded_at = last
        outcome.save(update_fields=["recorded_at"])


def build(ctx: DemoContext) -> None:
    rng, school, users = ctx.rng, ctx.school, ctx.users
    IncidentSettings.objects.update_or_create(school=school, defaults={"restricted_deputy": users["deputy"]})
    CategoryGuidance.objects.bulk_create(
        [CategoryGuidance(school=school, category=category, text=text) for category, text in GUIDANCE.items()]
    )
    pupils: list[Person] = ctx.extra["pupils"]
    reporters = (
        [users["teacher"]] * 4
        + [users["teacher2"]] * 3
        + [users["coordinator"], users["technician"], users["office"], users["deputy"]]
    )
    categories = [category for category, weight in WEIGHTS for _ in range(weight)]
    now = timezone.now()
    tz = timezone.get_current_timezone()
    with quiet():
        for index in range(COUNT):
            # Oldest first, about two school years back, so reference numbers rise with time.
            # Denser towards today, as a live log is: a dozen in the last month, the rest spread further back.
            days_ago = int(((COUNT - index) / COUNT) ** 1.6 * 700) + rng.randrange(0, 3)
            day = ctx.today - timedelta(days=days_ago)
            while day.weekday() >= 5:
                day -= timedelta(days=1)
            occurred = datetime.combine(day, time(rng.randrange(8, 16), rng.choice([0, 10, 20, 35, 45])), tz)
            category = rng.choice(categories)
            victim = rng.choice(pupils)
            people: list[tuple[Person, IncidentPerson.Role]] = []
            if category == C.CYBERBULLYING:
                people = [(victim, IncidentPerson.Role.VICTIM)] + [
                    (p, IncidentPerson.Role.SUBJECT)
                    for p in rng.sample(
                        [p for p in pupils if p.class_name == victim.class_name and p != victim],
                        rng.randrange(1, 3),
                    )
                ]
            elif category == C.DATA_BREACH:
                people = []
            else:
                role = (
                    IncidentPerson.Role.SUBJECT
                    if category in (C.OFF_TASK, C.DEVICE_MISUSE)
                    else (IncidentPerson.Role.VICTIM)
                )
                people = [(victim, role)]
            if rng.random() < 0.2 and category != C.DATA_BREACH:
                people.append((rng.choice(pupils), IncidentPerson.Role.WITNESS))
            reporter = rng.choice(reporters)
            incident = actions.report_incident(
                school=school,
                reporter=reporter,
                category=category,
                occurred_at=occurred,
                description=rng.choice(TEXT[category]).format(p=victim.first_name),
                location=rng.choice(PLACES),
                people=people,
                reporter_actions=rng.choice(
                    [
                        "Closed the lid and told the pupil to wait.",
                        "Took a screenshot and spoke to the pupil.",
                        "",
                    ]
                ),
            )
            _progress(ctx, incident, category, days_ago, occurred)
        _staff_case(ctx, now)
        _open_work(ctx, now)
    # Two recent reports by the teacher still waiting for the Co-ordinator, and one filed by monitoring.
    with quiet():
        for hours, category in ((3, C.INAPPROPRIATE_CONTENT), (26, C.CYBERBULLYING)):
            pupil = rng.choice([p for p in pupils if p.class_name == "Kestrels"])
            actions.report_incident(
                school=school,
                reporter=users["teacher"],
                category=category,
                occurred_at=now - timedelta(hours=hours),
                description=rng.choice(TEXT[category]).format(p=pupil.first_name),
                location="Year 2 classroom",
                people=[(pupil, IncidentPerson.Role.VICTIM)],
            )
        actions.report_incident(
            school=school,
            reporter=None,
            category=C.SELF_HARM,
            occurred_at=now - timedelta(hours=5),
            description="Monitoring flagged a search for self-harm terms on a Year 6 laptop.",
            location="Year 6 classroom",
            people=[
                (rng.choice([p for p in pupils if p.class_name == "Eagles"]), IncidentPerson.Role.VICTIM)
            ],
            source="monitoring",
            source_ref="demo-alert-1",
            urgent=True,
        )


def _progress(ctx: DemoContext, incident: Incident, category: str, days_ago: int, occurred: datetime) -> None:
    rng, users = ctx.rng, ctx.users
    coordinator, head = users["coordinator"], users["head"]
    if days_ago < 4 and rng.random() < 0.6:
        return  # still awaiting triage
    actions.triage_incident(incident, by=coordinator, assigned=coordinator, reason="Seen; taking this on.")
    serious = category in SERIOUS
    handler = head if serious else coordinator
    if serious:
        actions.escalate_incident(
            incident, by=coordinator, reason="Serious concern: the policy sends it to the Head."
        )
        if days_ago < 15 and rng.random() < 0.6:
            _backdate(incident, occurred)
            return  # with the Head now
        actions.start_investigation(incident, by=head, reason="Gathering accounts from staff.")
    elif rng.random() < 0.5:
        actions.start_investigation(incident, by=coordinator, reason="Speaking to the pupils involved.")
    action_due = occurred.date() + timedelta(days=rng.randrange(3, 15))
    if serious or rng.random() < 0.35:
        owner = rng.choice([users["teacher"], users["teacher2"], coordinator, users["technician"]])
        title = rng.choice(
            [
                "Speak to the pupil's parents",
                "Check the filter logs for the week",
                "Run an online-safety session with the class",
                "Update the pupil's support plan",
                "Collect statements from staff present",
            ]
        )
        action = actions.add_action(incident, by=handler, title=title, owner=owner, due_on=action_due)
        if days_ago > 30 or rng.random() < 0.3:
            actions.complete_action(action, by=owner)
            IncidentAction.objects.filter(pk=action.pk).update(
                done_at=datetime.combine(action_due - timedelta(days=1), time(15, 30), occurred.tzinfo)
            )
        elif days_ago < 30:
            IncidentAction.objects.filter(pk=action.pk).update(
                due_on=ctx.today - timedelta(days=rng.randrange(1, 6))
            )
    if days_ago < 10 and rng.random() < 0.5:
        _backdate(incident, occurred)
        return
    for spec in OUTCOMES[category]:
        values = dict(spec)
        kind = values.pop("kind")
        if kind == Outcome.Kind.REFERRAL:
            values.update(
                referred_on=occurred.date() + timedelta(days=1),
                agency_reference=f"{values['agency'][:3].upper()}-{rng.randrange(10000, 99999)}",
            )
        if kind == Outcome.Kind.PARENTS_INFORMED:
            values.update(
                informed_at=occurred + timedelta(hours=rng.randrange(2, 30)),
                informed_by=handler.get_full_name(),
            )
        actions.record_outcome(incident, by=handler, kind=kind, **values)
    # An incident with an open action stays open: closing is refused until it is done or cancelled.
    open_action = incident.actions.filter(done_at__isnull=True).exists()
    if (days_ago > 20 or rng.random() < 0.4) and not open_action:
        actions.close_incident(incident, by=handler, reason="Outcome in place; nothing further.")
    _backdate(incident, occurred)


def _open_work(ctx: DemoContext, now: datetime) -> None:
    """Make sure today's lists have something on them: an escalated case and open actions, some overdue."""
    users, rng = ctx.users, ctx.rng
    pupil = rng.choice([p for p in ctx.extra["pupils"] if p.class_name == "Falcons"])
    occurred = now - timedelta(days=2, hours=3)
    incident = actions.report_incident(
        school=ctx.school,
        reporter=users["teacher2"],
        category=C.GROOMING,
        occurred_at=occurred,
        description=TEXT[C.GROOMING][0].format(p=pupil.first_name),
        location="Year 5 classroom",
        people=[(pupil, IncidentPerson.Role.VICTIM)],
        reporter_actions="Kept the pupil with me and came to the office.",
    )
    actions.triage_incident(
        incident, by=users["coordinator"], assigned=users["coordinator"], reason="Seen at once."
    )
    actions.escalate_incident(
        incident, by=users["coordinator"], reason="Possible grooming: the Head decides on a referral today."
    )
    actions.add_action(
        incident,
        by=users["coordinator"],
        title="Write down exactly what the pupil said",
        owner=users["teacher2"],
        due_on=ctx.today - timedelta(days=1),
    )
    _backdate(incident, occurred)
    recent = list(
        Incident.objects.filter(school=ctx.school, restricted=False)
        .exclude(status="closed")
        .exclude(pk=incident.pk)
        .order_by("-occurred_at")[:4]
    )
    plans = [
        ("teacher", -3, "Talk to the class about kind messages"),
        ("teacher", 4, "Follow up with the pupil"),
        ("coordinator", -2, "Check the filter logs for the week"),
        ("technician", 6, "Block the site"),
    ]
    for target, (owner, days, title) in zip(recent, plans):  # noqa: B905 (fewer open incidents is fine)
        actions.add_action(
            target,
            by=users["coordinator"],
            title=title,
            owner=users[owner],
            due_on=ctx.today + timedelta(days=days),
        )


def _staff_case(ctx: DemoContext, now: datetime) -> None:
    """One restricted report about a member of staff, investigated by the Headteacher."""
    staff = Person.objects.filter(
        school=ctx.school, kind=Person.Kind.STAFF, job_title="Teaching assistant"
    ).first()
    if staff is None:
        return
    occurred = now - timedelta(days=75)
    incident = actions.report_incident(
        school=ctx.school,
        reporter=ctx.users["office"],
        category=C.STAFF_AUP_BREACH,
        occurred_at=occurred,
        description="A member of staff was seen taking photos of pupils on a personal phone during a trip, "
        "which the Acceptable Use Policy does not allow.",
        location="Class trip",
        people=[(staff, IncidentPerson.Role.SUBJECT)],
    )
    head = ctx.users["head"]
    actions.triage_incident(
        incident, by=head, assigned=head, reason="Head to investigate under the LA policy."
    )
    actions.start_investigation(
        incident, by=head, reason="Meeting arranged with the staff member and union rep."
    )
    actions.record_outcome(
        incident,
        by=head,
        kind=Outcome.Kind.STAFF_DISCIPLINARY,
        disciplinary=Outcome.Disciplinary.INFORMAL,
        notes="Photos deleted in the Head's presence; AUP re-signed.",
    )
    actions.close_incident(incident, by=head, reason="Informal outcome recorded on the personal file.")
    _backdate(incident, occurred)
