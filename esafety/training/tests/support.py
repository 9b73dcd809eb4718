"""Helpers for training tests: people who joined on a given day, sessions held on a given day."""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Any

from django.utils import timezone

from esafety.people.models import Person
from esafety.training.models import Attendance, TrainingSession


def joined(person: Person, day: date) -> Person:
    when = timezone.make_aware(datetime.combine(day, time(9)))
    Person.objects.filter(pk=person.pk).update(created=when)
    person.created = when
    return person


def attended(school: Any, person: Person, kind: str, day: date) -> Attendance:
    session = TrainingSession.objects.create(school=school, kind=kind, title=f"{kind} {day}", held_on=day)
    return Attendance.objects.create(session=session, person=person)
