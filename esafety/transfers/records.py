"""Transfers under data protection (see ``esafety.governance.disposal``).

The sending school keeps its own incidents under the safeguarding log's rules (a transfer deletes nothing
there); what this room adds is the record of the transfer itself, with its receipt, kept as long as a
child-protection record (the pupil's date of birth + 25 years), and the encrypted archive, removed a set number of
days after the receiving school accepted it. Files received from other schools are child-protection records of
this school and follow the same date-of-birth rule.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from django.utils import timezone

from esafety.governance.disposal import Disposed, Holds, RecordType, Unit, add_years, register_record_type
from esafety.transfers.models import Status, Transfer, TransferredRecord

if TYPE_CHECKING:
    from esafety.people.models import School

RECORDS = "transfers.records"
ARCHIVES = "transfers.archives"


def dispose_records(school: School, years: int, today: date, holds: Holds) -> Disposed:
    result = Disposed()
    for model in (Transfer, TransferredRecord):
        for row in model.objects.filter(school=school).select_related("person"):
            if holds.covers(RECORDS, row.pk, {row.person_id}):
                result.held += 1
            elif row.person.date_of_birth is None:
                result.undated += 1
            elif add_years(row.person.date_of_birth, years) <= today:
                if isinstance(row, TransferredRecord):
                    for item in row.files.all():
                        item.file.delete(save=False)
                elif row.archive:
                    row.archive.delete(save=False)
                row.delete()
                result.removed += 1
    return result


def dispose_archives(school: School, days: int, today: date, holds: Holds) -> Disposed:
    result = Disposed()
    for transfer in Transfer.objects.filter(school=school, status=Status.ACCEPTED).exclude(archive=""):
        decided = transfer.decided_at and timezone.localtime(transfer.decided_at).date()
        if holds.covers(ARCHIVES, transfer.pk, {transfer.person_id}):
            result.held += 1
        elif decided and (today - decided).days >= days:
            transfer.archive.delete(save=False)
            Transfer.objects.filter(pk=transfer.pk).update(archive="")
            result.removed += 1
    return result


register_record_type(
    RecordType(
        RECORDS,
        "Safeguarding file transfers and receipts",
        "transfers",
        Unit.YEARS,
        25,
        "after the pupil's date of birth",
        "Keeping Children Safe in Education, Part 2 (records follow the child); IRMS toolkit (2019), 2.1",
        dispose_records,
    )
)
register_record_type(
    RecordType(
        ARCHIVES,
        "Encrypted transfer archives (schools without esafety)",
        "transfers",
        Unit.DAYS,
        30,
        "after the receiving school confirmed receipt",
        "School-set: the receipt is kept; the archive is only a copy of the file",
        dispose_archives,
    )
)
