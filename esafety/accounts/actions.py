"""Account administration and a user's own sign-in settings. Every change is audited.

The rules that keep administration from becoming a way in (each found in a security drill):

- nobody changes their own roles;
- senior roles (``SENIOR_ROLES``) are granted and removed only by the Headteacher or a trust administrator
  (``Action.GRANT_SENIOR_ROLES``), and only they reset a senior holder's password or two-factor or deactivate
  them: otherwise a Deputy can make themselves Head, or sign in as the Head after resetting the Head's password;
- the last active Headteacher of a school cannot be removed or deactivated;
- an account that also works at another school (``spans_other_schools``) keeps its password, two-factor and
  activation with the trust administrators of every school it works at: one school's Head resetting it would take
  over the other school's access too. A school's administrators still change that school's roles of it;
- every role change e-mails the school's Headteachers (who changed whose roles, and which) and shows on their
  dashboard; a password reset or deactivation revokes the account's API tokens; an administrator-set password
  must be changed at the next sign-in.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils import timezone
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from esafety.access import Action, can
from esafety.accounts.models import (
    TRUST_ROLES,
    ApiToken,
    ProviderSecondFactor,
    Role,
    RoleAssignment,
    SignInPolicy,
    SignInProvider,
    User,
)
from esafety.audit.actions import record
from esafety.core import holdings
from esafety.people.models import Person, School

if TYPE_CHECKING:
    from django.db.models import QuerySet
    from django.http import HttpRequest

SENIOR_ROLES = frozenset({Role.HEAD, Role.DEPUTY, Role.DSL, Role.COORDINATOR}) | TRUST_ROLES


class AccountError(Exception):
    pass


def temporary_password() -> str:
    return secrets.token_urlsafe(12)


# --- Who may change an account -----------------------------------------------------------------------------


def spans_other_schools(account: User, school: School) -> bool:
    """Whether ``account`` works anywhere but ``school``: a role at another school, a trust-wide role, or
    another home school."""
    if account.school_id is not None and account.school_id != school.pk:
        return True
    return (
        RoleAssignment.objects.filter(user=account)
        .exclude(school=school)
        .exclude(school__isnull=True, trust__isnull=True)
        .exists()
    )


def _schools_worked_at(account: User) -> list[School]:
    school_ids = set(
        RoleAssignment.objects.filter(user=account, school__isnull=False).values_list("school_id", flat=True)
    )
    trust_ids = set(
        RoleAssignment.objects.filter(user=account, trust__isnull=False).values_list("trust_id", flat=True)
    )
    if account.school_id is not None:
        school_ids.add(account.school_id)
    from django.db.models import Q

    return list(School.objects.filter(Q(pk__in=school_ids) | Q(trust_id__in=trust_ids)))


def _senior_here(account: User, school: School) -> bool:
    held = set(RoleAssignment.objects.filter(user=account, school=school).values_list("role", flat=True))
    return (
        bool(held & SENIOR_ROLES) or RoleAssignment.objects.filter(user=account, trust__isnull=False).exists()
    )


def _check_whole_account(by: User | None, account: User, school: School, what: str) -> None:
    """``by`` may change the whole account (its password, two-factor, activation) from ``school``."""
    if by is None:  # a management command run by whoever operates the server
        return
    if by.pk == account.pk:
        raise AccountError(f"You cannot {what} your own account here: ask the Headteacher or the trust.")
    if spans_other_schools(account, school):
        if not all(can(by, Action.MANAGE_SHARED_ACCOUNTS, other) for other in _schools_worked_at(account)):
            raise AccountError(
                f"{account} also works at another school, so only a trust administrator for every school "
                f"they work at can {what} this account."
            )
        return
    if _senior_here(account, school) and not can(by, Action.GRANT_SENIOR_ROLES, school):
        raise AccountError(f"{account} holds a senior role, so only the Headteacher can {what} this account.")


def _other_active_heads(account: User, school: School) -> bool:
    return User.holding(school, [Role.HEAD]).exclude(pk=account.pk).exists()


# --- Administration ------------------------------------------------------------------------------------------


def create_account(
    school: School,
    *,
    username: str,
    first_name: str,
    last_name: str,
    email: str,
    roles: Iterable[Role],
    person: Person | None = None,
    by: User | None = None,
    request: HttpRequest | None = None,
) -> tuple[User, str]:
    """A new sign-in for ``school`` with a one-time password the administrator passes on in person; the owner
    chooses their own at first sign-in. ``by`` is None only for management commands."""
    roles = {Role(role) for role in roles} - TRUST_ROLES
    if person is not None and person.school_id != school.pk:
        raise AccountError("That person is not at this school.")
    if by is not None and roles & SENIOR_ROLES and not can(by, Action.GRANT_SENIOR_ROLES, school):
        raise AccountError(_senior_refusal(roles & SENIOR_ROLES))
    password = temporary_password()
    with transaction.atomic():
        user = User(
            username=username,
            first_name=first_name,
            last_name=last_name,
            email=email,
            school=school,
            person=person,
            must_change_password=True,
        )
        user.set_password(password)
        user.save()
        RoleAssignment.objects.bulk_create(
            [RoleAssignment(user=user, role=role, school=school) for role in roles]
        )
        entry = record(
            "account.create",
            actor=by,
            obj=user,
            school=school,
            request=request,
            detail={"roles": sorted(roles)},
        )
        if roles:
            _tell_heads(school, by, user, added=roles, removed=set(), seq=entry.seq)
    return user, password


def _senior_refusal(roles: Iterable[Role]) -> str:
    names = ", ".join(sorted(Role(role).label for role in roles))
    return f"Only the Headteacher can give or remove these roles: {names}."


def set_roles(
    school: School, user: User, roles: Iterable[Role], *, by: User | None, request: HttpRequest | None = None
) -> None:
    """Set ``user``'s roles at ``school`` (trust-wide roles are not changed here)."""
    wanted = {Role(role) for role in roles} - TRUST_ROLES
    current = {
        Role(r)
        for r in RoleAssignment.objects.filter(user=user, school=school).values_list("role", flat=True)
    }
    added, removed = wanted - current, current - wanted
    if not added and not removed:
        return
    if by is not None:
        if by.pk == user.pk:
            raise AccountError("You cannot change your own roles: ask the Headteacher or the trust.")
        touches_senior = (added | removed | current) & SENIOR_ROLES
        if touches_senior and not can(by, Action.GRANT_SENIOR_ROLES, school):
            raise AccountError(_senior_refusal(touches_senior))
    if Role.HEAD in removed and not _other_active_heads(user, school):
        raise AccountError(f"{user} is the school's only Headteacher: give another person the role first.")
    with transaction.atomic():
        RoleAssignment.objects.filter(user=user, school=school, role__in=removed).delete()
        RoleAssignment.objects.bulk_create(
            [RoleAssignment(user=user, role=role, school=school) for role in added]
        )
        entry = record(
            "account.roles",
            actor=by,
            obj=user,
            school=school,
            request=request,
            detail={"added": sorted(added), "removed": sorted(removed)},
        )
        _tell_heads(school, by, user, added=added, removed=removed, seq=entry.seq)


