"""Training (staff CPD) and the e-safety curriculum (what pupils are taught).

Both live in one room because both are the school's answer to "who has learned what about online safety": the
policy's programme of "Safeguarding INSET, in school support and E-Safety assemblies" for adults, and e-safety
"embedded throughout the school curriculum ... specifically taught in Year 2" for children. Governance reads
both through ``training/figures.py``; nothing here imports governance.

Training is about people (``people.Person``), not accounts: supply staff, trainees and governors are trained
without ever signing in.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING, cast

from django.conf import settings
from django.core.files.storage import FileSystemStorage, Storage
from django.db import models
from django.utils import timezone
from django.utils.functional import LazyObject

if TYPE_CHECKING:
    from esafety.accounts.models import User


class SessionKind(models.TextChoices):
    SAFEGUARDING_INSET = "safeguarding_inset", "Safeguarding INSET"
    ESAFETY_BRIEFING = "esafety_briefing", "E-safety briefing"
    ASSEMBLY = "assembly", "E-safety assembly"
    INDUCTION_STAFF = "induction_staff", "Induction: new staff"
    INDUCTION_TRAINEE = "induction_trainee", "Induction: trainees"
    INDUCTION_SUPPLY = "induction_supply", "Induction: supply staff"
    INDUCTION_GOVERNOR = "induction_governor", "Induction: governors"
    FILTERING_MONITORING = "filtering_monitoring", "Filtering and monitoring role training"


class Audience(models.TextChoices):
    """Who a requirement applies to: a kind of person in the directory, or the holders of a role."""

    STAFF = "staff", "All staff"
    TRAINEE = "trainee", "Trainee teachers"
    SUPPLY = "supply", "Supply staff"
    GOVERNOR = "governor", "Governors"
    ROLE_HEAD = "role_head", "Headteacher"
    ROLE_DSL = "role_dsl", "Designated Safeguarding Lead"
    ROLE_COORDINATOR = "role_coordinator", "E-Safety Co-ordinator"
    ROLE_TECHNICIAN = "role_technician", "ICT Technician"


# Directory kinds that are trained at all (pupils, parents and visitors are not).
TRAINED_KINDS = ("staff", "trainee", "supply", "governor")


class TrainingSession(models.Model):
    """One session held (an INSET day, a staff-meeting briefing, an assembly, an induction meeting)."""

    school = models.ForeignKey("people.School", models.CASCADE, related_name="training_sessions")
    kind = models.CharField(max_length=24, choices=SessionKind.choices)
    title = models.CharField(max_length=200)
    held_on = models.DateField()
    led_by = models.CharField(
        max_length=150, blank=True, help_text="Who ran it: a colleague or an organisation"
    )
    minutes = models.PositiveIntegerField("length in minutes", default=60)
    notes = models.TextField(blank=True, help_text="What was covered")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-held_on", "-id"]
        indexes = [models.Index(fields=["school", "kind", "-held_on"], name="training_session_kind")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.title}"


class _CertificateStorage(LazyObject):
    """Certificates live under MEDIA_ROOT/training, outside the web root, with no URL: a view serves them."""

    def _setup(self) -> None:
        self._wrapped = FileSystemStorage(location=settings.MEDIA_ROOT, base_url=None)


certificate_storage = _CertificateStorage()


def _certificate_storage() -> Storage:
    """A callable, so that migrations name it rather than bake in one machine's MEDIA_ROOT."""
    return cast(Storage, certificate_storage)


def _certificate_path(instance: Attendance, filename: str) -> str:
    # Our name, never the uploader's: no path tricks, no guessable names.
    return f"training/{instance.session.school_id}/{uuid.uuid4().hex}.{instance.certificate_extension}"


