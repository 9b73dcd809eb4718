"""Written consent for images and video, per person and per use, and the campaigns that collect it.

Every answer is its own row (``Consent``): who it is about, which use, given or refused, by whom, when, how and
until when. Nothing is overwritten: a withdrawal is written onto the row it withdraws, and a new answer is a new
row, so the register is also its history. What stands today for a person and a use is worked out by
``standing()`` from the latest answer of each person who gave one: when two parents answer differently the more
restrictive answer stands, and the disagreement is shown to the office.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.db import models
from django.utils import timezone


class Use(models.TextChoices):
    """What a photo or video may be used for (the policy: "before any images or video are published or
    distributed outside the school"; displays inside the school are asked too, as schools do)."""

    DISPLAYS = "displays", "School displays"
    WEBSITE = "website", "School website"
    NEWSLETTER = "newsletter", "Newsletter"
    SOCIAL = "social", "Social media"
    PRESS = "press", "Press"
    VIDEO = "video", "Video"
    FIRST_NAME = "first-name-with-photo", "First name with a photo"


STAFF_USES: list[Use] = [
    use for use in Use if use != Use.FIRST_NAME
]  # a first name beside a photo is a question for pupils
# Uses that put a picture outside the school: a pupil without one of these must not appear in published images.
PUBLISHED_USES = [Use.WEBSITE, Use.NEWSLETTER, Use.SOCIAL, Use.PRESS]


class State(models.TextChoices):
    GRANTED = "granted", "Given"
    REFUSED = "refused", "Refused"
    WITHDRAWN = "withdrawn", "Withdrawn"
    EXPIRED = "expired", "Expired"
    NONE = "none", "No answer"


class Consent(models.Model):
    class Answer(models.TextChoices):
        GRANTED = "granted", "Given"
        REFUSED = "refused", "Refused"

    class Method(models.TextChoices):
        FORM = "form", "Form handed in"
        LINK = "link", "Personal link"
        SCAN = "scan", "Paper form (scanned)"

    school = models.ForeignKey("people.School", models.PROTECT, related_name="consents")
    person = models.ForeignKey("people.Person", models.CASCADE, related_name="consents")
    use = models.CharField(max_length=30, choices=Use.choices)
    answer = models.CharField(max_length=10, choices=Answer.choices)
    given_by = models.ForeignKey(
        "people.Person",
        models.PROTECT,
        related_name="consents_given",
        help_text="The parent or carer with parental responsibility, or the member of staff themself",
    )
    given_at = models.DateTimeField(default=timezone.now)
    method = models.CharField(max_length=10, choices=Method.choices, default=Method.FORM)
    reference = models.CharField(
        max_length=200,
        blank=True,
        help_text="Where the paper form or its scan is kept, e.g. 'Consent file 2025'",
    )
    expires_on = models.DateField(null=True, blank=True, help_text="Asked again after this date")
    campaign = models.ForeignKey(
        "Campaign", models.SET_NULL, null=True, blank=True, related_name="consents", editable=False
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+", editable=False
    )
    withdrawn_at = models.DateTimeField(null=True, blank=True, editable=False)
    withdrawn_by = models.ForeignKey(
        "people.Person", models.PROTECT, null=True, blank=True, related_name="+", editable=False
    )
    withdrawal_reason = models.CharField(max_length=300, blank=True, editable=False)
    withdrawal_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+", editable=False
    )

    class Meta:
        ordering = ["-given_at", "-id"]
        indexes = [
            models.Index(fields=["school", "person", "use"], name="consent_person_use"),
            models.Index(fields=["school", "expires_on"], name="consent_expiry"),
        ]

    def __str__(self) -> str:
        # Audit label: no names.
        return f"Consent #{self.pk} ({self.use})"

    def state_on(self, today: date) -> str:
        if self.withdrawn_at is not None:
            return State.WITHDRAWN
        if self.expires_on is not None and self.expires_on < today:
            return State.EXPIRED
        return State.GRANTED if self.answer == self.Answer.GRANTED else State.REFUSED

    def withdraw(self, *, by: object, reason: str, recorded_by: object) -> None:
        """Withdraw a given consent. One row, kept: the register shows it as withdrawn, with who and why."""
        if self.answer != self.Answer.GRANTED or self.withdrawn_at is not None:
            raise ValueError("only a consent that is given can be withdrawn")
        self.withdrawn_at = timezone.now()
        self.withdrawn_by = by  # type: ignore[assignment]
        self.withdrawal_reason = reason[:300]
        self.withdrawal_recorded_by = recorded_by  # type: ignore[assignment]
        self.save(
            update_fields=["withdrawn_at", "withdrawn_by", "withdrawal_reason", "withdrawal_recorded_by"]
        )


