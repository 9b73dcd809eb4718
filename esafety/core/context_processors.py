from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest

from esafety.access import roles_at, schools_of
from esafety.core.navigation import nav_for


def shell(request: HttpRequest) -> dict[str, Any]:
    """What the base template needs on every page: navigation, the current school and the user's roles."""
    if not getattr(request, "user", None) or not request.user.is_authenticated:
        return {"site_name": settings.SITE_NAME}
    school = getattr(request, "school", None)
    return {
        "site_name": settings.SITE_NAME,
        "nav": nav_for(request),
        "current_school": school,
        "my_schools": schools_of(request.user),
        "my_roles": sorted(role.label for role in roles_at(request.user, school)),
    }
