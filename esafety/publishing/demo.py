"""Demo publishing: the school's website settings, a term of newsletter items (approved, one still with
findings, one waiting for the Head) with the pupils in their photos, and last month's website audit. Items for a
pupil whose consent was withdrawn are left up, so "where this pupil appears" has something to take down."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from esafety.core.demo import DemoContext
from esafety.people.models import Person
from esafety.publishing import actions
from esafety.publishing.models import AuditedPage, Channel, WebsiteAudit


def _media(name: str, caption: str, people: list[Person]) -> dict[str, object]:
    return {
        "kind": "image",
        "name": name,
        "caption": caption,
        "alt": caption,
        "people": people,
        "third_party": False,
        "permission": False,
        "attribution": "",
    }


def build(ctx: DemoContext) -> None:
    rng, school, users = ctx.rng, ctx.school, ctx.users
    publishing = actions.settings_for(school)
    publishing.site_url = "https://www.hollybrook.sch.example/"
    publishing.allowed_contacts = "01632 960000\noffice@hollybrook.sch.example\n1 School Lane\nLS1 4AP"
    publishing.save()
    pupils: list[Person] = ctx.extra["pupils"]
    withdrawn: list[Person] = ctx.extra.get("consent_withdrawn", [])
    kestrels = [pupil for pupil in pupils if pupil.class_name == "Kestrels"]
    falcons = [pupil for pupil in pupils if pupil.class_name == "Falcons"]

    approved = [
        (
            "Newsletter, week 3: harvest festival",
            Channel.NEWSLETTER,
            "Thank you for the generous harvest donations. Kestrels class sang beautifully in the hall.",
            [
                _media(
                    "harvest.jpg", "Kestrels at the harvest festival", rng.sample(kestrels, 3) + withdrawn[:1]
                )
            ],
        ),
        (
            "Website: Year 5 trip to the science museum",
            Channel.WEBSITE,
            "<p>Falcons class spent a day at the science museum.</p><p>Well done to everyone for their questions!</p>",
            [_media("museum.jpg", "Falcons in the space gallery", rng.sample(falcons, 2) + withdrawn[1:2])],
        ),
        (
            "Social post: reading week",
            Channel.SOCIAL,
            "Reading week starts on Monday: bring your favourite book to share!",
            [],
        ),
    ]
    for title, channel, body, media in approved:
        publication, check = actions.create_publication(
            school=school, title=title, channel=channel, body=body, media=media, user=users["teacher"]
        )
        reason = (
            ""
            if check.is_clean
            else "Photos chosen with the class teacher; the register was checked on the day"
        )
        step = "approve" if check.is_clean else "approve_anyway"
        actions.take_step(publication, step, user=users["head"], reason=reason)

    # Waiting for the Head, and one the teacher still has to fix.
    actions.create_publication(
        school=school,
        title="Newsletter, week 12: sports day",
        channel=Channel.NEWSLETTER,
        body="Sports day was a great success. Thank you to all the families who came to cheer.",
        media=[],
        user=users["teacher2"],
    )
    named = rng.choice(kestrels)
    actions.create_publication(
        school=school,
        title="Newsletter, week 12: star of the week",
        channel=Channel.NEWSLETTER,
        body=f"Our star of the week is {named.first_name} {named.last_name}, who helped a new classmate settle in. "
        "Parents are asked to ring 07700 900461 about the lost property.",
        media=[],
        user=users["teacher"],
    )

    # Last month's website audit.
    started = timezone.now() - timedelta(days=24)
    audit = WebsiteAudit.objects.create(
        school=school,
        url=publishing.site_url,
        status=WebsiteAudit.Status.DONE,
        started_at=started,
        finished_at=started + timedelta(minutes=3),
        pages_checked=38,
        finding_count=1,
    )
    AuditedPage.objects.create(audit=audit, url=publishing.site_url, findings=[])
    AuditedPage.objects.create(
        audit=audit,
        url=publishing.site_url + "news/summer-fair/",
        findings=[
            {
                "kind": "third-party-media",
                "text": "https://photos.example/fair.jpg",
                "offset": 412,
                "note": "no recorded permission or attribution",
            }
        ],
    )
