"""Work a person holds in other rooms, listed and handed on before their account is deactivated.

Accounts (a base room) cannot import the safeguarding log, yet deactivating a Co-ordinator must not leave their
open actions and the incidents they hold with nobody. A room that gives people work says so by calling
``register_holder(name, held, reassign)`` in its ``<room>/holdings.py`` (imported once with
``autodiscover_modules``): ``held(user, school)`` lists the open work, labelled by reference only (the page is
seen by whoever manages accounts, who may not read the records); ``reassign(user, to, school, by, request)``
hands it all to ``to``, with the room's own timeline and audit entries, or raises ``CannotReassign``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from typing import Any

from django.utils.module_loading import autodiscover_modules

__all__ = ["CannotReassign", "Held", "held_by", "reassign_all", "register_holder"]


class CannotReassign(Exception):
    """The chosen person may not take this work (the message says why, in words)."""


@dataclass(frozen=True)
class Held:
    kind: str  # "Open action", "Incident held"
    label: str  # a reference, never a description: "Action on Incident #42, due 3 Dec 2026"


@dataclass(frozen=True)
class _Holder:
    held: Callable[[Any, Any], list[Held]]
    reassign: Callable[..., int]


_HOLDERS: dict[str, _Holder] = {}


def register_holder(name: str, held: Callable[[Any, Any], list[Held]], reassign: Callable[..., int]) -> None:
    _HOLDERS[name] = _Holder(held, reassign)


@cache
def _discover() -> None:
    autodiscover_modules("holdings")


def held_by(user: Any, school: Any) -> list[Held]:
    """Everything ``user`` holds at ``school``, room by room."""
    _discover()
    return [item for holder in _HOLDERS.values() for item in holder.held(user, school)]


def reassign_all(user: Any, to: Any, school: Any, *, by: Any, request: Any = None) -> int:
    """Hand everything ``user`` holds at ``school`` to ``to``; the number of items moved. Call it inside the
    caller's transaction so that a refusal by any room moves nothing."""
    _discover()
    return sum(holder.reassign(user, to, school, by=by, request=request) for holder in _HOLDERS.values())
