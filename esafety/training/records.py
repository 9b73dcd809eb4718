"""Training records under data protection (see ``esafety.governance.disposal``): kept for a number of years
after the person leaves the school, and part of their subject access export. Lessons hold no personal data."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

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
from esafety.training.models import Attendance, InductionItem

if TYPE_CHECKING:
    from esafety.accounts.models import User
    from esafety.people.models import Person, School

RECORDS = "training.records"


def dispose_training(school: School, years: int, today: date, holds: Holds) -> Disposed:
    result = Disposed()
    attendances = Attendance.objects.filter(
        session__school=school, person__left_on__isnull=False
    ).select_related("person")
    for attendance in attendances:
        if add_years(attendance.person.left_on, years) > today:  # type: ignore[arg-type]
            continue
        if holds.covers(RECORDS, attendance.pk, {attendance.person_id}):
            result.held += 1
            continue
        if attendance.certificate:
            attendance.certificate.delete(save=False)
        attendance.delete()
        result.removed += 1
    for item in InductionItem.objects.filter(school=school, person__left_on__isnull=False).select_related(
        "person"
    ):
        if add_years(item.person.left_on, years) <= today and not holds.covers(RECORDS, "", {item.person_id}):  # type: ignore[arg-type]
            item.delete()
            result.removed += 1
    return result


register_record_type(
    RecordType(
        RECORDS,
        "Staff training records and certificates",
        "training",
        Unit.YEARS,
        6,
        "after the person leaves the school",
        "IRMS toolkit (2019), staff records: termination of employment + 6 years",
        dispose_training,
    )
)


def gather(school: School, person: Person, requester: User) -> Section:
    section = Section("Training")
    for attendance in Attendance.objects.filter(person=person, session__school=school).select_related(
        "session"
    ):
        section.entries.append(
            {
                "Record": f"Training attendance #{attendance.pk}",
                "Date": f"{attendance.session.held_on:%d %b %Y}",
                "Training": attendance.session.get_kind_display(),
                "Title": attendance.session.title,
                "Certificate": attendance.certificate_name or "none uploaded",
            }
        )
    for item in InductionItem.objects.filter(person=person, school=school):
        section.entries.append(
            {
                "Record": f"Induction item #{item.pk}",
                "Date": f"due {item.due_on:%d %b %Y}",
                "Training": "Induction",
                "Title": item.title,
                "Certificate": "done" if item.done_at else "not done yet",
            }
        )
    return section


register_gatherer("training", "Training", gather)
