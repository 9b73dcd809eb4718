"""Demo monitoring: sources, a queue of genuine alerts (every text goes through the real scanner) at every status,
school terms, one allow-list proposal (the same words dismissed twice) and one active enhanced-monitoring
authorisation. All messages are invented."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from django.utils import timezone

from esafety.core.actions import quiet
from esafety.core.demo import DemoContext
from esafety.monitoring import actions, allowlist
from esafety.monitoring.models import Alert, MonitoringSettings, Source

# (days ago, source kind, text, outcome) — outcome: "" new, "reviewed", "false_positive:<reason>",
# "action_taken:<note>", "incident".
MESSAGES = [
    (0, "imap", "i cant do this anymore. ive taken the pills, im sorry mum", ""),
    (0, "imap", "honestly i want to kill myself, nobody would even notice if i was gone", ""),
    (1, "imap", "you're so mature for your age. dont tell your mum we talk ok", ""),
    (1, "filter_log", "how many pills does it take", ""),
    (2, "imap", "everyone hates you, nobody wants you here, just leave the group chat", ""),
    (2, "api", "im going to stab him after school tomorrow, ive got a knife in my bag", ""),
    (3, "imap", "send nudes or i tell everyone", ""),
    (4, "api", "go back to your own country", "reviewed"),
    (5, "imap", "fat ugly cow, no wonder nobody talks to you", "reviewed"),
    (
        6,
        "filter_log",
        "how to make a bomb",
        "action_taken:Spoke to the pupil with their class teacher: a "
        "science-fair volcano idea that went too far. Parents told; online safety session booked.",
    ),
    (
        8,
        "imap",
        "in minecraft just kill yourself in the lava to respawn at base",
        "false_positive:Game instructions about respawning in Minecraft, not aimed at anyone.",
    ),
    (
        9,
        "imap",
        "my friend said she wants to die her hair purple for the disco",
        "false_positive:Dye, not die: hair colour for the school disco.",
    ),
    # The school term "meet at the rec after dark" dismissed twice in parents' notices: the allow list proposes it.
    (
        10,
        "imap",
        "scouts night hike on friday: we meet at the rec after dark, bring a torch",
        "false_positive:The scouts' night hike notice from a parent; the rec is the recreation ground.",
    ),
    (
        11,
        "imap",
        "bonfire night! the PTA says meet at the rec after dark, parents welcome",
        "false_positive:The PTA's bonfire night arrangements, sent on by a parent.",
    ),
    (12, "imap", "i'm starving myself so i can be skinny for the party", "incident"),
    (15, "imap", "lets move to snapchat, delete this chat after. i'll buy you a new phone", "incident"),
    (
        20,
        "api",
        "meet me at the park, come alone and don't tell anyone",
        "action_taken:Parents informed; "
        "the sender is a cousin and the meeting was a family surprise. No further action.",
    ),
    (26, "imap", "i cut myself again last night", "incident"),
    (
        33,
        "imap",
        "kill yourself lol nobody likes you",
        "action_taken:Restorative conversation between both pupils.",
    ),
    (41, "filter_log", "the holocaust never happened", "reviewed"),
    (
        55,
        "imap",
        "anyone got weed for saturday? my cousin sells it",
        "action_taken:Referred to the DSL; parents contacted.",
    ),
]
# Every review decision carries a note; these stand in where the table above gives none.
DEFAULT_NOTES = {
    "reviewed": "Read and checked with the class teacher; no further concern for now.",
    "incident": "A safeguarding concern about the pupil: logged for the DSL to follow up today.",
}
ENHANCED_TEXTS = ["i hate school so much", "nobody wants you here, you should leave"]


def build(ctx: DemoContext) -> None:
    rng, school, users = ctx.rng, ctx.school, ctx.users
    MonitoringSettings.objects.get_or_create(school=school)
    sources = {
        "imap": Source.objects.create(
            school=school,
            name="Journal mailbox",
            kind=Source.Kind.IMAP,
            active=False,
            config={
                "host": "mail.hollybrook.sch.example",
                "port": 993,
                "ssl": True,
                "user": "journal@hollybrook.sch.example",
                "password_env": "ESAFETY_JOURNAL_PASSWORD",
                "mailbox": "INBOX",
                "processed_keyword": "$EsafetyProcessed",
            },
        ),
        "filter_log": actions.ensure_source(school, Source.Kind.FILTER_LOG),
        "api": actions.ensure_source(school, Source.Kind.API, name="Learning platform chat"),
        "upload": actions.ensure_source(school, Source.Kind.UPLOAD),
    }
    pupils = [p for p in ctx.extra["pupils"] if p.year_group in ("Year 4", "Year 5", "Year 6")] or ctx.extra[
        "pupils"
    ]
    coordinator, head = users["coordinator"], users["head"]
    domain = school.email_domain
    tz = timezone.get_current_timezone()
    watched = rng.choice(pupils)

    # Authorised a fortnight ago by the Headteacher at the Co-ordinator's request; runs two more weeks.
    enhanced = actions.request_enhanced_monitoring(
        school=school,
        person=watched,
        starts=ctx.today - timedelta(days=14),
        ends=ctx.today + timedelta(days=14),
        reason="Disclosed to a teaching assistant that an older pupil is sending unkind messages at night; closer "
        "monitoring for four weeks while the school works with the family.",
        by=coordinator,
    )
    actions.authorise_enhanced_monitoring(enhanced, by=head)
    ended = actions.request_enhanced_monitoring(
        school=school,
        person=rng.choice(pupils),
        starts=ctx.today - timedelta(days=90),
        ends=ctx.today - timedelta(days=62),
        reason="Concern raised by a parent about late-night messaging.",
        by=head,
    )
    actions.end_expired_enhanced_monitoring(ctx.today)
    assert not ended.is_active(ctx.today)

    actions.add_lexicon_term(
        school=school, phrase="meet at the rec after dark", category="grooming", severity=3, by=coordinator
    )
    actions.suppress_term(
        school=school,
        rule="cannabis",
        group="Year 6",
        reason="Year 6 drugs education unit (PSHE, spring term): pupils research and discuss cannabis.",
        by=coordinator,
    )

    def when(days_ago: int) -> datetime:
        day = ctx.today - timedelta(days=days_ago)
        moment = timezone.make_aware(datetime.combine(day, time(rng.randrange(8, 21), rng.randrange(60))), tz)
        # Today's messages arrived earlier today, never later than the demo was built.
        return min(moment, timezone.now() - timedelta(minutes=10 + days_ago))

    with quiet():
        for number, (days_ago, kind, text, outcome) in enumerate(MESSAGES, start=1):
            person = rng.choice(pupils)
            sender = f"{person.first_name.lower()}.{person.last_name.lower()}{number}@pupils.{domain}"
            result = actions.capture_text(
                school=school,
                source=sources[kind],
                text=text,
                person=person,
                occurred_at=when(days_ago),
                message_id=f"<demo-{number}@{domain}>" if kind == "imap" else f"demo-{kind}-{number}",
                subject="" if kind != "imap" else rng.choice(["hi", "re: tonight", "", "homework", "?"]),
                sender=sender if kind == "imap" else "",
                recipients=[f"friend{number}@pupils.{domain}"] if kind == "imap" else [],
            )
            assert result.alerts, f"demo message {number} raised no alert: the lexicon changed"
            capture = result.capture
            assert capture is not None  # alerts are always kept with their capture
            arrived = capture.occurred_at
            Alert.objects.filter(capture=capture).update(created=arrived)
            type(capture).objects.filter(pk=capture.pk).update(received_at=arrived)
            alert = max(result.alerts, key=lambda a: a.severity)
            # The technician sees metadata only unless the Head grants review: the leads review the demo's alerts.
            reviewer = coordinator if number % 3 else head
            status, _, note = outcome.partition(":")
            note = note or DEFAULT_NOTES.get(status, "")
            if status == "incident":
                actions.create_incident_from_alert(alert, by=coordinator, note=note)
            elif status:
                actions.review_alert(alert, by=reviewer, status=status, reason=note)
            # Reviews happened when the message arrived, not now: the purge and the chart read these dates.
            if status:
                Alert.objects.filter(pk=alert.pk).update(reviewed_at=when(max(days_ago - 1, 0)))
        for days_ago, text in zip((3, 10), ENHANCED_TEXTS, strict=True):
            actions.capture_text(
                school=school,
                source=sources["api"],
                text=text,
                person=watched,
                occurred_at=when(days_ago),
                message_id=f"demo-enhanced-{days_ago}",
            )
    ctx.extra["monitoring_watched"] = watched
    # The two dismissals of the school term make the allow list's one proposal.
    assert allowlist.proposals(school), "the demo's dismissals no longer make an allow-list proposal"
