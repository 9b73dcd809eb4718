"""Policies, their versions, and who has acknowledged which version.

A ``Policy`` is a document the school keeps (the E-Safety policy and its related documents). Each change is a new
``PolicyVersion``; a version is approved by the Headteacher and the governing body before it is published, and
the published version is what the public page shows. An ``AcknowledgementCampaign`` asks an audience to read one
version; each ``Acknowledgement`` names the exact version, when, and how it was given.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db import models
from django.utils import timezone
from django.utils.safestring import SafeString

from esafety.access import Action


class Policy(models.Model):
    class Kind(models.TextChoices):
        E_SAFETY = "e_safety", "E-Safety Policy"
        AUP_STAFF = "aup_staff", "Acceptable Use Policy (staff)"
        AUP_PUPIL = "aup_pupil", "Acceptable Use Policy (pupils)"
        SAFEGUARDING = "safeguarding", "Safeguarding and Child Protection Policy"
        ANTI_BULLYING = "anti_bullying", "Anti-bullying Policy"
        ICT = "ict", "ICT Policy"
        FOUNDATION_STAGE = "foundation_stage", "Foundation Stage Policy"
        PARENT_CODE = "parent_code", "Parent Code of Conduct (social networking)"
        OTHER = "other", "Other policy"

    school = models.ForeignKey("people.School", models.PROTECT, related_name="policies")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    title = models.CharField(max_length=200)
    slug = models.SlugField(max_length=80, help_text="Part of the public web address; keep it once published")
    owner = models.ForeignKey(
        "accounts.User",
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="Who keeps it up to date",
    )
    audience = models.CharField(max_length=200, help_text="Who it is for, e.g. All staff and governors")
    review_due = models.DateField(help_text="When the governing body next reviews it")
    review_every_months = models.PositiveSmallIntegerField(default=12)
    created = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["title"]
        verbose_name_plural = "policies"
        constraints = [
            models.UniqueConstraint(fields=["school", "slug"], name="policy_unique_slug_per_school"),
            models.UniqueConstraint(
                fields=["school", "kind"], condition=~models.Q(kind="other"), name="policy_one_of_each_kind"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def current_version(self) -> PolicyVersion | None:
        return self.versions.filter(status=PolicyVersion.Status.PUBLISHED).first()

    def review_overdue(self, today: date | None = None) -> bool:
        return self.review_due < (today or timezone.localdate())


@dataclass(frozen=True)
class Transition:
    """One step of a version's approval: the one declaration the model, actions, views and templates read."""

    name: str
    label: str
    source: str
    target: str
    action: Action
    needs_meeting: bool = False  # the governing body's meeting date and minute reference


