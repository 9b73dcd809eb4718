from __future__ import annotations

import sys

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.db import InterfaceError, OperationalError, connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views import defaults
from django.views.decorators.http import require_POST

from esafety.access import Action, requires, schools_of
from esafety.core.middleware import SCHOOL_SESSION_KEY
from esafety.core.navigation import panels_for
from esafety.core.types import SchoolRequest


@requires(Action.VIEW_DASHBOARD)
def dashboard(request: SchoolRequest) -> HttpResponse:
    return render(request, "core/dashboard.html", {"panels": panels_for(request)})


@require_POST
def switch_school(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        return redirect("login")
    wanted = request.POST.get("school")
    if wanted and wanted.isdigit() and int(wanted) in {school.pk for school in schools_of(request.user)}:
        request.session[SCHOOL_SESSION_KEY] = int(wanted)
    target = request.POST.get("next", "/")
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = "/"
    return redirect(target)


def healthz(request: HttpRequest) -> HttpResponse:
    """For load balancers and monitoring: 200 when the database answers."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except Exception:  # noqa: BLE001
        return JsonResponse({"status": "database unavailable"}, status=503)
    return JsonResponse({"status": "ok"})


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "403.html", status=403)


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    """400; for the API, JSON with a reason, and 413 when the body is over the limit (a client can act on it)."""
    too_big = isinstance(exception, RequestDataTooBig)
    if request.path.startswith("/api/"):
        if too_big:
            limit = settings.ESAFETY_MAX_UPLOAD_MB
            detail = (
                f"The request body is larger than the API accepts: at most one evidence file of {limit} MB "
                "(base64-encoded) per request. Send large files one request at a time."
            )
            return JsonResponse({"detail": detail}, status=413)
        return JsonResponse({"detail": "The request could not be read."}, status=400)
    if too_big:
        return HttpResponse("The upload is larger than the limit.", status=413, content_type="text/plain")
    return defaults.bad_request(request, exception)


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": "Not found."}, status=404)  # API clients parse JSON, never our page
    return render(request, "404.html", status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    """500, or 503 when the database is unreachable before any view could keep the form.

    Rendered without the request context: the context processors would ask the same database again.
    """
    error = sys.exc_info()[1]
    if isinstance(error, OperationalError | InterfaceError):
        # Whatever was typed comes back on the page (escaped), so a report is never lost to an outage.
        typed = [
            (name, value)
            for name, value in (request.POST.items() if request.method == "POST" else [])
            if name not in ("csrfmiddlewaretoken", "version", "submission") and str(value).strip()
        ]
        return render(None, "503.html", {"typed": typed}, status=503)
    return render(None, "500.html", status=500)