def _tell_heads(
    school: School, by: User | None, user: User, *, added: set[Role], removed: set[Role], seq: int
) -> None:
    """E-mail every Headteacher of the school who changed whose roles: nothing else about the account."""
    from esafety.core.actions import queue_email

    changes = [f"given {Role(r).label}" for r in sorted(added)] + [
        f"removed {Role(r).label}" for r in sorted(removed)
    ]
    who = str(by) if by is not None else "A server administrator"
    queue_email(
        f"account.roles:{seq}",
        User.holding(school, [Role.HEAD]).values_list("email", flat=True),
        f"Roles changed at {school.name}",
        f"{who} changed the roles of {user}: {'; '.join(changes)}.\n\n"
        "If you did not expect this, review the account under Accounts in esafety.",
        school=school,
    )


def set_active(
    school: School, user: User, active: bool, *, by: User | None, request: HttpRequest | None = None
) -> None:
    """Deactivate (or reactivate) the whole account. Deactivating revokes its API tokens, so reactivating
    never revives a key that was out of its owner's hands while the account was off."""
    _check_whole_account(by, user, school, "deactivate" if not active else "reactivate")
    is_head = RoleAssignment.objects.filter(user=user, school=school, role=Role.HEAD).exists()
    if not active and is_head and not _other_active_heads(user, school):
        raise AccountError(f"{user} is the school's only Headteacher: give another person the role first.")
    with transaction.atomic():
        user.is_active = active
        user.save(update_fields=["is_active"])
        if not active:
            _revoke_tokens(user)
        record(
            "account.activate" if active else "account.deactivate",
            actor=by,
            obj=user,
            school=school,
            request=request,
        )


