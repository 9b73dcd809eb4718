"""Monitoring records: where text comes from, what was captured, the alerts raised and the human review of them.

Captures hold the text of pupils' and staff's messages: they are restricted records, seen only by the roles
with ``Action.VIEW_ALERTS`` and kept only as long as the school's retention setting (see ``actions.purge``).
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from esafety.monitoring.scanner import CATEGORIES

if TYPE_CHECKING:
    from esafety.accounts.models import User
    from esafety.people.models import School

CATEGORY_LABELS = {
    "self_harm": "Self-harm and suicide",
    "bullying": "Bullying",
    "sexual": "Sexual content",
    "grooming": "Grooming",
    "extremism": "Extremism",
    "violence": "Violence and weapons",
    "drugs": "Drugs",
    "discrimination": "Discrimination and hate",
}
CATEGORY_CHOICES = [(c, CATEGORY_LABELS.get(c, c.replace("_", " ").capitalize())) for c in CATEGORIES]
SEVERITY_CHOICES = [
    (1, "1 - low"),
    (2, "2 - minor"),
    (3, "3 - concern"),
    (4, "4 - serious"),
    (5, "5 - imminent risk to life"),
]


class WorkflowError(Exception):
    """The requested step does not follow from the record's current state."""


class MonitoringSettings(models.Model):
    """Per-school monitoring settings (the capture retention itself is ``School.retention_days``)."""

    school = models.OneToOneField("people.School", models.CASCADE, related_name="monitoring_settings")
    threshold = models.PositiveSmallIntegerField(
        default=2, choices=SEVERITY_CHOICES, help_text="Hits below this severity raise no alert"
    )
    false_positive_days = models.PositiveIntegerField(
        default=30,
        help_text="Captures whose alerts were all dismissed as false positives are purged after this",
    )
    # DfE: the ICT Technician runs the system; reading pupils' words is the safeguarding leads' job. Off, the
    # technician sees each alert's metadata only; the Headteacher may grant them review (audited).
    technician_reviews = models.BooleanField(
        "The ICT Technician may read and review alerts",
        default=False,
        help_text="Off: the technician sees only each alert's category, severity, time, source and account",
    )

    class Meta:
        verbose_name_plural = "monitoring settings"

    def __str__(self) -> str:
        return f"Monitoring settings of {self.school}"

    @classmethod
    def for_school(cls, school: School) -> MonitoringSettings:
        found, _ = cls.objects.get_or_create(school=school)
        return found


class Source(models.Model):
    class Kind(models.TextChoices):
        IMAP = "imap", "Journal mailbox (IMAP)"
        FILTER_LOG = "filter_log", "Search terms from filter logs"
        API = "api", "API submissions"
        UPLOAD = "upload", "Uploaded documents"

    school = models.ForeignKey("people.School", models.CASCADE, related_name="monitoring_sources")
    name = models.CharField(max_length=100)
    kind = models.CharField(max_length=12, choices=Kind.choices)
    # IMAP: host, port, ssl, user, password (or password_env: the name of an environment variable), mailbox,
    # processed_keyword. Others: free-form notes.
    config = models.JSONField(default=dict, blank=True)
    active = models.BooleanField(default=True)
    last_run = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)

    class Meta:
        ordering = ["school", "name"]
        constraints = [
            models.UniqueConstraint(fields=["school", "name"], name="monitoring_source_name_unique")
        ]

    def __str__(self) -> str:
        # Sources are often named after their kind ("Journal mailbox" of kind "Journal mailbox (IMAP)"): say it
        # once, not "Journal mailbox (Journal mailbox (IMAP))".
        name, kind = self.name.strip(), str(self.get_kind_display())
        if kind.lower().startswith(name.lower()):
            return kind
        if kind.lower() in name.lower():
            return name
        return f"{name} ({kind})"

    def note_run(self, error: str = "") -> None:
        self.last_run = timezone.now()
        self.last_error = error[:2000]
        self.save(update_fields=["last_run", "last_error"])


