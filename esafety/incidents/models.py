"""The safeguarding log: incidents, the people in them, their evidence, timeline, actions and outcomes.

Every incident belongs to one school and carries a number that is unique within it ("Incident #42"): audit labels,
e-mails and URLs use that number or the primary key, never a description. Workflow steps are model methods that
change one row under an optimistic version check; anything that also writes the audit trail, the timeline or
e-mail lives in ``incidents/actions.py``.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, cast

from django.conf import settings
from django.core.files.storage import FileSystemStorage, Storage
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.functional import LazyObject

if TYPE_CHECKING:
    from esafety.accounts.models import User


class IncidentConflict(Exception):
    """Someone else changed the incident since the caller read it (its version moved on)."""


class WorkflowError(Exception):
    """The step does not apply to the incident in its current status."""


class OpenActionsError(Exception):
    """The incident cannot be closed: these actions are neither done nor cancelled."""

    def __init__(self, actions: list[IncidentAction]) -> None:
        self.actions = actions
        titles = "; ".join(f"“{action.title}”" for action in actions)
        super().__init__(f"Complete or cancel (with a reason) each open action before closing: {titles}.")


class Category(models.TextChoices):
    INAPPROPRIATE_CONTENT = "inappropriate_content", "Inappropriate website or content"
    INAPPROPRIATE_EMAIL = "inappropriate_email", "Inappropriate e-mail"
    CYBERBULLYING = "cyberbullying", "Cyberbullying"
    SEXTING = "sexting", "Sexting / nude image sharing"
    GROOMING = "grooming", "Grooming or contact concern"
    RADICALISATION = "radicalisation", "Radicalisation or extremism"
    SELF_HARM = "self_harm", "Self-harm content"
    DEVICE_MISUSE = "device_misuse", "Device misuse or confiscation"
    DATA_BREACH = "data_breach", "Data breach"
    STAFF_AUP_BREACH = "staff_aup_breach", "Staff breach of the Acceptable Use Policy"
    ILLEGAL_ACTIVITY = "illegal_activity", "Suspected illegal activity"
    OFF_TASK = "off_task", "Minor off-task use"
    OTHER = "other", "Other"


class FourC(models.TextChoices):
    """Keeping Children Safe in Education's four areas of online risk."""

    CONTENT = "content", "Content"
    CONTACT = "contact", "Contact"
    CONDUCT = "conduct", "Conduct"
    COMMERCE = "commerce", "Commerce"


# KCSIE: content = harmful material; contact = harmful interaction with others; conduct = own behaviour that
# causes or increases harm; commerce = gambling, scams, phishing, data misuse. Illegal activity and "other" depend
# on the case, so they have no fixed area.
FOUR_CS: dict[str, str] = {
    Category.INAPPROPRIATE_CONTENT: FourC.CONTENT,
    Category.RADICALISATION: FourC.CONTENT,
    Category.SELF_HARM: FourC.CONTENT,
    Category.INAPPROPRIATE_EMAIL: FourC.CONTACT,
    Category.GROOMING: FourC.CONTACT,
    Category.CYBERBULLYING: FourC.CONDUCT,
    Category.SEXTING: FourC.CONDUCT,
    Category.DEVICE_MISUSE: FourC.CONDUCT,
    Category.STAFF_AUP_BREACH: FourC.CONDUCT,
    Category.OFF_TASK: FourC.CONDUCT,
    Category.DATA_BREACH: FourC.COMMERCE,
}


# Categories whose reports are about a pupil: one is filed only with someone recorded, or an explicit "not known"
# and why (a report about nobody can never appear in a child's chronology). Data breaches, staff AUP breaches,
# illegal activity and "other" may concern no pupil at all.
PUPIL_CATEGORIES = frozenset(
    {
        Category.INAPPROPRIATE_CONTENT,
        Category.INAPPROPRIATE_EMAIL,
        Category.CYBERBULLYING,
        Category.SEXTING,
        Category.GROOMING,
        Category.RADICALISATION,
        Category.SELF_HARM,
        Category.DEVICE_MISUSE,
        Category.OFF_TASK,
    }
)


class IncidentQuerySet(models.QuerySet["Incident"]):
    def open(self) -> IncidentQuerySet:
        return self.exclude(status=Incident.Status.CLOSED)

    def by_urgency(self) -> IncidentQuerySet:
        """Urgent first, then open before closed (urgency clears on close), then oldest first: the report that
        has waited longest is on top. Closed ones follow, most recently closed first."""
        return self.order_by(F("urgent").desc(), F("closed_at").desc(nulls_first=True), "reported_at", "id")


