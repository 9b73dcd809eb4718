"""The directory entry itself in a subject access export (the people room holds no governance code)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from esafety.governance.disposal import Section, register_gatherer
from esafety.people.models import Guardianship

if TYPE_CHECKING:
    from esafety.accounts.models import User
    from esafety.people.models import Person, School


def gather(school: School, person: Person, requester: User) -> Section:
    section = Section("Directory entry")
    section.entries.append(
        {
            "Name": person.full_name,
            "Kind": person.get_kind_display(),
            "MIS ID": person.mis_id,
            "Year group": person.year_group,
            "Class": person.class_name,
            "Job title": person.job_title,
            "E-mail": person.email,
            "Phone": person.phone,
            "Date of birth": f"{person.date_of_birth:%d %b %Y}" if person.date_of_birth else "",
            "Left on": f"{person.left_on:%d %b %Y}" if person.left_on else "",
        }
    )
    links = Guardianship.objects.filter(pupil=person) | Guardianship.objects.filter(parent=person)
    for link in links:
        section.entries.append({"Link": link.relationship or "Family link", "With": "[another person]"})
    if links:
        section.redactions.append(
            f"{len(links)} family link(s) shown without the other person's name or details."
        )
    return section


register_gatherer("people", "Directory entry", gather)