class PolicyVersion(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        HEAD_APPROVED = "head_approved", "Approved by the Headteacher"
        APPROVED = "approved", "Approved by governors"
        PUBLISHED = "published", "Published"
        SUPERSEDED = "superseded", "Superseded"

    policy = models.ForeignKey(Policy, models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    body = models.TextField(help_text="Markdown: # headings, - lists, **bold**, [links](https://...)")
    summary_of_changes = models.CharField(max_length=500, blank=True)
    effective_on = models.DateField()
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.DRAFT, db_index=True)
    is_template = models.BooleanField(
        default=False,
        help_text="A starter text written for a fictional school: adapt it before relying on it",
    )
    created = models.DateTimeField(default=timezone.now, editable=False)
    created_by = models.ForeignKey("accounts.User", models.SET_NULL, null=True, blank=True, related_name="+")
    head_approved_at = models.DateTimeField(null=True, blank=True)
    head_approved_by = models.ForeignKey(
        "accounts.User", models.SET_NULL, null=True, blank=True, related_name="+"
    )
    governors_meeting_on = models.DateField(null=True, blank=True)
    governors_minute_ref = models.CharField(max_length=100, blank=True)
    governors_recorded_by = models.ForeignKey(
        "accounts.User", models.SET_NULL, null=True, blank=True, related_name="+"
    )
    published_at = models.DateTimeField(null=True, blank=True)
    published_by = models.ForeignKey(
        "accounts.User", models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["policy", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["policy", "number"], name="policy_version_unique_number"),
            models.UniqueConstraint(
                fields=["policy"], condition=models.Q(status="published"), name="policy_one_published_version"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.policy.title}, version {self.number}"

    @property
    def label(self) -> str:
        return f"version {self.number}"

    @property
    def is_public(self) -> bool:
        return self.status in (self.Status.PUBLISHED, self.Status.SUPERSEDED)

    @property
    def editable(self) -> bool:
        return self.status == self.Status.DRAFT

    def next_steps(self) -> list[Transition]:
        return [step for step in TRANSITIONS.values() if step.source == self.status]


S = PolicyVersion.Status
TRANSITIONS: dict[str, Transition] = {
    step.name: step
    for step in (
        # The Headteacher approves first: the E-Safety policy says the Head is responsible for it.
        Transition("head-approve", "Approve as Headteacher", S.DRAFT, S.HEAD_APPROVED, Action.APPROVE_POLICY),
        # "The policy is reviewed by the Governing Body": their approval is recorded with the meeting's minute.
        Transition(
            "record-governors",
            "Record governing body approval",
            S.HEAD_APPROVED,
            S.APPROVED,
            Action.MANAGE_POLICIES,
            needs_meeting=True,
        ),
        Transition("publish", "Publish", S.APPROVED, S.PUBLISHED, Action.MANAGE_POLICIES),
        Transition("return-to-draft", "Return to draft", S.HEAD_APPROVED, S.DRAFT, Action.MANAGE_POLICIES),
    )
}


class PolicyReview(models.Model):
    """The record of one review of a policy (by the governing body or its committee)."""

    class Outcome(models.TextChoices):
        NO_CHANGE = "no_change", "No change needed"
        NEW_VERSION = "new_version", "A new version is needed"

    policy = models.ForeignKey(Policy, models.CASCADE, related_name="reviews")
    reviewed_on = models.DateField()
    outcome = models.CharField(max_length=20, choices=Outcome.choices)
    notes = models.TextField(blank=True)
    next_review_on = models.DateField()
    recorded_by = models.ForeignKey("accounts.User", models.SET_NULL, null=True, blank=True, related_name="+")
    created = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["-reviewed_on", "-id"]

    def __str__(self) -> str:
        return f"Review of {self.policy.title} on {self.reviewed_on}"


class AcknowledgementCampaign(models.Model):
    """Ask an audience to read and acknowledge one version. Who was asked is fixed when the campaign starts
    (``AcknowledgementRequest`` rows), so progress always says who has and who has not, even after people leave."""

    class Audience(models.TextChoices):
        ALL_STAFF = "all_staff", "All staff"
        GOVERNORS = "governors", "Governors"
        TRAINEE_SUPPLY = "trainee_supply", "Trainee and supply staff"
        VISITORS = "visitors", "Visitors and third-party users"
        PARENTS_SCHOOL = "parents_school", "Parents and carers: whole school"
        PARENTS_YEAR = "parents_year", "Parents and carers: one year group"
        PARENTS_CLASS = "parents_class", "Parents and carers: one class"

    class Reason(models.TextChoices):
        UPDATED = "updated", "The policy was updated"
        ANNUAL = "annual", "Yearly reminder"

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        CLOSED = "closed", "Closed"

    school = models.ForeignKey("people.School", models.PROTECT, related_name="+")
    version = models.ForeignKey(PolicyVersion, models.PROTECT, related_name="campaigns")
    title = models.CharField(max_length=200)
    audience = models.CharField(max_length=20, choices=Audience.choices)
    audience_filter = models.CharField(
        max_length=50, blank=True, help_text="The year group or class, for those audiences"
    )
    reason = models.CharField(max_length=10, choices=Reason.choices, default=Reason.UPDATED)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    opens_on = models.DateField(default=timezone.localdate)
    closes_on = models.DateField(help_text="The date by which everyone should have acknowledged it")
    remind_every_days = models.PositiveSmallIntegerField(default=7)
    created = models.DateTimeField(default=timezone.now, editable=False)
    created_by = models.ForeignKey("accounts.User", models.SET_NULL, null=True, blank=True, related_name="+")

    class Meta:
        ordering = ["-created"]

    def __str__(self) -> str:
        return f"Campaign #{self.pk}: {self.title}"

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.OPEN

    @property
    def link_subject(self) -> str:
        return f"campaign:{self.pk}"


class AcknowledgementRequest(models.Model):
    """One person asked by one campaign. ``reminders_sent`` counts reminders; e-mail keys derive from it."""

    campaign = models.ForeignKey(AcknowledgementCampaign, models.CASCADE, related_name="requests")
    person = models.ForeignKey("people.Person", models.CASCADE, related_name="+")
    group = models.CharField(max_length=80, blank=True, help_text="Class, or staff group, for progress")
    invited_at = models.DateTimeField(null=True, blank=True)
    reminders_sent = models.PositiveSmallIntegerField(default=0)
    last_emailed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["group", "person__last_name", "person__first_name"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "person"], name="ack_request_once_per_campaign")
        ]

    def __str__(self) -> str:
        return f"Request #{self.pk} of campaign #{self.campaign_id}"