URGENCY_ORDER = (F("urgent").desc(), F("closed_at").desc(), "reported_at", "id")


class Incident(models.Model):
    class Status(models.TextChoices):
        REPORTED = "reported", "Reported"
        TRIAGED = "triaged", "Triaged"
        ESCALATED = "escalated", "Escalated to the Headteacher"
        INVESTIGATING = "investigating", "Investigating"
        OUTCOME_RECORDED = "outcome_recorded", "Outcome recorded"
        CLOSED = "closed", "Closed"

    school = models.ForeignKey("people.School", models.PROTECT, related_name="incidents")
    number = models.PositiveIntegerField(editable=False, help_text="Unique within the school: Incident #42")
    category = models.CharField(max_length=30, choices=Category.choices)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.REPORTED)
    occurred_at = models.DateTimeField("when it happened", default=timezone.now)
    location = models.CharField("where", max_length=200, blank=True)
    description = models.TextField("what happened and what was seen")
    reporter_actions = models.TextField("what the reporter already did", blank=True)
    urgent = models.BooleanField(default=False)
    people_unknown_reason = models.TextField(
        "why nobody is recorded",
        blank=True,
        help_text="Given by the reporter instead of naming anyone (\u201cnot known\u201d)",
    )
    restricted = models.BooleanField(
        default=False, help_text="About a member of staff: only the Headteacher and the named deputy see it"
    )
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="reported_incidents"
    )
    assigned = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="assigned_incidents"
    )
    source = models.CharField(
        max_length=80, blank=True, help_text="Where the report came from, e.g. a filter"
    )
    source_ref = models.CharField(max_length=200, blank=True, help_text="The originating alert or event")
    idempotency_key = models.CharField(max_length=200, blank=True, editable=False)
    people: models.ManyToManyField[Any, Any] = models.ManyToManyField(
        "people.Person", through="IncidentPerson", related_name="incidents"
    )
    reported_at = models.DateTimeField(default=timezone.now, editable=False)
    escalated_at = models.DateTimeField(null=True, blank=True, editable=False)
    closed_at = models.DateTimeField(null=True, blank=True, editable=False)
    updated_at = models.DateTimeField(default=timezone.now)
    version = models.PositiveIntegerField(default=1, editable=False)

    objects = IncidentQuerySet.as_manager()

    class Meta:
        ordering = ["-occurred_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["school", "number"], name="incident_unique_number_per_school"),
            models.UniqueConstraint(
                fields=["school", "idempotency_key"],
                condition=~Q(idempotency_key=""),
                name="incident_unique_idempotency_key",
            ),
        ]
        # The log's default order (see ``IncidentQuerySet.by_urgency``): urgent first, open before closed, oldest
        # first; PostgreSQL's DESC is NULLS FIRST already (SQLite cannot say so in an index). The log is read far
        # more than it is written, so each common filter has the order behind it too: a filtered page is then the
        # first rows of one index, not a sort of every match (at 100,000 incidents on PostgreSQL, a category and
        # status filter went from 48 ms to 6 ms, one holder's incidents from 58 ms to under 1 ms).
        indexes = [
            models.Index(fields=["school", "-occurred_at", "-id"], name="incident_school_occurred"),
            models.Index("school", *URGENCY_ORDER, name="incident_school_urgency"),
            models.Index("school", "status", *URGENCY_ORDER, name="incident_status_urgency"),
            models.Index("school", "category", *URGENCY_ORDER, name="incident_category_urgency"),
            models.Index("school", "reporter", *URGENCY_ORDER, name="incident_reporter_urgency"),
            models.Index("school", "assigned", *URGENCY_ORDER, name="incident_holder_urgency"),
        ]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        """The only way an incident is named outside its own page: no details."""
        return f"Incident #{self.number}"

    @property
    def four_c(self) -> str:
        return FOUR_CS.get(self.category, "")

    def get_four_c_display(self) -> str:
        return FourC(self.four_c).label if self.four_c else "—"

    @property
    def was_escalated(self) -> bool:
        return self.escalated_at is not None

    # --- Workflow: one row, one step, guarded by the status and the version the caller saw ---------------------
    # Which step goes from where to where is declared once, in ``WORKFLOW`` below.

    def can_step(self, step: str) -> bool:
        return self.status in WORKFLOW[Step(step)].sources

    def _step(self, step: Step, expected_version: int | None = None, **changes: Any) -> None:
        transition = WORKFLOW[step]
        if self.status not in transition.sources:
            raise WorkflowError(
                f"{self.label} is {self.get_status_display().lower()}: step “{step.value}” does not apply"
            )
        self.update_fields(expected_version, status=transition.target, **changes)

    def update_fields(self, expected_version: int | None = None, **changes: Any) -> None:
        """Write ``changes`` only if nobody has changed the row since version ``expected_version`` was read.

        Two co-ordinators with the same incident open cannot overwrite each other: the second save finds the
        version moved on and gets ``IncidentConflict`` instead of silently undoing the first one's work.
        """
        version = self.version if expected_version is None else expected_version
        now = timezone.now()
        updated = Incident.objects.filter(pk=self.pk, version=version).update(
            **changes, version=F("version") + 1, updated_at=now
        )
        if updated != 1:
            raise IncidentConflict(f"{self.label} was changed by someone else")
        for name, value in changes.items():
            setattr(self, name, value)
        self.version, self.updated_at = version + 1, now

    def triage(self, *, expected_version: int | None = None, assigned: User | None = None) -> None:
        self._step(Step.TRIAGE, expected_version, **({"assigned": assigned} if assigned else {}))

    def escalate(self, *, expected_version: int | None = None) -> None:
        # Escalating hands the incident on; it does not say someone is at risk now. Urgency changes only when
        # someone sets it (the edit form, audited), never as a side effect of a step.
        self._step(Step.ESCALATE, expected_version, escalated_at=timezone.now())

    def start_investigation(self, *, expected_version: int | None = None) -> None:
        self._step(Step.INVESTIGATE, expected_version)

    def mark_outcome_recorded(self, *, expected_version: int | None = None) -> None:
        self._step(Step.RECORD_OUTCOME, expected_version)

    def close(self, *, expected_version: int | None = None) -> None:
        # A closed incident is nobody's emergency: the "Urgent" badge goes with the close.
        self._step(Step.CLOSE, expected_version, closed_at=timezone.now(), urgent=False)

    def reopen(self, *, expected_version: int | None = None) -> None:
        self._step(Step.REOPEN, expected_version, closed_at=None)

    def set_restricted(self, restricted: bool, *, expected_version: int | None = None) -> None:
        """Mark the incident as about a member of staff, or lift that; a no-op request is refused, so a
        double-click or two tabs cannot flip the flag back unnoticed."""
        if self.restricted == restricted:
            state = "already restricted" if restricted else "not restricted"
            raise WorkflowError(f"{self.label} is {state}")
        self.update_fields(expected_version, restricted=restricted)