class Capture(models.Model):
    """A piece of text that raised an alert, or that was kept because its person is under enhanced monitoring."""

    class Status(models.TextChoices):
        ALERTED = "alerted", "Raised alerts"
        KEPT = "kept", "Kept under enhanced monitoring"

    school = models.ForeignKey("people.School", models.CASCADE, related_name="monitoring_captures")
    source = models.ForeignKey(Source, models.SET_NULL, null=True, blank=True, related_name="captures")
    person = models.ForeignKey(
        "people.Person", models.SET_NULL, null=True, blank=True, related_name="monitoring_captures"
    )
    # De-duplication: a message delivered twice (or re-read after a crash) is one capture. Empty for text with
    # no identity (uploads without one).
    message_id = models.CharField(max_length=255, blank=True)
    occurred_at = models.DateTimeField(default=timezone.now)
    received_at = models.DateTimeField(default=timezone.now)
    subject = models.CharField(max_length=255, blank=True)
    sender = models.CharField(max_length=255, blank=True)
    recipients = models.JSONField(default=list, blank=True)
    text = models.TextField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.ALERTED)
    enhanced = models.ForeignKey(
        "EnhancedMonitoring", models.SET_NULL, null=True, blank=True, related_name="captures"
    )

    class Meta:
        ordering = ["-occurred_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["school", "message_id"],
                condition=~Q(message_id=""),
                name="monitoring_capture_message_unique",
            )
        ]
        indexes = [
            models.Index(fields=["school", "received_at"]),
            models.Index(fields=["person", "occurred_at"]),
        ]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        return f"Capture #{self.pk}"


class AlertQuerySet(models.QuerySet["Alert"]):
    def open(self) -> AlertQuerySet:
        return self.filter(status__in=[Alert.Status.NEW, Alert.Status.REVIEWED])


