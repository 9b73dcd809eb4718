"""Links one room contributes to another room's pages, so that neither imports the other.

A record filed by another room (an incident raised from a monitoring alert) keeps ``source`` (the room's name)
and ``source_ref`` (its own reference). The room that filed it says how to show where it came from by calling
``register_origin(source, describe)`` in its ``<room>/origins.py``, which the core imports once with
``autodiscover_modules``; the page showing the record calls ``origin_of(request, record)``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from typing import Any, Protocol

from django.utils.module_loading import autodiscover_modules

from esafety.core.types import SchoolRequest

__all__ = ["Link", "Sourced", "origin_of", "register_origin"]


@dataclass(frozen=True)
class Link:
    label: str
    url: str = ""  # empty: named but not linked (the viewer may not open the other record)
    # Words the other room lets this viewer read on the record's page (a monitoring alert's excerpt): decided by
    # that room's own access rules, so the record's page never shows more than its room would.
    quote: str = ""


class Sourced(Protocol):
    source: str
    source_ref: str


Describe = Callable[[SchoolRequest, Any], Link | None]
_ORIGINS: dict[str, Describe] = {}


def register_origin(source: str, describe: Describe) -> None:
    """``describe(request, record)`` gives the link shown on a record whose ``source`` is ``source``."""
    _ORIGINS[source] = describe


@cache
def _discover() -> None:
    autodiscover_modules("origins")


def origin_of(request: SchoolRequest, record: Sourced) -> Link | None:
    """Where ``record`` came from, as the room that filed it describes it to this viewer; None when no room
    claims its source (then the page shows the bare reference)."""
    _discover()
    describe = _ORIGINS.get(record.source)
    return describe(request, record) if describe else None
