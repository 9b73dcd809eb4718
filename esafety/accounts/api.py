from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.utils import timezone
from rest_framework import authentication, exceptions
from rest_framework.permissions import BasePermission

from esafety.access import Action, can, current_school
from esafety.accounts.models import ApiToken


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
        now = timezone.now()
        if token.last_used is None or now - token.last_used > timedelta(minutes=1):
            ApiToken.objects.filter(pk=token.pk).update(last_used=now)
        return token.user, token

    def authenticate_header(self, request: Any) -> str:
        return self.keyword


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
