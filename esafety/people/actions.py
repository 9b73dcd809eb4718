"""Changes to the people directory that are audited."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import IntegrityError, transaction
from django.utils import timezone

from esafety.audit.actions import record
from esafety.people.importer import ImportReport, read_people
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
    checked = read_people(school, data)
    rows, existing, report = checked.rows, checked.existing, checked.report
    now = timezone.now()
    with transaction.atomic():
        for _, row in rows:
            person = existing.get(row["mis_id"])
            if person is None:
                person = Person.objects.create(
                    school=school, mis_id=row["mis_id"], created=now, updated=now, **row["values"]
                )
                existing[row["mis_id"]] = person
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
        key_of = {person.pk: key for key, person in existing.items()}
        links = {
            (key_of[parent_id], key_of[pupil_id])
            for parent_id, pupil_id in Guardianship.objects.filter(parent__school=school).values_list(
                "parent_id", "pupil_id"
            )
        }
        for _, row in rows:
            for child in row["children"]:
                if (row["mis_id"], child) not in links:
                    Guardianship.objects.create(
                        parent=existing[row["mis_id"]],
                        pupil=existing[child],
                        relationship=row["relationship"],
                    )
                    links.add((row["mis_id"], child))
                    report.links_created += 1
        if report.changed:
            record(
                "people.import",
                actor=actor,
                school=school,
                request=request,
                detail={"created": report.created, "updated": report.updated, "links": report.links_created},
            )
    return report