class IncidentPerson(models.Model):
    class Role(models.TextChoices):
        SUBJECT = "subject", "Subject"  # whose behaviour the report is about
        VICTIM = "victim", "Victim or at risk"
        WITNESS = "witness", "Witness"
        OTHER = "other", "Other"

    incident = models.ForeignKey(Incident, models.CASCADE, related_name="involvements")
    person = models.ForeignKey("people.Person", models.PROTECT, related_name="incident_involvements")
    role = models.CharField(max_length=10, choices=Role.choices, default=Role.OTHER)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["incident", "person"], name="incident_person_unique")]
        indexes = [models.Index(fields=["person", "incident"], name="incident_person_person")]

    def __str__(self) -> str:
        return f"{self.incident.label}: {self.person} ({self.role})"


class _EvidenceStorage(LazyObject):
    """Evidence lives under MEDIA_ROOT/evidence, outside the web root, and has no URL: a view serves it."""

    def _setup(self) -> None:
        self._wrapped = FileSystemStorage(location=settings.MEDIA_ROOT, base_url=None)


# A Storage to everyone who uses it (LazyObject forwards every call), built on first use so tests' MEDIA_ROOT holds.
evidence_storage = cast(Storage, _EvidenceStorage())


def _evidence_storage() -> Storage:
    """The field's storage as a callable, so migrations name this function instead of baking in the MEDIA_ROOT of
    whichever machine ran makemigrations."""
    return evidence_storage


