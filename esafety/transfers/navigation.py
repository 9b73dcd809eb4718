"""This room's entry in the navigation bar (see ``esafety.core.navigation``)."""

from esafety.access import Action
from esafety.core.navigation import NavItem, register

register(NavItem("Transfers", "transfers:list", (Action.MANAGE_TRANSFERS,), order=35))
