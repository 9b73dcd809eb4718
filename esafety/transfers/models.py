"""A leaver's safeguarding file on its way to the next school, at both ends.

The sending school's ``Transfer`` follows one workflow, declared once in ``WORKFLOW`` (like the incident log's):
pending → sent → viewed → accepted or rejected, and failed when it could not be delivered. The receiving school's
``IncomingTransfer`` is the expected transfer its DSL set up (with a single-use code given out by phone), what
arrived against it, and its decision; an accepted one becomes a read-only ``TransferredRecord`` against the pupil.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any, cast

from django.conf import settings
from django.core.files.storage import FileSystemStorage, Storage
from django.db import models
from django.utils import timezone
from django.utils.functional import LazyObject


class WorkflowError(Exception):
    """The step does not apply to the transfer in its current status."""


class Status(models.TextChoices):
    PENDING = "pending", "Pending"
    SENT = "sent", "Sent"
    VIEWED = "viewed", "Viewed by the receiving school"
    ACCEPTED = "accepted", "Accepted"
    REJECTED = "rejected", "Rejected"
    FAILED = "failed", "Failed"


class _Storage(LazyObject):
    """Bundles and archives live under MEDIA_ROOT/transfers, encrypted, with no URL: a view serves them."""

    def _setup(self) -> None:
        self._wrapped = FileSystemStorage(location=settings.MEDIA_ROOT, base_url=None)


transfer_storage = cast(Storage, _Storage())


def _transfer_storage() -> Storage:
    return transfer_storage


def _file_path(instance: Any, filename: str) -> str:
    return f"transfers/{instance.school_id}/{uuid.uuid4().hex}.bin"


class Method(models.TextChoices):
    INSTANCE = "instance", "To another esafety school (encrypted, over its API)"
    ARCHIVE = "archive", "To a school without esafety (encrypted archive and PDF)"


class Transfer(models.Model):
    """The sending school's record of one leaver's file: what was sent, to whom, and the receipt."""

    school = models.ForeignKey("people.School", models.PROTECT, related_name="+")
    person = models.ForeignKey("people.Person", models.PROTECT, related_name="transfers_out")
    method = models.CharField(max_length=10, choices=Method.choices)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    leaving_date = models.DateField()
    due_on = models.DateField(editable=False, help_text="Five school days after the leaving date")
    destination = models.CharField("receiving school", max_length=200)
    destination_url = models.URLField("receiving school's esafety address", blank=True)
    include_restricted = models.BooleanField(default=False)
    restricted_confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )
    incidents = models.PositiveIntegerField(default=0, help_text="How many incidents the bundle holds")
    evidence_files = models.PositiveIntegerField(default=0)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)
    viewed_at = models.DateTimeField(null=True, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    reason = models.TextField(blank=True, help_text="Why it was rejected or failed")
    bundle_sha256 = models.CharField(max_length=64, blank=True)
    # Pinned at the handshake: the receipt must verify with the key the code led to, nothing fetched later.
    receiver_signing_key = models.CharField(max_length=64, blank=True)
    receiver_school = models.CharField(max_length=200, blank=True)
    status_url = models.URLField(blank=True)
    status_token = models.CharField(max_length=100, blank=True, editable=False)
    archive = models.FileField(upload_to=_file_path, storage=_transfer_storage, blank=True, max_length=200)
    receipt = models.JSONField(default=dict, blank=True)
    receipt_signature = models.CharField(max_length=100, blank=True)
    receipt_verified_at = models.DateTimeField(null=True, blank=True)
    received_by = models.CharField(
        max_length=200, blank=True, help_text="Who at the receiving school confirmed receipt (archives)"
    )
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["school", "status", "due_on"], name="transfer_school_status_due")]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        return f"Transfer #{self.pk}"

    @property
    def is_overdue(self) -> bool:
        return self.status in (Status.PENDING, Status.FAILED) and self.due_on < timezone.localdate()

    def can_step(self, step: str) -> bool:
        return self.status in WORKFLOW[Step(step)].sources

    def step(self, step: Step, **changes: Any) -> None:
        """Move to the step's target status if the transfer is still where the caller saw it (a guarded
        UPDATE: two DSLs, or the scheduler and a DSL, cannot both take a step from the same status)."""
        transition = WORKFLOW[step]
        if self.status not in transition.sources:
            raise WorkflowError(
                f"{self.label} is {self.get_status_display().lower()}: “{step.label}” does not apply"
            )
        now = timezone.now()
        updated = Transfer.objects.filter(pk=self.pk, status=self.status).update(
            status=transition.target, updated_at=now, **changes
        )
        if updated != 1:
            raise WorkflowError(f"{self.label} was changed by someone else")
        for name, value in changes.items():
            setattr(self, name, value)
        self.status, self.updated_at = transition.target, now


class Step(models.TextChoices):
    SEND = "send", "Send"
    VIEW = "view", "Viewed by the receiving school"
    ACCEPT = "accept", "Accepted"
    REJECT = "reject", "Rejected"
    FAIL = "fail", "Mark as failed"
    RECORD_RECEIPT = "record_receipt", "Record the receipt by hand"
    RESTART = "restart", "Start again"


@dataclass(frozen=True)
class Transition:
    """One step: where it may start, where it ends, whether a reason is required, and whether a DSL takes it
    with a button on the transfer's page (the others come from the receiving school's answer)."""

    step: Step
    sources: frozenset[str]
    target: str
    reason_required: bool = False
    by_hand: bool = False
    methods: frozenset[str] = frozenset(Method.values)

    @property
    def label(self) -> str:
        return str(self.step.label)

    @property
    def audit(self) -> str:
        return f"transfer.{self.step.value}"


_S = Status
WORKFLOW: dict[Step, Transition] = {
    transition.step: transition
    for transition in (
        Transition(Step.SEND, frozenset({_S.PENDING}), _S.SENT),
        Transition(Step.VIEW, frozenset({_S.SENT}), _S.VIEWED),
        Transition(Step.ACCEPT, frozenset({_S.SENT, _S.VIEWED}), _S.ACCEPTED),
        Transition(Step.REJECT, frozenset({_S.SENT, _S.VIEWED}), _S.REJECTED, reason_required=True),
        Transition(
            Step.FAIL, frozenset({_S.PENDING, _S.SENT}), _S.FAILED, reason_required=True, by_hand=True
        ),
        Transition(
            Step.RECORD_RECEIPT,
            frozenset({_S.SENT}),
            _S.ACCEPTED,
            by_hand=True,
            methods=frozenset({Method.ARCHIVE}),
        ),
        Transition(Step.RESTART, frozenset({_S.FAILED, _S.REJECTED}), _S.PENDING, by_hand=True),
    )
}


class IncomingTransfer(models.Model):
    """At the receiving school: a transfer its DSL expects, the code that lets the sender deliver it (kept only
    as a digest), what arrived, and the decision."""

    school = models.ForeignKey("people.School", models.PROTECT, related_name="+")
    expected_from = models.CharField("sending school", max_length=200)
    pupil_name = models.CharField("pupil (as you know them)", max_length=200, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    code_digest = models.CharField(max_length=64, unique=True, editable=False)
    code_hint = models.CharField(max_length=4, editable=False, help_text="The code's last four characters")
    expires_at = models.DateTimeField()
    failed_attempts = models.PositiveSmallIntegerField(default=0)
    used_at = models.DateTimeField(null=True, blank=True)
    status_token_digest = models.CharField(max_length=64, blank=True, editable=False)
    sealed = models.FileField(upload_to=_file_path, storage=_transfer_storage, blank=True, max_length=200)
    bundle_sha256 = models.CharField(max_length=64, blank=True)
    sender_school = models.CharField(max_length=200, blank=True)
    upn = models.CharField("UPN", max_length=20, blank=True)
    arrived_pupil = models.CharField(max_length=200, blank=True, help_text="The pupil the bundle names")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    viewed_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    reason = models.TextField(blank=True)
    receipt = models.JSONField(default=dict, blank=True)
    receipt_signature = models.CharField(max_length=100, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        return f"Incoming transfer #{self.pk}"

    @property
    def usable(self) -> bool:
        return (
            self.used_at is None and self.expires_at > timezone.now() and self.failed_attempts < MAX_ATTEMPTS
        )


# Wrong bundles delivered with a right code before the code stops working (a right code with a wrong bundle is
# a broken sender or someone who overheard the code; either way the DSLs should talk again).
MAX_ATTEMPTS = 5


class TransferredRecord(models.Model):
    """A file received from another school, against the pupil here: read-only, as the sending school kept it."""

    school = models.ForeignKey("people.School", models.PROTECT, related_name="+")
    person = models.ForeignKey("people.Person", models.PROTECT, related_name="transferred_records")
    incoming = models.OneToOneField(
        IncomingTransfer, models.SET_NULL, null=True, blank=True, related_name="record"
    )
    from_school = models.CharField(max_length=200)
    transferred_on = models.DateField()
    content = models.JSONField(help_text="The bundle's transfer.json, as it arrived")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-transferred_on", "-id"]

    def __str__(self) -> str:
        return f"Transferred from {self.from_school} on {self.transferred_on:%d %b %Y}"


class TransferredFile(models.Model):
    record = models.ForeignKey(TransferredRecord, models.CASCADE, related_name="files")
    school = models.ForeignKey("people.School", models.PROTECT, related_name="+")
    key = models.CharField(max_length=120, help_text="The file's name inside the bundle")
    file = models.FileField(upload_to=_file_path, storage=_transfer_storage, max_length=200)
    original_name = models.CharField(max_length=200)
    content_type = models.CharField(max_length=60)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return self.original_name
