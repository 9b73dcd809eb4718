"""Everything that changes filtering: called by the views, the API, the commands and the demo alike.

Each function runs in one transaction with its audit entry and its ``PolicyChange`` rows (the "what is blocked or
allowed and why" register). Access checks are the caller's (``permissions.py``); these functions enforce what no
role may do: unblocking, allowing around or un-marking illegal-content categories.
"""

from __future__ import annotations

import difflib
import ipaddress
from collections.abc import Iterable, Sequence
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone

from esafety.access import PERMISSIONS, Action
from esafety.accounts.models import User
from esafety.audit.actions import record
from esafety.core import schooldays
from esafety.core.actions import queue_email
from esafety.filtering import engine, publishing
from esafety.filtering.models import (
    GROUP_FIELDS,
    OPEN_STATUSES,
    AttemptItem,
    ChangeRequest,
    CheckedLink,
    FilterCategory,
    FilterGroup,
    FilterHost,
    FilterSettings,
    FilterTestRun,
    LinkCheck,
    PolicyChange,
    PolicyVersion,
    RequestEvent,
    RequestStatus,
    Transition,
)
from esafety.filtering.workflow import HOLDER, REQUESTER, WORKFLOW, target_of

if TYPE_CHECKING:
    from django.http import HttpRequest

    from esafety.people.models import Person, School

__all__ = [
    "IllegalContent",
    "answer_question",
    "apply_request",
    "approve_request",
    "ask_requester",
    "check_links",
    "end_expired_requests",
    "end_request",
    "add_filter_host",
    "file_request",
    "item_to_incident",
    "mark_illegal",
    "publish",
    "reject_request",
    "revoke_filter_host",
    "report_site",
    "rollback",
    "run_filter_test",
    "save_group",
    "send_reminders",
    "set_chain",
    "take_step",
    "withdraw_request",
]

LESSON = timedelta(hours=2)


class IllegalContent(ValidationError):
    """The change would unblock or allow around an illegal-content category: nobody may, the Head included."""


def _need_reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError("Give a reason: every change to the filtering records why.")
    return reason


# --- Settings -------------------------------------------------------------------------------------------------


def _check_not_illegal(school: School, allow: Iterable[str]) -> None:
    """Illegal categories are blocked whatever a group lists; an allow entry they cover is refused outright, so
    the settings never claim to allow what the engine will block."""
    for entry in allow:
        found = publishing.illegal_category_of(school, entry)
        if found:
            raise IllegalContent(f"{entry} is in the illegal-content category {found}: it cannot be allowed.")


def save_group(
    group: FilterGroup,
    *,
    by: User,
    reason: str,
    changes: dict[str, Any],
    request: HttpRequest | None = None,
) -> list[PolicyChange]:
    """Change a group's settings (new or existing) and record each difference with the reason."""
    reason = _need_reason(reason)
    school = group.school
    unknown = set(changes) - set(GROUP_FIELDS) - {"name"}
    if unknown:
        raise ValueError(f"not group settings: {sorted(unknown)}")
    _check_not_illegal(school, changes.get("allow", []))
    before = group.snapshot() if group.pk else {}
    for name, value in changes.items():
        setattr(group, name, value)
    rows: list[PolicyChange] = []

    def row(kind: str, entry: str) -> None:
        rows.append(
            PolicyChange(school=school, group=group.name, kind=kind, entry=entry[:300], reason=reason, by=by)
        )

    for field, added_kind, removed_kind in (
        ("blocked", PolicyChange.Kind.BLOCK_CATEGORY, PolicyChange.Kind.UNBLOCK_CATEGORY),
        ("allow", PolicyChange.Kind.ALLOW, PolicyChange.Kind.UNALLOW),
        ("deny", PolicyChange.Kind.DENY, PolicyChange.Kind.UNDENY),
    ):
        old, new = set(before.get(field, [])), set(getattr(group, field))
        for entry in sorted(new - old):
            row(added_kind, entry)
        for entry in sorted(old - new):
            row(removed_kind, entry)
    for field in GROUP_FIELDS:
        if field in ("blocked", "allow", "deny"):
            continue
        if before.get(field, None) != getattr(group, field) and (before or getattr(group, field)):
            row(PolicyChange.Kind.SETTING, f"{field}: {getattr(group, field)}")
    with transaction.atomic():
        created = group.pk is None
        if created:
            group.save()
        else:
            group.save(update_fields=[f for f in GROUP_FIELDS if f in changes] or ["label"])
        PolicyChange.objects.bulk_create(rows)
        record(
            "filter_group.create" if created else "filter_group.change",
            actor=by,
            obj=group,
            request=request,
            object_repr=f"Filter group {group.name}",
            detail={"reason": reason, "changes": [f"{r.kind}:{r.entry}" for r in rows]},
        )
    return rows


