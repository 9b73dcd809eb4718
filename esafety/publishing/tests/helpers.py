"""Items the publishing tests build."""

from __future__ import annotations

from typing import Any

from esafety.people.models import Person, School
from esafety.publishing.models import Appearance, Publication, PublicationCheck, WebsiteAudit


def item(
    school: School, status: str = Publication.Status.CLEAN, body: str = "Well done to Ava."
) -> Publication:
    publication = Publication.objects.create(school=school, title="Newsletter", body=body, status=status)
    PublicationCheck.objects.create(publication=publication, text=body, findings=[])
    return publication


def appearance(school: School, person: Person) -> Appearance:
    return Appearance.objects.create(
        publication=item(school, Publication.Status.APPROVED), person=person, how=Appearance.How.PHOTO
    )


def audit(school: School) -> WebsiteAudit:
    return WebsiteAudit.objects.create(
        school=school, url="http://127.0.0.1:9/", status=WebsiteAudit.Status.DONE
    )


def check_data(text: str = "Well done to Ava.", **extra: Any) -> dict[str, Any]:
    return {
        "title": "Newsletter",
        "channel": "newsletter",
        "text": text,
        "media-TOTAL_FORMS": "0",
        "media-INITIAL_FORMS": "0",
        **extra,
    }
