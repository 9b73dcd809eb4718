"""This room's entries in the navigation bar (see ``esafety.core.navigation``)."""

from esafety.access import Action
from esafety.core.navigation import NavItem, register

register(
    NavItem("Accounts", "user_list", (Action.MANAGE_USERS,), order=210),
    NavItem("Sign-in", "sign_in_settings", (Action.MANAGE_SIGN_IN,), order=211),
)
