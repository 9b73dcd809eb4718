"""Types the rooms share. ``SchoolRequest`` is what every signed-in view receives: the middleware has set
``request.school`` and authentication has set ``request.user`` to an esafety ``User``.

Annotate a view's request as ``SchoolRequest`` instead of reaching for ``# type: ignore[attr-defined]``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.http import HttpRequest

if TYPE_CHECKING:
    from esafety.accounts.models import User
    from esafety.people.models import School


class SchoolRequest(HttpRequest):
    """The request of a view behind ``@requires``. ``school`` is never None there: the middleware sets None only
    for a visitor or a user with no role at any school, and ``can()`` refuses every action at no school, so
    ``@requires`` answers before the view runs. Code outside such views reads ``getattr(request, "school")``."""

    school: School
    user: User  # HttpRequest.user is AbstractBaseUser | AnonymousUser in django-stubs
