"""Filtering in the app: a school's filter settings, the versions published to the engine, change requests
through the policy's Co-ordinator -> Head -> Technician chain, filter-log counts and lesson link checks.

The engine (``engine/``) never sees these models: ``publishing.py`` compiles them into its policy TOML and list
folder. Every change to a setting carries a reason (``PolicyChange``), which is also the DfE "what is blocked or
allowed and why" register.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

User = settings.AUTH_USER_MODEL


class FilterSettings(models.Model):
    """One row per school: the chain it runs, where its lists come from, and how long log data is kept."""

    class Chain(models.TextChoices):
        FULL = "full", "Co-ordinator, then Headteacher, then ICT Technician (the policy's chain)"
        NO_HEAD = "no_head", "Co-ordinator, then ICT Technician (the Headteacher is told, not asked)"

    school = models.OneToOneField("people.School", models.CASCADE, related_name="filter_settings")
    chain = models.CharField(max_length=10, choices=Chain.choices, default=Chain.FULL)
    chain_changed_by = models.ForeignKey(User, models.SET_NULL, null=True, blank=True, related_name="+")
    chain_changed_at = models.DateTimeField(null=True, blank=True)
    lists_dir = models.CharField(
        "list folder",
        max_length=500,
        blank=True,
        help_text="A UT1/squidGuard-style folder on the server; empty: the small demo lists shipped with esafety",
    )
    default_group = models.CharField(
        max_length=40, default="pupils", help_text="Group for requests no account or network matches"
    )
    retention_days = models.PositiveIntegerField(
        "keep filter-log data for (days)", default=365, help_text="Blocked events and daily counts"
    )
    repeat_threshold = models.PositiveIntegerField(
        "repeated attempts that raise an item",
        default=5,
        help_text="Blocked attempts at one category by one person in one day",
    )
    test_urls = models.TextField(
        "illegal-content test URLs",
        blank=True,
        help_text="One per line: URLs your illegal-content provider publishes for testing (must be blocked)",
    )
    last_ingested_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name_plural = "filter settings"

    def __str__(self) -> str:
        return f"Filter settings of {self.school}"


class FilterCategory(models.Model):
    """A category of the list folder the school uses, with what it means and whether it is illegal content."""

    school = models.ForeignKey("people.School", models.CASCADE, related_name="filter_categories")
    name = models.SlugField(max_length=60, help_text="The list folder's name, e.g. chat")
    label = models.CharField(max_length=100)
    description = models.CharField(max_length=300, blank=True)
    illegal = models.BooleanField(
        "illegal content",
        default=False,
        help_text="IWF/CTIRU-style lists: blocked for everyone, and nobody can unblock or allow around them",
    )

    class Meta:
        ordering = ["-illegal", "label"]
        constraints = [models.UniqueConstraint(fields=["school", "name"], name="filter_category_unique_name")]

    def __str__(self) -> str:
        return self.label


class FilterGroup(models.Model):
    """A filtering profile (DfE: at least a pupil and a staff one) and who belongs to it."""

    class Default(models.TextChoices):
        ALLOW = "allow", "Allow what no list blocks"
        BLOCK = "block", "Walled garden: only the allowed sites"

    class YouTube(models.TextChoices):
        STRICT = "strict", "Strict restricted mode"
        MODERATE = "moderate", "Moderate restricted mode"
        OFF = "off", "No restriction"

    school = models.ForeignKey("people.School", models.CASCADE, related_name="filter_groups")
    name = models.SlugField(max_length=40, help_text="The name Squid and the engine use, e.g. pupils")
    label = models.CharField(max_length=100)
    order = models.PositiveSmallIntegerField(default=0)
    blocked = models.JSONField("blocked categories", default=list, blank=True)
    allow = models.JSONField("always allowed", default=list, blank=True)
    deny = models.JSONField("also blocked", default=list, blank=True)
    default = models.CharField(max_length=5, choices=Default.choices, default=Default.ALLOW)
    safe_search = models.BooleanField(default=True)
    youtube = models.CharField("YouTube", max_length=10, choices=YouTube.choices, default=YouTube.STRICT)
    block_ip_literals = models.BooleanField("block addresses typed as numbers", default=True)
    # Lesson windows: [{"days": ["mon", ...], "start": "09:00", "end": "15:30", "block": [...]}]
    windows = models.JSONField(default=list, blank=True)
    clients = models.JSONField("client networks", default=list, blank=True)
    users = models.JSONField("accounts (patterns)", default=list, blank=True)
    year_groups = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["order", "name"]
        constraints = [models.UniqueConstraint(fields=["school", "name"], name="filter_group_unique_name")]

    def __str__(self) -> str:
        return self.label

    def snapshot(self) -> dict[str, Any]:
        """The group's settings as plain data: what a published version keeps and a rollback restores."""
        return {name: getattr(self, name) for name in GROUP_FIELDS}


