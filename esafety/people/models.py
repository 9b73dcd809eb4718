"""Trusts, schools and the people in them.

Every record in esafety belongs to a school. A trust (or local authority) groups schools so that one instance can
serve many; a person with a trust-wide role works across its schools, everyone else sees only their own.
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone


class Trust(models.Model):
    name = models.CharField(max_length=200, unique=True)
    slug = models.SlugField(max_length=60, unique=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class School(models.Model):
    trust = models.ForeignKey(Trust, models.PROTECT, null=True, blank=True, related_name="schools")
    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=60, unique=True)
    urn = models.CharField("URN", max_length=12, blank=True, help_text="DfE unique reference number")
    email_domain = models.CharField(max_length=200, blank=True, help_text="The school's e-mail domain")
    retention_days = models.PositiveIntegerField(
        default=365, help_text="How long monitoring captures are kept before they are purged"
    )
    created = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class PersonQuerySet(models.QuerySet["Person"]):
    def current(self) -> PersonQuerySet:
        return self.filter(left_on__isnull=True)

    def pupils(self) -> PersonQuerySet:
        return self.filter(kind=Person.Kind.PUPIL)


class Person(models.Model):
    """Anyone the school's e-safety records can be about: pupils, staff, parents, visitors and others.

    People come from the school's MIS (matched on ``mis_id``) or are added by hand. A member of staff who signs
    in also has a ``User`` linked to their person record.
    """

    class Kind(models.TextChoices):
        PUPIL = "pupil", "Pupil"
        STAFF = "staff", "Staff"
        PARENT = "parent", "Parent or carer"
        GOVERNOR = "governor", "Governor"
        TRAINEE = "trainee", "Trainee teacher"
        SUPPLY = "supply", "Supply staff"
        VISITOR = "visitor", "Visitor"
        THIRD_PARTY = "third_party", "Third-party user"

    school = models.ForeignKey(School, models.PROTECT, related_name="people")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    mis_id = models.CharField(
        "MIS ID",
        max_length=64,
        blank=True,
        help_text="The identifier in the school's management information system",
    )
    first_name = models.CharField(max_length=100)
    last_name = models.CharField(max_length=100)
    preferred_name = models.CharField(max_length=100, blank=True)
    year_group = models.CharField(max_length=20, blank=True, help_text="Pupils: e.g. Reception, Year 2")
    class_name = models.CharField("class", max_length=50, blank=True)
    job_title = models.CharField(max_length=100, blank=True)
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=40, blank=True)
    date_of_birth = models.DateField(null=True, blank=True)
    gender = models.CharField(
        max_length=1, blank=True, help_text="Pupils, as the MIS records it: M, F, U (unknown) or X"
    )
    sourced_id = models.CharField(
        "OneRoster sourcedId",
        max_length=255,
        blank=True,
        editable=False,
        help_text="The person's identifier in a OneRoster export; the key that matches them on re-import",
    )
    left_on = models.DateField(null=True, blank=True, help_text="Set when the person leaves the school")
    created = models.DateTimeField(default=timezone.now, editable=False)
    updated = models.DateTimeField(default=timezone.now, editable=False)

    objects = PersonQuerySet.as_manager()

    class Meta:
        ordering = ["last_name", "first_name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["school", "mis_id"],
                condition=~models.Q(mis_id=""),
                name="person_unique_mis_id_per_school",
            ),
            models.UniqueConstraint(
                fields=["school", "sourced_id"],
                condition=~models.Q(sourced_id=""),
                name="person_unique_sourced_id_per_school",
            ),
        ]
        indexes = [
            models.Index(fields=["school", "kind", "last_name"]),
            models.Index(fields=["school", "class_name"]),
        ]

    def __str__(self) -> str:
        return self.full_name

    @property
    def full_name(self) -> str:
        return f"{self.preferred_name or self.first_name} {self.last_name}".strip()

    @property
    def description(self) -> str:
        """Name plus what tells two people of the same name apart on a list."""
        if self.kind == self.Kind.PUPIL:
            detail = ", ".join(part for part in (self.year_group, self.class_name) if part)
        else:
            detail = self.job_title or self.get_kind_display()
        return f"{self.full_name} ({detail})" if detail else self.full_name


class Guardianship(models.Model):
    """A parent or carer's link to a pupil (both at the same school)."""

    parent = models.ForeignKey(Person, models.CASCADE, related_name="children_links")
    pupil = models.ForeignKey(Person, models.CASCADE, related_name="parent_links")
    relationship = models.CharField(max_length=50, blank=True, help_text="e.g. Mother, Father, Carer")
    priority = models.PositiveSmallIntegerField(
        "contact order",
        null=True,
        blank=True,
        help_text="Who the school calls first (1), as the MIS orders them",
    )
    parental_responsibility = models.BooleanField(
        null=True, blank=True, help_text="Whether they have parental responsibility; blank when not known"
    )

    class Meta:
        constraints = [models.UniqueConstraint(fields=["parent", "pupil"], name="guardianship_unique_pair")]

    def __str__(self) -> str:
        return f"{self.parent} → {self.pupil}"
