"""Training records: who must have what, who is overdue, reminders, attendance, certificates and induction.

Compliance is computed, never stored: a requirement ("all staff: Safeguarding INSET every 12 months") and the
sessions a person attended give the date their next one is due. A new starter's first due date counts from
when they joined the directory, so they appear as due without anyone assigning them anything.
"""

from __future__ import annotations

import io
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone
from PIL import Image, UnidentifiedImageError

from esafety.accounts.models import Role, RoleAssignment
from esafety.audit.actions import record
from esafety.core.actions import queue_email
from esafety.core.models import OutboundEmail
from esafety.people.models import Person
from esafety.training.models import (
    TRAINED_KINDS,
    Attendance,
    Audience,
    InductionItem,
    Lesson,
    Requirement,
    Resource,
    SessionKind,
    TrainingSession,
)

if TYPE_CHECKING:
    from esafety.accounts.models import User
    from esafety.people.models import School

CERTIFICATE_MAX_MB = 5
CERTIFICATE_TYPES = "PDF, PNG or JPEG"

# What a new starter does in their first weeks, by kind of person (days from joining). Drawn from the policy's
# induction ("all new staff ... as part of their induction"), KCSIE Part 1 and the DfE standards (staff know
# how to report a filtering or monitoring concern).
INDUCTION_CHECKLIST: dict[str, list[tuple[str, int]]] = {
    "staff": [
        ("Read the E-Safety Policy and sign the staff Acceptable Use Policy", 5),
        ("Read Keeping Children Safe in Education, Part 1", 5),
        ("Meet the DSL: how to report a safeguarding or online-safety concern", 10),
        ("Filtering and monitoring: what to do when something gets through or is blocked wrongly", 20),
    ],
    "trainee": [
        ("Read the E-Safety Policy and sign the staff Acceptable Use Policy", 5),
        ("Meet the DSL: how to report a safeguarding or online-safety concern", 10),
    ],
    "supply": [
        ("Read the e-safety summary for visiting staff and sign the Acceptable Use Policy", 1),
        ("Know who the DSL is and how to report a concern", 1),
    ],
    "governor": [
        ("Read the E-Safety Policy and the governors' role in it", 30),
        ("Read Keeping Children Safe in Education, Part 2 (governance)", 30),
    ],
}

_AUDIENCE_KIND = {
    Audience.STAFF: "staff",
    Audience.TRAINEE: "trainee",
    Audience.SUPPLY: "supply",
    Audience.GOVERNOR: "governor",
}
_AUDIENCE_ROLE = {
    Audience.ROLE_HEAD: Role.HEAD,
    Audience.ROLE_DSL: Role.DSL,
    Audience.ROLE_COORDINATOR: Role.COORDINATOR,
    Audience.ROLE_TECHNICIAN: Role.TECHNICIAN,
}


class CertificateRejected(ValueError):
    pass


@dataclass(frozen=True)
class Standing:
    """One person against one requirement."""

    person: Person
    requirement: Requirement
    last: date | None
    due: date
    today: date

    @property
    def overdue(self) -> bool:
        return self.due < self.today

    @property
    def due_soon(self) -> bool:
        return not self.overdue and self.due <= self.today + timedelta(days=30)

    @property
    def state(self) -> str:
        return "overdue" if self.overdue else "due soon" if self.due_soon else "up to date"

    @property
    def due_label(self) -> str:
        return "not needed again" if self.due == date.max else f"{self.due:%d %b %Y}"


def trained_people(school: School) -> Any:
    return Person.objects.filter(school=school, kind__in=TRAINED_KINDS, left_on__isnull=True)


def _roles_by_person(school: School) -> dict[int, set[str]]:
    roles: dict[int, set[str]] = defaultdict(set)
    rows = RoleAssignment.objects.filter(school=school, user__is_active=True, user__person__isnull=False)
    for person_id, role in rows.values_list("user__person_id", "role"):
        roles[person_id].add(role)
    return roles


def applies(requirement: Requirement, person: Person, roles: set[str]) -> bool:
    kind = _AUDIENCE_KIND.get(Audience(requirement.audience))
    if kind is not None:
        return person.kind == kind
    return _AUDIENCE_ROLE[Audience(requirement.audience)] in roles


