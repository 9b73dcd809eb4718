"""Template helpers shared by the consent and publishing pages."""

from __future__ import annotations

from typing import Any

from django import template

register = template.Library()


@register.filter
def who(user: Any) -> str:
    """A user's name for a page ("—" when the account is gone or the step was the system's)."""
    if user is None:
        return "—"
    return user.get_full_name() or user.username
