"""This room's entries in the navigation bar (see ``esafety.core.navigation``)."""

from esafety.access import Action
from esafety.core.navigation import NavItem, register

register(
    NavItem("Training", "training:index", (Action.VIEW_OWN_TRAINING,), order=150),
    NavItem("Curriculum", "curriculum:overview", (Action.VIEW_CURRICULUM,), order=155),
)