def mark_illegal(
    category: FilterCategory, *, by: User, reason: str, request: HttpRequest | None = None
) -> None:
    """Mark a category as illegal content. There is no way back in the app: an illegal list stays blocked."""
    reason = _need_reason(reason)
    if category.illegal:
        return
    with transaction.atomic():
        category.illegal = True
        category.save(update_fields=["illegal"])
        PolicyChange.objects.create(
            school=category.school,
            kind=PolicyChange.Kind.BLOCK_CATEGORY,
            entry=category.name,
            reason=reason,
            by=by,
        )
        record("filter_category.illegal", actor=by, obj=category, request=request, detail={"reason": reason})


def set_chain(
    school: School, chain: str, *, by: User, reason: str, request: HttpRequest | None = None
) -> None:
    """Shorten (or restore) the approval chain; the audit shows who did it and when."""
    reason = _need_reason(reason)
    if chain not in FilterSettings.Chain.values:
        raise ValueError(chain)
    with transaction.atomic():
        filter_settings = FilterSettings.objects.select_for_update().get(
            pk=publishing.settings_for(school).pk
        )
        before = filter_settings.chain
        if before == chain:
            return
        filter_settings.chain, filter_settings.chain_changed_by = chain, by
        filter_settings.chain_changed_at = timezone.now()
        filter_settings.save(update_fields=["chain", "chain_changed_by", "chain_changed_at"])
        PolicyChange.objects.create(
            school=school,
            kind=PolicyChange.Kind.SETTING,
            entry=f"approval chain: {chain}",
            reason=reason,
            by=by,
        )
        record(
            "filter_settings.chain",
            actor=by,
            obj=filter_settings,
            request=request,
            object_repr="Filter approval chain",
            detail={"from": before, "to": chain, "reason": reason},
        )


# --- Publish and rollback -------------------------------------------------------------------------------------


def publish(
    school: School,
    *,
    by: User | None,
    reason: str,
    request: HttpRequest | None = None,
    rollback_of: PolicyVersion | None = None,
) -> PolicyVersion:
    """Compile the school's settings and requests in force into a new version and make it current."""
    reason = _need_reason(reason)
    with transaction.atomic():
        publishing.settings_for(school)
        FilterSettings.objects.select_for_update().get(school=school)  # one publisher at a time per school
        number = (PolicyVersion.objects.filter(school=school).aggregate(n=Max("number"))["n"] or 0) + 1
        compiled = publishing.compile_policy(school)
        path = publishing.write_version(school, number, compiled)
        version = PolicyVersion.objects.create(
            school=school,
            number=number,
            toml=compiled.toml,
            snapshot=compiled.snapshot,
            path=str(path.parent / "versions" / str(number) / "policy.toml"),
            published_by=by,
            reason=reason[:500],
            rollback_of=rollback_of,
        )
        record(
            "policy_version.publish",
            actor=by,
            obj=version,
            request=request,
            object_repr=version.label,
            detail={"reason": reason, "rollback_of": rollback_of.number if rollback_of else None},
        )
    return version