class Alert(models.Model):
    class Status(models.TextChoices):
        NEW = "new", "New"
        REVIEWED = "reviewed", "Reviewed"
        FALSE_POSITIVE = "false_positive", "False positive"
        ACTION_TAKEN = "action_taken", "Action taken"
        INCIDENT = "incident", "Turned into an incident"

    OUTCOMES = (Status.FALSE_POSITIVE, Status.ACTION_TAKEN, Status.INCIDENT)

    school = models.ForeignKey("people.School", models.CASCADE, related_name="monitoring_alerts")
    capture = models.ForeignKey(Capture, models.CASCADE, related_name="alerts")
    category = models.CharField(max_length=20, choices=CATEGORY_CHOICES)
    severity = models.PositiveSmallIntegerField(choices=SEVERITY_CHOICES)
    rule = models.CharField(max_length=120)
    evidence = models.CharField(max_length=500)
    start = models.PositiveIntegerField()
    end = models.PositiveIntegerField()
    context_before = models.CharField(max_length=200, blank=True)
    context_after = models.CharField(max_length=200, blank=True)
    # Every hit of this category in the message, in text order: [{"rule", "severity", "evidence", "start",
    # "end", "context_before", "context_after"}]. The columns above hold the most severe one (one alert per
    # message and category: a message that says two worrying things is one thing to review, not two).
    hits = models.JSONField(default=list, blank=True)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.NEW)
    reason = models.TextField(blank=True, help_text="The reviewer's note: what was decided and why")
    incident = models.ForeignKey(
        "incidents.Incident", models.SET_NULL, null=True, blank=True, related_name="monitoring_alerts"
    )
    created = models.DateTimeField(default=timezone.now)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)

    objects = AlertQuerySet.as_manager()

    class Meta:
        ordering = ["-severity", "-created"]
        constraints = [
            models.UniqueConstraint(fields=["capture", "category"], name="monitoring_alert_one_per_category")
        ]
        indexes = [
            models.Index(fields=["school", "status", "severity"]),
            models.Index(fields=["school", "created"]),
        ]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        return f"Alert #{self.pk}"

    @property
    def context(self) -> str:
        return f"{self.context_before}{self.evidence}{self.context_after}"

    @property
    def is_open(self) -> bool:
        return self.status in (self.Status.NEW, self.Status.REVIEWED)

    def _review(self, status: str, by: User, reason: str = "", **changes: Any) -> None:
        if not self.is_open:
            raise WorkflowError(f"{self.label} is already closed ({self.get_status_display()}).")
        self.status = status
        self.reason = reason
        self.reviewed_by = by
        self.reviewed_at = timezone.now()
        for name, value in changes.items():
            setattr(self, name, value)
        self.save(update_fields=["status", "reason", "reviewed_by", "reviewed_at", *changes])

    @property
    def all_hits(self) -> list[dict[str, Any]]:
        """Every hit of the alert (alerts stored before hits were kept have only their own columns)."""
        return self.hits or [
            {
                "rule": self.rule,
                "severity": self.severity,
                "evidence": self.evidence,
                "start": self.start,
                "end": self.end,
                "context_before": self.context_before,
                "context_after": self.context_after,
            }
        ]

    @property
    def excerpt(self) -> str:
        """The message's words around every hit, as one quotation (hits far apart: each with its context)."""
        hits = self.all_hits
        first = min(hits, key=lambda h: int(h["start"]))
        last = max(hits, key=lambda h: int(h["end"]))
        text = self.capture.text
        if int(last["end"]) - int(first["start"]) > 600 or int(last["end"]) > len(text):
            return " … ".join(f"{h['context_before']}{h['evidence']}{h['context_after']}" for h in hits)
        middle = text[int(first["start"]) : int(last["end"])]
        return f"{first['context_before']}{middle}{last['context_after']}"

    @property
    def rule_description(self) -> str:
        from esafety.monitoring.scanning import describe_rule

        return describe_rule(self.rule)

    @property
    def described_hits(self) -> list[dict[str, Any]]:
        """``all_hits`` with each rule's plain-words ``description``, for pages."""
        from esafety.monitoring.scanning import describe_rule

        return [{**hit, "description": describe_rule(str(hit.get("rule", "")))} for hit in self.all_hits]

    # Every review decision carries the reviewer's note: the next reader must know what was decided and why.
    def mark_reviewed(self, by: User, note: str) -> None:
        if self.status != self.Status.NEW:
            raise WorkflowError(f"{self.label} has already been reviewed.")
        if not note.strip():
            raise WorkflowError("Say what you found and what happens next.")
        self._review(self.Status.REVIEWED, by, note.strip())

    def mark_false_positive(self, by: User, reason: str) -> None:
        if not reason.strip():
            raise WorkflowError("Say why this is a false positive.")
        self._review(self.Status.FALSE_POSITIVE, by, reason.strip())

    def mark_action_taken(self, by: User, note: str) -> None:
        if not note.strip():
            raise WorkflowError("Say what was done.")
        self._review(self.Status.ACTION_TAKEN, by, note.strip())

    def link_incident(self, incident: Any, by: User, note: str) -> None:
        if not note.strip():
            raise WorkflowError("Say why this becomes an incident.")
        self._review(self.Status.INCIDENT, by, note.strip(), incident=incident)


class EnhancedMonitoringQuerySet(models.QuerySet["EnhancedMonitoring"]):
    def active(self, on: date | None = None) -> EnhancedMonitoringQuerySet:
        on = on or timezone.localdate()
        return self.filter(
            authorised_at__isnull=False,
            ended_at__isnull=True,
            declined_at__isnull=True,
            starts__lte=on,
            ends__gte=on,
        )


