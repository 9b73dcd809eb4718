"""The navigation bar and dashboard panels, assembled from every room.

Navigation entries name the action that shows them, so the menu always agrees with the access matrix. A room
adds menu entries by calling ``register(NavItem(...))`` in its ``<room>/navigation.py``, and dashboard panels
by defining ``dashboard.panels(request) -> list[Panel]`` in its package.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from functools import cache
from typing import TYPE_CHECKING

from django.apps import apps
from django.urls import reverse
from django.utils.module_loading import autodiscover_modules

from esafety.access import Action, can

if TYPE_CHECKING:
    from collections.abc import Callable
    from types import ModuleType

    from django.http import HttpRequest

    from esafety.core.types import SchoolRequest


@dataclass(frozen=True)
class NavItem:
    label: str
    url_name: str
    actions: tuple[Action, ...]
    order: int = 100  # lower comes first; the core's own entries use 0-99, rooms pick a gap


@dataclass(frozen=True)
class Panel:
    title: str
    value: str | int
    url: str = ""
    note: str = ""
    tone: str = (
        "neutral"  # neutral | good | warn | alert (always with words: colour is never the only signal)
    )
    items: list[tuple[str, str]] = field(default_factory=list)  # (label, url) rows under the figure


_NAV: list[NavItem] = []


def register(*items: NavItem) -> None:
    """Add a room's menu entries. Each room calls this from its own ``navigation.py``, which the core imports
    once with ``autodiscover_modules``; ``NavItem.order`` places the entry among the other rooms' entries."""
    _NAV.extend(items)


register(NavItem("Dashboard", "dashboard", (Action.VIEW_DASHBOARD,), order=0))


@cache
def _nav() -> list[NavItem]:
    autodiscover_modules("navigation")
    return sorted(_NAV, key=lambda item: item.order)


def nav_for(request: HttpRequest) -> list[dict[str, str | bool]]:
    school = getattr(request, "school", None)
    items: list[dict[str, str | bool]] = []
    for item in _nav():
        url = reverse(item.url_name)
        if any(can(request.user, action, school) for action in item.actions):
            items.append({"label": item.label, "url": url, "active": False})
    # The most specific entry wins: /incidents/new/ is "Report a concern", not also "Safeguarding log".
    matches = [
        entry
        for entry in items
        if request.path == entry["url"]
        or (entry["url"] != "/" and request.path.startswith(str(entry["url"])))
    ]
    if matches:
        max(matches, key=lambda entry: len(str(entry["url"])))["active"] = True
    return items


def room_modules(name: str) -> list[ModuleType]:
    """Every installed room's ``<room>.<name>`` module, in ``INSTALLED_APPS`` order (imported with
    ``autodiscover_modules``, which skips apps that have none and re-raises errors inside one that has)."""
    autodiscover_modules(name)
    rooms = [config.name for config in apps.get_app_configs() if config.name.startswith("esafety.")]
    found = (sys.modules.get(f"{room}.{name}") for room in rooms)
    return [module for module in found if module is not None]


@cache
def _panel_providers() -> list[Callable[[SchoolRequest], list[Panel]]]:
    return [module.panels for module in room_modules("dashboard") if hasattr(module, "panels")]


def panels_for(request: SchoolRequest) -> list[Panel]:
    return [panel for provider in _panel_providers() for panel in provider(request)]