def rollback(
    version: PolicyVersion, *, by: User, reason: str, request: HttpRequest | None = None
) -> PolicyVersion:
    """Restore the group settings of ``version`` and publish them as a new version. Requests in force stay in
    force (each has its own end); illegal-content categories stay blocked whatever the old version said."""
    reason = _need_reason(reason)
    school = version.school
    with transaction.atomic():
        groups = version.snapshot.get("groups", {})
        FilterGroup.objects.filter(school=school).exclude(name__in=list(groups)).delete()
        for name, data in groups.items():
            group = FilterGroup.objects.filter(school=school, name=name).first() or FilterGroup(
                school=school, name=name
            )
            for field in GROUP_FIELDS:
                if field in data:
                    setattr(group, field, data[field])
            group.save()
        PolicyChange.objects.create(
            school=school, kind=PolicyChange.Kind.ROLLBACK, entry=version.label, reason=reason, by=by
        )
        return publish(
            school,
            by=by,
            reason=f"Rollback to version {version.number}: {reason}",
            request=request,
            rollback_of=version,
        )


def diff(older: PolicyVersion | None, newer: PolicyVersion) -> list[tuple[str, str]]:
    """(kind, line) pairs, kind "add", "remove", "same" or "hunk": a readable diff for the template."""
    before = older.toml.splitlines() if older else []
    lines = []
    for line in difflib.unified_diff(before, newer.toml.splitlines(), lineterm="", n=2):
        if line.startswith(("---", "+++")):
            continue
        kind = {"+": "add", "-": "remove", "@": "hunk"}.get(line[:1], "same")
        lines.append((kind, line))
    return lines


# --- Filter hosts elsewhere ------------------------------------------------------------------------------------


def add_filter_host(
    school: School, *, name: str, by: User, request: HttpRequest | None = None
) -> tuple[FilterHost, str]:
    """A filter host that fetches the published policy from ``/filtering/feed/``; returns it and its key,
    which is shown once and never kept."""
    name = name.strip()
    if not name:
        raise ValidationError({"name": "Name the filter host, e.g. where it runs."})
    if FilterHost.objects.filter(school=school, name=name).exists():
        raise ValidationError({"name": f"There is already a filter host called “{name}”."})
    with transaction.atomic():
        host, key = FilterHost.issue(school, name, by)
        record(
            "filter_host.add",
            actor=by,
            obj=host,
            request=request,
            object_repr=host.name,
            detail={"prefix": host.prefix},
        )
    return host, key


def revoke_filter_host(
    host: FilterHost, *, by: User, reason: str, request: HttpRequest | None = None
) -> None:
    """Stop a host's key working at once; the host keeps the last version it fetched until someone changes it."""
    reason = _need_reason(reason)
    with transaction.atomic():
        host.revoke(by)
        record(
            "filter_host.revoke",
            actor=by,
            obj=host,
            request=request,
            object_repr=host.name,
            detail={"reason": reason, "prefix": host.prefix},
        )


def feed_fetched(host: FilterHost, version: PolicyVersion, address: str | None) -> None:
    """A host took a version it did not have: noted on the host and, once per version, in the audit trail."""
    first = host.last_version != version.number
    host.seen(version.number, address)
    if first:
        record(
            "filter_host.fetch",
            actor=None,
            obj=host,
            object_repr=host.name,
            detail={"version": version.number, "address": address},
        )


# --- Change requests ------------------------------------------------------------------------------------------


def _expiry(duration: str, until: date | None, now: datetime) -> datetime | None:
    if duration == ChangeRequest.Duration.LESSON:
        return now + LESSON
    if duration == ChangeRequest.Duration.UNTIL:
        if until is None:
            raise ValidationError("Give the date the change should end.")
        end = timezone.make_aware(datetime.combine(until + timedelta(days=1), datetime.min.time()))
        return end
    return None