def reassignable_to(school: School, user: User) -> QuerySet[User]:
    """Who may take over what ``user`` holds at ``school``: the school's other active staff accounts."""
    return User.objects.filter(is_active=True, role_assignments__school=school).exclude(pk=user.pk).distinct()


def deactivate_and_reassign(
    school: School, user: User, *, to: User | None, by: User | None, request: HttpRequest | None = None
) -> int:
    """Hand on the work ``user`` holds (``esafety.core.holdings``: open incident actions, incidents held) to
    ``to`` and deactivate the account, all or nothing; the number of items handed on. Work held and nobody
    chosen to take it refuses, so deactivating never leaves an action or an incident with no one."""
    _check_whole_account(by, user, school, "deactivate")
    held = holdings.held_by(user, school)
    if held and to is None:
        raise AccountError("Choose who takes over their open actions and incidents first.")
    if to is not None and not reassignable_to(school, user).filter(pk=to.pk).exists():
        raise AccountError("Choose an active member of staff of this school to take over.")
    with transaction.atomic():
        moved = 0
        if held and to is not None:
            try:
                moved = holdings.reassign_all(user, to, school, by=by, request=request)
            except holdings.CannotReassign as refused:
                raise AccountError(str(refused)) from refused
            record(
                "account.reassign",
                actor=by,
                obj=user,
                school=school,
                request=request,
                detail={"to": to.pk, "items": moved},
            )
        set_active(school, user, False, by=by, request=request)
    return moved


def reset_password(school: School, user: User, *, by: User | None, request: HttpRequest | None = None) -> str:
    """A one-time password for the administrator to pass on; the owner must choose a new one at sign-in,
    and the account's API tokens stop working."""
    _check_whole_account(by, user, school, "reset the password of")
    password = temporary_password()
    with transaction.atomic():
        user.set_password(password)
        user.must_change_password = True
        user.save(update_fields=["password", "must_change_password"])
        revoked = _revoke_tokens(user)
        record(
            "account.reset_password",
            actor=by,
            obj=user,
            school=school,
            request=request,
            detail={"tokens_revoked": revoked},
        )
    return password


def reset_second_factor(
    school: School, user: User, *, by: User | None, request: HttpRequest | None = None
) -> None:
    """For a lost phone: the user enrols a new authenticator at their next sign-in."""
    _check_whole_account(by, user, school, "reset two-factor sign-in of")
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user).delete()
        ProviderSecondFactor.objects.filter(user=user).delete()
        record("account.reset_2fa", actor=by, obj=user, school=school, request=request)


def _revoke_tokens(user: User) -> int:
    return ApiToken.objects.active().filter(user=user).update(revoked=timezone.now())


# --- A user's own sign-in settings ---------------------------------------------------------------------------