class Attendance(models.Model):
    session = models.ForeignKey(TrainingSession, models.CASCADE, related_name="attendances")
    person = models.ForeignKey("people.Person", models.CASCADE, related_name="training_attendances")
    certificate = models.FileField(
        upload_to=_certificate_path, storage=_certificate_storage, max_length=200, blank=True
    )
    certificate_name = models.CharField(max_length=150, blank=True, help_text="As uploaded; shown only")
    certificate_type = models.CharField(max_length=40, blank=True)
    certificate_extension = models.CharField(max_length=5, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-session__held_on", "id"]
        constraints = [models.UniqueConstraint(fields=["session", "person"], name="attendance_unique")]

    def __str__(self) -> str:
        return f"Attendance #{self.pk}"


class Requirement(models.Model):
    """What a group must have and how often: "all staff: Safeguarding INSET every 12 months"."""

    school = models.ForeignKey("people.School", models.CASCADE, related_name="training_requirements")
    kind = models.CharField("training", max_length=24, choices=SessionKind.choices)
    audience = models.CharField("who", max_length=20, choices=Audience.choices)
    every_months = models.PositiveIntegerField(
        "repeat every (months)", default=12, help_text="0 means once only (induction)"
    )
    first_within_days = models.PositiveIntegerField(
        "first time within (days of starting)", default=30, help_text="For new starters"
    )
    source = models.CharField(
        max_length=200, blank=True, help_text="Why: the policy, KCSIE, the DfE standards"
    )

    class Meta:
        ordering = ["audience", "kind"]
        constraints = [
            models.UniqueConstraint(fields=["school", "kind", "audience"], name="training_requirement_unique")
        ]

    def __str__(self) -> str:
        return f"{self.get_audience_display()}: {self.get_kind_display()}"

    def next_due(self, started: date, last: date | None) -> date:
        """When the person next needs this training, from when they started and when they last had it."""
        if last is None:
            return started + timedelta(days=self.first_within_days)
        if self.every_months == 0:
            return date.max
        return add_months(last, self.every_months)


def add_months(day: date, months: int) -> date:
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    for candidate in (day.day, 30, 29, 28):
        try:
            return date(year, month, min(day.day, candidate))
        except ValueError:
            continue
    raise AssertionError("unreachable")  # pragma: no cover


class InductionItem(models.Model):
    """One thing a new starter must do in their first weeks, created by itself when the person is added."""

    school = models.ForeignKey("people.School", models.CASCADE, related_name="+")
    person = models.ForeignKey("people.Person", models.CASCADE, related_name="induction_items")
    title = models.CharField(max_length=200)
    due_on = models.DateField()
    done_at = models.DateTimeField(null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["due_on", "id"]
        constraints = [
            models.UniqueConstraint(fields=["person", "title"], name="induction_item_unique_title")
        ]

    def __str__(self) -> str:
        return f"Induction item #{self.pk}"

    def mark_done(self, by: object) -> bool:
        """True if this call completed it; a second click changes nothing."""
        now = timezone.now()
        updated = InductionItem.objects.filter(pk=self.pk, done_at__isnull=True).update(
            done_at=now, done_by=by
        )
        if updated:
            self.done_at = now
        return bool(updated)


# --- Curriculum ---------------------------------------------------------------------------------------------


class Term(models.TextChoices):
    AUTUMN = "autumn", "Autumn"
    SPRING = "spring", "Spring"
    SUMMER = "summer", "Summer"


def term_of(day: date) -> Term:
    if day.month >= 9:
        return Term.AUTUMN
    return Term.SPRING if day.month <= 3 else Term.SUMMER


def school_year_of(day: date) -> int:
    """The calendar year in which the school year containing ``day`` began (September)."""
    return day.year if day.month >= 9 else day.year - 1


def term_start(year: int, term: str) -> date:
    return {
        Term.AUTUMN: date(year, 9, 1),
        Term.SPRING: date(year + 1, 1, 1),
        Term.SUMMER: date(year + 1, 4, 1),
    }[Term(term)]


class Strand(models.TextChoices):
    """UKCIS "Education for a Connected World" (2020): the eight strands of online-safety education."""

    SELF_IMAGE = "self_image", "Self-image and identity"
    RELATIONSHIPS = "relationships", "Online relationships"
    REPUTATION = "reputation", "Online reputation"
    BULLYING = "bullying", "Online bullying"
    INFORMATION = "information", "Managing online information"
    HEALTH = "health", "Health, well-being and lifestyle"
    PRIVACY = "privacy", "Privacy and security"
    COPYRIGHT = "copyright", "Copyright and ownership"


YEAR_GROUPS = ("Reception", "Year 1", "Year 2", "Year 3", "Year 4", "Year 5", "Year 6")


class PlannedUnit(models.Model):
    """What the school plans to teach: a strand in a year group's term (Year 2 in depth, others as visited)."""

    school = models.ForeignKey("people.School", models.CASCADE, related_name="curriculum_units")
    year_group = models.CharField(max_length=20)
    term = models.CharField(max_length=10, choices=Term.choices)
    strand = models.CharField(max_length=20, choices=Strand.choices)
    title = models.CharField(max_length=200, help_text="e.g. 'Who should I tell? Asking for help online'")

    class Meta:
        ordering = ["year_group", "term", "strand"]
        constraints = [
            models.UniqueConstraint(
                fields=["school", "year_group", "term", "strand"], name="planned_unit_unique_slot"
            )
        ]

    def __str__(self) -> str:
        return f"{self.year_group} {self.get_term_display()}: {self.get_strand_display()}"


class Resource(models.Model):
    """A teaching resource; the policy has curriculum co-ordinators review them."""

    school = models.ForeignKey("people.School", models.CASCADE, related_name="curriculum_resources")
    title = models.CharField(max_length=200)
    provider = models.CharField(
        max_length=150, blank=True, help_text="e.g. a published scheme or 'school-made'"
    )
    link = models.URLField(blank=True)
    strand = models.CharField(max_length=20, choices=Strand.choices)
    last_reviewed_on = models.DateField(null=True, blank=True, editable=False)
    last_reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+", editable=False
    )
    last_review_note = models.CharField(max_length=300, blank=True, editable=False)
    retired = models.BooleanField(
        default=False, help_text="No longer used: kept for the lessons that used it"
    )

    REVIEW_EVERY_DAYS = 365

    class Meta:
        ordering = ["title"]

    def __str__(self) -> str:
        return self.title

    def review_due(self, today: date) -> bool:
        return self.last_reviewed_on is None or (today - self.last_reviewed_on).days > self.REVIEW_EVERY_DAYS

    def mark_reviewed(self, by: User | None, note: str, on: date) -> None:
        self.last_reviewed_on, self.last_reviewed_by, self.last_review_note = on, by, note[:300]
        self.save(update_fields=["last_reviewed_on", "last_reviewed_by", "last_review_note"])


class Lesson(models.Model):
    school = models.ForeignKey("people.School", models.CASCADE, related_name="curriculum_lessons")
    delivered_on = models.DateField()
    year_group = models.CharField(max_length=20)
    class_name = models.CharField("class", max_length=50)
    strand = models.CharField(max_length=20, choices=Strand.choices)
    title = models.CharField(max_length=200)
    resources = models.ManyToManyField(Resource, blank=True, related_name="lessons")
    notes = models.TextField(blank=True)
    taught_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-delivered_on", "-id"]
        indexes = [models.Index(fields=["school", "delivered_on"], name="lesson_school_delivered")]

    def __str__(self) -> str:
        return f"Lesson #{self.pk}"

    @property
    def term(self) -> Term:
        return term_of(self.delivered_on)


@dataclass(frozen=True)
class CoverageCell:
    year_group: str
    term: Term
    planned: list[PlannedUnit]
    delivered: set[str]  # strands taught
    started: bool  # the term has begun

    @property
    def gaps(self) -> list[PlannedUnit]:
        return [unit for unit in self.planned if unit.strand not in self.delivered] if self.started else []

    @property
    def extra(self) -> list[str]:
        return sorted(self.delivered - {unit.strand for unit in self.planned})
