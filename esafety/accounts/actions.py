"""Account administration: every change is audited, and a Head cannot lock the school out of its own system."""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django_otp.plugins.otp_totp.models import TOTPDevice

from esafety.accounts.models import TRUST_ROLES, Role, RoleAssignment, User
from esafety.audit.actions import record
from esafety.people.models import Person, School


class AccountError(Exception):
    pass


def temporary_password() -> str:
    return secrets.token_urlsafe(12)


def create_account(
    school: School,
    *,
    username: str,
    first_name: str,
    last_name: str,
    email: str,
    roles: Iterable[Role],
    person: Person | None = None,
    request: Any = None,
) -> tuple[User, str]:
    """A new sign-in for ``school`` with a one-time password the administrator passes on in person."""
    if person is not None and person.school_id != school.pk:
        raise AccountError("That person is not at this school.")
    password = temporary_password()
    with transaction.atomic():
        user = User(
            username=username,
            first_name=first_name,
            last_name=last_name,
            email=email,
            school=school,
            person=person,
        )
        user.set_password(password)
        user.save()
        RoleAssignment.objects.bulk_create(
            [RoleAssignment(user=user, role=role, school=school) for role in set(roles)]
        )
        record(
            "account.create", obj=user, school=school, request=request, detail={"roles": sorted(set(roles))}
        )
    return user, password


def set_roles(school: School, user: User, roles: Iterable[Role], *, request: Any = None) -> None:
    wanted = {Role(role) for role in roles} - TRUST_ROLES
    current = set(RoleAssignment.objects.filter(user=user, school=school).values_list("role", flat=True))
    if request is not None and user == request.user and Role.HEAD in current and Role.HEAD not in wanted:
        raise AccountError(
            "You cannot remove your own Headteacher role: ask another Headteacher or the trust."
        )
    with transaction.atomic():
        RoleAssignment.objects.filter(user=user, school=school).exclude(role__in=wanted).delete()
        RoleAssignment.objects.bulk_create(
            [RoleAssignment(user=user, role=role, school=school) for role in wanted - current]
        )
        record(
            "account.roles",
            obj=user,
            school=school,
            request=request,
            detail={"added": sorted(wanted - current), "removed": sorted(current - wanted)},
        )


def set_active(school: School, user: User, active: bool, *, request: Any = None) -> None:
    if request is not None and user == request.user and not active:
        raise AccountError("You cannot deactivate your own account.")
    with transaction.atomic():
        user.is_active = active
        user.save(update_fields=["is_active"])
        record(
            "account.activate" if active else "account.deactivate", obj=user, school=school, request=request
        )


def reset_password(school: School, user: User, *, request: Any = None) -> str:
    password = temporary_password()
    with transaction.atomic():
        user.set_password(password)
        user.save(update_fields=["password"])
        record("account.reset_password", obj=user, school=school, request=request)
    return password


def reset_second_factor(school: School, user: User, *, request: Any = None) -> None:
    """For a lost phone: the user enrols a new authenticator at their next sign-in."""
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user).delete()
        record("account.reset_2fa", obj=user, school=school, request=request)
