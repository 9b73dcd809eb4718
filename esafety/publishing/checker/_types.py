"""The engine's vocabulary: who is in the directory, what an item's media are, and what a finding says."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

# Every kind of finding, in the order a report lists them.
KINDS = (
    "pupil-full-name",
    "phone-number",
    "email-address",
    "postcode",
    "postal-address",
    "unconsented-image",
    "named-beside-photo",
    "third-party-media",
)


@dataclass(frozen=True)
class Person:
    """One pupil or member of staff. ``first_names`` holds the legal first name and any preferred name; ``uses``
    the publishing uses their consent allows today (e.g. ``{"website", "first-name-with-photo"}``).

    Only pupils' full names are findings (staff names are published as a matter of course); everyone's photo
    needs their consent.
    """

    id: Any
    first_names: tuple[str, ...]
    last_name: str
    uses: frozenset[str] = frozenset()
    pupil: bool = True


@dataclass(frozen=True)
class Directory:
    """What the check compares an item against.

    ``contacts`` maps a known contact detail (a parent's phone, a pupil's e-mail) to the person it belongs to, so a
    finding can name them; ``allowed_contacts`` are the school's own details, which it may publish; ``own_hosts``
    are the school's own web hosts (media served from anywhere else is third-party).
    """

    people: tuple[Person, ...] = ()
    contacts: dict[str, Any] = field(default_factory=dict)
    allowed_contacts: frozenset[str] = frozenset()
    own_hosts: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Media:
    """A photo or video in an item: its caption and alt text, who is tagged in it, and where it came from.

    ``third_party`` is None when unknown (the check then decides from ``src``'s host); ``permission`` records that
    the copyright holder agreed; ``attribution`` is the credit printed with it.
    """

    src: str = ""
    alt: str = ""
    caption: str = ""
    people: tuple[Any, ...] = ()
    kind: str = "image"  # image | video
    third_party: bool | None = None
    permission: bool = False
    attribution: str = ""
    offset: int = 0  # where the media element starts in the item's source


@dataclass(frozen=True)
class Finding:
    kind: str
    text: str
    offset: int
    person: Any = None
    note: str = ""

    def as_dict(self) -> dict[str, Any]:
        result: dict[str, Any] = {"kind": self.kind, "text": self.text, "offset": self.offset}
        if self.person is not None:
            result["person"] = self.person
        if self.note:
            result["note"] = self.note
        return result