def standings(
    school: School, people: Iterable[Person] | None = None, today: date | None = None
) -> list[Standing]:
    """Every (person, requirement) pair that applies, with when it was last met and when it is next due."""
    today = today or timezone.localdate()
    people = list(trained_people(school) if people is None else people)
    requirements = list(Requirement.objects.filter(school=school))
    roles = _roles_by_person(school)
    # As of ``today``: a past year's figures ignore sessions held after it.
    last: dict[tuple[int, str], date] = {
        (row["person_id"], row["session__kind"]): row["last"]
        for row in Attendance.objects.filter(
            session__school=school, session__held_on__lte=today, person__in=[p.pk for p in people]
        )
        .values("person_id", "session__kind")
        .annotate(last=Max("session__held_on"))
    }
    result = []
    for person in people:
        started = timezone.localtime(person.created).date()
        for requirement in requirements:
            if applies(requirement, person, roles.get(person.pk, set())):
                when = last.get((person.pk, requirement.kind))
                result.append(Standing(person, requirement, when, requirement.next_due(started, when), today))
    return result


def overdue_by_person(school: School, today: date | None = None) -> dict[Person, list[Standing]]:
    grouped: dict[Person, list[Standing]] = defaultdict(list)
    for standing in standings(school, today=today):
        if standing.overdue:
            grouped[standing.person].append(standing)
    return dict(sorted(grouped.items(), key=lambda item: (item[0].last_name, item[0].first_name)))


def overdue_induction(school: School, today: date | None = None) -> Any:
    today = today or timezone.localdate()
    return InductionItem.objects.filter(
        school=school, done_at__isnull=True, due_on__lt=today, person__left_on__isnull=True
    ).select_related("person")


# --- Reminders ------------------------------------------------------------------------------------------------


def send_reminders(school: School, today: date | None = None, *, by: User | None = None) -> int:
    """E-mail each person with overdue training or induction once a week (the outbox key holds them to that).

    The e-mail names the training only: it is about the member of staff themselves and carries no pupil data.
    """
    today = today or timezone.localdate()
    owed: dict[Person, list[str]] = defaultdict(list)
    for person, items in overdue_by_person(school, today).items():
        owed[person].extend(f"{s.requirement.get_kind_display()} (due {s.due:%d %b %Y})" for s in items)
    for item in overdue_induction(school, today):
        owed[item.person].append(f"Induction: {item.title} (due {item.due_on:%d %b %Y})")
    year, week, _ = today.isocalendar()
    sent = 0
    for person, lines in owed.items():
        if not person.email:
            continue
        body = (
            f"Hello {person.first_name},\n\nThis online-safety training is overdue:\n\n"
            + "\n".join(f"- {line}" for line in lines)
            + f"\n\nYour record: {reverse('training:index')}\nPlease speak to the E-Safety Co-ordinator.\n"
        )
        key = f"training-reminder:{school.pk}:{person.pk}:{year}-W{week:02d}"
        if OutboundEmail.objects.filter(key=key).exists():
            continue  # already reminded this week
        queue_email(key, [person.email], "Online-safety training due", body, school=school)
        sent += 1
    if by is not None:
        record(
            "training.remind",
            actor=by,
            school=school,
            object_repr="Training reminders",
            detail={"people": len(owed), "with_email": sum(1 for p in owed if p.email)},
        )
    return sent


def send_all_reminders(today: date | None = None) -> int:
    from esafety.people.models import School

    school_ids = Requirement.objects.values_list("school_id", flat=True).distinct()
    return sum(send_reminders(school, today) for school in School.objects.filter(pk__in=list(school_ids)))


# --- Induction ------------------------------------------------------------------------------------------------


def create_induction_items(person: Person) -> list[InductionItem]:
    """Give a new starter their induction checklist (idempotent: a title is never added twice)."""
    started = timezone.localtime(person.created).date()
    items = []
    for title, days in INDUCTION_CHECKLIST.get(person.kind, []):
        item, _ = InductionItem.objects.get_or_create(
            person=person,
            title=title,
            defaults={"school": person.school, "due_on": started + timedelta(days=days)},
        )
        items.append(item)
    return items


def complete_induction_item(item: InductionItem, *, by: User) -> bool:
    with transaction.atomic():
        done = item.mark_done(by)
        if done:
            record("training.induction_done", actor=by, obj=item, school=item.school)
    return done