GROUP_FIELDS = (
    "label",
    "order",
    "blocked",
    "allow",
    "deny",
    "default",
    "safe_search",
    "youtube",
    "block_ip_literals",
    "windows",
    "clients",
    "users",
    "year_groups",
)


class NetworkAccount(models.Model):
    """The name a person signs in to the network with, as the proxy logs it (e.g. ``ava.ashdown``)."""

    school = models.ForeignKey("people.School", models.CASCADE, related_name="filter_accounts")
    person = models.ForeignKey("people.Person", models.CASCADE, related_name="filter_accounts")
    username = models.CharField(max_length=150)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["school", "username"], name="network_account_unique_name")
        ]

    def __str__(self) -> str:
        return self.username


class Device(models.Model):
    """A device given to one person (a class iPad, a staff laptop): attributes visits by address or MAC."""

    school = models.ForeignKey("people.School", models.CASCADE, related_name="filter_devices")
    person = models.ForeignKey("people.Person", models.CASCADE, related_name="filter_devices")
    name = models.CharField(max_length=100, blank=True)
    mac = models.CharField("MAC address", max_length=17, blank=True)
    ip = models.GenericIPAddressField("fixed address", null=True, blank=True)

    def __str__(self) -> str:
        return self.name or self.mac or str(self.ip)


class Lease(models.Model):
    """A DHCP lease (ISC dhcpd leases file or CSV): which MAC held which address when."""

    school = models.ForeignKey("people.School", models.CASCADE, related_name="dhcp_leases")
    ip = models.GenericIPAddressField()
    mac = models.CharField(max_length=17, blank=True)
    hostname = models.CharField(max_length=100, blank=True)
    starts = models.DateTimeField()
    ends = models.DateTimeField()
    person = models.ForeignKey("people.Person", models.SET_NULL, null=True, blank=True, related_name="+")

    class Meta:
        indexes = [models.Index(fields=["school", "ip", "starts"], name="lease_school_ip_starts")]
        constraints = [
            models.UniqueConstraint(fields=["school", "ip", "starts"], name="lease_unique_ip_start")
        ]

    def __str__(self) -> str:
        return f"{self.ip} {self.mac}"


class PolicyVersion(models.Model):
    """One publication of a school's policy: the TOML the engine reads, the settings it came from, why."""

    school = models.ForeignKey("people.School", models.CASCADE, related_name="policy_versions")
    number = models.PositiveIntegerField()
    toml = models.TextField()
    snapshot = models.JSONField(default=dict, help_text="Group settings at publication (for rollback)")
    path = models.CharField(max_length=500, help_text="Where this version's policy file was written")
    published_at = models.DateTimeField(default=timezone.now)
    published_by = models.ForeignKey(User, models.SET_NULL, null=True, blank=True, related_name="+")
    reason = models.CharField(max_length=500)
    rollback_of = models.ForeignKey("self", models.SET_NULL, null=True, blank=True, related_name="+")

    class Meta:
        ordering = ["-number"]
        constraints = [
            models.UniqueConstraint(fields=["school", "number"], name="filter_policy_version_unique_number")
        ]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        return f"Policy version {self.number}"


