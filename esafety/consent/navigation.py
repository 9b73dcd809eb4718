"""This room's entries in the navigation bar (see ``esafety.core.navigation``)."""

from esafety.access import Action
from esafety.core.navigation import NavItem, register

register(
    NavItem("Consent", "consent:register", (Action.VIEW_CONSENTS,), order=140),
    NavItem("Consent requests", "consent:campaigns", (Action.RUN_CONSENT_CAMPAIGNS,), order=141),
)
