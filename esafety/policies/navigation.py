"""This room's entries in the navigation bar (see ``esafety.core.navigation``)."""

from esafety.access import Action
from esafety.core.navigation import NavItem, register

register(
    NavItem("My policies", "policies:mine", (Action.ACKNOWLEDGE_POLICY,), order=150),
    NavItem("Policies", "policies:manage", (Action.MANAGE_POLICIES,), order=151),
    NavItem(
        "Acknowledgements",
        "policies:campaigns",
        (Action.MANAGE_POLICY_CAMPAIGNS, Action.RECORD_PAPER_ACKNOWLEDGEMENT),
        order=152,
    ),
    NavItem("Policy reviews", "policies:reviews", (Action.VIEW_POLICY_REVIEWS,), order=153),
)
