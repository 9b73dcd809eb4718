"""Items for publication, the checks run on them, their approval, the people who appear in them, and the monthly
website audit.

An item (a newsletter paragraph, a web page, a social post) is checked by the member of staff who wrote it and
approved by the Headteacher, the deputy or a delegated editor. Each check is kept with the text it read and what it
found, so the item's page shows exactly what was approved. ``Appearance`` rows say who is in which item, so a
withdrawal of consent can list everything to take down.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.db import models
from django.utils import timezone

from esafety.access import Action
from esafety.consent.models import Use


class Channel(models.TextChoices):
    """Where the item goes. Each value is the consent use it needs, taken from the consent room, so the two
    cannot drift apart."""

    WEBSITE = Use.WEBSITE.value, Use.WEBSITE.label
    NEWSLETTER = Use.NEWSLETTER.value, Use.NEWSLETTER.label
    SOCIAL = Use.SOCIAL.value, Use.SOCIAL.label
    PRESS = Use.PRESS.value, Use.PRESS.label
    DISPLAYS = Use.DISPLAYS.value, Use.DISPLAYS.label


class PublishingSettings(models.Model):
    school = models.OneToOneField("people.School", models.CASCADE, related_name="publishing_settings")
    site_url = models.URLField(
        "school website",
        blank=True,
        help_text="The home page the monthly audit starts from, e.g. https://www.hollybrook.sch.uk/",
    )
    allowed_contacts = models.TextField(
        "the school's own contact details",
        blank=True,
        help_text="One a line: the school's phone numbers, e-mail addresses and postal address, which may be published",
    )
    editors = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="+",
        help_text="Delegated editors (e.g. the web provider) who may approve items as the Headteacher does",
    )

    def __str__(self) -> str:
        return f"Publishing settings of {self.school}"

    @property
    def allowed_contact_lines(self) -> list[str]:
        return [line.strip() for line in self.allowed_contacts.splitlines() if line.strip()]


class Publication(models.Model):
    class Status(models.TextChoices):
        FINDINGS = "findings", "Has findings"
        CLEAN = "clean", "Checked: nothing found"
        APPROVED = "approved", "Approved"
        TAKEN_DOWN = "taken_down", "Taken down"

    school = models.ForeignKey("people.School", models.PROTECT, related_name="publications")
    title = models.CharField(max_length=200)
    channel = models.CharField(max_length=20, choices=Channel.choices, default=Channel.NEWSLETTER)
    body = models.TextField(blank=True)
    is_html = models.BooleanField(default=False, editable=False)
    url = models.URLField("where it is published", blank=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.FINDINGS)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(default=timezone.now, editable=False)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+", editable=False
    )
    approved_at = models.DateTimeField(null=True, blank=True, editable=False)
    approval_check = models.ForeignKey(
        "PublicationCheck", models.SET_NULL, null=True, blank=True, related_name="+", editable=False
    )
    approval_note = models.CharField(max_length=500, blank=True, editable=False)
    taken_down_at = models.DateTimeField(null=True, blank=True, editable=False)
    taken_down_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+", editable=False
    )

    class Meta:
        ordering = ["-updated_at", "-id"]
        indexes = [models.Index(fields=["school", "status", "-updated_at"], name="publication_school_status")]

    def __str__(self) -> str:
        return f"Publication #{self.pk}"

    @property
    def latest_check(self) -> PublicationCheck | None:
        return self.checks.order_by("-checked_at", "-id").first()


@dataclass(frozen=True)
class Transition:
    """One step of an item's workflow: every view, template and test reads these."""

    name: str
    label: str
    sources: tuple[str, ...]
    target: str
    action: Action
    reason_required: bool
    reason_label: str = ""