class FilterHost(models.Model):
    """A filter host elsewhere (a proxy in another building, a trust's shared Squid) that fetches the school's
    published policy from ``/filtering/feed/`` with its own key (``esafety filter sync``). Only a digest of the
    key is kept: it is shown once, when the host is added."""

    school = models.ForeignKey("people.School", models.CASCADE, related_name="filter_hosts")
    name = models.CharField(max_length=100, help_text='Where it runs, e.g. "Juniors\' building proxy"')
    digest = models.CharField(max_length=64, unique=True, editable=False)
    prefix = models.CharField(max_length=12, editable=False, help_text="The key's first characters")
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(User, models.SET_NULL, null=True, blank=True, related_name="+")
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(User, models.SET_NULL, null=True, blank=True, related_name="+")
    last_seen_at = models.DateTimeField(null=True, blank=True)
    last_version = models.PositiveIntegerField(null=True, blank=True)
    last_address = models.GenericIPAddressField(null=True, blank=True)

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["school", "name"], name="filter_host_unique_name")]

    def __str__(self) -> str:
        return self.name

    @staticmethod
    def hash_key(key: str) -> str:
        return hashlib.sha256(key.encode()).hexdigest()

    @classmethod
    def issue(cls, school: Any, name: str, by: Any) -> tuple[FilterHost, str]:
        """A new host and its key (the only time the key exists in the clear)."""
        key = "esf_" + secrets.token_urlsafe(32)
        host = cls.objects.create(
            school=school, name=name, digest=cls.hash_key(key), prefix=key[:10], created_by=by
        )
        return host, key

    @classmethod
    def for_key(cls, key: str) -> FilterHost | None:
        if not key.startswith("esf_"):
            return None
        return (
            cls.objects.select_related("school")
            .filter(digest=cls.hash_key(key), revoked_at__isnull=True)
            .first()
        )

    @property
    def active(self) -> bool:
        return self.revoked_at is None

    def revoke(self, by: Any) -> None:
        self.revoked_at = timezone.now()
        self.revoked_by = by
        self.save(update_fields=["revoked_at", "revoked_by"])

    def seen(self, version: int, address: str | None) -> None:
        self.last_seen_at = timezone.now()
        self.last_version = version
        self.last_address = address
        self.save(update_fields=["last_seen_at", "last_version", "last_address"])


class PolicyChange(models.Model):
    """One change to what is blocked or allowed, and why: the DfE register, written by every path."""

    class Kind(models.TextChoices):
        BLOCK_CATEGORY = "block_category", "Category blocked"
        UNBLOCK_CATEGORY = "unblock_category", "Category unblocked"
        ALLOW = "allow", "Site allowed"
        UNALLOW = "unallow", "Site no longer allowed"
        DENY = "deny", "Site blocked"
        UNDENY = "undeny", "Site no longer blocked"
        SETTING = "setting", "Setting changed"
        REQUEST = "request", "Change request applied"
        EXPIRY = "expiry", "Temporary change ended"
        ROLLBACK = "rollback", "Rolled back"

    school = models.ForeignKey("people.School", models.CASCADE, related_name="policy_changes")
    group = models.CharField(max_length=40, blank=True, help_text="Group name; empty: the whole school")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    entry = models.CharField(max_length=300, blank=True, help_text="The category, site or setting")
    reason = models.TextField()
    by = models.ForeignKey(User, models.SET_NULL, null=True, blank=True, related_name="+")
    at = models.DateTimeField(default=timezone.now)
    request = models.ForeignKey(
        "ChangeRequest", models.SET_NULL, null=True, blank=True, related_name="policy_changes"
    )

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["school", "-at"], name="policy_change_school_at")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.entry}"


# --- Change requests ------------------------------------------------------------------------------------------


class RequestStatus(models.TextChoices):
    COORDINATOR = "coordinator", "Waiting for the E-Safety Co-ordinator"
    QUESTION = "question", "Question for the requester"
    HEAD = "head", "Waiting for the Headteacher"
    TECHNICIAN = "technician", "Waiting for the ICT Technician"
    APPLIED = "applied", "Applied"
    REJECTED = "rejected", "Rejected"
    WITHDRAWN = "withdrawn", "Withdrawn"
    ENDED = "ended", "Ended"


OPEN_STATUSES = (
    RequestStatus.COORDINATOR,
    RequestStatus.QUESTION,
    RequestStatus.HEAD,
    RequestStatus.TECHNICIAN,
)


