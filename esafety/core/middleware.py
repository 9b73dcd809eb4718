from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse

from esafety.access import current_school

SCHOOL_SESSION_KEY = "esafety_school_id"


class SecurityHeadersMiddleware:
    """A strict Content-Security-Policy and related headers on every response, errors included."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", settings.CONTENT_SECURITY_POLICY)
        response.headers.setdefault(
            "Permissions-Policy", "camera=(), microphone=(), geolocation=(), payment=()"
        )
        response.headers.setdefault("Cross-Origin-Resource-Policy", "same-origin")
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            # Pages about children must not linger in shared browsers' caches.
            response.headers.setdefault("Cache-Control", "no-store")
        return response


class CurrentSchoolMiddleware:
    """Sets ``request.school``: the school whose records this request works on.

    Staff with roles at one school always get that school. Trust-wide users choose a school (kept in the
    session); a choice outside the user's schools is ignored, so a forged session value grants nothing.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.school = current_school(request.user, pk=request.session.get(SCHOOL_SESSION_KEY))  # type: ignore[attr-defined]
        return self.get_response(request)
