"""Record-level rules of the registers.

Pages without an id answer 403 to a role without the action (``@requires``). A page that names a record answers
404 instead, to anyone who may not open it, so that a refusal never confirms the record exists: that is
``@record_requires``. The record itself is then fetched with ``get_object_or_404(..., school=request.school)``.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpRequest, HttpResponse

from esafety.access import Action, can


def record_requires(action: Action) -> Callable[[Callable[..., HttpResponse]], Callable[..., HttpResponse]]:
    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @functools.wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not can(request.user, action, getattr(request, "school", None)):
                raise Http404
            return view(request, *args, **kwargs)

        wrapper.required_actions = (action,)  # type: ignore[attr-defined]
        return wrapper

    return decorator
