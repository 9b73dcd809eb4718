"""Changes to the people directory that are audited."""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from esafety.audit.actions import record
from esafety.people.models import Person, School


class DuplicateMisId(Exception):
    pass


def save_person(school: School, person: Person, changed: list[str], *, request: Any = None) -> Person:
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
