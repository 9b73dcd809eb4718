"""Monitoring captures under data protection: disposal after the school's short retention period, and what a
subject access export holds (see ``esafety.governance.disposal``).

The period is ``School.retention_days``, the same setting the monitoring room's own purge reads, so the two can
never disagree; this disposer also honours legal holds.
"""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING

from django.utils import timezone

from esafety.governance.disposal import (
    Disposed,
    Holds,
    RecordType,
    Section,
    Unit,
    register_gatherer,
    register_record_type,
)
from esafety.monitoring.models import Capture

if TYPE_CHECKING:
    from esafety.accounts.models import User
    from esafety.people.models import Person, School

CAPTURES = "monitoring.captures"
_ADDRESS = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")


def dispose_captures(school: School, days: int, today: date, holds: Holds) -> Disposed:
    cutoff = timezone.make_aware(datetime.combine(today - timedelta(days=days), time.min))
    result = Disposed()
    due = Capture.objects.filter(school=school, received_at__lt=cutoff)
    removable = []
    for pk, person_id in due.values_list("pk", "person_id"):
        if holds.covers(CAPTURES, pk, {person_id} if person_id else set()):
            result.held += 1
        else:
            removable.append(pk)
    # Alerts go with their capture (CASCADE); an alert that became an incident lives on in the incident.
    Capture.objects.filter(pk__in=removable).delete()
    result.removed = len(removable)
    return result


def _read(school: School) -> int:
    return school.retention_days


def _write(school: School, days: int) -> None:
    school.retention_days = days
    school.save(update_fields=["retention_days"])


register_record_type(
    RecordType(
        CAPTURES,
        "Monitoring captures and their alerts",
        "monitoring",
        Unit.DAYS,
        365,
        "after they were captured",
        "School-set short period (UK GDPR Art. 5(1)(e) storage limitation; DfE filtering and monitoring standards)",
        dispose_captures,
        read_period=_read,
        write_period=_write,
    )
)


def gather(school: School, person: Person, requester: User) -> Section:
    section = Section("Monitoring captures")
    own = {person.email.lower()} if person.email else set()
    removed = 0
    for capture in (
        Capture.objects.filter(school=school, person=person)
        .prefetch_related("alerts")
        .order_by("occurred_at")
    ):

        def keep_own(match: re.Match[str]) -> str:
            nonlocal removed
            if match.group(0).lower() in own:
                return match.group(0)
            removed += 1
            return "[address removed]"

        alerts = "; ".join(
            f"{alert.get_category_display()} (severity {alert.severity}, {alert.get_status_display().lower()})"
            for alert in capture.alerts.all()
        )
        section.entries.append(
            {
                "Record": capture.label,
                "Date": f"{timezone.localtime(capture.occurred_at):%d %b %Y %H:%M}",
                "Source": capture.source.get_kind_display() if capture.source else "",
                "Subject line": _ADDRESS.sub(keep_own, capture.subject),
                "Text": _ADDRESS.sub(keep_own, capture.text),
                "Alerts": alerts or "kept under enhanced monitoring",
            }
        )
        removed += len(capture.recipients)
    if removed:
        section.redactions.append(
            f"{removed} other people's e-mail address(es) removed (recipients and mentions)."
        )
    if section.entries:
        section.redactions.append("Reviewers' notes on alerts are left out (staff deliberations).")
    return section


register_gatherer("monitoring", "Monitoring captures", gather)
