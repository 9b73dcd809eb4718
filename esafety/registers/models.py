"""The school's registers: network accounts and their directory pushes, devices and their loans, personal-device
exceptions, confiscations, photo authorisations, access reviews and security reviews.

A network account's password is never a field of anything here: it is generated, shown once on the slip and
forgotten. The only trace of it is a salted hash waiting on a directory push, cleared as soon as the directory
has it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from esafety.accounts.models import Role

if TYPE_CHECKING:
    from esafety.accounts.models import User
    from esafety.people.models import School


class RegisterSettings(models.Model):
    """Per-school conventions and limits. ``for_school`` creates the row with the defaults on first use."""

    school = models.OneToOneField("people.School", models.CASCADE, related_name="register_settings")
    username_pattern = models.CharField(
        max_length=60,
        default="{f}{last}",
        help_text="Staff user names. {first}, {last}, {f} (first initial), {l} (last initial), {yy} (year).",
    )
    temporary_username_pattern = models.CharField(
        max_length=60,
        default="{kind}.{first}{l}",
        help_text="Temporary accounts; {kind} is trainee, supply, visitor, student or thirdparty.",
    )
    password_length = models.PositiveSmallIntegerField(
        default=16, help_text="Generated passwords: at least 12 characters"
    )
    av_stale_days = models.PositiveSmallIntegerField(
        "anti-virus limit (days)", default=7, help_text="Flag a device whose definitions are older than this"
    )
    os_stale_days = models.PositiveSmallIntegerField(
        "OS update limit (days)",
        default=35,
        help_text="Flag a device whose last OS update is older than this",
    )
    access_review_days = models.PositiveSmallIntegerField(
        "access review interval (days)", default=91, help_text="About a term"
    )
    ldap_url = models.CharField(
        "directory address",
        max_length=200,
        blank=True,
        help_text="e.g. ldaps://dc1.hollybrook.local; leave empty for no directory push",
    )
    ldap_bind_dn = models.CharField("directory bind DN", max_length=300, blank=True)
    ldap_bind_password = models.CharField(
        "directory bind password",
        max_length=200,
        blank=True,
        help_text="The service account esafety writes with (never a network account's password)",
    )
    ldap_users_dn = models.CharField(
        "directory users DN", max_length=300, blank=True, help_text="e.g. ou=people,dc=hollybrook,dc=local"
    )

    class Meta:
        verbose_name_plural = "register settings"

    def __str__(self) -> str:
        return f"Register settings for {self.school}"

    @classmethod
    def for_school(cls, school: object) -> RegisterSettings:
        row, _ = cls.objects.get_or_create(school=school)
        return row

    @property
    def directory_configured(self) -> bool:
        return bool(self.ldap_url and self.ldap_users_dn)


class NetworkAccountQuerySet(models.QuerySet["NetworkAccount"]):
    def active(self) -> NetworkAccountQuerySet:
        return self.filter(status=NetworkAccount.Status.ACTIVE)

    def past_end(self, today: date) -> NetworkAccountQuerySet:
        """Active accounts whose last day has gone: the expiry task closes them."""
        return self.active().filter(ends_on__lt=today)


class NetworkAccount(models.Model):
    class Kind(models.TextChoices):
        STAFF = "staff", "Permanent staff"
        TRAINEE = "trainee", "Trainee teacher"
        SUPPLY = "supply", "Long-term supply"
        VISITOR = "visitor", "Visitor"
        STUDENT = "student", "Student"
        THIRD_PARTY = "third_party", "Third-party user"

    class Status(models.TextChoices):
        ACTIVE = "active", "Active"
        EXPIRED = "expired", "Expired"
        DISABLED = "disabled", "Disabled"

    class Aup(models.TextChoices):
        ONLINE = "online", "Acknowledged in esafety"
        PAPER = "paper", "Given and signed on paper"

    # The policy: trainees and long-term supply get temporary IDs "and the details recorded"; visitors, students
    # and third parties are issued "on request" and recorded in the office.
    TEMPORARY = frozenset({Kind.TRAINEE, Kind.SUPPLY, Kind.VISITOR, Kind.STUDENT, Kind.THIRD_PARTY})
    ON_REQUEST = frozenset({Kind.VISITOR, Kind.STUDENT, Kind.THIRD_PARTY})

    school = models.ForeignKey("people.School", models.PROTECT, related_name="network_accounts")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    person = models.ForeignKey(
        "people.Person", models.PROTECT, null=True, blank=True, related_name="network_accounts"
    )
    first_name = models.CharField(max_length=100)
    last_name = models.CharField(max_length=100)
    organisation = models.CharField(max_length=200, blank=True, help_text="Visitors and third parties")
    username = models.CharField(max_length=20)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.ACTIVE)
    starts_on = models.DateField(default=timezone.localdate)
    ends_on = models.DateField("last day", null=True, blank=True)
    requested_by = models.CharField("who asked", max_length=200, blank=True)
    reason = models.TextField("why", blank=True)
    aup = models.CharField("Acceptable Use Policy", max_length=10, choices=Aup.choices)
    aup_on = models.DateField("AUP date", null=True, blank=True)
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    issued_at = models.DateTimeField(default=timezone.now)
    password_set_at = models.DateTimeField(default=timezone.now)
    last_used_at = models.DateTimeField(null=True, blank=True, help_text="From the directory, when known")
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+"
    )
    closed_reason = models.CharField(max_length=300, blank=True)
    # The issuing form's one-time token: a reload of the slip (which re-sends the form) finds this account instead
    # of issuing a second one.
    form_token = models.CharField(max_length=40, blank=True, editable=False)

    objects = NetworkAccountQuerySet.as_manager()

    class Meta:
        ordering = ["status", "last_name", "first_name", "id"]
        constraints = [
            # Never reused, not even after expiry: the filter and directory logs must name one person.
            models.UniqueConstraint(fields=["school", "username"], name="network_account_unique_username"),
            models.CheckConstraint(
                condition=Q(kind="staff") | Q(ends_on__isnull=False), name="network_account_temporary_end"
            ),
            models.UniqueConstraint(
                fields=["school", "form_token"],
                condition=~Q(form_token=""),
                name="network_account_form_token",
            ),
        ]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        return f"Network account {self.username}"

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()

    @property
    def is_temporary(self) -> bool:
        return self.kind in self.TEMPORARY

    def is_past_end(self, today: date | None = None) -> bool:
        return self.ends_on is not None and self.ends_on < (today or timezone.localdate())

    def close(self, status: str, *, by: User | None = None, reason: str = "") -> None:
        self.status, self.closed_at, self.closed_by, self.closed_reason = (
            status,
            timezone.now(),
            by,
            reason[:300],
        )
        self.save(update_fields=["status", "closed_at", "closed_by", "closed_reason"])


class DirectoryPush(models.Model):
    """One change the directory must learn. Kept until it succeeds; failures stay on the register."""

    class Operation(models.TextChoices):
        CREATE = "create", "Create"
        PASSWORD = "password", "New password"
        EXPIRE = "expire", "Expire"
        DISABLE = "disable", "Disable"

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting"
        DONE = "done", "Done"
        FAILED = "failed", "Failed, will retry"

    school = models.ForeignKey("people.School", models.CASCADE, related_name="directory_pushes")
    account = models.ForeignKey(NetworkAccount, models.CASCADE, related_name="pushes")
    operation = models.CharField(max_length=10, choices=Operation.choices)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    # A salted SSHA hash for the directory's userPassword, only until the push succeeds (then blanked).
    password_hash = models.CharField(max_length=100, blank=True)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    tried_at = models.DateTimeField(null=True, blank=True)
    done_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["school", "status"], name="directory_push_status")]

    def __str__(self) -> str:
        return f"{self.get_operation_display()} {self.account.username}"


class Device(models.Model):
    class Kind(models.TextChoices):
        LAPTOP = "laptop", "Laptop"
        IPAD = "ipad", "iPad"
        TABLET = "tablet", "Other tablet"
        DESKTOP = "desktop", "Desktop"

    school = models.ForeignKey("people.School", models.PROTECT, related_name="devices")
    asset_tag = models.CharField(max_length=40)
    serial = models.CharField("serial number", max_length=80, blank=True)
    kind = models.CharField(max_length=10, choices=Kind.choices)
    model_name = models.CharField("model", max_length=120, blank=True)
    holder = models.ForeignKey(
        "people.Person", models.PROTECT, null=True, blank=True, related_name="devices", editable=False
    )
    av_product = models.CharField("anti-virus product", max_length=120, blank=True)
    av_installed_on = models.DateField("anti-virus installed", null=True, blank=True)
    av_updated_on = models.DateField("anti-virus last updated", null=True, blank=True)
    os_version = models.CharField("OS version", max_length=80, blank=True)
    os_updated_on = models.DateField("OS last updated", null=True, blank=True)
    notes = models.TextField(blank=True)
    retired = models.BooleanField(default=False)

    class Meta:
        ordering = ["asset_tag"]
        constraints = [
            models.UniqueConstraint(fields=["school", "asset_tag"], name="device_unique_asset_tag")
        ]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        return f"Device {self.asset_tag}"

    def stale_reasons(self, limits: RegisterSettings, today: date | None = None) -> list[str]:
        """Why this device needs the Technician: anti-virus or OS updates older than the school's limits."""
        today = today or timezone.localdate()
        reasons = []
        if self.kind != self.Kind.IPAD or self.av_product:  # iPadOS has no anti-virus to update
            if self.av_updated_on is None:
                reasons.append("no anti-virus update recorded")
            elif (today - self.av_updated_on).days > limits.av_stale_days:
                reasons.append(f"anti-virus {(today - self.av_updated_on).days} days old")
        if self.os_updated_on is None:
            reasons.append("no OS update recorded")
        elif (today - self.os_updated_on).days > limits.os_stale_days:
            reasons.append(f"OS updates {(today - self.os_updated_on).days} days old")
        return reasons


