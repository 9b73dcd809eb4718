"""This room's entries in the navigation bar (see ``esafety.core.navigation``)."""

from esafety.access import Action
from esafety.core.navigation import NavItem, register

register(
    NavItem("Filtering", "filtering:index", (Action.MANAGE_FILTERING,), order=140),
    NavItem("Filter requests", "filtering:requests", (Action.REQUEST_FILTER_CHANGE,), order=141),
    NavItem("Check lesson links", "filtering:check", (Action.CHECK_LESSON_LINKS,), order=142),
    NavItem("Filter reports", "filtering:reports", (Action.VIEW_FILTER_REPORTS,), order=143),
)
