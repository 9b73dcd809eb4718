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
