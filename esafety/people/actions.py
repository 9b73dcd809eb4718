"""Changes to the people directory that are audited."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from esafety.audit.actions import record
from esafety.people.importer import ImportReport, PeopleFile, read_people
from esafety.people.models import Guardianship, Person, School

if TYPE_CHECKING:
    from django.http import HttpRequest

    from esafety.accounts.models import User


class DuplicateMisId(Exception):
    pass


def save_person(
    school: School, person: Person, changed: list[str], *, request: HttpRequest | None = None
) -> Person:
    """Create or update one person by hand, with an audit entry naming the fields that changed."""
    creating = person.pk is None
    person.school = school
    person.updated = timezone.now()
    try:
        with transaction.atomic():
            if creating:
                person.save()
            else:
                person.save(update_fields=[*changed, "updated"])
            record(
                "person.create" if creating else "person.update",
                obj=person,
                request=request,
                detail={"fields": sorted(changed)},
            )
    except IntegrityError:
        raise DuplicateMisId(f"Another person at this school already has MIS ID “{person.mis_id}”.") from None
    return person


def import_people(
    school: School, data: bytes, *, actor: User | None = None, request: HttpRequest | None = None
) -> ImportReport:
    """Apply a whole CSV file to ``school``'s directory, or nothing at all (``importer.read_people`` checks it
    first and raises ``ImportRejected``). Importing the same file again changes nothing and audits nothing."""
    return apply_people(school, read_people(school, data), actor=actor, request=request)


class _DryRun(Exception):
    pass


def apply_people(
    school: School,
    checked: PeopleFile,
    *,
    actor: User | None = None,
    request: HttpRequest | None = None,
    dry_run: bool = False,
    detail: dict[str, Any] | None = None,
) -> ImportReport:
    """Apply a checked file (CSV, CTF or OneRoster) in one transaction. Rows whose values already match are
    left alone, so re-importing the same file changes nothing and audits nothing. ``dry_run`` does all the work
    and rolls it back, so the counts are exactly what a real import would do."""
    rows, existing, report = checked.rows, checked.existing, checked.report
    now = timezone.now()
    try:
        with transaction.atomic():
            _apply_rows(school, rows, existing, report, now)
            if report.changed:
                record(
                    "people.import" if checked.source == "csv" else f"people.import.{checked.source}",
                    actor=actor,
                    school=school,
                    request=request,
                    detail={
                        "created": report.created,
                        "updated": report.updated,
                        "links": report.links_created,
                        **({"links_updated": report.links_updated} if report.links_updated else {}),
                        **(detail or {}),
                    },
                )
            if dry_run:
                raise _DryRun
    except _DryRun:
        pass
    return report


def _apply_rows(
    school: School,
    rows: list[tuple[int, dict[str, Any]]],
    existing: dict[str, Person],
    report: ImportReport,
    now: datetime,
) -> None:
    for _, row in rows:
        key = row["key"]
        person = existing.get(key)
        if person is None:
            person = Person.objects.create(
                school=school, created=now, updated=now, **row.get("create", {}), **row["values"]
            )
            existing[key] = person
            report.created += 1
            continue
        changed = [name for name, value in row["values"].items() if getattr(person, name) != value]
        if not changed:
            report.unchanged += 1
            continue
        for name in changed:
            setattr(person, name, row["values"][name])
        person.updated = now
        person.save(update_fields=[*changed, "updated"])
        report.updated += 1
    # Several keys may name one person (a OneRoster user first matched by MIS ID): the row's key wins.
    key_of = {person.pk: key for key, person in existing.items()}
    key_of.update({existing[row["key"]].pk: row["key"] for _, row in rows})
    links = {
        (key_of.get(link.parent_id), key_of.get(link.pupil_id)): link
        for link in Guardianship.objects.filter(parent__school=school)
    }
    for _, row in rows:
        details = row.get("links") or {}
        for child in row["children"]:
            wanted = details.get(child)
            link = links.get((row["key"], child))
            if link is None:
                links[(row["key"], child)] = Guardianship.objects.create(
                    parent=existing[row["key"]],
                    pupil=existing[child],
                    **(wanted if wanted is not None else {"relationship": row["relationship"]}),
                )
                report.links_created += 1
                continue
            if wanted is None:
                continue  # the CSV names the relationship once per parent: it only fills in new links
            changed = [name for name, value in wanted.items() if getattr(link, name) != value]
            if changed:
                for name in changed:
                    setattr(link, name, wanted[name])
                link.save(update_fields=changed)
                report.links_updated += 1