class ChangeRequest(models.Model):
    """A request to block or unblock a site for someone, for a while, and why; it moves through ``WORKFLOW``."""

    Status = RequestStatus

    class Kind(models.TextChoices):
        UNBLOCK = "unblock", "Unblock (allow) a site"
        BLOCK = "block", "Block a site"

    class Scope(models.TextChoices):
        PERSON = "person", "One person"
        CLASS = "class", "A class"
        GROUP = "group", "A filter group"
        SCHOOL = "school", "The whole school"

    class Duration(models.TextChoices):
        LESSON = "lesson", "This lesson (two hours)"
        UNTIL = "until", "Until a date"
        PERMANENT = "permanent", "Permanent"

    school = models.ForeignKey("people.School", models.CASCADE, related_name="filter_requests")
    number = models.PositiveIntegerField(editable=False)
    kind = models.CharField(max_length=10, choices=Kind.choices)
    site = models.CharField(
        max_length=300, help_text="A host (covers its subdomains) or host/path, as the engine reads it"
    )
    url = models.CharField("address as given", max_length=2000, blank=True)
    scope = models.CharField("for whom", max_length=10, choices=Scope.choices)
    group = models.CharField(max_length=40, blank=True, help_text="The filter group (scope: group)")
    class_name = models.CharField("class", max_length=50, blank=True)
    person = models.ForeignKey("people.Person", models.SET_NULL, null=True, blank=True, related_name="+")
    reason = models.TextField("why")
    duration = models.CharField("for how long", max_length=10, choices=Duration.choices)
    until = models.DateField(null=True, blank=True)
    status = models.CharField(max_length=12, choices=RequestStatus.choices, default=RequestStatus.COORDINATOR)
    requester = models.ForeignKey(User, models.PROTECT, related_name="filter_requests")
    created_at = models.DateTimeField(default=timezone.now)
    stage_since = models.DateTimeField(default=timezone.now, help_text="When it reached its current holder")
    reminded_at = models.DateTimeField(null=True, blank=True)
    applied_at = models.DateTimeField(null=True, blank=True)
    applied_externally = models.BooleanField(default=False)
    expires_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    source = models.CharField(max_length=40, blank=True, help_text="e.g. report (a reported site)")
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["school", "number"], name="filter_request_unique_number")
        ]
        indexes = [models.Index(fields=["school", "status"], name="filter_request_school_status")]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        return f"Filter request #{self.number}"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def in_force(self) -> bool:
        return self.status == RequestStatus.APPLIED and (
            self.expires_at is None or self.expires_at > timezone.now()
        )

    def waited(self, now: datetime | None = None) -> Any:
        return (now or timezone.now()) - self.stage_since

    def move(self, target: str, *, expected_version: int | None = None, **changes: Any) -> None:
        """Move to ``target`` only if nobody moved the request since ``expected_version`` was read: two
        reviewers with the same request open cannot both approve it."""
        version = self.version if expected_version is None else expected_version
        now = timezone.now()
        changes = {"status": target, "stage_since": now, "reminded_at": None, **changes}
        updated = ChangeRequest.objects.filter(pk=self.pk, version=version).update(
            **changes, version=models.F("version") + 1
        )
        if updated != 1:
            raise RequestConflict(f"{self.label} was changed by someone else")
        for name, value in changes.items():
            setattr(self, name, value)
        self.version = version + 1


class RequestConflict(Exception):
    """Someone else moved the request on since the caller read it."""


class RequestEvent(models.Model):
    """The request's timeline: every step, who took it, and the reason or question they gave."""

    request = models.ForeignKey(ChangeRequest, models.CASCADE, related_name="events")
    step = models.CharField(max_length=30)
    actor = models.ForeignKey(User, models.SET_NULL, null=True, blank=True, related_name="+")
    at = models.DateTimeField(default=timezone.now)
    text = models.TextField(blank=True)
    status_to = models.CharField(max_length=12, choices=RequestStatus.choices)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.request.label}: {self.step}"


# --- Filter logs ----------------------------------------------------------------------------------------------


class LogSource(models.Model):
    """A log file being read: how far, so a restart resumes without counting a line twice."""

    school = models.ForeignKey("people.School", models.CASCADE, related_name="filter_log_sources")
    path = models.CharField(max_length=500)
    format = models.CharField(max_length=12)
    inode = models.BigIntegerField(default=0)
    offset = models.BigIntegerField(default=0, help_text="Bytes of the file already counted")
    head = models.CharField(max_length=64, blank=True, help_text="Digest of the first line: spots rotation")
    lines = models.BigIntegerField(default=0)
    malformed = models.JSONField(default=dict, blank=True, help_text="reason -> count")
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["school", "path"], name="log_source_unique_path")]

    def __str__(self) -> str:
        return self.path


class DailyCount(models.Model):
    """Visits per person, category and day (``person`` empty: not attributed), allowed and blocked."""

    school = models.ForeignKey("people.School", models.CASCADE, related_name="filter_daily_counts")
    day = models.DateField()
    person = models.ForeignKey("people.Person", models.CASCADE, null=True, blank=True, related_name="+")
    category = models.CharField(max_length=60, default="-")
    allowed = models.PositiveIntegerField(default=0)
    blocked = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["school", "day", "person", "category"],
                name="daily_count_unique",
            )
        ]
        indexes = [models.Index(fields=["school", "day"], name="daily_count_school_day")]

    def __str__(self) -> str:
        return f"{self.day} {self.category}"


