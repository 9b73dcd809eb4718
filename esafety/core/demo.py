"""The fictional demo trust and its schools, built by ``manage.py demo``.

The core builds the trust, the schools and the sign-in accounts; each room then adds its own demo records in
``<room>/demo.py`` (a ``build(ctx)`` function), called in ``INSTALLED_APPS`` order. Everything is drawn from
one seeded random generator, so two runs build the same school.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db import transaction
from django.utils import timezone

from esafety.accounts.models import Role, RoleAssignment, User
from esafety.core.navigation import room_modules
from esafety.people.models import Person, School, Trust

DEMO_TRUST_SLUG = "meadowbank"
SEED = 20150113


@dataclass
class DemoContext:
    rng: random.Random
    today: date
    trust: Trust
    school: School
    other_school: School
    password: str
    users: dict[str, User] = field(default_factory=dict)
    extra: dict[str, Any] = field(default_factory=dict)

    def person(self, username: str) -> Person:
        person = self.users[username].person
        assert person is not None
        return person


def demo_exists() -> bool:
    return Trust.objects.filter(slug=DEMO_TRUST_SLUG).exists()


def build_demo(password: str) -> DemoContext:
    with transaction.atomic():
        trust = Trust.objects.create(name="Meadowbank Learning Trust", slug=DEMO_TRUST_SLUG)
        school = School.objects.create(
            trust=trust,
            name="Hollybrook Primary School",
            slug="hollybrook",
            urn="990001",
            email_domain="hollybrook.sch.example",
        )
        other = School.objects.create(
            trust=trust,
            name="Riverside Infant School",
            slug="riverside",
            urn="990002",
            email_domain="riverside.sch.example",
        )
        ctx = DemoContext(
            rng=random.Random(SEED),
            today=timezone.localdate(),
            trust=trust,
            school=school,
            other_school=other,
            password=password,
        )
        for module in room_modules("demo"):
            if builder := getattr(module, "build", None):  # this module itself has none
                builder(ctx)
    return ctx


def make_user(
    ctx: DemoContext,
    username: str,
    person: Person | None,
    roles: list[Role],
    *,
    school: School | None = None,
    trust_roles: list[Role] | None = None,
) -> User:
    school = school or ctx.school
    user = User(
        username=username,
        first_name=person.first_name if person else username.title(),
        last_name=person.last_name if person else "",
        email=person.email if person else f"{username}@{school.email_domain}",
        school=school,
        person=person,
    )
    user.set_password(ctx.password)
    user.save()
    RoleAssignment.objects.bulk_create(
        [RoleAssignment(user=user, role=role, school=school) for role in roles]
    )
    RoleAssignment.objects.bulk_create(
        [RoleAssignment(user=user, role=role, trust=ctx.trust) for role in (trust_roles or [])]
    )
    ctx.users[username] = user
    return user


def reset_passwords(password: str) -> list[str]:
    users = list(
        User.objects.filter(school__trust__slug=DEMO_TRUST_SLUG)
        | User.objects.filter(role_assignments__trust__slug=DEMO_TRUST_SLUG)
    )
    for user in {user.pk: user for user in users}.values():
        user.set_password(password)
        user.save(update_fields=["password"])
    return sorted(user.username for user in users)
