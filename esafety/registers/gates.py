"""Optional links to rooms that may not be installed: the policies room (Acceptable Use acknowledgements) and the
consent room (photo consent). Each gate imports the other room only when it is installed, so this room works
alone and picks the link up the day the other room lands.
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

from django.apps import apps

# The policies room keeps one Acceptable Use Policy for pupils and one for adults (staff, trainees, supply,
# visitors and third parties all sign the adults' one).
AUP_PUPIL, AUP_ADULT = "aup_pupil", "aup_staff"


def policies_available() -> bool:
    return apps.is_installed("esafety.policies")


def has_current_aup(person: Any) -> bool:
    """True when the policies room holds a current Acceptable Use acknowledgement by ``person``.

    Without the policies room (or without a person, as for most visitors) this is False, and the register must
    instead record that the AUP was given and signed on paper.
    """
    if person is None or not policies_available():
        return False
    actions = import_module("esafety.policies.actions")
    kind = AUP_PUPIL if getattr(person, "kind", "") == "pupil" else AUP_ADULT
    return bool(actions.has_current_acknowledgement(person, kind))


def consent_available() -> bool:
    return apps.is_installed("esafety.consent")


def consent_note() -> str:
    """What the Head is asked to check before authorising photographs."""
    if consent_available():
        return "Check the consent register for pupils without photo consent before authorising."
    # The consent room is not installed: the paper consent forms are the register.
    return "Check the signed photo consent forms (the consent register is kept on paper) before authorising."