class EnhancedMonitoring(models.Model):
    """A Headteacher's authorisation to watch one person more closely for a limited time.

    While active, the person's text is scanned with a lower threshold and every capture is kept. It ends by
    itself after ``ends`` (the check is by date everywhere; ``end_expired`` also stamps ``ended_at``).
    """

    school = models.ForeignKey("people.School", models.CASCADE, related_name="enhanced_monitoring")
    person = models.ForeignKey("people.Person", models.CASCADE, related_name="enhanced_monitoring")
    reason = models.TextField()
    starts = models.DateField()
    ends = models.DateField()
    threshold = models.PositiveSmallIntegerField(
        default=1, choices=SEVERITY_CHOICES, help_text="Hits at or above this severity raise an alert"
    )
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(default=timezone.now)
    authorised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+"
    )
    authorised_at = models.DateTimeField(null=True, blank=True)
    declined_at = models.DateTimeField(null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+"
    )
    end_reason = models.CharField(max_length=300, blank=True)

    objects = EnhancedMonitoringQuerySet.as_manager()

    class Meta:
        ordering = ["-starts", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(ends__gte=models.F("starts")), name="enhanced_ends_after")
        ]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        return f"Enhanced monitoring #{self.pk}"

    def is_active(self, on: date | None = None) -> bool:
        on = on or timezone.localdate()
        return (
            self.authorised_at is not None
            and self.ended_at is None
            and self.declined_at is None
            and self.starts <= on <= self.ends
        )

    @property
    def state(self) -> str:
        if self.declined_at:
            return "declined"
        if self.ended_at or self.ends < timezone.localdate():
            return "ended"
        if self.authorised_at is None:
            return "awaiting authorisation"
        return "active" if self.is_active() else "scheduled"

    def authorise(self, by: User) -> None:
        if self.authorised_at or self.declined_at or self.ended_at:
            raise WorkflowError(f"{self.label} is not awaiting authorisation.")
        self.authorised_by = by
        self.authorised_at = timezone.now()
        self.save(update_fields=["authorised_by", "authorised_at"])

    def decline(self, by: User, reason: str) -> None:
        if self.authorised_at or self.declined_at or self.ended_at:
            raise WorkflowError(f"{self.label} is not awaiting authorisation.")
        self.declined_at = timezone.now()
        self.ended_by = by
        self.end_reason = reason[:300]
        self.save(update_fields=["declined_at", "ended_by", "end_reason"])

    def end(self, by: User | None = None, reason: str = "") -> None:
        if self.ended_at or self.declined_at:
            raise WorkflowError(f"{self.label} has already ended.")
        self.ended_at = timezone.now()
        self.ended_by = by
        self.end_reason = reason[:300]
        self.save(update_fields=["ended_at", "ended_by", "end_reason"])

    @staticmethod
    def default_ends(starts: date) -> date:
        return starts + timedelta(days=28)


class LexiconAddition(models.Model):
    school = models.ForeignKey("people.School", models.CASCADE, related_name="lexicon_additions")
    phrase = models.CharField(
        max_length=200, help_text='Words to look for; "*" at an end lets the word go on ("vap*")'
    )
    category = models.CharField(max_length=20, choices=CATEGORY_CHOICES)
    severity = models.PositiveSmallIntegerField(choices=SEVERITY_CHOICES, default=3)
    first_person = models.BooleanField(
        default=False, help_text="Only when I, me, my or myself is within a few words (a disclosure)"
    )
    negatives = models.TextField(
        blank=True,
        help_text="Longer phrases, one a line, in which a match is not a concern (idioms, set texts)",
    )
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, related_name="+")
    created = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["category", "phrase"]
        constraints = [
            models.UniqueConstraint(fields=["school", "phrase", "category"], name="lexicon_addition_unique")
        ]

    def __str__(self) -> str:
        return f"School term #{self.pk}"

    def as_data(self) -> dict[str, object]:
        data: dict[str, object] = {
            "id": f"school_{self.pk}" if self.pk else "school_new",
            "phrase": self.phrase,
            "category": self.category,
            "severity": self.severity,
            "first_person": self.first_person,
        }
        if negatives := [line.strip() for line in self.negatives.splitlines() if line.strip()]:
            data["negatives"] = negatives
        return data