S = Publication.Status
TRANSITIONS: dict[str, Transition] = {
    transition.name: transition
    for transition in (
        Transition(
            "approve", "Approve for publishing", (S.CLEAN,), S.APPROVED, Action.APPROVE_PUBLICATION, False
        ),
        Transition(
            "approve_anyway",
            "Approve despite the findings",
            (S.FINDINGS,),
            S.APPROVED,
            Action.APPROVE_PUBLICATION,
            True,
            "Why it may go out as it is (e.g. the parent agreed in writing to the full name)",
        ),
        Transition(
            "take_down",
            "Record that it was taken down",
            (S.APPROVED,),
            S.TAKEN_DOWN,
            Action.RECORD_TAKE_DOWN,
            True,
            "Why (e.g. consent withdrawn)",
        ),
    )
}


class PublicationCheck(models.Model):
    """One run of the check on an item: the text it read, the media it was told about, and what it found."""

    publication = models.ForeignKey(Publication, models.CASCADE, related_name="checks")
    checked_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, related_name="+")
    checked_at = models.DateTimeField(default=timezone.now)
    text = models.TextField(blank=True)
    findings = models.JSONField(default=list)

    class Meta:
        ordering = ["-checked_at", "-id"]

    def __str__(self) -> str:
        return f"Check #{self.pk} of publication #{self.publication_id}"

    @property
    def is_clean(self) -> bool:
        # Not "clean": that name would shadow Model.clean(), which full_clean() calls.
        return not self.findings


class PublicationMedia(models.Model):
    """A photo or video in an item, described by the author: its caption and alt text, who is in it, and
    where it came from."""

    class Kind(models.TextChoices):
        IMAGE = "image", "Photo"
        VIDEO = "video", "Video"

    publication = models.ForeignKey(Publication, models.CASCADE, related_name="media")
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.IMAGE)
    name = models.CharField("file name or address", max_length=300, blank=True)
    caption = models.CharField(max_length=500, blank=True)
    alt = models.CharField("alt text", max_length=500, blank=True)
    people = models.ManyToManyField("people.Person", blank=True, related_name="+")
    third_party = models.BooleanField("from someone else (not taken by the school)", default=False)
    permission = models.BooleanField("the copyright holder's permission is recorded", default=False)
    attribution = models.CharField(max_length=200, blank=True, help_text="The credit printed with it")

    def __str__(self) -> str:
        return f"Media #{self.pk}"


class Appearance(models.Model):
    """A person is in a publication (tagged in a photo or named in it). ``removed_at`` records when they were taken
    out of it, e.g. after a withdrawal of consent."""

    class How(models.TextChoices):
        PHOTO = "photo", "In a photo or video"
        NAMED = "named", "Named"

    publication = models.ForeignKey(Publication, models.CASCADE, related_name="appearances")
    person = models.ForeignKey("people.Person", models.CASCADE, related_name="publication_appearances")
    how = models.CharField(max_length=10, choices=How.choices)
    removed_at = models.DateTimeField(null=True, blank=True)
    removed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["publication", "person", "how"], name="appearance_unique")
        ]

    def __str__(self) -> str:
        return f"Appearance #{self.pk}"


class WebsiteAudit(models.Model):
    class Status(models.TextChoices):
        RUNNING = "running", "Running"
        DONE = "done", "Finished"
        FAILED = "failed", "Failed"

    school = models.ForeignKey("people.School", models.PROTECT, related_name="website_audits")
    url = models.URLField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.RUNNING)
    started_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )
    pages_checked = models.PositiveIntegerField(default=0)
    finding_count = models.PositiveIntegerField(default=0)
    note = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["-started_at", "-id"]

    def __str__(self) -> str:
        return f"Website audit #{self.pk}"


class AuditedPage(models.Model):
    audit = models.ForeignKey(WebsiteAudit, models.CASCADE, related_name="pages")
    url = models.URLField(max_length=1000)
    status_code = models.PositiveSmallIntegerField(default=200)
    findings = models.JSONField(default=list)
    note = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"Audited page #{self.pk}"
