from __future__ import annotations

import time
from collections.abc import Callable
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, resolve_url

from esafety.accounts.permissions import needs_second_factor

# Pages a signed-in user can reach before completing two-factor sign-in.
_OPEN_PREFIXES = ("/accounts/2fa/", "/accounts/logout/", "/static/", "/healthz")
IDLE_SESSION_KEY = "esafety_last_seen"


class SecondFactorMiddleware:
    """Holds back every page until a user whose role requires it has passed a TOTP check this session, and
    until a user whose password an administrator set has chosen their own.

    Also ends sessions left idle for ``ESAFETY_IDLE_MINUTES``: shared staff-room computers are common.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if user.is_authenticated:
            now = int(time.time())
            last_seen = request.session.get(IDLE_SESSION_KEY)
            if last_seen is not None and now - int(last_seen) > settings.ESAFETY_IDLE_MINUTES * 60:
                logout(request)
                query = urlencode({"next": request.get_full_path(), "idle": "1"})
                return redirect(f"{resolve_url(settings.LOGIN_URL)}?{query}")
            if last_seen is None or now - int(last_seen) > 60:
                request.session[IDLE_SESSION_KEY] = now
            if (
                needs_second_factor(user)
                and not user.is_verified()
                and not request.path.startswith(_OPEN_PREFIXES)
            ):
                if request.path.startswith("/api/"):
                    return JsonResponse({"detail": "Two-factor sign-in required."}, status=403)
                return redirect(
                    f"{resolve_url('second_factor')}?{urlencode({'next': request.get_full_path()})}"
                )
            if (
                user.must_change_password
                and not request.path.startswith(_OPEN_PREFIXES)
                and request.path != resolve_url("password_change")
            ):
                # An administrator chose this password and may still know it: nothing else until it changes.
                if request.path.startswith("/api/"):
                    return JsonResponse({"detail": "Choose a new password before using the API."}, status=403)
                return redirect("password_change")
        return self.get_response(request)
