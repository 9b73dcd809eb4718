"""This room's entries in the navigation bar (see ``esafety.core.navigation``)."""

from esafety.access import Action
from esafety.core.navigation import NavItem, register

register(
    NavItem("Alerts", "monitoring:alerts", (Action.VIEW_ALERTS,), order=40),
    NavItem("Enhanced monitoring", "monitoring:enhanced", (Action.MANAGE_ENHANCED_MONITORING,), order=50),
)
