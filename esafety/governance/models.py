"""Governance records: the named responsible people, the annual filtering and monitoring review, the retention
schedule, legal holds and the record of disposals.

The figures themselves are not stored here: they come from the rooms through ``governance.evidence``. A review
keeps a copy of the figure each measured answer relied on (``ReviewAnswer.evidence``), so a signed review reads
the same in later years however the records change.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone


class ResponsiblePeople(models.Model):
    """The DfE filtering and monitoring standards ask a school to name who is responsible for what."""

    school = models.OneToOneField("people.School", models.CASCADE, related_name="responsible_people")
    slt_lead = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="senior leadership team lead",
        help_text="The senior leader responsible for filtering and monitoring; signs the annual review",
    )
    governor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="responsible governor",
        help_text="The governor who oversees filtering and monitoring; signs the annual review",
    )
    dsl = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="Designated Safeguarding Lead",
    )
    technician = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="ICT technician",
    )
    it_provider = models.CharField(
        "IT service provider",
        max_length=200,
        blank=True,
        help_text="The organisation that supports the systems",
    )
    filtering_provider = models.CharField(max_length=200, blank=True, help_text="e.g. the filtering product")
    monitoring_provider = models.CharField(
        max_length=200, blank=True, help_text="e.g. the monitoring product"
    )
    updated_at = models.DateTimeField(default=timezone.now)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, related_name="+")

    ROLES = (
        ("slt_lead", "Senior leadership team lead"),
        ("governor", "Responsible governor"),
        ("dsl", "Designated Safeguarding Lead"),
        ("technician", "ICT technician"),
        ("it_provider", "IT service provider"),
    )

    class Meta:
        verbose_name_plural = "responsible people"

    def __str__(self) -> str:
        return f"Responsible people of {self.school}"

    def named(self) -> list[tuple[str, bool]]:
        """(role, is someone named) for each responsibility: what the dashboard shows, without names."""
        return [
            (label, bool(getattr(self, field if field == "it_provider" else f"{field}_id")))
            for field, label in self.ROLES
        ]


class FilteringReview(models.Model):
    """One school year's review of filtering and monitoring (DfE: at least annually)."""

    class Status(models.TextChoices):
        DRAFT = "draft", "In progress"
        SLT_SIGNED = "slt_signed", "Signed by the SLT lead"
        GOVERNOR_SIGNED = "governor_signed", "Signed by the governor"
        SIGNED = "signed", "Signed off"

    school = models.ForeignKey("people.School", models.CASCADE, related_name="filtering_reviews")
    year = models.PositiveIntegerField(
        help_text="The calendar year the school year began in (2025 = 2025/26)"
    )
    started_at = models.DateTimeField(default=timezone.now)
    started_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, related_name="+")
    notes_send = models.TextField("pupils with SEND", blank=True)
    notes_eal = models.TextField("pupils with English as an additional language", blank=True)
    notes_ai = models.TextField("generative AI", blank=True)
    notes_devices = models.TextField("personal and mobile devices", blank=True)
    summary = models.TextField("overall conclusion", blank=True)
    slt_signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )
    slt_signed_at = models.DateTimeField(null=True, blank=True)
    governor_signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )
    governor_signed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-year"]
        constraints = [
            models.UniqueConstraint(fields=["school", "year"], name="filtering_review_one_per_year")
        ]

    def __str__(self) -> str:
        return f"Filtering and monitoring review {self.year_label}"

    @property
    def year_label(self) -> str:
        return f"{self.year}/{str(self.year + 1)[-2:]}"

    @property
    def status(self) -> Status:
        if self.slt_signed_at and self.governor_signed_at:
            return self.Status.SIGNED
        if self.slt_signed_at:
            return self.Status.SLT_SIGNED
        if self.governor_signed_at:
            return self.Status.GOVERNOR_SIGNED
        return self.Status.DRAFT

    @property
    def locked(self) -> bool:
        """Answers are frozen once anyone has signed: a signature covers what was there when it was given."""
        return bool(self.slt_signed_at or self.governor_signed_at)