class LexiconSuppression(models.Model):
    EVERYONE = "*"

    school = models.ForeignKey("people.School", models.CASCADE, related_name="lexicon_suppressions")
    rule = models.CharField(max_length=200, help_text='A rule id such as "drugs.use", or a phrase')
    group = models.CharField(
        max_length=100, help_text='A year group, class, "Staff" or "Pupils"; "*" for everyone'
    )
    reason = models.TextField()
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, related_name="+")
    created = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["group", "rule"]
        constraints = [
            models.UniqueConstraint(fields=["school", "rule", "group"], name="lexicon_suppression_unique")
        ]

    def __str__(self) -> str:
        return f"Suppression #{self.pk}"

    def as_data(self) -> dict[str, object]:
        return {"rule": self.rule, "group": self.group, "reason": self.reason}


# The highest severity an allowed phrase hides unless the Headteacher extends it: 4 and 5 (serious, imminent
# risk to life) still alert from a phrase another reviewer allowed.
ALLOW_MAX_SEVERITY = 3


class AllowedPhraseQuerySet(models.QuerySet["AllowedPhrase"]):
    def allowed(self) -> AllowedPhraseQuerySet:
        return self.filter(status=AllowedPhrase.Status.ALLOWED)


class AllowedPhrase(models.Model):
    """A decision on a phrase of the school's allow list: allowed (it stops alerts of its category at this school
    only), or a proposal rejected, or an allowed phrase removed. Rejected and removed rows stay: a phrase is
    proposed again only after two dismissals newer than the last decision.

    ``key`` is the phrase as the scanner's normaliser writes it (what is compared with a hit's words); ``phrase``
    the words as reviewers saw them. ``dismissals`` keeps who dismissed which alert, when and why, as the page
    showed it (the alerts themselves are purged with their captures); ``figures`` the preview shown.
    """

    class Status(models.TextChoices):
        ALLOWED = "allowed", "Allowed"
        REJECTED = "rejected", "Proposal rejected"
        REMOVED = "removed", "Removed"

    school = models.ForeignKey("people.School", models.CASCADE, related_name="allowed_phrases")
    category = models.CharField(max_length=20, choices=CATEGORY_CHOICES)
    key = models.CharField(max_length=500)
    phrase = models.CharField(max_length=500)
    status = models.CharField(max_length=10, choices=Status.choices)
    max_severity = models.PositiveSmallIntegerField(
        choices=SEVERITY_CHOICES,
        default=ALLOW_MAX_SEVERITY,
        help_text="Hits above this severity still alert (above 3 only when the Headteacher allowed it)",
    )
    reason = models.TextField(help_text="Why it was allowed, or why the proposal was rejected")
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, related_name="+")
    decided_at = models.DateTimeField(default=timezone.now)
    dismissals = models.JSONField(default=list, blank=True)
    figures = models.JSONField(default=dict, blank=True)
    removed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )
    removed_at = models.DateTimeField(null=True, blank=True)
    removed_reason = models.TextField(blank=True)

    objects = AllowedPhraseQuerySet.as_manager()

    class Meta:
        ordering = ["category", "phrase", "-decided_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["school", "category", "key"],
                condition=Q(status="allowed"),
                name="monitoring_allowed_phrase_unique",
            )
        ]
        indexes = [models.Index(fields=["school", "status"])]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        return f"Allowed phrase #{self.pk}"

    @property
    def last_decision_at(self) -> datetime:
        return self.removed_at or self.decided_at

    def remove(self, by: User, reason: str) -> None:
        if self.status != self.Status.ALLOWED:
            raise WorkflowError(f"{self.label} is not on the allow list.")
        if not reason.strip():
            raise WorkflowError("Say why the phrase should alert again.")
        self.status = self.Status.REMOVED
        self.removed_by = by
        self.removed_at = timezone.now()
        self.removed_reason = reason.strip()
        self.save(update_fields=["status", "removed_by", "removed_at", "removed_reason"])