def file_request(
    school: School,
    *,
    by: User,
    kind: str,
    url: str,
    scope: str,
    reason: str,
    duration: str,
    group: str = "",
    class_name: str = "",
    person: Person | None = None,
    until: date | None = None,
    whole_site: bool = True,
    source: str = "",
    request: HttpRequest | None = None,
) -> ChangeRequest:
    """File a request to block or unblock ``url``; it goes to the Co-ordinator first."""
    reason = _need_reason(reason)
    try:
        site = publishing.canonical_site(url, whole_site)
    except engine.URLError as exc:
        raise ValidationError(f"That is not a web address a browser would open ({exc}).") from None
    if kind == ChangeRequest.Kind.UNBLOCK and (found := publishing.illegal_category_of(school, site)):
        raise IllegalContent(f"{site} is in the illegal-content category {found}: nobody can unblock it.")
    if (
        scope != ChangeRequest.Scope.SCHOOL
        and not FilterGroup.objects.filter(school=school, name=group).exists()
    ):
        raise ValidationError("Choose the filter group the change is for.")
    if scope == ChangeRequest.Scope.PERSON and person is None:
        raise ValidationError("Choose the person the change is for.")
    if scope == ChangeRequest.Scope.CLASS and not class_name:
        raise ValidationError("Choose the class the change is for.")
    if duration == ChangeRequest.Duration.UNTIL and (until is None or until < timezone.localdate()):
        raise ValidationError("Give an end date from today on.")
    with transaction.atomic():
        publishing.settings_for(school)
        FilterSettings.objects.select_for_update().get(school=school)  # numbers without gaps or duplicates
        number = (ChangeRequest.objects.filter(school=school).aggregate(n=Max("number"))["n"] or 0) + 1
        item = ChangeRequest.objects.create(
            school=school,
            number=number,
            kind=kind,
            site=site,
            url=url.strip()[:2000],
            scope=scope,
            group=group if scope != ChangeRequest.Scope.SCHOOL else "",
            class_name=class_name if scope == ChangeRequest.Scope.CLASS else "",
            person=person if scope == ChangeRequest.Scope.PERSON else None,
            reason=reason,
            duration=duration,
            until=until if duration == ChangeRequest.Duration.UNTIL else None,
            requester=by,
            source=source,
        )
        RequestEvent.objects.create(request=item, step="file", actor=by, text=reason, status_to=item.status)
        record(
            "change_request.file",
            actor=by,
            obj=item,
            request=request,
            object_repr=item.label,
            detail={"kind": kind, "scope": scope, "site": site},
        )
        _notify_holder(item)
    return item


def holders(item: ChangeRequest) -> list[User]:
    """Who holds the request now: the requester (a question) or the users with the step's role at the school."""
    holder = HOLDER.get(item.status)
    if holder is None:
        return []
    if holder == REQUESTER:
        return [item.requester]
    return list(User.holding(item.school, PERMISSIONS[Action(holder)]))


def _notify_holder(item: ChangeRequest, *, reminder: bool = False) -> None:
    addresses = [u.email for u in holders(item) if u.email]
    if not addresses:
        return
    link = settings.SITE_URL + reverse("filtering:request", args=[item.pk])
    when = timezone.localdate().isoformat() if reminder else str(item.version)
    subject = ("Reminder: a" if reminder else "A") + " filtering request is waiting for you"
    body = (
        f"{item.label} at {item.school.name} is waiting for you.\n\nPlease sign in to look at it:\n{link}\n"
    )
    queue_email(
        f"filter-request:{item.pk}:{item.status}:{when}", addresses, subject, body, school=item.school
    )