def stale_devices(school: School, limits: RegisterSettings) -> list[tuple[Device, list[str]]]:
    today = timezone.localdate()
    devices = Device.objects.filter(school=school, retired=False)
    av_cut, os_cut = (
        today - timedelta(days=limits.av_stale_days),
        today - timedelta(days=limits.os_stale_days),
    )
    candidates = devices.filter(
        Q(av_updated_on__isnull=True)
        | Q(av_updated_on__lt=av_cut)
        | Q(os_updated_on__isnull=True)
        | Q(os_updated_on__lt=os_cut)
    )
    found = [(device, device.stale_reasons(limits, today)) for device in candidates]
    return [(device, reasons) for device, reasons in found if reasons]


class DeviceLoan(models.Model):
    """A device handed to someone and, later, handed back: condition both ways and who handled each."""

    school = models.ForeignKey("people.School", models.PROTECT, related_name="device_loans")
    device = models.ForeignKey(Device, models.CASCADE, related_name="loans")
    person = models.ForeignKey("people.Person", models.PROTECT, related_name="device_loans")
    issued_at = models.DateTimeField(default=timezone.now)
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    issued_condition = models.CharField("condition when issued", max_length=300)
    aup = models.CharField(
        "Acceptable Use Policy", max_length=10, choices=NetworkAccount.Aup.choices, blank=True
    )
    returned_at = models.DateTimeField(null=True, blank=True)
    returned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+"
    )
    returned_condition = models.CharField("condition when returned", max_length=300, blank=True)

    class Meta:
        ordering = ["-issued_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["device"], condition=Q(returned_at__isnull=True), name="device_loan_one_open"
            )
        ]

    def __str__(self) -> str:
        return f"{self.device.label} to {self.person}"


