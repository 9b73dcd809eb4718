"""Cross-cutting records: outgoing e-mail and the periodic-task clock."""

from __future__ import annotations

from django.db import models
from django.utils import timezone


class OutboundEmail(models.Model):
    """One e-mail to send, at most once.

    ``key`` makes queueing idempotent (the same reminder queued twice is one row). Delivery claims the row in its
    own committed transaction before talking to the mail server, so a worker killed mid-send can never send it
    again; such a row is left ``uncertain`` for a person to check instead (see ``core.tasks``).
    """

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        SENDING = "sending", "Sending"
        SENT = "sent", "Sent"
        FAILED = "failed", "Failed"
        UNCERTAIN = "uncertain", "Delivery uncertain"

    key = models.CharField(max_length=200, unique=True)
    school = models.ForeignKey("people.School", models.CASCADE, null=True, blank=True, related_name="+")
    to = models.JSONField(default=list)
    subject = models.CharField(max_length=200)
    body = models.TextField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED, db_index=True)
    created = models.DateTimeField(default=timezone.now, editable=False)
    claimed = models.DateTimeField(null=True, blank=True)
    sent = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["-created"]

    def __str__(self) -> str:
        return f"{self.subject} → {', '.join(self.to)}"


class PeriodicRun(models.Model):
    """When each periodic task was last enqueued: lets several schedulers run without double-enqueueing."""

    name = models.CharField(max_length=100, unique=True)
    last_enqueued = models.DateTimeField()

    def __str__(self) -> str:
        return self.name


class PersonalLink(models.Model):
    """A personal, expiring, single-use link for someone without an account (see ``esafety.core.links``).

    Only the SHA-256 of the token is stored: a copy of the database, a backup or an audit export can never be
    turned back into a working link. ``used_at`` is set exactly once, under a row lock.
    """

    school = models.ForeignKey("people.School", models.CASCADE, related_name="+")
    person = models.ForeignKey("people.Person", models.CASCADE, related_name="personal_links")
    purpose = models.CharField(max_length=60, help_text='What the link is for, e.g. "policies.acknowledge"')
    subject_key = models.CharField(max_length=100, help_text='What it is about, e.g. "campaign:12"')
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    created = models.DateTimeField(default=timezone.now, editable=False)
    created_by = models.ForeignKey(
        "accounts.User", models.SET_NULL, null=True, blank=True, related_name="+", editable=False
    )
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created"]
        indexes = [models.Index(fields=["school", "purpose", "subject_key"])]

    def __str__(self) -> str:
        # Never the token, never the person's name: this label goes into the audit trail.
        return f"Personal link #{self.pk} ({self.purpose})"
