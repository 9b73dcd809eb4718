"""Records the consent tests build: answers, campaigns and a parent's link."""

from __future__ import annotations

from datetime import date, timedelta

from django.utils import timezone

from esafety.consent.actions import LINK_PURPOSE
from esafety.consent.models import Campaign, Consent, ConsentRequest
from esafety.core.links import issue_link
from esafety.people.models import Guardianship, Person, School


def pupil_with_parent(school: School, first: str = "Ivy", last: str = "Underhill") -> tuple[Person, Person]:
    pupil = Person.objects.create(
        school=school,
        kind=Person.Kind.PUPIL,
        first_name=first,
        last_name=last,
        class_name="Kestrels",
        year_group="Year 2",
    )
    parent = Person.objects.create(
        school=school,
        kind=Person.Kind.PARENT,
        first_name="Pat",
        last_name=last,
        email=f"pat.{last.lower()}@home.example",
    )
    Guardianship.objects.create(parent=parent, pupil=pupil)
    return pupil, parent


def grant(pupil: Person, parent: Person, use: str = "website", answer: str = "granted") -> Consent:
    return Consent.objects.create(
        school=pupil.school,
        person=pupil,
        use=use,
        answer=answer,
        given_by=parent,
        expires_on=date(2099, 8, 31),
    )


def campaign(school: School, **extra: object) -> Campaign:
    values: dict[str, object] = {
        "title": "Photo consent",
        "audience": Campaign.Audience.CLASS,
        "audience_value": "Kestrels",
        "uses": ["website", "newsletter"],
        "closes_on": timezone.localdate() + timedelta(days=14),
        "consent_expires_on": timezone.localdate() + timedelta(days=300),
    }
    values.update(extra)
    return Campaign.objects.create(school=school, **values)


def link_for(found: Campaign, pupil: Person, parent: Person) -> str:
    """A request in ``found`` for ``parent`` about ``pupil``, with a fresh link; returns the raw token."""
    link, token = issue_link(
        school=found.school,
        person=parent,
        purpose=LINK_PURPOSE,
        subject_key=found.link_subject,
        expires_at=timezone.now() + timedelta(days=14),
    )
    ConsentRequest.objects.update_or_create(
        campaign=found, pupil=pupil, parent=parent, defaults={"link": link, "sent_at": timezone.now()}
    )
    return token
