"""Demo training and curriculum: fifteen months of CPD sessions and e-safety lessons at Hollybrook.

Staff joined years ago (their directory entries are back-dated so that their first-time deadlines are long past
and their induction is done); the trainee and the supply teacher started three weeks ago and still have induction
items open. A few people missed this year's INSET and the technician's role training has lapsed, so the overdue
list, the reminders and the compliance chart all have something to show. Deterministic: choices use ``ctx.rng``.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django.utils import timezone

from esafety.core.demo import DemoContext
from esafety.people.models import Person
from esafety.training import actions
from esafety.training.models import (
    Audience,
    InductionItem,
    Lesson,
    PlannedUnit,
    Requirement,
    Resource,
    SessionKind,
    Strand,
    Term,
    school_year_of,
    term_start,
)

K, A, S = SessionKind, Audience, Strand
REQUIREMENTS = [
    (K.SAFEGUARDING_INSET, A.STAFF, 12, 30, "E-Safety Policy: CPD programme; KCSIE Part 1 (annual update)"),
    (K.ESAFETY_BRIEFING, A.STAFF, 12, 60, "E-Safety Policy: in-school support based on staff needs"),
    (K.INDUCTION_TRAINEE, A.TRAINEE, 0, 10, "E-Safety Policy: induction"),
    (K.SAFEGUARDING_INSET, A.TRAINEE, 12, 30, "KCSIE Part 1"),
    (K.INDUCTION_SUPPLY, A.SUPPLY, 0, 1, "E-Safety Policy: induction; KCSIE (supply staff)"),
    (K.INDUCTION_GOVERNOR, A.GOVERNOR, 0, 90, "KCSIE Part 2: governors' safeguarding training at induction"),
    (K.SAFEGUARDING_INSET, A.GOVERNOR, 36, 90, "KCSIE Part 2: regularly updated"),
    (K.FILTERING_MONITORING, A.ROLE_HEAD, 24, 60, "DfE filtering and monitoring standards: SLT lead trained"),
    (K.FILTERING_MONITORING, A.ROLE_DSL, 24, 60, "KCSIE: DSL training every two years"),
    (K.FILTERING_MONITORING, A.ROLE_COORDINATOR, 24, 60, "DfE filtering and monitoring standards"),
    (
        K.FILTERING_MONITORING,
        A.ROLE_TECHNICIAN,
        12,
        60,
        "DfE filtering and monitoring standards: IT staff trained",
    ),
]

# (year group, term, strand, title): Year 2 in depth, Reception and Year 1 as visited.
PLAN = [
    ("Reception", Term.AUTUMN, S.PRIVACY, "My name and my picture are mine: asking before sharing"),
    ("Reception", Term.SUMMER, S.RELATIONSHIPS, "Who are the grown-ups I can tell?"),
    ("Year 1", Term.AUTUMN, S.RELATIONSHIPS, "Being kind online and offline"),
    ("Year 1", Term.SPRING, S.INFORMATION, "Not everything online is true"),
    ("Year 1", Term.SUMMER, S.HEALTH, "Screen time and feeling good"),
    ("Year 2", Term.AUTUMN, S.SELF_IMAGE, "Me online: avatars and real life"),
    ("Year 2", Term.AUTUMN, S.RELATIONSHIPS, "Strangers online and the SMART rules"),
    ("Year 2", Term.AUTUMN, S.PRIVACY, "Passwords and keeping things private"),
    ("Year 2", Term.SPRING, S.BULLYING, "What to do if someone is unkind online"),
    ("Year 2", Term.SPRING, S.INFORMATION, "Searching safely and checking what we find"),
    ("Year 2", Term.SPRING, S.REPUTATION, "What we share stays online"),
    ("Year 2", Term.SUMMER, S.HEALTH, "Games, apps and time to stop"),
    ("Year 2", Term.SUMMER, S.COPYRIGHT, "Whose work is it? Pictures and music online"),
]
CLASS_OF = {
    "Reception": "Robins",
    "Year 1": "Wrens",
    "Year 2": "Kestrels",
    "Year 4": "Herons",
    "Year 6": "Eagles",
}

RESOURCES = [
    ("Smartie the Penguin", "Childnet", "https://www.childnet.com/", S.RELATIONSHIPS, 40),
    ("Digiduck's Big Decision", "Childnet", "https://www.childnet.com/", S.BULLYING, 100),
    ("Project EVOLVE toolkit", "SWGfL / UKCIS", "https://projectevolve.co.uk/", S.INFORMATION, 200),
    (
        "Be Internet Legends",
        "Google / Parent Zone",
        "https://beinternetlegends.withgoogle.com/",
        S.PRIVACY,
        300,
    ),
    ("Hollybrook password game", "school-made", "", S.PRIVACY, 420),
    ("Screen-time diary", "school-made", "", S.HEALTH, None),
    ("Picture credits worksheet", "school-made", "", S.COPYRIGHT, 150),
    ("Avatar and me cards", "school-made", "", S.SELF_IMAGE, 90),
    ("Sharing is forever slideshow", "school-made", "", S.REPUTATION, 500),
]


def _back_date(person: Person, days: int) -> None:
    when = timezone.now() - timedelta(days=days)
    Person.objects.filter(pk=person.pk).update(created=when)
    person.created = when


def build(ctx: DemoContext) -> None:
    rng, school, today = ctx.rng, ctx.school, ctx.today
    for kind, audience, every, within, source in REQUIREMENTS:
        Requirement.objects.create(
            school=school,
            kind=kind,
            audience=audience,
            every_months=every,
            first_within_days=within,
            source=source,
        )
    staff = list(Person.objects.filter(school=school, kind=Person.Kind.STAFF))
    governors = list(Person.objects.filter(school=school, kind=Person.Kind.GOVERNOR))
    trainee = Person.objects.get(school=school, kind=Person.Kind.TRAINEE)
    supply = Person.objects.get(school=school, kind=Person.Kind.SUPPLY)
    # Everyone but the new starters has been here for years; their induction was done when they started.
    for person in staff + governors:
        _back_date(person, 700 + rng.randrange(1500))
        started = timezone.localtime(person.created).date()
        InductionItem.objects.filter(person=person).update(
            done_at=timezone.make_aware(datetime.combine(started + timedelta(days=3), time(15))),
            due_on=started + timedelta(days=5),
        )
    for person in (trainee, supply):
        _back_date(person, 21)
        started = today - timedelta(days=21)
        for item in InductionItem.objects.filter(person=person):
            days = (item.due_on - timezone.localdate()).days
            InductionItem.objects.filter(pk=item.pk).update(due_on=started + timedelta(days=max(days, 1)))
    first = InductionItem.objects.filter(person=trainee).order_by("due_on").first()
    if first:
        first.mark_done(ctx.users["coordinator"])

    coordinator = ctx.users["coordinator"]
    year = school_year_of(today)
    inset_this = date(year, 9, 1) + timedelta(days=1)
    inset_last = date(year - 1, 9, 1) + timedelta(days=1)

    def session(
        kind: str, title: str, held_on: date, led_by: str, people: list[Person], minutes: int = 90
    ) -> None:
        made = actions.create_session(
            school, by=coordinator, kind=kind, title=title, held_on=held_on, led_by=led_by, minutes=minutes
        )
        actions.record_attendance(made, people, by=coordinator)

    missed = set(rng.sample(range(len(staff)), 3))
    session(K.SAFEGUARDING_INSET, "Safeguarding and KCSIE update", inset_last, "DSL", staff, 180)
    if inset_this <= today:
        session(
            K.SAFEGUARDING_INSET,
            "Safeguarding and KCSIE update",
            inset_this,
            "DSL",
            [p for i, p in enumerate(staff) if i not in missed],
            180,
        )
    briefing = (
        min(today - timedelta(days=40), date(year, 11, 15))
        if today >= date(year, 10, 1)
        else today - timedelta(days=20)
    )
    session(
        K.ESAFETY_BRIEFING,
        "Apps pupils use now, and reporting a concern",
        briefing,
        "E-Safety Co-ordinator",
        staff,
        45,
    )
    session(
        K.ESAFETY_BRIEFING,
        "Filtering: what to do when something gets through",
        today - timedelta(days=380),
        "E-Safety Co-ordinator",
        staff[:-4],
        45,
    )
    people_of = {u: ctx.person(u) for u in ("head", "coordinator", "technician")}
    session(
        K.FILTERING_MONITORING,
        "Filtering and monitoring: roles under the DfE standards",
        today - timedelta(days=210),
        "Meadowbank Learning Trust safeguarding team",
        [people_of["head"], people_of["coordinator"]],
        120,
    )
    session(
        K.FILTERING_MONITORING,
        "Filter and monitoring administration",
        today - timedelta(days=400),
        "IT service provider",
        [people_of["technician"]],
        180,
    )
    session(
        K.INDUCTION_GOVERNOR,
        "Governor induction: online safety",
        today - timedelta(days=330),
        "Headteacher",
        governors,
        60,
    )
    session(
        K.SAFEGUARDING_INSET,
        "Safeguarding for governors",
        today - timedelta(days=520),
        "Local authority",
        governors,
        120,
    )
    session(
        K.INDUCTION_TRAINEE,
        "Trainee induction",
        today - timedelta(days=18),
        "E-Safety Co-ordinator",
        [trainee],
        60,
    )
    for days in (25, 120, 260):
        session(
            K.ASSEMBLY,
            "Safer Internet assembly" if days == 260 else "Online kindness assembly",
            today - timedelta(days=days),
            "E-Safety Co-ordinator",
            [people_of["coordinator"]],
            20,
        )
    _curriculum(ctx, year)


def _curriculum(ctx: DemoContext, year: int) -> None:
    rng, school, today = ctx.rng, ctx.school, ctx.today
    coordinator, teacher = ctx.users["coordinator"], ctx.users["teacher"]
    for group, term, strand, title in PLAN:
        PlannedUnit.objects.create(school=school, year_group=group, term=term, strand=strand, title=title)
    resources = {}
    for title, provider, link, strand, reviewed_days in RESOURCES:
        resource = Resource.objects.create(
            school=school, title=title, provider=provider, link=link, strand=strand
        )
        if reviewed_days is not None:
            actions.review_resource(
                resource,
                by=coordinator,
                note="Checked: still suitable for KS1.",
                on=today - timedelta(days=reviewed_days),
            )
        resources[strand] = resource
    # Last year: everything planned was taught. This year: terms that have begun, all but one unit.
    skip = ("Year 2", Term.AUTUMN, S.PRIVACY)
    for school_year in (year - 1, year):
        for group, term, strand, title in PLAN:
            start = term_start(school_year, term)
            if start > today or (school_year == year and (group, term, strand) == skip):
                continue
            delivered = min(start + timedelta(days=14 + rng.randrange(40)), today - timedelta(days=1))
            lesson = Lesson.objects.create(
                school=school,
                delivered_on=delivered,
                year_group=group,
                class_name=CLASS_OF[group],
                strand=strand,
                title=title,
                taught_by=teacher if group == "Year 2" else coordinator,
            )
            if strand in resources:
                lesson.resources.add(resources[strand])
    # Embedded elsewhere: a Year 4 and a Year 6 lesson outside the plan.
    for group, strand, title, days in (
        ("Year 4", S.BULLYING, "Group chats and being left out", 50),
        ("Year 6", S.INFORMATION, "Spotting fake news", 70),
    ):
        Lesson.objects.create(
            school=school,
            delivered_on=today - timedelta(days=days),
            year_group=group,
            class_name=CLASS_OF[group],
            strand=strand,
            title=title,
            taught_by=coordinator,
        )
