"""Demo directory: about 200 pupils in seven classes, their parents, 25 staff and the governing body."""

from __future__ import annotations

from datetime import date, timedelta

from esafety.accounts.models import Role
from esafety.core.demo import DemoContext, make_user
from esafety.people.models import Guardianship, Person

FIRST_NAMES = [
    "Amelia",
    "Oliver",
    "Isla",
    "George",
    "Ava",
    "Noah",
    "Mia",
    "Arthur",
    "Ivy",
    "Leo",
    "Freya",
    "Oscar",
    "Lily",
    "Harry",
    "Florence",
    "Jack",
    "Willow",
    "Charlie",
    "Evie",
    "Theo",
    "Rosie",
    "Finley",
    "Poppy",
    "Alfie",
    "Sofia",
    "Muhammad",
    "Zara",
    "Yusuf",
    "Aisha",
    "Kacper",
    "Zofia",
    "Tomasz",
    "Maya",
    "Ravi",
    "Priya",
    "Kwame",
    "Ama",
    "Chen",
    "Mei",
    "Jude",
    "Elsie",
    "Reggie",
    "Hallie",
    "Ezra",
    "Nell",
    "Ruby",
    "Sonny",
    "Grace",
    "Albie",
    "Iris",
]
LAST_NAMES = [
    "Ashdown",
    "Bramley",
    "Catterall",
    "Dunmore",
    "Ellery",
    "Fairbairn",
    "Gorton",
    "Hadley",
    "Ingleby",
    "Jessop",
    "Kettering",
    "Langridge",
    "Marwood",
    "Northcott",
    "Oakley",
    "Penrose",
    "Quinlan",
    "Redfern",
    "Stanway",
    "Thursby",
    "Underhill",
    "Varley",
    "Whitcombe",
    "Yardley",
    "Ahmed",
    "Begum",
    "Kowalski",
    "Nowak",
    "Okafor",
    "Mensah",
    "Patel",
    "Sharma",
    "Wong",
    "Li",
    "Osei",
    "Hussain",
    "Novak",
    "Byrne",
    "Doyle",
    "McAllister",
]
CLASSES = [
    ("Reception", "Robins"),
    ("Year 1", "Wrens"),
    ("Year 2", "Kestrels"),
    ("Year 3", "Owls"),
    ("Year 4", "Herons"),
    ("Year 5", "Falcons"),
    ("Year 6", "Eagles"),
]
PUPILS_PER_CLASS = 29

# (username or "", first, last, job title, roles). Names are invented for the demo.
STAFF = [
    ("head", "Helen", "Marsh", "Headteacher", [Role.HEAD]),
    ("deputy", "Daniel", "Okoro", "Deputy Headteacher", [Role.DEPUTY, Role.TEACHER]),
    (
        "coordinator",
        "Priya",
        "Nandra",
        "E-Safety Co-ordinator and ICT Lead",
        [Role.COORDINATOR, Role.DSL, Role.TEACHER],
    ),
    ("technician", "Gareth", "Llewellyn", "ICT Technician", [Role.TECHNICIAN]),
    ("teacher", "Sophie", "Barnes", "Class teacher, Year 2 (Kestrels)", [Role.TEACHER]),
    ("teacher2", "Tom", "Whitaker", "Class teacher, Year 5 (Falcons)", [Role.TEACHER]),
    ("office", "Janet", "Pryce", "School Business Manager", [Role.OFFICE]),
    ("", "Ruth", "Ellison", "Class teacher, Reception (Robins)", []),
    ("", "Amir", "Qureshi", "Class teacher, Year 1 (Wrens)", []),
    ("", "Laura", "Fenwick", "Class teacher, Year 3 (Owls)", []),
    ("", "Ben", "Castell", "Class teacher, Year 4 (Herons)", []),
    ("", "Nadia", "Haddad", "Class teacher, Year 6 (Eagles)", []),
    ("", "Claire", "Rowntree", "SENCo", []),
    ("", "Martin", "Dale", "Teaching assistant", []),
    ("", "Joanne", "Pike", "Teaching assistant", []),
    ("", "Kelly", "Ashworth", "Teaching assistant", []),
    ("", "Sam", "Oduya", "Teaching assistant", []),
    ("", "Fiona", "Leckie", "Teaching assistant", []),
    ("", "Steve", "Harland", "Site manager", []),
    ("", "Linda", "Crossley", "Administrator", []),
    ("", "Beth", "Morland", "Midday supervisor", []),
]
GOVERNORS = [
    ("governor", "Alan", "Mercer", "Chair of governors"),
    ("", "Sunita", "Rao", "Safeguarding governor"),
    ("", "Peter", "Holloway", "Parent governor"),
    ("", "Grace", "Adeyemi", "Foundation governor"),
]


