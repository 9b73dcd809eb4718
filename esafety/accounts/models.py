"""Sign-in accounts, the roles they hold, and API tokens."""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Iterable
from datetime import datetime
from typing import TYPE_CHECKING

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils import timezone
from django_otp.models import Device

from esafety.people.models import Person, School, Trust


class Role(models.TextChoices):
    """The roles the E-Safety Policy names, plus the ones a trust needs to work across its schools."""

    HEAD = "head", "Headteacher"
    DEPUTY = "deputy", "Deputy Headteacher"
    COORDINATOR = "coordinator", "E-Safety Co-ordinator"
    DSL = "dsl", "Designated Safeguarding Lead"
    TECHNICIAN = "technician", "ICT Technician"
    TEACHER = "teacher", "Teacher"
    OFFICE = "office", "Office staff"
    GOVERNOR = "governor", "Governor"
    TRUST_SAFEGUARDING = "trust_safeguarding", "Trust safeguarding lead"
    TRUST_ADMIN = "trust_admin", "Trust administrator"


TRUST_ROLES = frozenset({Role.TRUST_SAFEGUARDING, Role.TRUST_ADMIN})


class User(AbstractUser):  # type: ignore[django-manager-missing]  # ProviderSecondFactor has an untyped base
    """A person who signs in. Staff and governors only: pupils and parents have no accounts."""

    school = models.ForeignKey(
        School, models.PROTECT, null=True, blank=True, related_name="users", help_text="Home school"
    )
    person = models.OneToOneField(
        Person, models.SET_NULL, null=True, blank=True, related_name="user", help_text="Directory entry"
    )
    # Set when an administrator chose the password (a new account, a reset): whoever read it over the
    # shoulder must not keep a working password, so the owner picks a new one before anything else.
    must_change_password = models.BooleanField(default=False)
    # The last time this user passed a two-factor check: an API token issued before the user's roles needed
    # two-factor sign-in works again only once they have passed one.
    second_factor_passed = models.DateTimeField(null=True, blank=True, editable=False)

    if TYPE_CHECKING:
        # django_otp's OTPMiddleware sets this on request.user for each request; it is not a model method.
        def is_verified(self) -> bool: ...

    class Meta:
        ordering = ["username"]

    def __str__(self) -> str:
        return self.get_full_name() or self.username

    @classmethod
    def holding(cls, school: School, roles: Iterable[Role]) -> models.QuerySet[User]:
        """Active users holding any of ``roles`` at the school itself (trust-wide roles are not included):
        who a school's notifications go to."""
        user_ids = RoleAssignment.objects.filter(school=school, role__in=list(roles)).values("user_id")
        return cls.objects.filter(pk__in=user_ids, is_active=True).order_by("pk")


class RoleAssignment(models.Model):
    """One role held by one user, either at one school or across every school of one trust."""

    user = models.ForeignKey(User, models.CASCADE, related_name="role_assignments")
    role = models.CharField(max_length=30, choices=Role.choices)
    school = models.ForeignKey(School, models.CASCADE, null=True, blank=True, related_name="role_assignments")
    trust = models.ForeignKey(Trust, models.CASCADE, null=True, blank=True, related_name="role_assignments")
    granted = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(school__isnull=False, trust__isnull=True)
                    | models.Q(school__isnull=True, trust__isnull=False)
                ),
                name="role_assignment_school_xor_trust",
            ),
            models.UniqueConstraint(fields=["user", "role", "school"], name="role_assignment_unique_school"),
            models.UniqueConstraint(fields=["user", "role", "trust"], name="role_assignment_unique_trust"),
        ]

    def __str__(self) -> str:
        return f"{self.user} – {self.get_role_display()} at {self.school or self.trust}"


class ApiTokenQuerySet(models.QuerySet["ApiToken"]):
    def active(self) -> ApiTokenQuerySet:
        return self.filter(revoked__isnull=True).filter(
            models.Q(expires__isnull=True) | models.Q(expires__gt=timezone.now())
        )


