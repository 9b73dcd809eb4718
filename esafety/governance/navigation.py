"""This room's entries in the navigation bar (see ``esafety.core.navigation``)."""

from esafety.access import Action
from esafety.core.navigation import NavItem, register

register(NavItem("Governance", "governance:dashboard", (Action.VIEW_GOVERNANCE,), order=160))
