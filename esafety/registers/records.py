"""Confiscation records under data protection (see ``esafety.governance.disposal``): kept for a school-set number
of years after the item was returned or handed to the police; an item still held is never disposed of."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from django.utils import timezone

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
from esafety.registers.models import Confiscation

if TYPE_CHECKING:
    from esafety.accounts.models import User
    from esafety.people.models import Person, School

CONFISCATIONS = "registers.confiscations"


def dispose_confiscations(school: School, years: int, today: date, holds: Holds) -> Disposed:
    result = Disposed()
    removable = []
    closed = Confiscation.objects.filter(school=school).exclude(status=Confiscation.Status.HELD)
    for pk, person_id, returned_at, police_at in closed.values_list(
        "pk", "taken_from_id", "returned_at", "police_at"
    ):
        ended = returned_at or police_at
        if ended is None:
            result.undated += 1
        elif add_years(timezone.localdate(ended), years) > today:
            continue
        elif holds.covers(CONFISCATIONS, pk, {person_id}):
            result.held += 1
        else:
            removable.append(pk)
    Confiscation.objects.filter(pk__in=removable).delete()
    result.removed = len(removable)
    return result


register_record_type(
    RecordType(
        CONFISCATIONS,
        "Confiscation records",
        "registers",
        Unit.YEARS,
        2,
        "after the item was returned or handed to the police",
        "School-set (DfE Searching, screening and confiscation 2022: record what was taken and what happened)",
        dispose_confiscations,
    )
)


def gather(school: School, person: Person, requester: User) -> Section:
    section = Section("Confiscations")
    for item in Confiscation.objects.filter(school=school, taken_from=person).order_by("taken_at"):
        section.entries.append(
            {
                "Record": item.label,
                "What was taken": item.item,
                "When": f"{timezone.localtime(item.taken_at):%d %b %Y %H:%M}",
                "Status": item.get_status_display(),
                "Returned": f"{timezone.localtime(item.returned_at):%d %b %Y}" if item.returned_at else "",
            }
        )
    if section.entries:
        section.redactions.append(
            "The grounds for suspicion, search notes and staff names are left out (staff deliberations)."
        )
    return section


register_gatherer("registers", "Confiscations", gather)