def take_step(
    item: ChangeRequest,
    step: str,
    *,
    by: User | None,
    reason: str = "",
    expected_version: int | None = None,
    request: HttpRequest | None = None,
) -> ChangeRequest:
    """Take ``step`` of ``WORKFLOW``: checks the status and reason, moves the request, records the event and the
    audit entry, tells the next holder, and publishes when the Technician applies the change."""
    transition: Transition = WORKFLOW[step]
    if item.status not in transition.sources:
        raise ValidationError(
            f"{item.label} is {item.get_status_display().lower()}: “{transition.label}” does not apply."
        )
    reason = (reason or "").strip()
    if transition.reason:
        reason = _need_reason(reason)
    chain = publishing.settings_for(item.school).chain
    target = target_of(transition, chain)
    now = timezone.now()
    changes: dict[str, Any] = {}
    if target == RequestStatus.APPLIED:
        if item.kind == ChangeRequest.Kind.UNBLOCK and (
            found := publishing.illegal_category_of(item.school, item.site)
        ):
            raise IllegalContent(
                f"{item.site} is in the illegal-content category {found}: nobody can unblock it."
            )
        changes = {
            "applied_at": now,
            "applied_externally": step == "applied_elsewhere",
            "expires_at": _expiry(item.duration, item.until, now),
        }
    if target in (RequestStatus.REJECTED, RequestStatus.WITHDRAWN, RequestStatus.ENDED):
        changes["closed_at"] = now
    with transaction.atomic():
        before = item.status
        item.move(target, expected_version=expected_version, **changes)
        RequestEvent.objects.create(request=item, step=step, actor=by, text=reason, status_to=target)
        record(
            f"change_request.{step}",
            actor=by,
            obj=item,
            request=request,
            object_repr=item.label,
            detail={"from": before, "to": target, "reason": reason, "chain": chain},
        )
        if target == RequestStatus.APPLIED or (
            before == RequestStatus.APPLIED and not item.applied_externally
        ):
            kind = PolicyChange.Kind.REQUEST if target == RequestStatus.APPLIED else PolicyChange.Kind.EXPIRY
            PolicyChange.objects.create(
                school=item.school,
                group=item.group,
                kind=kind,
                entry=f"{item.get_kind_display()}: {item.site} ({item.get_scope_display().lower()})",
                reason=item.reason if target == RequestStatus.APPLIED else (reason or "Ended"),
                by=by,
                request=item,
            )
            if not item.applied_externally:
                publish(
                    item.school, by=by, reason=f"{item.label}: {transition.label.lower()}", request=request
                )
        _notify_holder(item)
    return item


def approve_request(item: ChangeRequest, *, by: User, reason: str = "", **kw: Any) -> ChangeRequest:
    step = "forward" if item.status == RequestStatus.COORDINATOR else "approve"
    return take_step(item, step, by=by, reason=reason, **kw)


def reject_request(item: ChangeRequest, *, by: User, reason: str, **kw: Any) -> ChangeRequest:
    step = "reject" if item.status == RequestStatus.COORDINATOR else "decline"
    return take_step(item, step, by=by, reason=reason, **kw)


def ask_requester(item: ChangeRequest, *, by: User, reason: str, **kw: Any) -> ChangeRequest:
    return take_step(item, "ask", by=by, reason=reason, **kw)


def answer_question(item: ChangeRequest, *, by: User, reason: str, **kw: Any) -> ChangeRequest:
    return take_step(item, "answer", by=by, reason=reason, **kw)


def apply_request(
    item: ChangeRequest, *, by: User, reason: str = "", externally: bool = False, **kw: Any
) -> ChangeRequest:
    return take_step(item, "applied_elsewhere" if externally else "apply", by=by, reason=reason, **kw)


def withdraw_request(item: ChangeRequest, *, by: User, reason: str = "", **kw: Any) -> ChangeRequest:
    return take_step(item, "withdraw", by=by, reason=reason, **kw)


def end_request(item: ChangeRequest, *, by: User | None, reason: str, **kw: Any) -> ChangeRequest:
    return take_step(item, "end", by=by, reason=reason, **kw)


