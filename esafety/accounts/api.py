from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.utils import timezone
from rest_framework import authentication, exceptions
from rest_framework.permissions import BasePermission
from rest_framework.throttling import SimpleRateThrottle

from esafety.access import Action, can, current_school
from esafety.accounts.models import ApiToken
from esafety.accounts.permissions import needs_second_factor


class TokenAuthentication(authentication.BaseAuthentication):
    """``Authorization: Token esk_…`` with a key issued at /accounts/tokens/."""

    keyword = "Token"

    def authenticate(self, request: Any) -> tuple[Any, ApiToken] | None:
        header = authentication.get_authorization_header(request).split()
        if not header or header[0].lower() != self.keyword.lower().encode():
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed("Invalid token header: use 'Token <key>'.")
        guessing = BadTokenThrottle()
        if (wait := guessing.wait_before_trying(request)) is not None:
            raise exceptions.Throttled(wait)
        try:
            key = header[1].decode("ascii")
        except UnicodeDecodeError:
            guessing.note_failure()
            raise exceptions.AuthenticationFailed("Invalid token.") from None
        token = (
            ApiToken.objects.active()
            .select_related("user", "user__school")
            .filter(digest=ApiToken.hash_key(key))
            .first()
        )
        if token is None or not token.user.is_active:
            guessing.note_failure()
            raise exceptions.AuthenticationFailed("Invalid, expired or revoked token.")
        if needs_second_factor(token.user) and not token.vouched_by_second_factor():
            # Issued before the owner's roles needed two-factor sign-in: a key alone must not outlast that.
            raise exceptions.AuthenticationFailed(
                "This token was issued before two-factor sign-in applied to your account. Sign in to esafety "
                "with two-factor once, and it works again."
            )
        now = timezone.now()
        if token.last_used is None or now - token.last_used > timedelta(minutes=1):
            ApiToken.objects.filter(pk=token.pk).update(last_used=now)
        return token.user, token

    def authenticate_header(self, request: Any) -> str:
        return self.keyword


class _SettingsRate:
    """Reads the rate from settings at each request (DRF binds it at import, which tests cannot change)."""

    scope: str

    def get_rate(self) -> str | None:
        return settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"].get(self.scope)


class TokenRateThrottle(_SettingsRate, SimpleRateThrottle):
    """One budget per API token (a forwarder that loops must not starve the rest), else per signed-in user."""

    scope = "token"

    def get_cache_key(self, request: Any, view: Any) -> str | None:
        if isinstance(request.auth, ApiToken):
            ident = f"token-{request.auth.pk}"
        elif request.user.is_authenticated:
            ident = f"user-{request.user.pk}"
        else:
            return None
        return self.cache_format % {"scope": self.scope, "ident": ident}


class AddressRateThrottle(_SettingsRate, SimpleRateThrottle):
    """One budget per client address, signed in or not: guessing tokens from one address is slowed too."""

    scope = "address"

    def get_cache_key(self, request: Any, view: Any) -> str | None:
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


class BadTokenThrottle(_SettingsRate, SimpleRateThrottle):
    """Wrong keys per client address. Authentication runs before DRF's throttles, so guessing is counted here:
    past the rate every key from that address is refused, the right one too, until the window passes."""

    scope = "bad_token"
    # Set by SimpleRateThrottle.__init__ from parse_rate(); djangorestframework-stubs leave them out. The
    # bad_token rate is always configured, so neither is None here.
    num_requests: int
    duration: int

    def get_cache_key(self, request: Any, view: Any) -> str | None:
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}

    def wait_before_trying(self, request: Any) -> float | None:
        self.key = self.get_cache_key(request, None)
        self.history = self.cache.get(self.key, [])
        self.now = self.timer()
        while self.history and self.history[-1] <= self.now - self.duration:
            self.history.pop()
        return self.wait() if len(self.history) >= self.num_requests else None

    def note_failure(self) -> None:
        self.throttle_success()  # records this attempt in the window


class SignedInOutsideDebug(BasePermission):
    """The API schema maps every operation: only for signed-in users, except on a developer's laptop."""

    def has_permission(self, request: Any, view: Any) -> bool:
        return bool(settings.DEBUG or request.user.is_authenticated)


def school_for(request: Any) -> Any:
    """The school an API request works on: the caller's home school or the one named in ?school=<slug>."""
    wanted = request.query_params.get("school") if hasattr(request, "query_params") else None
    return current_school(request.user, slug=wanted)


def allows(action: Action) -> type[BasePermission]:
    """A DRF permission class: the caller may take ``action`` at the request's school."""

    class Allows(BasePermission):
        message = "You do not have permission to do this at this school."

        def has_permission(self, request: Any, view: Any) -> bool:
            request.school = school_for(request)
            return can(request.user, action, request.school)

    Allows.__name__ = f"Allows_{action.name}"
    return Allows
