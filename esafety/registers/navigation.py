"""This room's entries in the navigation bar (see ``esafety.core.navigation``)."""

from esafety.access import Action
from esafety.core.navigation import NavItem, register

register(
    NavItem("Network accounts", "registers:accounts", (Action.MANAGE_NETWORK_ACCOUNTS,), order=130),
    NavItem("Devices", "registers:devices", (Action.MANAGE_DEVICES,), order=131),
    NavItem("Confiscations", "registers:confiscations", (Action.MANAGE_CONFISCATIONS,), order=132),
    NavItem("Access review", "registers:access_review", (Action.VIEW_ACCESS_REVIEW,), order=133),
    NavItem("Security reviews", "registers:security_reviews", (Action.MANAGE_SECURITY_REVIEWS,), order=134),
)