def pending_authenticator(user: User) -> TOTPDevice:
    """The authenticator being enrolled: made on first ask, kept until confirmed."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=False)
    return device


def pass_second_factor(request: HttpRequest, user: User, code: str, *, enrolling: bool) -> bool:
    """Check ``code``; on success confirm a pending enrolment, mark the session verified and note the time
    (tokens issued before two-factor applied to the user work again from now). Failures are audited."""
    if enrolling:
        pending = pending_authenticator(user)
        device = pending if pending.verify_token(code) else None
    else:
        device = next(
            (d for d in TOTPDevice.objects.filter(user=user, confirmed=True) if d.verify_token(code)), None
        )
    if device is None:
        record("account.2fa_failed", obj=user, request=request)
        return False
    with transaction.atomic():
        if enrolling:
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            record("account.2fa_enrolled", obj=user, request=request)
        user.second_factor_passed = timezone.now()
        user.save(update_fields=["second_factor_passed"])
    otp_login(request, device)
    return True


def issue_token(request: HttpRequest, user: User, name: str) -> tuple[ApiToken, str]:
    verified = bool(getattr(user, "is_verified", lambda: False)())
    with transaction.atomic():
        token, key = ApiToken.issue(user, name, second_factor=verified)
        record("api_token.create", obj=token, request=request)
    return token, key


def revoke_token(request: HttpRequest, token: ApiToken) -> None:
    with transaction.atomic():
        token.revoke()
        record("api_token.revoke", obj=token, request=request)


def password_changed(request: HttpRequest, user: User) -> None:
    """After the owner set a new password themselves: the administrator's one-time password is spent."""
    with transaction.atomic():
        if user.must_change_password:
            user.must_change_password = False
            user.save(update_fields=["must_change_password"])
        record("account.change_password", obj=user, request=request)


# --- Single sign-on ------------------------------------------------------------------------------------------


def sso_account(provider: SignInProvider, email: str) -> User | None:
    """The one active account at ``provider``'s schools with ``email``: by home school or a role there. Two
    accounts with one address are refused rather than guessed between."""
    from django.db.models import Q

    from esafety.accounts.sso import Refused

    schools = provider.schools()
    matches = list(
        User.objects.filter(email__iexact=email, is_active=True)
        .filter(Q(school__in=schools) | Q(role_assignments__school__in=schools))
        .distinct()[:2]
    )
    if len(matches) > 1:
        raise Refused(
            "ambiguous_email",
            "More than one esafety account has your e-mail address: ask your Headteacher to fix this.",
            email=email,
        )
    return matches[0] if matches else None


def sign_in_with_provider(
    request: HttpRequest, provider: SignInProvider, claims: dict[str, Any], email: str
) -> User:
    """Sign in the member of staff the provider vouched for (``email``, already checked against the claims).

    An account is made only where the school allows it (``SignInPolicy.create_accounts``), with no roles. A
    provider that says it asked for a second factor satisfies esafety's two-factor rule for this session."""
    from django.contrib.auth import login as django_login

    from esafety.accounts.sso import Refused, second_factor_claimed
    from esafety.audit.models import AuditEntry

    user = sso_account(provider, email)
    created = False
    if user is None:
        school = provider.school
        if school is None or not SignInPolicy.for_school(school).create_accounts:
            raise Refused(
                "unknown_account",
                "There is no esafety account for your e-mail address: ask your Headteacher to add you.",
                email=email,
            )
        user, created = _account_from_claims(school, claims, email), True
    mfa = second_factor_claimed(claims)
    with transaction.atomic():
        if created:
            record("account.create", obj=user, school=user.school, request=request, detail={"via": "sso"})
        django_login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        if mfa:
            device, _ = ProviderSecondFactor.objects.get_or_create(
                user=user, provider=provider, defaults={"name": provider.label, "confirmed": True}
            )
            user.second_factor_passed = timezone.now()
            user.save(update_fields=["second_factor_passed"])
            otp_login(request, device)
        record(
            "account.sso_sign_in",
            actor=user,
            obj=user,
            school=user.school,
            request=request,
            kind=AuditEntry.Kind.SIGN_IN,
            detail={"provider": provider.pk, "kind": provider.kind, "second_factor": mfa},
        )
    return user