class PersonalDeviceException(models.Model):
    """The default is no network access for personal equipment; each exception is written down here."""

    school = models.ForeignKey("people.School", models.PROTECT, related_name="personal_device_exceptions")
    person = models.ForeignKey("people.Person", models.PROTECT, related_name="personal_device_exceptions")
    device = models.CharField(max_length=200, help_text="e.g. Own laptop, Dell XPS, MAC 3C:22:FB:…")
    reason = models.TextField("why")
    authorised_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    starts_on = models.DateField(default=timezone.localdate)
    ends_on = models.DateField("until")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-ends_on", "-id"]

    def __str__(self) -> str:
        return f"Personal device exception #{self.pk}"

    def is_current(self, today: date | None = None) -> bool:
        today = today or timezone.localdate()
        return self.starts_on <= today <= self.ends_on


class Confiscation(models.Model):
    class Status(models.TextChoices):
        HELD = "held", "Held by the school"
        WITH_POLICE = "with_police", "Handed to the police"
        RETURNED = "returned", "Returned"

    school = models.ForeignKey("people.School", models.PROTECT, related_name="confiscations")
    number = models.PositiveIntegerField(editable=False)
    item = models.CharField("what was taken", max_length=200)
    taken_from = models.ForeignKey("people.Person", models.PROTECT, related_name="confiscations")
    taken_at = models.DateTimeField("when", default=timezone.now)
    suspicion = models.TextField("the reasonable suspicion")
    authorised_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    kept_where = models.CharField("where it is kept", max_length=200)
    incident = models.ForeignKey(
        "incidents.Incident", models.SET_NULL, null=True, blank=True, related_name="confiscations"
    )
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.HELD)
    searched_at = models.DateTimeField(null=True, blank=True)
    searched_by = models.CharField(max_length=200, blank=True)
    search_note = models.TextField(blank=True)
    police_at = models.DateTimeField(null=True, blank=True)
    police_to = models.CharField("police officer and reference", max_length=200, blank=True)
    returned_at = models.DateTimeField(null=True, blank=True)
    returned_to = models.CharField(max_length=200, blank=True)
    parents_informed_on = models.DateField(null=True, blank=True)
    parents_note = models.CharField(max_length=300, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-taken_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["school", "number"], name="confiscation_unique_number")
        ]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        return f"Confiscation #{self.number}"