class Acknowledgement(models.Model):
    """A person's acknowledgement of one exact version: when and how."""

    class Method(models.TextChoices):
        SIGNED_IN = "signed_in", "Signed in"
        LINK = "link", "Personal link"
        PAPER = "paper", "Paper signature"

    school = models.ForeignKey("people.School", models.PROTECT, related_name="+")
    person = models.ForeignKey("people.Person", models.CASCADE, related_name="policy_acknowledgements")
    version = models.ForeignKey(PolicyVersion, models.PROTECT, related_name="acknowledgements")
    campaign = models.ForeignKey(
        AcknowledgementCampaign, models.SET_NULL, null=True, blank=True, related_name="acknowledgements"
    )
    method = models.CharField(max_length=10, choices=Method.choices)
    acknowledged_at = models.DateTimeField(default=timezone.now)
    user = models.ForeignKey(
        "accounts.User", models.SET_NULL, null=True, blank=True, related_name="+", help_text="Who signed in"
    )
    recorded_by = models.ForeignKey(
        "accounts.User",
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="Paper: who recorded it",
    )
    scan = models.FileField(upload_to="policies/scans/%Y/%m/", blank=True)
    signed_on_paper = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["-acknowledged_at"]
        constraints = [
            # The database, not the view, keeps a double click or a second tab to one acknowledgement.
            models.UniqueConstraint(
                fields=["campaign", "person"],
                condition=models.Q(campaign__isnull=False),
                name="acknowledgement_once_per_campaign",
            )
        ]
        indexes = [models.Index(fields=["person", "version"])]

    def __str__(self) -> str:
        return f"Acknowledgement #{self.pk}"


class Newsletter(models.Model):
    """The termly e-safety item for parents: e-mailed to parents' contacts and shown on the public page."""

    school = models.ForeignKey("people.School", models.PROTECT, related_name="+")
    term = models.CharField(max_length=50, help_text="e.g. Spring term 2027")
    title = models.CharField(max_length=200)
    body = models.TextField(help_text="Markdown, as for policies")
    created = models.DateTimeField(default=timezone.now, editable=False)
    created_by = models.ForeignKey("accounts.User", models.SET_NULL, null=True, blank=True, related_name="+")
    published_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created"]

    def __str__(self) -> str:
        return self.title

    @property
    def rendered(self) -> SafeString:
        from esafety.policies.markdown import render

        return render(self.body)