def end_expired_requests(now: datetime | None = None) -> int:
    """End every applied change whose time is up and republish each school concerned (periodic task)."""
    now = now or timezone.now()
    expired = list(
        ChangeRequest.objects.filter(status=RequestStatus.APPLIED, expires_at__lte=now).select_related(
            "school"
        )
    )
    for item in expired:
        take_step(item, "end", by=None, reason="The time asked for has ended.")
    return len(expired)


def send_reminders(now: datetime | None = None) -> int:
    """Remind whoever holds a request that has waited two school days; once per holder per day."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    sent = 0
    for item in ChangeRequest.objects.filter(status__in=OPEN_STATUSES).select_related("school", "requester"):
        if schooldays.school_days_between(timezone.localdate(item.stage_since), today) < 2:
            continue
        if item.reminded_at and timezone.localdate(item.reminded_at) == today:
            continue
        _notify_holder(item, reminder=True)
        ChangeRequest.objects.filter(pk=item.pk).update(reminded_at=now)
        sent += 1
    return sent


# --- Report a site --------------------------------------------------------------------------------------------


def report_site(
    school: School,
    *,
    by: User,
    url: str,
    description: str,
    group: str = "",
    request: HttpRequest | None = None,
) -> tuple[Any, ChangeRequest | None]:
    """An inappropriate site got through: file an incident in the safeguarding log (inappropriate website) and a
    block request for the whole school, in one step. Returns (incident, request); the request is None when the
    address cannot be read as a site (the incident is still filed)."""
    from esafety.incidents.actions import report_incident

    description = _need_reason(description)
    with transaction.atomic():
        incident = report_incident(
            school=school,
            reporter=by,
            category="inappropriate_content",  # the log's "Inappropriate website or content"
            description=f"Inappropriate website reported: {url.strip()[:500]}\n\n{description}",
            source="filtering",
            request=request,
        )
        try:
            block = file_request(
                school,
                by=by,
                kind=ChangeRequest.Kind.BLOCK,
                url=url,
                scope=ChangeRequest.Scope.SCHOOL,
                reason=f"Reported as inappropriate ({incident.label}): {description}",
                duration=ChangeRequest.Duration.PERMANENT,
                source="report",
                request=request,
            )
        except ValidationError:
            block = None
    return incident, block


def item_to_incident(item: AttemptItem, *, by: User, request: HttpRequest | None = None) -> Any:
    """Turn a filter-log item into an incident in the safeguarding log (one click)."""
    from esafety.incidents.actions import report_incident

    if item.status != AttemptItem.Status.OPEN:
        raise ValidationError("This item has already been handled.")
    with transaction.atomic():
        incident = report_incident(
            school=item.school,
            reporter=by,
            category="inappropriate_content",  # the log's "Inappropriate website or content"
            description=f"{item.get_kind_display()} ({item.category}) on {item.day:%d %B %Y}: "
            f"{item.count} request(s), e.g. {item.example[:300]}",
            people=[item.person] if item.person else [],
            source="filtering",
            source_ref=f"filter-item:{item.pk}",
            idempotency_key=f"filter-item:{item.pk}",
            request=request,
        )
        item.status, item.incident_id = AttemptItem.Status.INCIDENT, incident.pk
        item.handled_by, item.handled_at = by, timezone.now()
        item.save(update_fields=["status", "incident_id", "handled_by", "handled_at"])
        record(
            "attempt_item.incident",
            actor=by,
            obj=item,
            request=request,
            object_repr=f"Filter item {item.pk}",
            detail={"incident": incident.label},
        )
    return incident


def dismiss_item(item: AttemptItem, *, by: User, request: HttpRequest | None = None) -> None:
    with transaction.atomic():
        item.status, item.handled_by, item.handled_at = AttemptItem.Status.DISMISSED, by, timezone.now()
        item.save(update_fields=["status", "handled_by", "handled_at"])
        record(
            "attempt_item.dismiss", actor=by, obj=item, request=request, object_repr=f"Filter item {item.pk}"
        )


# --- Lesson links and the filter test -------------------------------------------------------------------------


class NotPublished(ValidationError):
    """The school has no published policy yet."""


def _published(school: School) -> tuple[engine.Policy, PolicyVersion]:
    policy, version = publishing.load_published(school), publishing.latest_version(school)
    if policy is None or version is None:
        raise NotPublished("The filter policy has not been published yet.")
    return policy, version


def check_links(
    school: School,
    *,
    by: User,
    lesson: str,
    class_name: str,
    group: str,
    urls: Sequence[str],
    when: datetime | None = None,
) -> LinkCheck:
    """Check each link against ``group``'s published policy and record it as "tested first"."""
    policy, version = _published(school)
    if group not in policy.groups:
        raise ValidationError(f"The published policy has no group {group}.")
    urls = [u.strip() for u in urls if u.strip()][:100]
    if not urls:
        raise ValidationError("Paste at least one link.")
    with transaction.atomic():
        check = LinkCheck.objects.create(
            school=school,
            teacher=by,
            lesson=lesson[:200],
            class_name=class_name[:50],
            group=group,
            version=version.number,
        )
        CheckedLink.objects.bulk_create(
            [
                CheckedLink(link_check=check, url=url[:2000], allowed=d.allowed, category=d.category)
                for url in urls
                for d in [engine.decide(policy, url, group=group, when=when)]
            ]
        )
        record(
            "link_check.create",
            actor=by,
            obj=check,
            object_repr=f"Link check {check.pk}",
            detail={"links": len(urls), "group": group},
        )
    return check


