"""This room's entries in the navigation bar (see ``esafety.core.navigation``)."""

from esafety.access import Action
from esafety.core.navigation import NavItem, register

register(
    NavItem("Report a concern", "incidents:new", (Action.REPORT_INCIDENT,), order=10),
    NavItem("Safeguarding log", "incidents:list", (Action.LIST_INCIDENTS,), order=20),
    NavItem("Actions", "incidents:actions", (Action.LIST_INCIDENT_ACTIONS,), order=30),
)