# The order in which one answer overrides another when they disagree: a refusal or withdrawal from anyone stands.
_RESTRICTIVENESS = [State.REFUSED, State.WITHDRAWN, State.GRANTED, State.EXPIRED]


@dataclass(frozen=True)
class Standing:
    """What stands today for one person and one use."""

    state: str
    disputed: bool = False  # two people with a say answered differently
    answers: tuple[Consent, ...] = ()  # the latest answer of each giver

    @property
    def permitted(self) -> bool:
        return self.state == State.GRANTED

    def get_state_display(self) -> str:
        return State(self.state).label


NO_ANSWER = Standing(State.NONE)


def standing(rows: Iterable[Consent], today: date) -> Standing:
    """Combine the answers about one person and one use: the latest answer of each giver counts, and the most
    restrictive of those stands (the policy needs written permission; one parent's "no" is not overruled by the
    other's "yes")."""
    latest: dict[int, Consent] = {}
    for row in sorted(rows, key=lambda row: (row.given_at, row.pk or 0)):
        latest[row.given_by_id] = row
    if not latest:
        return NO_ANSWER
    states = {row.state_on(today) for row in latest.values()}
    state = next(candidate for candidate in _RESTRICTIVENESS if candidate in states)
    disputed = State.GRANTED in states and bool(states & {State.REFUSED, State.WITHDRAWN})
    return Standing(state, disputed, tuple(latest.values()))


class Campaign(models.Model):
    """A request to the parents of a class, a year group, new starters or the whole school to answer for the
    listed uses, through personal links. Renewed each year as a new campaign (``renewal_of``)."""

    class Audience(models.TextChoices):
        CLASS = "class", "A class"
        YEAR = "year", "A year group"
        NEW_STARTERS = "new", "New starters"
        SCHOOL = "school", "The whole school"

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        CLOSED = "closed", "Closed"

    school = models.ForeignKey("people.School", models.PROTECT, related_name="consent_campaigns")
    title = models.CharField(max_length=200)
    audience = models.CharField(max_length=10, choices=Audience.choices)
    audience_value = models.CharField(
        max_length=50, blank=True, help_text="The class or year group; for new starters, nothing"
    )
    new_since = models.DateField(
        null=True, blank=True, help_text="New starters: pupils added to the directory on or after this date"
    )
    uses = models.JSONField(default=list)
    closes_on = models.DateField(help_text="Links stop working after this day")
    consent_expires_on = models.DateField(
        help_text="Answers given stand until this day, then are asked again"
    )
    remind_every_days = models.PositiveSmallIntegerField(default=7)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    renewal_of = models.ForeignKey("self", models.SET_NULL, null=True, blank=True, related_name="renewals")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"Consent campaign #{self.pk}"

    @property
    def link_subject(self) -> str:
        return f"campaign:{self.pk}"

    def get_uses_display(self) -> list[str]:
        return [Use(use).label for use in self.uses if use in Use.values]

    def close(self) -> None:
        self.status = self.Status.CLOSED
        self.save(update_fields=["status"])


class ConsentRequest(models.Model):
    """One parent asked about one child in a campaign, with the personal link they were sent."""

    campaign = models.ForeignKey(Campaign, models.CASCADE, related_name="requests")
    pupil = models.ForeignKey("people.Person", models.CASCADE, related_name="+")
    parent = models.ForeignKey("people.Person", models.CASCADE, related_name="consent_requests")
    link = models.ForeignKey("core.PersonalLink", models.SET_NULL, null=True, blank=True, related_name="+")
    sent_at = models.DateTimeField(
        null=True, blank=True, help_text="Empty: no e-mail address, send a paper form"
    )
    reminded_at = models.DateTimeField(null=True, blank=True)
    reminders = models.PositiveSmallIntegerField(default=0)
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["pupil__last_name", "pupil__first_name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "pupil", "parent"], name="consent_request_unique")
        ]

    def __str__(self) -> str:
        return f"Consent request #{self.pk}"
