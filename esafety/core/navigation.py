"""The navigation bar and dashboard panels, assembled from every room.

Navigation entries name the action that shows them, so the menu always agrees with the access matrix. A room
adds dashboard panels by defining ``dashboard.panels(request) -> list[Panel]`` in its package.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass, field
from functools import cache
from typing import TYPE_CHECKING

from django.apps import apps
from django.urls import NoReverseMatch, reverse

from esafety.access import Action, can

if TYPE_CHECKING:
    from collections.abc import Callable

    from django.http import HttpRequest


@dataclass(frozen=True)
class NavItem:
    label: str
    url_name: str
    actions: tuple[Action, ...]


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


NAV = [
    NavItem("Dashboard", "dashboard", (Action.VIEW_DASHBOARD,)),
    NavItem("Report a concern", "incidents:new", (Action.REPORT_INCIDENT,)),
    NavItem("Safeguarding log", "incidents:list", (Action.LIST_INCIDENTS,)),
    NavItem("Actions", "incidents:actions", (Action.LIST_INCIDENT_ACTIONS,)),
    NavItem("Alerts", "monitoring:alerts", (Action.VIEW_ALERTS,)),
    NavItem("Enhanced monitoring", "monitoring:enhanced", (Action.MANAGE_ENHANCED_MONITORING,)),
    NavItem("People", "people:list", (Action.VIEW_PEOPLE,)),
    NavItem("Accounts", "user_list", (Action.MANAGE_USERS,)),
    NavItem("Audit trail", "audit:list", (Action.VIEW_AUDIT,)),
]


def _url(name: str) -> str | None:
    try:
        return reverse(name)
    except NoReverseMatch:
        return None  # the room is not installed in this deployment


def nav_for(request: HttpRequest) -> list[dict[str, str | bool]]:
    school = getattr(request, "school", None)
    items: list[dict[str, str | bool]] = []
    for item in NAV:
        url = _url(item.url_name)
        if url and any(can(request.user, action, school) for action in item.actions):
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


@cache
def _panel_providers() -> list[Callable[[HttpRequest], list[Panel]]]:
    providers = []
    for config in apps.get_app_configs():
        if not config.name.startswith("esafety."):
            continue
        try:
            module = importlib.import_module(f"{config.name}.dashboard")
        except ModuleNotFoundError as exc:
            if exc.name != f"{config.name}.dashboard":
                raise
            continue
        providers.append(module.panels)
    return providers


def panels_for(request: HttpRequest) -> list[Panel]:
    return [panel for provider in _panel_providers() for panel in provider(request)]
