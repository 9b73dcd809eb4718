"""The audit trail: append-only, each entry chained to the one before by a SHA-256 hash and sealed with an HMAC
whose key lives outside the database.

Changing, deleting, inserting or reordering any entry breaks the chain from that point on, and
``manage.py verify_audit`` names the first broken link. The chain proves tampering after the fact; it does not
stop someone with database access from rewriting every later entry, which is why the head hash is printed by
``verify_audit`` for the school to note down elsewhere (e.g. in the governors' termly report).
"""

from __future__ import annotations

import hashlib
import hmac
import json
from datetime import UTC
from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone

GENESIS_HASH = "0" * 64


class AppendOnlyQuerySet(models.QuerySet["AuditEntry"]):
    def update(self, **kwargs: Any) -> int:
        raise TypeError("The audit trail is append-only: entries cannot be updated")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise TypeError("The audit trail is append-only: entries cannot be deleted")


class AuditEntry(models.Model):
    class Kind(models.TextChoices):
        CHANGE = "change", "Change"
        VIEW = "view", "View"
        SIGN_IN = "sign_in", "Sign-in"
        EXPORT = "export", "Export"

    seq = models.PositiveBigIntegerField(unique=True, editable=False)
    at = models.DateTimeField(default=timezone.now, editable=False, db_index=True)
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.CHANGE)
    # DO_NOTHING and no database constraint: deleting an account or a school must never rewrite the trail
    # (the database refuses UPDATE here anyway); ``actor_name`` keeps who it was.
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.DO_NOTHING,
        null=True,
        blank=True,
        related_name="+",
        db_constraint=False,
    )
    actor_name = models.CharField(max_length=150, blank=True, help_text="Kept even if the account is deleted")
    school = models.ForeignKey(
        "people.School", models.DO_NOTHING, null=True, blank=True, related_name="+", db_constraint=False
    )
    action = models.CharField(max_length=80, db_index=True, help_text="What happened, e.g. incident.escalate")
    object_type = models.CharField(max_length=80, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    object_repr = models.CharField(max_length=200, blank=True)
    ip = models.GenericIPAddressField(null=True, blank=True)
    detail = models.JSONField(default=dict, blank=True)
    prev_hash = models.CharField(max_length=64, editable=False)
    hash = models.CharField(max_length=64, editable=False)
    # HMAC-SHA256 of ``hash`` under a key kept outside the database (``settings.ESAFETY_AUDIT_KEY``). Anyone can
    # recompute the SHA-256 chain, so a database writer could forge a valid tail; without the key they cannot
    # seal it. Null only for entries written before seals existed.
    seal = models.CharField(max_length=64, null=True, editable=False)

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        ordering = ["-seq"]
        indexes = [models.Index(fields=["object_type", "object_id"]), models.Index(fields=["school", "-seq"])]
        verbose_name_plural = "audit entries"

    def __str__(self) -> str:
        return f"#{self.seq} {self.action} {self.object_type}:{self.object_id}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None or not self._state.adding:
            raise TypeError("The audit trail is append-only: entries cannot be changed")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise TypeError("The audit trail is append-only: entries cannot be deleted")

    def payload(self) -> bytes:
        """The canonical bytes the hash covers: every field a reader relies on, in a fixed order."""
        at = self.at.astimezone(UTC) if timezone.is_aware(self.at) else self.at
        return json.dumps(
            [
                self.seq,
                at.isoformat(timespec="microseconds"),
                self.kind,
                self.actor_id,
                self.actor_name,
                self.school_id,
                self.action,
                self.object_type,
                self.object_id,
                self.object_repr,
                self.ip,
                self.detail,
                self.prev_hash,
            ],
            sort_keys=True,
            separators=(",", ":"),
            ensure_ascii=False,
            default=str,
        ).encode()

    def compute_hash(self) -> str:
        return hashlib.sha256(self.payload()).hexdigest()

    def compute_seal(self) -> str:
        return hmac.new(audit_key(), self.hash.encode(), hashlib.sha256).hexdigest()


def audit_key() -> bytes:
    """The sealing key: ``ESAFETY_AUDIT_KEY`` (or the file ``ESAFETY_AUDIT_KEY_FILE``), else one derived from
    ``SECRET_KEY``. Never stored in the database, so tampering needs both the database and the server."""
    return settings.ESAFETY_AUDIT_KEY.encode()


class ChainCheck(models.Model):
    """The result of one verification of the whole chain (nightly, and on demand with ``verify_audit``)."""

    at = models.DateTimeField(default=timezone.now, db_index=True)
    ok = models.BooleanField()
    checked = models.PositiveBigIntegerField()
    head_hash = models.CharField(max_length=64)
    break_seq = models.PositiveBigIntegerField(null=True, blank=True)
    reason = models.CharField(max_length=300, blank=True)
    sealed = models.PositiveBigIntegerField(default=0, help_text="Entries carrying a valid seal")

    class Meta:
        ordering = ["-at"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {'OK' if self.ok else 'BROKEN'}"