def build(ctx: DemoContext) -> None:
    rng, school = ctx.rng, ctx.school
    domain = school.email_domain
    for staff_number, (username, first, last, title, roles) in enumerate(STAFF, start=1):
        person = Person.objects.create(
            school=school,
            kind=Person.Kind.STAFF,
            mis_id=f"S{staff_number:03d}",
            first_name=first,
            last_name=last,
            job_title=title,
            email=f"{first[0].lower()}.{last.lower()}@{domain}",
        )
        if username:
            make_user(ctx, username, person, roles)
    for number, (username, first, last, title) in enumerate(GOVERNORS, start=1):
        person = Person.objects.create(
            school=school,
            kind=Person.Kind.GOVERNOR,
            mis_id=f"G{number:03d}",
            first_name=first,
            last_name=last,
            job_title=title,
            email=f"{first.lower()}.{last.lower()}@governors.{domain}",
        )
        if username:
            make_user(ctx, username, person, [Role.GOVERNOR])
    Person.objects.create(
        school=school,
        kind=Person.Kind.TRAINEE,
        mis_id="T001",
        first_name="Kieran",
        last_name="Ashby",
        job_title="Trainee teacher (PGCE), Year 4",
    )
    Person.objects.create(
        school=school,
        kind=Person.Kind.SUPPLY,
        mis_id="SUP001",
        first_name="Margaret",
        last_name="Quill",
        job_title="Long-term supply, Year 3",
    )
    Person.objects.create(
        school=school,
        kind=Person.Kind.THIRD_PARTY,
        mis_id="TP001",
        first_name="Dev",
        last_name="Sandhu",
        job_title="Visiting IT support engineer",
    )

    pupils = []
    upn = 0
    for year_index, (year_group, class_name) in enumerate(CLASSES):
        birth_year = ctx.today.year - 5 - year_index - (1 if ctx.today.month < 9 else 0)
        for _ in range(PUPILS_PER_CLASS):
            upn += 1
            pupils.append(
                Person(
                    school=school,
                    kind=Person.Kind.PUPIL,
                    mis_id=f"P{upn:04d}",
                    first_name=rng.choice(FIRST_NAMES),
                    last_name=rng.choice(LAST_NAMES),
                    year_group=year_group,
                    class_name=class_name,
                    date_of_birth=date(birth_year, 9, 1) + timedelta(days=rng.randrange(365)),
                )
            )
    pupils = Person.objects.bulk_create(pupils)
    parents, links = [], []
    for index, pupil in enumerate(pupils, start=1):
        parent = Person(
            school=school,
            kind=Person.Kind.PARENT,
            mis_id=f"C{index:04d}",
            first_name=rng.choice(FIRST_NAMES),
            last_name=pupil.last_name,
            email=f"parent{index:04d}@home.example",
            phone=f"07700 9{index:05d}",
        )
        parents.append(parent)
    parents = Person.objects.bulk_create(parents)
    for pupil, parent in zip(pupils, parents, strict=True):
        links.append(
            Guardianship(parent=parent, pupil=pupil, relationship=rng.choice(["Mother", "Father", "Carer"]))
        )
    Guardianship.objects.bulk_create(links)
    ctx.extra["pupils"] = pupils

    # The second school of the trust: its own co-ordinator, who must see nothing of Hollybrook's records.
    other_person = Person.objects.create(
        school=ctx.other_school,
        kind=Person.Kind.STAFF,
        mis_id="S001",
        first_name="Owen",
        last_name="Tranter",
        job_title="E-Safety Co-ordinator",
    )
    make_user(ctx, "riverside", other_person, [Role.COORDINATOR, Role.TEACHER], school=ctx.other_school)
    make_user(ctx, "trustlead", None, [], school=ctx.school, trust_roles=[Role.TRUST_SAFEGUARDING])
