"""Parental consent under data protection (see ``esafety.governance.disposal``): kept while the pupil attends and
for a year after they leave (IRMS toolkit), then disposed of; part of the subject access export of the pupil and
of the parent who answered."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from django.db.models import Q
from django.utils import timezone

from esafety.consent.models import Consent
from esafety.governance.disposal import (
    Disposed,
    Holds,
    RecordType,
    Section,
    Unit,
    add_years,
    register_gatherer,
    register_record_type,
)

if TYPE_CHECKING:
    from esafety.accounts.models import User
    from esafety.people.models import Person, School

FORMS = "consent.forms"


def dispose_forms(school: School, years: int, today: date, holds: Holds) -> Disposed:
    result = Disposed()
    removable = []
    for consent in Consent.objects.filter(school=school, person__left_on__isnull=False).select_related(
        "person"
    ):
        left_on = consent.person.left_on
        assert left_on is not None  # filtered above
        if add_years(left_on, years) > today:
            continue
        people = {consent.person_id} | ({consent.given_by_id} if consent.given_by_id else set())
        if holds.covers(FORMS, consent.pk, people):
            result.held += 1
        else:
            removable.append(consent.pk)
    Consent.objects.filter(pk__in=removable).delete()
    result.removed = len(removable)
    return result


register_record_type(
    RecordType(
        FORMS,
        "Parental consent forms",
        "consent",
        Unit.YEARS,
        1,
        "after the pupil leaves",
        "IRMS toolkit: while the pupil attends + 1 year",
        dispose_forms,
    )
)


def gather(school: School, person: Person, requester: User) -> Section:
    section = Section("Consent")
    for consent in (
        Consent.objects.filter(school=school)
        .filter(Q(person=person) | Q(given_by=person))
        .select_related("person")
        .order_by("given_at")
    ):
        about = "this person" if consent.person_id == person.pk else "their child"
        section.entries.append(
            {
                "Use": consent.get_use_display(),
                "About": about,
                "Answer": consent.get_answer_display(),
                "Date": f"{timezone.localtime(consent.given_at):%d %b %Y}",
                "Withdrawn": f"{timezone.localtime(consent.withdrawn_at):%d %b %Y}"
                if consent.withdrawn_at
                else "",
            }
        )
    if any(entry["About"] == "their child" for entry in section.entries):
        section.redactions.append("The child's name is left out of answers a parent gave.")
    return section


register_gatherer("consent", "Consent", gather)