class BlockedEvent(models.Model):
    """One blocked request (or an allowed visit to a site that is now on a block list), kept for its retention."""

    school = models.ForeignKey("people.School", models.CASCADE, related_name="filter_blocked_events")
    at = models.DateTimeField()
    person = models.ForeignKey("people.Person", models.CASCADE, null=True, blank=True, related_name="+")
    client = models.CharField(max_length=45, blank=True)
    user = models.CharField(max_length=150, blank=True)
    host = models.CharField(max_length=255)
    url = models.CharField(max_length=2000)
    category = models.CharField(max_length=60)
    got_through = models.BooleanField(default=False, help_text="Allowed by the filter but on a block list")

    class Meta:
        ordering = ["-at"]
        indexes = [
            models.Index(fields=["school", "-at"], name="blocked_event_school_at"),
            models.Index(fields=["school", "person", "category"], name="blocked_event_person"),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.category} {self.host}"


class AttemptItem(models.Model):
    """Something in the logs for the Co-ordinator: repeated attempts at a blocked category by one person, or a
    visit that got through to a site now on a block list. One click turns it into an incident."""

    class Kind(models.TextChoices):
        REPEATED = "repeated", "Repeated attempts at a blocked category"
        GOT_THROUGH = "got_through", "Visited a site that is on a block list"

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        INCIDENT = "incident", "Made an incident"
        DISMISSED = "dismissed", "Dismissed"

    school = models.ForeignKey("people.School", models.CASCADE, related_name="filter_attempt_items")
    kind = models.CharField(max_length=12, choices=Kind.choices)
    person = models.ForeignKey("people.Person", models.CASCADE, null=True, blank=True, related_name="+")
    category = models.CharField(max_length=60)
    day = models.DateField()
    count = models.PositiveIntegerField(default=0)
    example = models.CharField(max_length=2000, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    incident_id = models.PositiveIntegerField(null=True, blank=True)
    handled_by = models.ForeignKey(User, models.SET_NULL, null=True, blank=True, related_name="+")
    handled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-day", "-count"]
        constraints = [
            models.UniqueConstraint(
                fields=["school", "kind", "person", "category", "day"],
                name="attempt_item_unique",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.category}"


# --- Lesson link checks and filter tests ----------------------------------------------------------------------


class LinkCheck(models.Model):
    """Links planned for a lesson, checked against a group's published policy: "tested first"."""

    school = models.ForeignKey("people.School", models.CASCADE, related_name="link_checks")
    teacher = models.ForeignKey(User, models.PROTECT, related_name="+")
    lesson = models.CharField(max_length=200)
    class_name = models.CharField("class", max_length=50)
    group = models.CharField(max_length=40)
    version = models.PositiveIntegerField(help_text="The policy version the links were checked against")
    checked_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-checked_at"]

    def __str__(self) -> str:
        return self.lesson


class CheckedLink(models.Model):
    link_check = models.ForeignKey(LinkCheck, models.CASCADE, related_name="links")
    url = models.CharField(max_length=2000)
    allowed = models.BooleanField()
    category = models.CharField(max_length=60, default="-")

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return self.url


class FilterTestRun(models.Model):
    """The built-in filter test: known URLs per category through each group's published policy."""

    school = models.ForeignKey("people.School", models.CASCADE, related_name="filter_test_runs")
    run_at = models.DateTimeField(default=timezone.now)
    by = models.ForeignKey(User, models.SET_NULL, null=True, blank=True, related_name="+")
    version = models.PositiveIntegerField()
    passed = models.BooleanField()
    # [{"group", "category", "url", "expected", "verdict", "passed"}]
    results = models.JSONField(default=list)

    class Meta:
        ordering = ["-run_at"]

    def __str__(self) -> str:
        return f"Filter test {self.run_at:%Y-%m-%d}"


@dataclass(frozen=True)
class Transition:
    """One step of the change-request chain. ``who`` names the access action that may take it (``"requester"``:
    only the person who filed the request); ``reason`` says whether the step needs words."""

    name: str
    label: str
    sources: tuple[str, ...]
    target: str  # "next": the chain's next holder after the Co-ordinator (Head, or Technician if shortened)
    who: str
    reason: bool
    action: str  # the function in actions.py that takes it
    button: str = "primary"


Q_OPEN = Q(status__in=OPEN_STATUSES)
