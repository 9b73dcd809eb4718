"""Personal links: how someone without an account answers the school from an e-mail.

A parent signing the Code of Conduct or answering a consent request gets a URL holding a random token. The link
is personal (it names one person and one purpose), expiring and single-use. Rooms call:

- ``issue_link()`` when they e-mail someone; it returns the raw token once, to put in the URL;
- ``open_link()`` to show the page behind the link (does not consume it);
- ``use_link()`` inside the same transaction that records the answer, so the answer and the link's use commit
  together or not at all.

Only the token's SHA-256 is stored or compared, and neither the token nor its hash is ever logged or audited.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone

from esafety.core.models import PersonalLink

__all__ = ["LinkRefused", "issue_link", "open_link", "use_link"]

# 32 random bytes -> 43 URL-safe characters; anything far longer than that is not one of ours.
_TOKEN_BYTES = 32
_MAX_TOKEN_LENGTH = 100

_MESSAGES = {
    "unknown": (
        "We do not recognise this link. Please check that you opened the whole link from the e-mail. "
        "If it still does not work, ask the school office to send you a new one."
    ),
    "expired": "This link has run out of time. Please ask the school office to send you a new one.",
    "used": (
        "This link has already been used, so there is nothing more to do. "
        "If you think this is wrong, please contact the school office."
    ),
    "wrong-purpose": (
        "This link is for something else. Please use the link in the e-mail about this request, "
        "or ask the school office to send you a new one."
    ),
}


class LinkRefused(Exception):
    """The link cannot be used. ``reason`` is one of ``unknown``, ``expired``, ``used``, ``wrong-purpose``;
    ``message`` tells the person, in plain English, what to do next."""

    def __init__(self, reason: str) -> None:
        assert reason in _MESSAGES, reason
        self.reason = reason
        self.message = _MESSAGES[reason]
        super().__init__(reason)


def _hash(raw_token: str) -> str:
    return hashlib.sha256(raw_token.encode()).hexdigest()


def issue_link(
    *,
    school: Any,
    person: Any,
    purpose: str,
    subject_key: str,
    expires_at: datetime,
    created_by: Any = None,
) -> tuple[PersonalLink, str]:
    """A personal, expiring, single-use link for ``person`` to do ``purpose`` (e.g. "policies.acknowledge",
    "consent.answer") about ``subject_key`` (e.g. "campaign:12"). Returns the row and the raw token (shown once,
    put in the e-mailed URL; only its SHA-256 is stored)."""
    from esafety.audit.actions import record

    if person.school_id != school.pk:
        raise ValueError("a personal link is for a person of the same school")
    raw_token = secrets.token_urlsafe(_TOKEN_BYTES)
    with transaction.atomic():
        link = PersonalLink.objects.create(
            school=school,
            person=person,
            purpose=purpose,
            subject_key=subject_key,
            token_hash=_hash(raw_token),
            expires_at=expires_at,
            created_by=created_by if getattr(created_by, "pk", None) else None,
        )
        record(
            "personal_link.issue",
            actor=created_by,
            obj=link,
            school=school,
            detail={
                "purpose": purpose,
                "subject": subject_key,
                "person_id": person.pk,
                "expires": expires_at,
            },
        )
    return link, raw_token


def _check(link: PersonalLink | None, purpose: str) -> PersonalLink:
    if link is None:
        raise LinkRefused("unknown")
    # Purpose before the rest: a consent link pasted into the policies page says so, rather than "used".
    if link.purpose != purpose:
        raise LinkRefused("wrong-purpose")
    if link.used_at is not None:
        raise LinkRefused("used")
    if link.expires_at <= timezone.now():
        raise LinkRefused("expired")
    return link


def _find(raw_token: str, *, lock: bool) -> PersonalLink | None:
    if not raw_token or len(raw_token) > _MAX_TOKEN_LENGTH:
        return None
    queryset = PersonalLink.objects.select_related("school", "person")
    if lock:
        # of=("self",): PostgreSQL cannot lock the nullable side of the joins, and only this row matters.
        queryset = queryset.select_for_update(of=("self",))
    link: PersonalLink | None = queryset.filter(token_hash=_hash(raw_token)).first()
    return link


def open_link(raw_token: str, purpose: str) -> PersonalLink:
    """The link behind ``raw_token`` if it may still be used for ``purpose``; raises ``LinkRefused``.
    Does not consume it: use this to show the page, ``use_link()`` when the person submits."""
    return _check(_find(raw_token, lock=False), purpose)


def use_link(raw_token: str, purpose: str) -> PersonalLink:
    """Consume the link exactly once and return it; raises ``LinkRefused``.

    The row is locked (``select_for_update``) before it is checked, so of two tabs submitting at once the second
    waits, then finds it used. Call it inside the transaction that records the answer, so that a failure after
    this point leaves the link unused.
    """
    from esafety.audit.actions import record

    with transaction.atomic():
        link = _check(_find(raw_token, lock=True), purpose)
        link.used_at = timezone.now()
        # Conditional as well as locked: even where the database ignores FOR UPDATE, only one writer can move
        # used_at from empty to set.
        if not PersonalLink.objects.filter(pk=link.pk, used_at__isnull=True).update(used_at=link.used_at):
            raise LinkRefused("used")
        record(
            "personal_link.use",
            obj=link,
            school=link.school,
            object_repr=str(link),
            detail={"purpose": purpose, "subject": link.subject_key, "person_id": link.person_id},
        )
    return link
