"""Record-level access for the consent and publishing rooms.

Pages that name a record by id (a person's consents, a campaign, a publication) answer **404** to anyone who may
not use them, not 403: a refusal must never confirm that the record exists. The action still comes from the one
table in ``esafety/access.py``; the record itself is then fetched with ``get_object_or_404(..., school=...)``, so
another school's record is a 404 too.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse

from esafety.access import Action, requires


def record_requires(*actions: Action) -> Callable[[Callable[..., HttpResponse]], Callable[..., HttpResponse]]:
    """``esafety.access.requires``, but a signed-in user without the action gets 404 instead of 403."""

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        guarded = requires(*actions)(view)

        @functools.wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            try:
                return guarded(request, *args, **kwargs)
            except PermissionDenied:
                raise Http404 from None

        wrapper.required_actions = actions  # type: ignore[attr-defined]
        return wrapper

    return decorator