def _evidence_path(instance: Evidence, filename: str) -> str:
    # The name on disk is ours, never the uploader's: no path tricks, no guessable names, no executable suffix.
    return f"evidence/{instance.school_id}/{uuid.uuid4().hex}.{instance.extension}"


class Evidence(models.Model):
    incident = models.ForeignKey(Incident, models.CASCADE, related_name="evidence")
    school = models.ForeignKey("people.School", models.PROTECT, related_name="+")
    file = models.FileField(upload_to=_evidence_path, storage=_evidence_storage, max_length=200)
    original_name = models.CharField(max_length=200, help_text="As uploaded; shown, never used as a path")
    content_type = models.CharField(max_length=60, help_text="Detected from the content, not the name")
    extension = models.CharField(max_length=8)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, related_name="+")
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["uploaded_at", "id"]
        verbose_name_plural = "evidence"

    def __str__(self) -> str:
        return f"Evidence {self.pk} of {self.incident.label}"


class TimelineEntry(models.Model):
    class Kind(models.TextChoices):
        REPORTED = "reported", "Reported"
        TRIAGED = "triaged", "Triaged"
        ESCALATED = "escalated", "Escalated"
        INVESTIGATING = "investigating", "Investigation started"
        OUTCOME = "outcome", "Outcome recorded"
        CLOSED = "closed", "Closed"
        REOPENED = "reopened", "Reopened"
        NOTE = "note", "Note"
        ACTION = "action", "Action"
        EVIDENCE = "evidence", "Evidence added"
        EDITED = "edited", "Details changed"
        RESTRICTED = "restricted", "Restricted"
        UNRESTRICTED = "unrestricted", "Restriction lifted"
        REMINDER = "reminder", "Reminder sent"

    incident = models.ForeignKey(Incident, models.CASCADE, related_name="timeline")
    at = models.DateTimeField(default=timezone.now)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )
    kind = models.CharField(max_length=15, choices=Kind.choices)
    text = models.TextField(blank=True)

    class Meta:
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["incident", "at"], name="timeline_incident_at")]
        verbose_name_plural = "timeline entries"

    def __str__(self) -> str:
        return f"{self.incident.label} {self.kind}"


class Step(models.TextChoices):
    """The steps of an incident's workflow; the label is the button that takes the step."""

    TRIAGE = "triage", "Triage: I have this"
    ESCALATE = "escalate", "Escalate to the Headteacher"
    INVESTIGATE = "investigate", "Start investigating"
    RECORD_OUTCOME = "record_outcome", "Record outcome"
    CLOSE = "close", "Close the incident"
    REOPEN = "reopen", "Reopen"


class Who(models.TextChoices):
    """Who may take a step, on top of seeing the incident (the rules are in ``permissions.py``)."""

    HANDLER = "handler", "Whoever may work on the incident (can_manage)"
    DECIDER = "decider", "Its handler, or the Head's side once it was escalated (can_decide)"


@dataclass(frozen=True)
class Transition:
    """One step of the workflow, read by the model (sources, target), ``actions.py`` (timeline, audit, the
    function that takes it), ``permissions.py`` (who), the views (reason, own form) and the detail template."""

    step: Step
    sources: frozenset[str]
    target: str
    who: Who
    action: str  # the function in incidents/actions.py that takes the step
    method: str  # the Incident method that changes the row
    timeline: str  # TimelineEntry.Kind written when the step is taken
    reason_required: bool = False
    own_form: bool = False  # recorded through its own form (the outcome form), not the step button
    secondary: bool = False  # drawn as a quieter button: rarely the next step someone means

    @property
    def label(self) -> str:
        return str(self.step.label)

    @property
    def audit(self) -> str:
        return "incident.outcome" if self.step == Step.RECORD_OUTCOME else f"incident.{self.step.value}"


