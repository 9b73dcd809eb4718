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
    school: School | None  # None only for a signed-in user with no role at any school
    user: User  # type: ignore[assignment]  # HttpRequest.user is AbstractBaseUser | AnonymousUser in django-stubs
