from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.utils import timezone
from rest_framework import authentication, exceptions
from rest_framework.permissions import BasePermission

from esafety.access import Action, can
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
        try:
            key = header[1].decode("ascii")
        except UnicodeDecodeError:
            raise exceptions.AuthenticationFailed("Invalid token.") from None
        token = (
            ApiToken.objects.active()
            .select_related("user", "user__school")
            .filter(digest=ApiToken.hash_key(key))
            .first()
        )
        if token is None or not token.user.is_active:
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


def school_for(request: Any) -> Any:
    """The school an API request works on: the caller's home school or the one named in ?school=<slug>."""
    from esafety.access import schools_of

    schools = schools_of(request.user)
    wanted = request.query_params.get("school") if hasattr(request, "query_params") else None
    for school in schools:
        if (wanted and school.slug == wanted) or (not wanted and school.pk == request.user.school_id):
            return school
    return None if wanted else (schools[0] if schools else None)


def allows(action: Action) -> type[BasePermission]:
    """A DRF permission class: the caller may take ``action`` at the request's school."""

    class Allows(BasePermission):
        message = "You do not have permission to do this at this school."

        def has_permission(self, request: Any, view: Any) -> bool:
            request.school = school_for(request)
            return can(request.user, action, request.school)

    Allows.__name__ = f"Allows_{action.name}"
    return Allows