_S = Incident.Status
# Once escalated, an incident is the Head's side's to decide (Who.DECIDER): starting the investigation, the outcome,
# closing and reopening. Before escalation a DECIDER step is open to every handler (see permissions.can_decide).
WORKFLOW: dict[Step, Transition] = {
    transition.step: transition
    for transition in (
        Transition(
            step=Step.TRIAGE,
            sources=frozenset({_S.REPORTED}),
            target=_S.TRIAGED,
            who=Who.HANDLER,
            action="triage_incident",
            method="triage",
            timeline=TimelineEntry.Kind.TRIAGED,
        ),
        Transition(
            step=Step.ESCALATE,
            sources=frozenset({_S.REPORTED, _S.TRIAGED, _S.INVESTIGATING}),
            target=_S.ESCALATED,
            who=Who.HANDLER,
            action="escalate_incident",
            method="escalate",
            timeline=TimelineEntry.Kind.ESCALATED,
            reason_required=True,
        ),
        Transition(
            step=Step.INVESTIGATE,
            sources=frozenset({_S.TRIAGED, _S.ESCALATED}),
            target=_S.INVESTIGATING,
            who=Who.DECIDER,
            action="start_investigation",
            method="start_investigation",
            timeline=TimelineEntry.Kind.INVESTIGATING,
        ),
        Transition(
            step=Step.RECORD_OUTCOME,
            sources=frozenset({_S.TRIAGED, _S.ESCALATED, _S.INVESTIGATING, _S.OUTCOME_RECORDED}),
            target=_S.OUTCOME_RECORDED,
            who=Who.DECIDER,
            action="record_outcome",
            method="mark_outcome_recorded",
            timeline=TimelineEntry.Kind.OUTCOME,
            own_form=True,
        ),
        Transition(
            step=Step.CLOSE,
            sources=frozenset({_S.OUTCOME_RECORDED}),
            target=_S.CLOSED,
            who=Who.DECIDER,
            action="close_incident",
            method="close",
            timeline=TimelineEntry.Kind.CLOSED,
            secondary=True,
        ),
        Transition(
            step=Step.REOPEN,
            sources=frozenset({_S.CLOSED}),
            target=_S.INVESTIGATING,
            who=Who.DECIDER,
            action="reopen_incident",
            method="reopen",
            timeline=TimelineEntry.Kind.REOPENED,
            reason_required=True,
        ),
    )
}


class IncidentAction(models.Model):
    """Something someone must do about an incident, by a date.

    ``done_at`` is when it stopped being open: done, or cancelled with a reason (``cancelled`` set). Every "open
    actions" query (the owner's list, the overdue reminders, the indexes) reads ``done_at`` alone.
    """

    incident = models.ForeignKey(Incident, models.CASCADE, related_name="actions")
    school = models.ForeignKey("people.School", models.PROTECT, related_name="+")
    title = models.CharField(max_length=200)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="incident_actions")
    due_on = models.DateField()
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    done_at = models.DateTimeField(null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )
    cancelled = models.BooleanField(default=False, help_text="Closed without being done (see the reason)")
    cancel_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["due_on", "id"]
        indexes = [
            models.Index(fields=["school", "owner", "done_at", "due_on"], name="incident_action_owner"),
            models.Index(fields=["done_at", "due_on"], name="incident_action_due"),
        ]

    def __str__(self) -> str:
        return f"Action {self.pk} on {self.incident.label}"

    @property
    def is_done(self) -> bool:
        return self.done_at is not None

    def mark_done(self, by: User) -> bool:
        """True if this call completed it (False if it was already done: a double click changes nothing)."""
        now = timezone.now()
        updated = IncidentAction.objects.filter(pk=self.pk, done_at__isnull=True).update(
            done_at=now, done_by=by
        )
        if updated:
            self.done_at, self.done_by = now, by
        return bool(updated)

    def cancel(self, by: User, reason: str) -> bool:
        """True if this call cancelled it (False if it was already done or cancelled)."""
        if not reason.strip():
            raise ValueError("Say why the action is cancelled")
        now = timezone.now()
        updated = IncidentAction.objects.filter(pk=self.pk, done_at__isnull=True).update(
            done_at=now, done_by=by, cancelled=True, cancel_reason=reason.strip()
        )
        if updated:
            self.done_at, self.done_by, self.cancelled, self.cancel_reason = now, by, True, reason.strip()
        return bool(updated)


