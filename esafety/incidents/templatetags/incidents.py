from __future__ import annotations

from typing import Any

from django import template

from esafety.access import Action, can

register = template.Library()


@register.filter
def may_list_incidents(request: Any) -> bool:
    return can(request.user, Action.LIST_INCIDENTS, getattr(request, "school", None))


@register.filter
def get_item(mapping: Any, key: Any) -> Any:
    """``mapping[key]`` or None: the form kept for one row of a table (a refused cancel keeps its errors)."""
    return mapping.get(key) if hasattr(mapping, "get") else None
