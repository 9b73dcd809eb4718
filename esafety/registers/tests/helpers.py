"""Records the registers' tests build: each at the school the test names (Hollybrook unless told)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.utils import timezone

from esafety.accounts.models import Role, RoleAssignment, User
from esafety.people.models import Person, School
from esafety.registers.models import (
    Confiscation,
    Device,
    NetworkAccount,
    SecurityAction,
    SecurityReview,
)


def any_user(school: School) -> User:
    assignment = RoleAssignment.objects.filter(school=school).select_related("user").first()
    if assignment is None:
        user = User.objects.create(username=f"staff-{school.slug}", school=school)
        RoleAssignment.objects.create(user=user, role=Role.HEAD, school=school)
        return user
    return assignment.user


def make_account(school: School, **values: Any) -> NetworkAccount:
    count = NetworkAccount.objects.count()
    defaults: dict[str, Any] = {
        "kind": NetworkAccount.Kind.VISITOR,
        "first_name": "Vera",
        "last_name": "Visitor",
        "username": f"visitor{count + 1}",
        "ends_on": timezone.localdate() + timedelta(days=3),
        "requested_by": "The office",
        "reason": "Book fair",
        "aup": NetworkAccount.Aup.PAPER,
        "issued_by": any_user(school),
    }
    return NetworkAccount.objects.create(school=school, **{**defaults, **values})


def make_device(school: School, **values: Any) -> Device:
    count = Device.objects.count()
    defaults: dict[str, Any] = {"asset_tag": f"LT-{count + 1:03d}", "kind": Device.Kind.LAPTOP}
    return Device.objects.create(school=school, **{**defaults, **values})


def make_pupil(school: School) -> Person:
    return Person.objects.create(school=school, kind=Person.Kind.PUPIL, first_name="Pat", last_name="Pupil")


def make_confiscation(school: School, **values: Any) -> Confiscation:
    number = Confiscation.objects.filter(school=school).count() + 1
    user = any_user(school)
    defaults: dict[str, Any] = {
        "number": number,
        "item": "Mobile phone",
        "taken_from": make_pupil(school),
        "suspicion": "Filming in class",
        "authorised_by": user,
        "kept_where": "Office safe",
        "recorded_by": user,
    }
    return Confiscation.objects.create(school=school, **{**defaults, **values})


def make_review(school: School) -> SecurityReview:
    return SecurityReview.objects.create(
        school=school,
        kind=SecurityReview.Kind.NETWORK,
        due_on=timezone.localdate(),
        created_by=any_user(school),
    )


def make_security_action(school: School) -> SecurityAction:
    review = make_review(school)
    return SecurityAction.objects.create(
        school=school,
        review=review,
        description="Rotate the Wi-Fi key",
        owner=any_user(school),
        due_on=timezone.localdate(),
    )