# --- Sessions and attendance ------------------------------------------------------------------------------------


def create_session(school: School, *, by: User, **fields: Any) -> TrainingSession:
    with transaction.atomic():
        session = TrainingSession.objects.create(school=school, created_by=by, **fields)
        record(
            "training.session_create", actor=by, obj=session, object_repr=f"Training session #{session.pk}"
        )
    return session


def record_attendance(session: TrainingSession, people: Iterable[Person], *, by: User) -> int:
    """Mark people as having attended; someone already marked stays as they were."""
    added = 0
    with transaction.atomic():
        for person in people:
            if person.school_id != session.school_id:
                raise ValueError("A person of another school cannot attend this session")
            _, created = Attendance.objects.get_or_create(
                session=session, person=person, defaults={"recorded_by": by}
            )
            added += created
        if added:
            record(
                "training.attendance",
                actor=by,
                obj=session,
                object_repr=f"Training session #{session.pk}",
                detail={"added": added},
            )
    return added


def check_certificate(name: str, data: bytes) -> tuple[str, str]:
    """(content type, extension) decided from the bytes, or ``CertificateRejected`` with a reason for people."""
    if len(data) > CERTIFICATE_MAX_MB * 1024 * 1024:
        raise CertificateRejected(f"“{name}” is larger than {CERTIFICATE_MAX_MB} MB.")
    if not data:
        raise CertificateRejected(f"“{name}” is empty.")
    if data.startswith(b"%PDF-"):
        return "application/pdf", "pdf"
    kinds = {
        b"\x89PNG\r\n\x1a\n": ("image/png", "png", "PNG"),
        b"\xff\xd8\xff": ("image/jpeg", "jpg", "JPEG"),
    }
    for magic, (content_type, extension, fmt) in kinds.items():
        if data.startswith(magic):
            try:
                with Image.open(io.BytesIO(data)) as image:
                    if image.format != fmt:
                        break
                    image.verify()
            except (UnidentifiedImageError, OSError, SyntaxError, Image.DecompressionBombError):
                break
            return content_type, extension
    raise CertificateRejected(
        f"“{name}” is not a certificate esafety can keep: upload a {CERTIFICATE_TYPES}."
    )


def attach_certificate(attendance: Attendance, name: str, data: bytes, *, by: User) -> None:
    content_type, extension = check_certificate(name, data)
    clean_name = "".join(ch for ch in name.replace("\\", "/").rsplit("/", 1)[-1] if ch.isprintable())[:150]
    with transaction.atomic():
        old = attendance.certificate.name if attendance.certificate else ""
        attendance.certificate_type, attendance.certificate_extension = content_type, extension
        attendance.certificate_name = clean_name or f"certificate.{extension}"
        attendance.certificate.save(f"certificate.{extension}", ContentFile(data), save=False)
        attendance.save(
            update_fields=["certificate", "certificate_name", "certificate_type", "certificate_extension"]
        )
        record(
            "training.certificate",
            actor=by,
            obj=attendance,
            school=attendance.session.school,
            detail={"type": content_type, "size": len(data)},
        )
    if old:
        transaction.on_commit(lambda: attendance.certificate.storage.delete(old))


def save_requirement(school: School, requirement: Requirement, *, by: User) -> Requirement:
    with transaction.atomic():
        requirement.school = school
        requirement.save()
        record("training.requirement_save", actor=by, obj=requirement, school=school)
    return requirement


# --- Curriculum ---------------------------------------------------------------------------------------------


def record_lesson(school: School, *, by: User, resources: Iterable[Resource] = (), **fields: Any) -> Lesson:
    with transaction.atomic():
        lesson = Lesson.objects.create(school=school, taught_by=by, **fields)
        lesson.resources.set([r for r in resources if r.school_id == school.pk])
        record("curriculum.lesson", actor=by, obj=lesson, school=school)
    return lesson


def review_resource(resource: Resource, *, by: User, note: str, on: date | None = None) -> None:
    with transaction.atomic():
        resource.mark_reviewed(by, note, on or timezone.localdate())
        record("curriculum.resource_review", actor=by, obj=resource, object_repr=f"Resource #{resource.pk}")


def all_session_kinds() -> list[tuple[str, str]]:
    return list(SessionKind.choices)