class ApiToken(models.Model):
    """A per-user API key. Only its SHA-256 is stored: a leaked database does not leak working keys."""

    user = models.ForeignKey(User, models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=100, help_text="What the token is for, e.g. 'Filter log forwarder'")
    prefix = models.CharField(max_length=8, editable=False)
    digest = models.CharField(max_length=64, unique=True, editable=False)
    created = models.DateTimeField(default=timezone.now, editable=False)
    expires = models.DateTimeField(null=True, blank=True)
    last_used = models.DateTimeField(null=True, blank=True, editable=False)
    revoked = models.DateTimeField(null=True, blank=True, editable=False)
    # Issued in a session that had passed two-factor sign-in.
    second_factor = models.BooleanField(default=False, editable=False)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        ordering = ["-created"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @staticmethod
    def hash_key(key: str) -> str:
        return hashlib.sha256(key.encode()).hexdigest()

    @classmethod
    def issue(
        cls, user: User, name: str, expires: datetime | None = None, *, second_factor: bool = False
    ) -> tuple[ApiToken, str]:
        """Create a token and return it with its key, which is shown once and never stored."""
        key = "esk_" + secrets.token_urlsafe(32)
        token = cls.objects.create(
            user=user,
            name=name,
            prefix=key[4:12],
            digest=cls.hash_key(key),
            expires=expires,
            second_factor=second_factor,
        )
        return token, key

    def vouched_by_second_factor(self) -> bool:
        """Issued after a two-factor check, or its owner has passed one since it was issued."""
        passed = self.user.second_factor_passed
        return self.second_factor or (passed is not None and passed >= self.created)

    def revoke(self) -> None:
        self.revoked = timezone.now()
        self.save(update_fields=["revoked"])


# --- Single sign-on (OpenID Connect) ------------------------------------------------------------------------


class SignInProvider(models.Model):  # type: ignore[django-manager-missing]  # as User
    """An OpenID Connect provider a school's (or a whole trust's) staff sign in with.

    The client secret is never stored here: ``secret_variable`` names the environment variable that holds it
    (see docs/sso.md), so a database backup, an export or the settings page never carries it.
    """

    class Kind(models.TextChoices):
        MICROSOFT = "microsoft", "Microsoft Entra ID (Microsoft 365)"
        GOOGLE = "google", "Google Workspace"
        OIDC = "oidc", "Another OpenID Connect provider"

    school = models.ForeignKey(
        School, models.CASCADE, null=True, blank=True, related_name="sign_in_providers"
    )
    trust = models.ForeignKey(Trust, models.CASCADE, null=True, blank=True, related_name="sign_in_providers")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    name = models.CharField(
        max_length=60, blank=True, help_text="Another provider: the name on its button, e.g. 'LGfL'"
    )
    tenant = models.CharField(
        max_length=200,
        blank=True,
        help_text="Microsoft: the directory (tenant) ID. Google: the school's Workspace domain.",
    )
    issuer_url = models.URLField(
        "issuer URL", blank=True, help_text="Another provider: its issuer, where discovery is found"
    )
    client_id = models.CharField("client ID", max_length=200)
    secret_variable = models.CharField(
        max_length=100,
        help_text="The environment variable holding the client secret, e.g. ESAFETY_SSO_SECRET_HOLLYBROOK",
    )
    enabled = models.BooleanField(default=True)
    created = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(school__isnull=False, trust__isnull=True)
                    | models.Q(school__isnull=True, trust__isnull=False)
                ),
                name="sign_in_provider_school_xor_trust",
            )
        ]

    def __str__(self) -> str:
        return self.button_label

    @property
    def label(self) -> str:
        if self.kind == self.Kind.MICROSOFT:
            return "Microsoft"
        if self.kind == self.Kind.GOOGLE:
            return "Google"
        return self.name or "single sign-on"

    @property
    def button_label(self) -> str:
        return f"Sign in with {self.label}"

    @classmethod
    def serving(cls, school: School) -> models.QuerySet[SignInProvider]:
        """The enabled providers that sign in ``school``'s staff: its own, then its trust's."""
        query = models.Q(school=school)
        if school.trust_id is not None:
            query |= models.Q(trust_id=school.trust_id)
        return cls.objects.filter(query, enabled=True).order_by("trust_id", "pk")

    def schools(self) -> models.QuerySet[School]:
        """The schools whose staff this provider signs in."""
        if self.school_id is not None:
            return School.objects.filter(pk=self.school_id)
        return School.objects.filter(trust=self.trust)


class SignInPolicy(models.Model):
    """How a school's staff may sign in. A school without a row keeps the defaults (passwords allowed, no
    accounts made from single sign-on)."""

    school = models.OneToOneField(School, models.CASCADE, related_name="sign_in_policy")
    passwords_allowed = models.BooleanField(
        default=True,
        help_text="Off: this school's staff sign in only with single sign-on (superusers keep their password)",
    )
    create_accounts = models.BooleanField(
        default=False,
        help_text="Make an account, with no roles, for a member of staff the provider vouches for who has none",
    )

    def __str__(self) -> str:
        return f"Sign-in at {self.school}"

    @classmethod
    def for_school(cls, school: School | None) -> SignInPolicy:
        if school is None:
            return cls()
        return cls.objects.filter(school=school).first() or cls(school=school)


class ProviderSecondFactor(Device):
    """The sign-in provider's own multi-factor check, as a django-otp device: a session signed in through a
    provider whose ID token says it asked for a second factor (``amr``) is verified with this device, so the
    two-factor rule holds without asking for esafety's TOTP code as well. It verifies no codes itself."""

    provider: models.ForeignKey[SignInProvider, SignInProvider] = models.ForeignKey(
        SignInProvider, models.CASCADE, related_name="second_factors"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "provider"], name="provider_second_factor_unique")
        ]