def _account_from_claims(school: School, claims: dict[str, Any], email: str) -> User:
    username = email[:150]
    if User.objects.filter(username__iexact=username).exists():
        username = f"{email[:140]}-{secrets.token_hex(4)}"
    user = User(
        username=username,
        email=email,
        first_name=str(claims.get("given_name", ""))[:150],
        last_name=str(claims.get("family_name", ""))[:150],
        school=school,
    )
    user.set_unusable_password()
    user.save()
    return user


def refuse_sso(
    request: HttpRequest, provider: SignInProvider | None, reason: str, *, email: str = ""
) -> None:
    """Audit a refused single sign-on: the reason and the address tried, never a token."""
    from esafety.audit.models import AuditEntry

    school = provider.school if provider else None
    if provider is not None and school is None:
        school = provider.schools().first()
    record(
        "account.sso_refused",
        school=school,
        request=request,
        kind=AuditEntry.Kind.SIGN_IN,
        detail={"provider": provider.pk if provider else None, "reason": reason, "email": email[:254]},
    )


def refuse_password(request: HttpRequest | None, user: User) -> None:
    from esafety.audit.models import AuditEntry

    record(
        "account.password_refused",
        school=user.school,
        request=request,
        kind=AuditEntry.Kind.SIGN_IN,
        detail={"username": user.username},
    )


def save_provider(request: HttpRequest, provider: SignInProvider, *, by: User) -> None:
    """Add or change a sign-in provider; the school's Headteachers are told, since whoever controls a
    provider can sign in as anyone at the school."""
    from esafety.core.actions import queue_email

    is_new = provider.pk is None
    with transaction.atomic():
        provider.save()
        entry = record(
            "sso.provider_add" if is_new else "sso.provider_change",
            actor=by,
            obj=provider,
            school=provider.school or provider.schools().first(),
            request=request,
            detail={
                "kind": provider.kind,
                "tenant": provider.tenant,
                "issuer": provider.issuer_url,
                "client_id": provider.client_id,
                "enabled": provider.enabled,
            },
        )
        for school in provider.schools():
            queue_email(
                f"sso.provider:{entry.seq}:{school.pk}",
                User.holding(school, [Role.HEAD]).values_list("email", flat=True),
                f"Single sign-on changed at {school.name}",
                f"{by} {'added' if is_new else 'changed'} the sign-in provider “{provider.button_label}”.\n\n"
                "Whoever controls a sign-in provider can sign in as the school's staff. If you did not expect "
                "this, review Sign-in settings under Accounts in esafety.",
                school=school,
            )


def remove_provider(request: HttpRequest, provider: SignInProvider, *, by: User) -> None:
    with transaction.atomic():
        record(
            "sso.provider_remove",
            actor=by,
            obj=provider,
            school=provider.school or provider.schools().first(),
            request=request,
            detail={"kind": provider.kind},
        )
        provider.delete()


def set_sign_in_policy(
    request: HttpRequest, school: School, *, passwords_allowed: bool, create_accounts: bool, by: User
) -> None:
    """Switch password sign-in and account creation from single sign-on for ``school``. Passwords go off only
    while the school has a working provider, so nobody is locked out by a typo."""
    if not passwords_allowed and not SignInProvider.serving(school).exists():
        raise AccountError("Add a sign-in provider before switching passwords off.")
    with transaction.atomic():
        policy, _ = SignInPolicy.objects.get_or_create(school=school)
        policy.passwords_allowed = passwords_allowed
        policy.create_accounts = create_accounts
        policy.save(update_fields=["passwords_allowed", "create_accounts"])
        record(
            "sso.policy",
            actor=by,
            obj=policy,
            school=school,
            request=request,
            detail={"passwords_allowed": passwords_allowed, "create_accounts": create_accounts},
        )
