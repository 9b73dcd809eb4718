"""This room's entries in the navigation bar (see ``esafety.core.navigation``)."""

from esafety.access import Action
from esafety.core.navigation import NavItem, register

register(
    NavItem("Publishing check", "publishing:check", (Action.CHECK_PUBLICATION,), order=150),
    NavItem("Website audit", "publishing:audits", (Action.AUDIT_WEBSITE,), order=151),
)
