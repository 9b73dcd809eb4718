"""Known records for the governance tests, at a school of their own so that nothing else counts."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from typing import Any

from django.utils import timezone

from esafety.governance import evidence
from esafety.incidents.models import Incident, IncidentPerson
from esafety.monitoring.models import Alert, Capture
from esafety.people.models import Person


def at(year: int, month: int, day: int, hour: int = 10) -> datetime:
    return timezone.make_aware(datetime(year, month, day, hour))


def incident(
    school: Any, category: str, occurred: datetime, *people: tuple[Person, str], **extra: Any
) -> Incident:
    made = Incident.objects.create(
        school=school,
        number=Incident.objects.filter(school=school).count() + 1,
        category=category,
        occurred_at=occurred,
        reported_at=occurred,
        description=extra.pop("description", "Something happened."),
        **extra,
    )
    for person, role in people:
        IncidentPerson.objects.create(incident=made, person=person, role=role)
    return made


def alert(school: Any, severity: int, created: datetime, review_hours: float | None, **capture: Any) -> Alert:
    made = Capture.objects.create(
        school=school, text=capture.pop("text", "text"), received_at=created, **capture
    )
    return Alert.objects.create(
        school=school,
        capture=made,
        category="bullying",
        severity=severity,
        rule="test",
        evidence="x",
        start=0,
        end=1,
        created=created,
        reviewed_at=created + timedelta(hours=review_hours) if review_hours is not None else None,
        status=Alert.Status.ACTION_TAKEN if review_hours is not None else Alert.Status.NEW,
    )


@contextmanager
def without_provider(key: str) -> Iterator[None]:
    """As if the room providing ``key`` had not landed: every room has, so the tests take one away."""
    evidence.provided_keys()  # discover every room's figures first
    saved = evidence._PROVIDERS.pop(key)
    try:
        yield
    finally:
        evidence._PROVIDERS[key] = saved  # 1 Sep 2025 to 31 Aug 2026