@dataclass(frozen=True)
class Transition:
    """One step of the confiscation workflow: everything the model, actions, views and templates need."""

    label: str
    sources: tuple[str, ...]
    target: str | None  # None: the status stays (a note on the record, such as the search)
    fields: tuple[str, ...]  # the form fields the step asks for
    roles: frozenset[Role]
    reason_required: bool


_LEADS = frozenset({Role.HEAD, Role.DEPUTY, Role.COORDINATOR})
S = Confiscation.Status
CONFISCATION_STEPS: dict[str, Transition] = {
    "search": Transition(
        "Record a search",
        (S.HELD,),
        None,
        ("searched_by", "note"),
        # Searching a device's content under the Education and Inspections Act is the Head's (or a member of
        # staff they authorise); the record is kept by any of the leads.
        _LEADS,
        True,
    ),
    "inform_parents": Transition(
        "Parents informed", (S.HELD, S.WITH_POLICE, S.RETURNED), None, ("on", "note"), _LEADS, False
    ),
    "hand_to_police": Transition(
        "Hand to the police", (S.HELD,), S.WITH_POLICE, ("to", "note"), frozenset({Role.HEAD}), True
    ),
    "return": Transition(
        "Return the item", (S.HELD, S.WITH_POLICE), S.RETURNED, ("to", "note"), _LEADS, False
    ),
}


class PhotoAuthorisation(models.Model):
    """The Head's authorisation for a member of staff to take pictures of pupils on a named device."""

    school = models.ForeignKey("people.School", models.PROTECT, related_name="photo_authorisations")
    staff = models.ForeignKey("people.Person", models.PROTECT, related_name="photo_authorisations")
    device = models.CharField(max_length=200, help_text="The named device, e.g. School iPad HB-IPAD-07")
    purpose = models.CharField(max_length=300)
    starts_on = models.DateField(default=timezone.localdate)
    ends_on = models.DateField("until")
    consent_checked = models.CharField(max_length=300, help_text="How the pupils' photo consent was checked")
    authorised_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-ends_on", "-id"]

    def __str__(self) -> str:
        return f"Photo authorisation #{self.pk}"

    def is_current(self, today: date | None = None) -> bool:
        today = today or timezone.localdate()
        return self.starts_on <= today <= self.ends_on


class AccessReview(models.Model):
    """A signed-off review of who has access. ``findings`` keeps what the Head saw when they signed."""

    school = models.ForeignKey("people.School", models.PROTECT, related_name="access_reviews")
    signed_off_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    signed_off_at = models.DateTimeField(default=timezone.now)
    notes = models.TextField(blank=True)
    findings = models.JSONField(default=dict)

    class Meta:
        ordering = ["-signed_off_at", "-id"]

    def __str__(self) -> str:
        return f"Access review {self.signed_off_at:%d %b %Y}"


class SecurityReview(models.Model):
    class Kind(models.TextChoices):
        PHYSICAL = "physical", "Physical security"
        NETWORK = "network", "Network security"

    # The policy's own list: what "reviews physical and network security regularly" covers.
    CHECKLIST: dict[str, tuple[str, ...]] = {
        Kind.PHYSICAL: (
            "Server and network cabinets are locked",
            "Laptops and iPads are stored securely overnight",
            "Screens in public areas cannot be read by visitors",
            "Visitors are signed in and accompanied",
            "Removable media are encrypted or not used",
        ),
        Kind.NETWORK: (
            "Anti-virus is installed on all computers and up to date",
            "Operating systems have current security updates",
            "Web filtering is active on every network and device",
            "Wireless network is encrypted and the key is not shared with pupils",
            "Personal devices cannot join the school network",
            "Leavers' and temporary accounts are closed",
            "Back-ups are taken and a restore has been tested",
        ),
    }

    school = models.ForeignKey("people.School", models.PROTECT, related_name="security_reviews")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    due_on = models.DateField("scheduled for")
    carried_out_on = models.DateField(null=True, blank=True)
    consulted = models.CharField(
        "who was consulted", max_length=300, blank=True, help_text="e.g. the school's IT support company"
    )
    checklist = models.JSONField(default=dict, help_text="Item to true (in place) or false (not in place)")
    findings = models.TextField(blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-due_on", "-id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} review, {self.due_on:%d %b %Y}"


class SecurityAction(models.Model):
    school = models.ForeignKey("people.School", models.PROTECT, related_name="security_actions")
    review = models.ForeignKey(SecurityReview, models.CASCADE, related_name="actions")
    description = models.CharField(max_length=300)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    due_on = models.DateField()
    done_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["done_on", "due_on", "id"]

    def __str__(self) -> str:
        return self.description

    def is_overdue(self, today: date | None = None) -> bool:
        return self.done_on is None and self.due_on < (today or timezone.localdate())
