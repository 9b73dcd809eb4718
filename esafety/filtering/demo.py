"""Demo filtering for Hollybrook: four groups published to the engine, requests at every stage of the chain and a
week of filter-log data, all built through the real actions and drawn from ``ctx.rng``."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import Any

from django.utils import timezone

from esafety.accounts.models import User
from esafety.core.actions import quiet
from esafety.core.demo import DemoContext
from esafety.filtering import actions, ingest, publishing
from esafety.filtering.models import ChangeRequest, FilterCategory, FilterGroup, NetworkAccount
from esafety.people.models import Person

PUPIL_BLOCKS = [
    "adult",
    "mixed_adult",
    "chat",
    "dating",
    "gambling",
    "social_networks",
    "malware",
    "phishing",
    "redirector",
    "vpn",
]
EDUCATIONAL = [
    "www.bbc.co.uk/bitesize",
    "www.topmarks.co.uk",
    "www.natgeokids.com",
    "kids.britannica.com",
    "www.thenational.academy",
    "www.purplemash.com",
    "scratch.mit.edu",
]
WEEKDAYS = ["mon", "tue", "wed", "thu", "fri"]

GROUPS = [
    dict(
        name="reception",
        label="Reception (walled garden)",
        order=1,
        blocked=[],
        allow=EDUCATIONAL + ["www.cbeebies.com"],
        deny=[],
        default="block",
        safe_search=True,
        youtube="strict",
        clients=["10.10.1.0/24"],
        users=[],
        year_groups=["Reception"],
        windows=[],
    ),
    dict(
        name="pupils",
        label="Pupils",
        order=2,
        blocked=PUPIL_BLOCKS,
        allow=EDUCATIONAL,
        deny=[],
        default="allow",
        safe_search=True,
        youtube="strict",
        clients=["10.10.0.0/16"],
        users=[],
        year_groups=["Year 1", "Year 2", "Year 3", "Year 4", "Year 5", "Year 6"],
        windows=[{"days": WEEKDAYS, "start": "09:00", "end": "15:15", "block": ["games"]}],
    ),
    dict(
        name="staff",
        label="Staff",
        order=3,
        blocked=["adult", "mixed_adult", "malware", "phishing"],
        allow=[],
        deny=[],
        default="allow",
        safe_search=True,
        youtube="moderate",
        clients=["10.20.0.0/16"],
        users=["*@hollybrook.sch.example"],
        year_groups=[],
        windows=[],
    ),
    dict(
        name="visitors",
        label="Visitors (guest Wi-Fi)",
        order=4,
        blocked=PUPIL_BLOCKS,
        allow=[],
        deny=[],
        default="allow",
        safe_search=True,
        youtube="strict",
        clients=["10.30.0.0/16"],
        users=[],
        year_groups=[],
        windows=[],
    ),
]


def _squid_line(at: datetime, client: str, user: str, url: str, blocked: bool) -> str:
    result = "TCP_REDIRECT/302" if blocked else "TCP_MISS/200"
    return f"{at.timestamp():.3f}    120 {client} {result} {1200 if blocked else 18000} GET {url} {user} HIER_DIRECT/203.0.113.9 text/html"


def build(ctx: DemoContext) -> None:
    school, rng = ctx.school, ctx.rng
    technician, coordinator, head = ctx.users["technician"], ctx.users["coordinator"], ctx.users["head"]
    teacher, teacher2 = ctx.users["teacher"], ctx.users["teacher2"]
    publishing.settings_for(school)
    for name in publishing.available_categories(publishing.lists_dir(school)):
        FilterCategory.objects.get_or_create(
            school=school, name=name, defaults={"label": name.replace("_", " ").capitalize()}
        )
    illegal = FilterCategory.objects.get(school=school, name="illegal_content")
    illegal.label = "Illegal content (IWF / CTIRU)"
    illegal.save(update_fields=["label"])
    actions.mark_illegal(
        illegal, by=head, reason="IWF and CTIRU lists: illegal content is blocked for everyone."
    )
    reasons = {
        "pupils": "DfE pupil profile: the policy blocks un-moderated chat; safe search and restricted YouTube.",
        "reception": "Our youngest pupils use only sites their teachers have chosen.",
        "staff": "DfE staff profile: staff need open access for teaching, with adult content and threats blocked.",
        "visitors": "Guest Wi-Fi is filtered like pupils, since visitors may be in front of children.",
    }
    for spec in GROUPS:
        actions.save_group(
            FilterGroup(school=school, name=spec["name"]),
            by=technician,
            reason=reasons[spec["name"]],
            changes=dict(spec),
        )
    pupils: list[Person] = ctx.extra["pupils"]
    NetworkAccount.objects.bulk_create(
        [
            NetworkAccount(school=school, person=p, username=f"{p.first_name}.{p.last_name}{p.pk}".lower())
            for p in pupils
        ]
    )
    actions.publish(school, by=technician, reason="First publication of the school's filter policy.")

    # Requests at every stage of the chain.
    with quiet():

        def file(by: User, kind: str, url: str, reason: str, **kw: Any) -> ChangeRequest:
            defaults = {
                "scope": ChangeRequest.Scope.GROUP,
                "group": "pupils",
                "duration": ChangeRequest.Duration.PERMANENT,
            }
            return actions.file_request(
                school, by=by, kind=kind, url=url, reason=reason, **{**defaults, **kw}
            )

        U, B = ChangeRequest.Kind.UNBLOCK, ChangeRequest.Kind.BLOCK
        file(
            teacher,
            U,
            "https://www.scratch-forum.example/projects",
            "Year 5 coding club share projects here.",
        )
        asked = file(
            teacher2,
            U,
            "https://kidschat.example/",
            "A moderated chat for the pen-pal project.",
            duration=ChangeRequest.Duration.UNTIL,
            until=ctx.today + timedelta(days=30),
        )
        actions.ask_requester(asked, by=coordinator, reason="Who moderates it, and is it only for schools?")
        at_head = file(
            teacher,
            U,
            "https://www.geography-games.example/",
            "Map games for Year 4 geography.",
            scope=ChangeRequest.Scope.CLASS,
            class_name="Herons",
            duration=ChangeRequest.Duration.UNTIL,
            until=ctx.today + timedelta(days=14),
        )
        actions.approve_request(at_head, by=coordinator, reason="Checked: no chat, no adverts.")
        at_tech = file(teacher2, B, "https://distracting-videos.example/", "Pupils find it in every lesson.")
        actions.approve_request(at_tech, by=coordinator)
        actions.approve_request(at_tech, by=head)
        applied = file(
            teacher,
            U,
            "https://www.youtube.com/watch?v=demo-volcano",
            "Volcano video for Year 6 science.",
            whole_site=False,
            duration=ChangeRequest.Duration.LESSON,
        )
        for by in (coordinator, head):
            actions.approve_request(applied, by=by)
        actions.apply_request(applied, by=technician)
        rejected = file(teacher2, U, "https://www.somegamesite.example/", "Wet play.")
        actions.reject_request(
            rejected, by=coordinator, reason="Not for lessons: use the wet-play box instead."
        )
        withdrawn = file(teacher, U, "https://news.example/", "Newspaper front pages.")
        actions.withdraw_request(withdrawn, by=teacher)
        ended = file(
            teacher,
            U,
            "https://www.museum-tour.example/",
            "Virtual museum tour.",
            duration=ChangeRequest.Duration.LESSON,
        )
        for by in (coordinator, head):
            actions.approve_request(ended, by=by)
        actions.apply_request(ended, by=technician)
        actions.end_request(ended, by=technician, reason="The lesson is over.")

    # A week of filter-log data.
    chat = (publishing.lists_dir(school) / "chat" / "domains").read_text().split()
    games = (publishing.lists_dir(school) / "games" / "domains").read_text().split()[:40]
    social = (publishing.lists_dir(school) / "social_networks" / "domains").read_text().split()[:40]
    ordinary = [
        "www.bbc.co.uk/bitesize/topics",
        "www.topmarks.co.uk/maths-games",
        "www.natgeokids.com/uk/",
        "www.google.co.uk/search?q=volcano+facts",
        "en.wikipedia.org/wiki/Volcano",
        "www.purplemash.com/",
    ]
    older = [p for p in pupils if p.year_group in ("Year 4", "Year 5", "Year 6")]
    accounts = dict(NetworkAccount.objects.filter(school=school).values_list("person_id", "username"))
    lines = []
    now = timezone.localtime()
    for day in range(7, 0, -1):
        date = (now - timedelta(days=day)).date()
        if date.weekday() >= 5:
            continue
        for _ in range(300):
            pupil = rng.choice(older)
            at = timezone.make_aware(datetime.combine(date, time(9 + rng.randrange(6), rng.randrange(60))))
            client = f"10.10.{4 + older.index(pupil) % 200 // 100}.{older.index(pupil) % 100 + 10}"
            roll = rng.random()
            if roll < 0.08:
                url, blocked = f"http://{rng.choice(chat)}/", True
            elif roll < 0.14:
                url, blocked = f"http://{rng.choice(social)}/", True
            elif roll < 0.20:
                url, blocked = f"http://{rng.choice(games)}/", True
            else:
                url, blocked = f"http://{rng.choice(ordinary)}", False
            lines.append(_squid_line(at, client, accounts.get(pupil.pk, "-"), url, blocked))
    # On the last school day one pupil keeps trying chat sites, and two HTTPS visits got through to listed sites
    # (tunnels the filter could not see into): items for the Co-ordinator.
    last = next(d for d in ((now - timedelta(days=n)).date() for n in range(1, 8)) if d.weekday() < 5)
    keen = older[3]
    for minute in range(8):
        at = timezone.make_aware(datetime.combine(last, time(13, minute * 3)))
        lines.append(_squid_line(at, "10.10.4.99", accounts[keen.pk], f"http://{chat[minute]}/", True))
    for minute, pupil in ((10, older[5]), (40, older[9])):
        at = timezone.make_aware(datetime.combine(last, time(11, minute)))
        lines.append(
            f"{at.timestamp():.3f}     80 10.10.4.120 TCP_TUNNEL/200 5120 CONNECT {social[minute % 7]}:443 "
            f"{accounts[pupil.pk]} HIER_DIRECT/203.0.113.5 -"
        )
    lines.sort(key=lambda line: float(line.split()[0]))
    ingest.ingest_lines(school, lines, "squid", policy=publishing.load_published(school), searches=False)
