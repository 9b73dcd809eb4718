"""Record-level rules of the policies room.

Pages without an id refuse with 403 (``esafety.access.requires``). A URL that names a record answers 404 to
everyone who may not open it, whether for lack of the action or because the record belongs to another school, so
that a refusal never confirms that a policy, campaign or person exists.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpRequest, HttpResponse

from esafety.access import Action, can


def requires_record(*actions: Action) -> Callable[[Callable[..., HttpResponse]], Callable[..., HttpResponse]]:
    """Like ``requires``, but 404 instead of 403: for views whose URL names a record."""

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @functools.wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            school = getattr(request, "school", None)
            if not any(can(request.user, action, school) for action in actions):
                raise Http404
            return view(request, *args, **kwargs)

        wrapper.required_actions = actions  # type: ignore[attr-defined]
        return wrapper

    return decorator
