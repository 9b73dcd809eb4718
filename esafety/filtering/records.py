"""Filter logs and change requests under data protection (see ``esafety.governance.disposal``): disposal after
the school's periods, honouring legal holds, and what a subject access export holds about a person.

The filter-log period is ``FilterSettings.retention_days``, the field the filtering page already shows, so the
two can never disagree. Disposal runs in governance's nightly job (and from its retention page): it is the only
path that deletes filter-log data, so a legal hold is always honoured.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING

from django.utils import timezone

from esafety.filtering.models import BlockedEvent, ChangeRequest, DailyCount, FilterSettings, RequestStatus
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

LOGS = "filtering.logs"
REQUESTS = "filtering.change_requests"
CLOSED = (RequestStatus.REJECTED, RequestStatus.WITHDRAWN, RequestStatus.ENDED)


def _held_ids(holds: Holds, record_type: str) -> set[int]:
    return {int(oid) for kind, oid in holds.records if kind == record_type and oid.isdigit()}


def dispose_logs(school: School, days: int, today: date, holds: Holds) -> Disposed:
    """Blocked events and daily counts older than ``days``; anything about a person on hold stays."""
    cutoff_day = today - timedelta(days=days)
    cutoff = timezone.make_aware(datetime.combine(cutoff_day, time.min))
    result = Disposed()
    events = BlockedEvent.objects.filter(school=school, at__lt=cutoff)
    counts = DailyCount.objects.filter(school=school, day__lt=cutoff_day)
    if holds.person_ids:
        result.held += events.filter(person_id__in=holds.person_ids).count()
        result.held += counts.filter(person_id__in=holds.person_ids).count()
        events = events.exclude(person_id__in=holds.person_ids)
        counts = counts.exclude(person_id__in=holds.person_ids)
    held_events = _held_ids(holds, LOGS)
    if held_events:
        result.held += events.filter(pk__in=held_events).count()
        events = events.exclude(pk__in=held_events)
    result.removed = events.delete()[0] + counts.delete()[0]
    return result


def _read(school: School) -> int:
    found, _ = FilterSettings.objects.get_or_create(school=school)
    return found.retention_days


def _write(school: School, days: int) -> None:
    FilterSettings.objects.update_or_create(school=school, defaults={"retention_days": days})


def dispose_requests(school: School, years: int, today: date, holds: Holds) -> Disposed:
    """Closed requests (rejected, withdrawn, ended) ``years`` after they closed. Requests in force stay: they are
    the "what is allowed and why" register. The policy changes they made keep their own reasons."""
    result = Disposed()
    held = _held_ids(holds, REQUESTS)
    due = ChangeRequest.objects.filter(school=school, status__in=CLOSED)
    removable = []
    for pk, closed_at, person_id in due.values_list("pk", "closed_at", "person_id"):
        if closed_at is None:
            result.undated += 1
        elif add_years(timezone.localdate(closed_at), years) > today:
            continue
        elif pk in held or (person_id and person_id in holds.person_ids):
            result.held += 1
        else:
            removable.append(pk)
    ChangeRequest.objects.filter(pk__in=removable).delete()
    result.removed = len(removable)
    return result


register_record_type(
    RecordType(
        LOGS,
        "Filter logs (blocked events and daily counts)",
        "filtering",
        Unit.DAYS,
        365,
        "after the visit",
        "School-set short period (UK GDPR Art. 5(1)(e) storage limitation; DfE filtering and monitoring standards)",
        dispose_logs,
        read_period=_read,
        write_period=_write,
    )
)
register_record_type(
    RecordType(
        REQUESTS,
        "Filter change requests (closed)",
        "filtering",
        Unit.YEARS,
        3,
        "after the request closed",
        "School-set: long enough for three annual filtering reviews (DfE: review at least yearly)",
        dispose_requests,
    )
)


def gather(school: School, person: Person, requester: User) -> Section:
    section = Section("Web filtering")
    events = BlockedEvent.objects.filter(school=school, person=person).order_by("at")
    for event in events:
        section.entries.append(
            {
                "Record": "Blocked request" if not event.got_through else "Visit to a site now blocked",
                "Date": f"{timezone.localtime(event.at):%d %b %Y %H:%M}",
                "Category": event.category,
                "Site": event.host,
                "Address": event.url,
            }
        )
    days = DailyCount.objects.filter(school=school, person=person)
    total_allowed = sum(days.values_list("allowed", flat=True))
    total_blocked = sum(days.values_list("blocked", flat=True))
    if total_allowed or total_blocked:
        section.entries.append(
            {
                "Record": "Daily visit counts",
                "Days": str(days.values("day").distinct().count()),
                "Visits allowed": str(total_allowed),
                "Visits blocked": str(total_blocked),
            }
        )
    for request in ChangeRequest.objects.filter(school=school, person=person).order_by("created_at"):
        section.entries.append(
            {
                "Record": f"Filter change request for this person ({request.get_kind_display().lower()})",
                "Date": f"{timezone.localtime(request.created_at):%d %b %Y}",
                "Site": request.site,
                "Status": request.get_status_display(),
            }
        )
    if section.entries:
        section.redactions.append(
            "Who filed or decided filter change requests, and their reasons, are left out (staff deliberations)."
        )
    return section


register_gatherer("filtering", "Web filtering", gather)
