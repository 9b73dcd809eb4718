"""Policy acknowledgements under data protection (see ``esafety.governance.disposal``): kept for a school-set
number of years after they were given (the proof that someone read the Acceptable Use Policy may be needed in a
disciplinary), with any scanned paper form, and part of the person's subject access export."""

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
from esafety.policies.models import Acknowledgement

if TYPE_CHECKING:
    from esafety.accounts.models import User
    from esafety.people.models import Person, School

ACKNOWLEDGEMENTS = "policies.acknowledgements"


def dispose_acknowledgements(school: School, years: int, today: date, holds: Holds) -> Disposed:
    result = Disposed()
    removable = []
    for ack in Acknowledgement.objects.filter(school=school).only(
        "pk", "person_id", "acknowledged_at", "scan"
    ):
        if add_years(timezone.localdate(ack.acknowledged_at), years) > today:
            continue
        if holds.covers(ACKNOWLEDGEMENTS, ack.pk, {ack.person_id}):
            result.held += 1
            continue
        if ack.scan:
            ack.scan.delete(save=False)
        removable.append(ack.pk)
    Acknowledgement.objects.filter(pk__in=removable).delete()
    result.removed = len(removable)
    return result


register_record_type(
    RecordType(
        ACKNOWLEDGEMENTS,
        "Policy acknowledgements",
        "policies",
        Unit.YEARS,
        6,
        "after they were given",
        "IRMS toolkit: as the school sets (here: current year + 6, as for staff conduct records)",
        dispose_acknowledgements,
    )
)


def gather(school: School, person: Person, requester: User) -> Section:
    section = Section("Policy acknowledgements")
    for ack in (
        Acknowledgement.objects.filter(school=school, person=person)
        .select_related("version__policy")
        .order_by("acknowledged_at")
    ):
        section.entries.append(
            {
                "Policy": ack.version.policy.title,
                "Version": str(ack.version),
                "Date": f"{timezone.localtime(ack.acknowledged_at):%d %b %Y}",
                "How": ack.get_method_display(),
            }
        )
    if section.entries:
        section.redactions.append("Who recorded paper acknowledgements is left out (staff members' names).")
    return section


register_gatherer("policies", "Policy acknowledgements", gather)