# Known URLs per category: what the filter test expects to be blocked. The names come from the demo lists and
# from UT1's own entries; a school with other lists adds its own through the illegal-content test URLs.
def _sample_urls(school: School, category: str, count: int = 2) -> list[str]:
    """The first host names (not addresses) of the category's list: known entries the filter must block."""
    urls: list[str] = []
    try:
        with open(
            publishing.lists_dir(school) / category / "domains", encoding="utf-8", errors="replace"
        ) as fh:
            for line in fh:
                host = line.strip()
                if not host or host.startswith("#"):
                    continue
                try:
                    ipaddress.ip_address(host)
                except ValueError:
                    urls.append(f"http://{host}/")
                    if len(urls) == count:
                        break
    except OSError:
        pass
    return urls


def run_filter_test(school: School, *, by: User | None, request: HttpRequest | None = None) -> FilterTestRun:
    """Run known URLs of each blocked category (and the illegal-content test URLs) through each group's
    published policy; every one must be blocked. Recorded with the date for the annual review."""
    policy, version = _published(school)
    filter_settings = publishing.settings_for(school)
    illegal = publishing.illegal_categories(school)
    tests = [u.strip() for u in filter_settings.test_urls.splitlines() if u.strip()]
    results = []
    for group in FilterGroup.objects.filter(school=school):
        if group.name not in policy.groups:
            continue
        for category in sorted(set(group.blocked) | set(illegal)):
            for url in _sample_urls(school, category):
                d = engine.decide(policy, url, group=group.name)
                results.append(
                    {
                        "group": group.name,
                        "category": category,
                        "url": url,
                        "verdict": d.verdict,
                        "found": d.category,
                        "passed": not d.allowed,
                    }
                )
        for url in tests:
            d = engine.decide(policy, url, group=group.name)
            results.append(
                {
                    "group": group.name,
                    "category": "illegal-content test",
                    "url": url,
                    "verdict": d.verdict,
                    "found": d.category,
                    "passed": not d.allowed,
                }
            )
    passed = bool(results) and all(r["passed"] for r in results)
    with transaction.atomic():
        run = FilterTestRun.objects.create(
            school=school, by=by, version=version.number, passed=passed, results=results
        )
        record(
            "filter_test.run",
            actor=by,
            obj=run,
            request=request,
            object_repr=f"Filter test {run.pk}",
            detail={"passed": passed, "checks": len(results)},
        )
    return run