class ReviewAnswer(models.Model):
    class Verdict(models.TextChoices):
        MET = "met", "Met"
        PARTLY = "partly", "Partly met"
        NOT_MET = "not_met", "Not met"
        NOT_APPLICABLE = "na", "Not applicable"

    class Basis(models.TextChoices):
        MEASURED = "measured", "Measured"
        SELF_REPORTED = "self_reported", "Self-reported"

    review = models.ForeignKey(FilteringReview, models.CASCADE, related_name="answers")
    item = models.CharField(max_length=60, help_text="A key of governance.standards.ITEMS")
    verdict = models.CharField(max_length=10, choices=Verdict.choices)
    basis = models.CharField(max_length=15, choices=Basis.choices)
    evidence = models.JSONField(default=list, blank=True, help_text="The figures shown when it was answered")
    comment = models.TextField(blank=True)
    reported_by = models.CharField(
        "who said so", max_length=150, blank=True, help_text="Self-reported answers: whose word it is"
    )
    answered_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, related_name="+")
    answered_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["id"]
        constraints = [models.UniqueConstraint(fields=["review", "item"], name="review_answer_one_per_item")]

    def __str__(self) -> str:
        return f"{self.item}: {self.verdict}"


class ReviewAction(models.Model):
    review = models.ForeignKey(FilteringReview, models.CASCADE, related_name="actions")
    school = models.ForeignKey("people.School", models.CASCADE, related_name="+")
    title = models.CharField(max_length=200)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    due_on = models.DateField()
    done_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, related_name="+")

    class Meta:
        ordering = ["due_on", "id"]

    def __str__(self) -> str:
        return f"Review action #{self.pk}"


class RetentionSetting(models.Model):
    """A school's own period for one record type, where it differs from the default (see ``disposal``)."""

    school = models.ForeignKey("people.School", models.CASCADE, related_name="retention_settings")
    record_type = models.CharField(max_length=60)
    period = models.PositiveIntegerField(help_text="In the record type's unit (days or years)")
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, related_name="+")
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["school", "record_type"], name="retention_setting_unique")
        ]

    def __str__(self) -> str:
        return f"{self.record_type}: {self.period}"


class LegalHoldQuerySet(models.QuerySet["LegalHold"]):
    def active(self) -> LegalHoldQuerySet:
        return self.filter(lifted_at__isnull=True)


class LegalHold(models.Model):
    """Stops disposal of everything about a person, or of one record, while litigation, an inquiry (e.g. IICSA)
    or a subject access request needs it kept."""

    school = models.ForeignKey("people.School", models.CASCADE, related_name="legal_holds")
    person = models.ForeignKey(
        "people.Person", models.CASCADE, null=True, blank=True, related_name="legal_holds"
    )
    record_type = models.CharField(max_length=60, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    reason = models.CharField(max_length=300)
    placed_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, related_name="+")
    placed_at = models.DateTimeField(default=timezone.now)
    lifted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )
    lifted_at = models.DateTimeField(null=True, blank=True)

    objects = LegalHoldQuerySet.as_manager()

    class Meta:
        ordering = ["-placed_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(person__isnull=False)
                | (~models.Q(record_type="") & ~models.Q(object_id="")),
                name="legal_hold_names_a_person_or_record",
            )
        ]

    def __str__(self) -> str:
        return f"Legal hold #{self.pk}"


class DisposalRun(models.Model):
    """What one disposal run removed: counts per record type, never content."""

    school = models.ForeignKey("people.School", models.CASCADE, related_name="disposal_runs")
    at = models.DateTimeField(default=timezone.now)
    counts = models.JSONField(default=dict, help_text="{record type: {removed, anonymised, held}}")

    class Meta:
        ordering = ["-at"]

    def __str__(self) -> str:
        return f"Disposal run #{self.pk}"