class Outcome(models.Model):
    """What was decided, per the policy: in class, behaviour policy, disciplinary, referral, filter, parents."""

    class Kind(models.TextChoices):
        HANDLED_IN_CLASS = "handled_in_class", "Handled in class by the teacher"
        BEHAVIOUR_SANCTION = "behaviour_sanction", "Pupil sanction under the behaviour policy"
        STAFF_DISCIPLINARY = "staff_disciplinary", "Staff investigation under the disciplinary policy"
        REFERRAL = "referral", "Referral to an outside agency"
        FILTER_CHANGE = "filter_change", "Filter change requested"
        PARENTS_INFORMED = "parents_informed", "Parents or carers informed"
        NO_FURTHER_ACTION = "no_further_action", "No further action"

    class Sanction(models.TextChoices):
        WARNING = "warning", "Warning"
        LOSS_OF_PRIVILEGES = "loss_of_privileges", "Loss of privileges or ICT access"
        DETENTION = "detention", "Detention"
        INTERNAL_EXCLUSION = "internal_exclusion", "Internal exclusion"
        SUSPENSION = "suspension", "Suspension (fixed-term exclusion)"
        PERMANENT_EXCLUSION = "permanent_exclusion", "Permanent exclusion"

    class Disciplinary(models.TextChoices):
        NO_CASE = "no_case", "No case to answer"
        INFORMAL = "informal", "Informal management advice"
        WRITTEN_WARNING = "written_warning", "Written warning"
        FINAL_WARNING = "final_warning", "Final written warning"
        DISMISSAL = "dismissal", "Dismissal"
        SUMMARY_DISMISSAL = "summary_dismissal", "Summary dismissal (gross misconduct)"

    class Agency(models.TextChoices):
        POLICE = "police", "Police"
        CEOP = "ceop", "CEOP"
        LADO = "lado", "LADO"
        SOCIAL_CARE = "social_care", "Children's social care"
        PREVENT = "prevent", "Prevent / Channel"
        OTHER = "other", "Other agency"

    incident = models.ForeignKey(Incident, models.CASCADE, related_name="outcomes")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    sanction = models.CharField(max_length=20, choices=Sanction.choices, blank=True)
    disciplinary = models.CharField(max_length=20, choices=Disciplinary.choices, blank=True)
    agency = models.CharField(max_length=20, choices=Agency.choices, blank=True)
    referred_on = models.DateField(null=True, blank=True)
    agency_reference = models.CharField(max_length=100, blank=True)
    informed_at = models.DateTimeField(null=True, blank=True)
    informed_by = models.CharField(max_length=150, blank=True, help_text="Who told the parents or carers")
    notes = models.TextField(blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["recorded_at", "id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.incident.label})"

    @property
    def summary(self) -> str:
        parts = [self.get_kind_display()]
        if self.sanction:
            parts.append(self.get_sanction_display())
        if self.disciplinary:
            parts.append(self.get_disciplinary_display())
        if self.agency:
            parts.append(self.get_agency_display())
        if self.referred_on:
            parts.append(f"on {self.referred_on:%d %b %Y}")
        if self.agency_reference:
            parts.append(f"ref. {self.agency_reference}")
        if self.informed_at:
            local = timezone.localtime(self.informed_at)
            parts.append(f"{local:%d %b %Y %H:%M}" + (f" by {self.informed_by}" if self.informed_by else ""))
        return " · ".join(parts)


class CategoryGuidance(models.Model):
    """What a school wants reporters to know about a category (editable at /incidents/settings/)."""

    school = models.ForeignKey("people.School", models.CASCADE, related_name="+")
    category = models.CharField(max_length=30, choices=Category.choices)
    text = models.TextField(blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["school", "category"], name="category_guidance_unique")
        ]

    def __str__(self) -> str:
        return f"{self.school}: {self.get_category_display()}"


class IncidentSettings(models.Model):
    """Per-school settings of the log, and the counter that numbers its incidents."""

    school = models.OneToOneField("people.School", models.CASCADE, related_name="incident_settings")
    restricted_deputy = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="The deputy who, with the Headteacher, sees reports about members of staff",
    )
    urgent_reminder_hours = models.PositiveSmallIntegerField(
        "remind about untriaged urgent reports after (hours)",
        default=2,
        validators=[MinValueValidator(1), MaxValueValidator(72)],
        help_text="An urgent report nobody has triaged after this many hours e-mails the DSL and the "
        "Co-ordinator; after twice as long, the Headteacher. Clock hours: a child at risk does not wait for "
        "Monday.",
    )
    closures = models.TextField(
        "school closures",
        blank=True,
        help_text="Holidays and INSET days, not counted in a report's age in school days: one date or range a "
        "line, e.g. 2026-12-21 to 2027-01-01",
    )
    last_number = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name_plural = "incident settings"

    def __str__(self) -> str:
        return f"Incident settings of {self.school}"
