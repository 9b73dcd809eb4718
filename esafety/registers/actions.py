"""Everything in the registers that touches several rows, the audit trail or the directory.

Passwords: ``issue_account`` and ``new_password`` return the plain password to their caller (the view renders
it on the slip and forgets it). It is never saved, logged, audited or e-mailed; the directory gets a salted hash,
held on the push row only until the push succeeds.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone

from esafety.audit.actions import record
from esafety.registers import credentials, directory, gates
from esafety.registers.models import (
    CONFISCATION_STEPS,
    AccessReview,
    Confiscation,
    Device,
    DeviceLoan,
    DirectoryPush,
    NetworkAccount,
    RegisterSettings,
    SecurityAction,
    SecurityReview,
)

logger = logging.getLogger(__name__)
K = NetworkAccount.Kind


class AupMissing(ValueError):
    """Neither a current acknowledgement in esafety nor a paper AUP was recorded."""


class AlreadyIssued(Exception):
    """The form was sent twice (a reload of the slip): the account exists and its password cannot be shown again."""

    def __init__(self, account: NetworkAccount) -> None:
        super().__init__(f"{account.label} was already issued from this form.")
        self.account = account


# --- Network accounts ------------------------------------------------------------------------------------------


def aup_status(person: Any, *, on_paper: bool) -> str:
    """The AUP column of a new account or loan: the online acknowledgement when there is one, else paper."""
    if gates.has_current_aup(person):
        return NetworkAccount.Aup.ONLINE
    if on_paper:
        return NetworkAccount.Aup.PAPER
    if gates.policies_available() and person is not None:
        raise AupMissing(
            "This person has no current Acceptable Use acknowledgement: ask them to acknowledge it, or record "
            "that they signed the paper AUP."
        )
    raise AupMissing("Record that the Acceptable Use Policy was given and signed on paper.")


def network_usernames(school: Any) -> dict[str, int]:
    """Every registered account name of the school with its person, lower-cased, for other rooms to attribute
    what the network logs (the filter's logs). Expired and disabled accounts stay: names are never reused, so an
    old log line still names one person."""
    return {
        username.lower(): person_id
        for username, person_id in NetworkAccount.objects.filter(
            school=school, person__isnull=False
        ).values_list("username", "person_id")
    }


def pick_username(school: Any, *, first: str, last: str, kind: str, today: date | None = None) -> str:
    limits = RegisterSettings.for_school(school)
    pattern = limits.username_pattern if kind == K.STAFF else limits.temporary_username_pattern
    base = credentials.render_username(
        pattern, first=first, last=last, kind=kind, today=today or timezone.localdate()
    )
    taken = set(
        NetworkAccount.objects.filter(school=school, username__startswith=base[:12]).values_list(
            "username", flat=True
        )
    )
    return credentials.unique_username(base, taken.__contains__)


def _queue_push(account: NetworkAccount, operation: str, password: str = "") -> DirectoryPush | None:
    """Record a change the directory must learn, and try it as soon as the transaction commits."""
    if not RegisterSettings.for_school(account.school).directory_configured:
        return None
    from esafety.registers.tasks import push_directory

    push = DirectoryPush.objects.create(
        school=account.school,
        account=account,
        operation=operation,
        password_hash=credentials.ssha(password) if password else "",
    )
    transaction.on_commit(lambda: push_directory.enqueue())
    return push


def issue_account(
    *,
    school: Any,
    issued_by: Any,
    kind: str,
    first_name: str,
    last_name: str,
    person: Any = None,
    organisation: str = "",
    starts_on: date | None = None,
    ends_on: date | None = None,
    requested_by: str = "",
    reason: str = "",
    aup_on_paper: bool = False,
    aup_on: date | None = None,
    form_token: str = "",
    request: Any = None,
) -> tuple[NetworkAccount, str]:
    """Issue a network account; returns it and its password, which the caller shows once and forgets.

    Raises ``AlreadyIssued`` when ``form_token`` already issued an account at this school.
    """
    if form_token:
        earlier = NetworkAccount.objects.filter(school=school, form_token=form_token).first()
        if earlier is not None:
            raise AlreadyIssued(earlier)
    if kind != K.STAFF and ends_on is None:
        raise ValueError("A temporary account needs its last day.")
    if kind in NetworkAccount.ON_REQUEST and not (requested_by.strip() and reason.strip()):
        raise ValueError("Record who asked for the account and why.")
    aup = aup_status(person, on_paper=aup_on_paper)
    limits = RegisterSettings.for_school(school)
    password = credentials.generate_password(limits.password_length)
    for _ in range(5):  # two offices issuing "visitor.sams" at once: the loser takes the next number
        username = pick_username(school, first=first_name, last=last_name, kind=kind)
        try:
            with transaction.atomic():
                account = NetworkAccount.objects.create(
                    school=school,
                    kind=kind,
                    person=person,
                    first_name=first_name.strip(),
                    last_name=last_name.strip(),
                    organisation=organisation,
                    username=username,
                    starts_on=starts_on or timezone.localdate(),
                    ends_on=ends_on,
                    requested_by=requested_by,
                    reason=reason,
                    aup=aup,
                    aup_on=aup_on or timezone.localdate(),
                    issued_by=issued_by,
                    form_token=form_token[:40],
                )
                record(
                    "network_account.issue",
                    actor=issued_by,
                    obj=account,
                    request=request,
                    detail={"kind": kind, "ends_on": ends_on, "aup": aup},
                )
                _queue_push(account, DirectoryPush.Operation.CREATE, password)
        except IntegrityError:
            if form_token and NetworkAccount.objects.filter(school=school, form_token=form_token).exists():
                raise AlreadyIssued(
                    NetworkAccount.objects.get(school=school, form_token=form_token)
                ) from None
            continue
        return account, password
    raise RuntimeError("could not find a free user name")


def new_password(account: NetworkAccount, *, by: Any, request: Any = None) -> str:
    if account.status != NetworkAccount.Status.ACTIVE:
        raise ValueError(f"{account.label} is {account.get_status_display().lower()}.")
    password = credentials.generate_password(RegisterSettings.for_school(account.school).password_length)
    with transaction.atomic():
        account.password_set_at = timezone.now()
        account.save(update_fields=["password_set_at"])
        record("network_account.new_password", actor=by, obj=account, request=request)
        _queue_push(account, DirectoryPush.Operation.PASSWORD, password)
    return password


def disable_account(account: NetworkAccount, *, by: Any, reason: str, request: Any = None) -> None:
    if account.status != NetworkAccount.Status.ACTIVE:
        raise ValueError(f"{account.label} is already {account.get_status_display().lower()}.")
    with transaction.atomic():
        account.close(NetworkAccount.Status.DISABLED, by=by, reason=reason)
        record("network_account.disable", actor=by, obj=account, request=request, detail={"reason": reason})
        _queue_push(account, DirectoryPush.Operation.DISABLE)


def expire_due_accounts(today: date | None = None) -> int:
    """Close every active account whose last day has passed, at every school; the expiry is audited."""
    today = today or timezone.localdate()
    count = 0
    for account in NetworkAccount.objects.past_end(today).select_related("school"):
        with transaction.atomic():
            account.close(NetworkAccount.Status.EXPIRED, reason=f"last day was {account.ends_on:%d %b %Y}")
            record("network_account.expire", obj=account, detail={"ends_on": account.ends_on})
            _queue_push(account, DirectoryPush.Operation.EXPIRE)
        count += 1
    return count


def push_directory_changes(school: Any = None) -> dict[str, int]:
    """Send every waiting or failed push, oldest first; an account's later pushes wait for its earlier ones."""
    pushes = DirectoryPush.objects.exclude(status=DirectoryPush.Status.DONE).select_related(
        "account", "school"
    )
    if school is not None:
        pushes = pushes.filter(school=school)
    result = {"done": 0, "failed": 0}
    by_school: dict[int, list[DirectoryPush]] = {}
    for push in pushes.order_by("created_at", "id"):
        by_school.setdefault(push.school_id, []).append(push)
    for rows in by_school.values():
        limits = RegisterSettings.for_school(rows[0].school)
        blocked: set[int] = set()
        connection = None
        error = ""
        try:
            connection = directory.connect(limits)
        except directory.DirectoryError as exc:
            error = str(exc)
        for push in rows:
            push.attempts += 1
            push.tried_at = timezone.now()
            if connection is None or push.account_id in blocked:
                push.status, push.last_error = (
                    DirectoryPush.Status.FAILED,
                    (error or "waiting for an earlier change to this account")[:500],
                )
            else:
                try:
                    directory.apply(connection, push, limits)
                except directory.DirectoryError as exc:
                    blocked.add(push.account_id)
                    push.status, push.last_error = DirectoryPush.Status.FAILED, str(exc)[:500]
                else:
                    push.status, push.last_error, push.done_at = DirectoryPush.Status.DONE, "", timezone.now()
                    push.password_hash = ""  # the directory has it now
            push.save(
                update_fields=["status", "attempts", "tried_at", "last_error", "done_at", "password_hash"]
            )
            result["done" if push.status == DirectoryPush.Status.DONE else "failed"] += 1
            if push.status == DirectoryPush.Status.FAILED:
                # The error names the account and the directory's answer, never a password.
                logger.warning("directory push %s failed: %s", push.pk, push.last_error)
        if connection is not None:
            connection.unbind()
    return result


# --- Devices ---------------------------------------------------------------------------------------------------


def issue_device(
    device: Device, *, person: Any, condition: str, by: Any, aup_on_paper: bool = False, request: Any = None
) -> DeviceLoan:
    if device.loans.filter(returned_at__isnull=True).exists():
        raise ValueError(f"{device.label} is already issued: record its return first.")
    aup = aup_status(person, on_paper=aup_on_paper)
    with transaction.atomic():
        loan = DeviceLoan.objects.create(
            school=device.school,
            device=device,
            person=person,
            issued_by=by,
            issued_condition=condition,
            aup=aup,
        )
        device.holder = person
        device.save(update_fields=["holder"])
        record("device.issue", actor=by, obj=device, request=request, detail={"condition": condition})
    return loan


def return_device(device: Device, *, condition: str, by: Any, request: Any = None) -> DeviceLoan:
    loan = device.loans.filter(returned_at__isnull=True).first()
    if loan is None:
        raise ValueError(f"{device.label} is not issued to anyone.")
    with transaction.atomic():
        loan.returned_at, loan.returned_by, loan.returned_condition = timezone.now(), by, condition
        loan.save(update_fields=["returned_at", "returned_by", "returned_condition"])
        device.holder = None
        device.save(update_fields=["holder"])
        record("device.return", actor=by, obj=device, request=request, detail={"condition": condition})
    return loan


@dataclass
class ImportReport:
    rows: list[tuple[int, str, str]] = field(default_factory=list)  # (line, asset tag, outcome)
    errors: list[tuple[int, str]] = field(default_factory=list)  # (line or 0 for the file, message)

    @property
    def ok(self) -> bool:
        return not self.errors

    def count(self, outcome: str) -> int:
        return sum(1 for _, _, seen in self.rows if seen == outcome)

    @property
    def counts(self) -> dict[str, int]:
        return {outcome: self.count(outcome) for outcome in ("created", "updated", "unchanged")}


def import_devices(school: Any, text: str, *, by: Any, request: Any = None) -> ImportReport:
    """Create or update devices from an AV console's or MDM's CSV: every row checked first, then all saved in one
    transaction, or nothing at all if any row is wrong. A second import of the same file changes nothing."""
    from esafety.registers.importer import parse_devices

    report, parsed = parse_devices(text)
    if not report.ok:
        return report
    existing = {device.asset_tag.lower(): device for device in Device.objects.filter(school=school)}
    with transaction.atomic():
        for line, values in parsed:
            tag = values["asset_tag"]
            device = existing.get(tag.lower())
            if device is None:
                device = Device.objects.create(school=school, **{"kind": Device.Kind.LAPTOP, **values})
                report.rows.append((line, tag, "created"))
                continue
            changed = [
                name
                for name, value in values.items()
                if name != "asset_tag" and value != getattr(device, name)
            ]
            if not changed:
                report.rows.append((line, tag, "unchanged"))
                continue
            for name in changed:
                setattr(device, name, values[name])
            device.save(update_fields=changed)
            report.rows.append((line, tag, "updated"))
        record(
            "device.import",
            actor=by,
            school=school,
            request=request,
            object_repr="Device import",
            detail=report.counts,
        )
    return report


# --- Confiscations ---------------------------------------------------------------------------------------------


def record_confiscation(*, school: Any, by: Any, request: Any = None, **values: Any) -> Confiscation:
    with transaction.atomic():
        number = (Confiscation.objects.filter(school=school).aggregate(Max("number"))["number__max"] or 0) + 1
        confiscation = Confiscation.objects.create(school=school, number=number, recorded_by=by, **values)
        record(
            "confiscation.record",
            actor=by,
            obj=confiscation,
            request=request,
            detail={"incident": confiscation.incident_id, "authorised_by": confiscation.authorised_by_id},
        )
    return confiscation


def take_confiscation_step(
    confiscation: Confiscation,
    step: str,
    *,
    by: Any,
    note: str = "",
    to: str = "",
    on: date | None = None,
    searched_by: str = "",
    request: Any = None,
) -> None:
    transition = CONFISCATION_STEPS[step]
    if confiscation.status not in transition.sources:
        raise ValueError(
            f"{confiscation.label} is {confiscation.get_status_display().lower()}: “{transition.label}” does not apply."
        )
    if transition.reason_required and not note.strip():
        raise ValueError("Give the reason.")
    now = timezone.now()
    changes: dict[str, Any] = {}
    if step == "search":
        changes = {"searched_at": now, "searched_by": searched_by or str(by), "search_note": note}
    elif step == "inform_parents":
        changes = {"parents_informed_on": on or timezone.localdate(), "parents_note": note[:300]}
    elif step == "hand_to_police":
        changes = {"police_at": now, "police_to": to}
    elif step == "return":
        changes = {"returned_at": now, "returned_to": to}
    if transition.target:
        changes["status"] = transition.target
    with transaction.atomic():
        for name, value in changes.items():
            setattr(confiscation, name, value)
        confiscation.save(update_fields=list(changes))
        record(f"confiscation.{step}", actor=by, obj=confiscation, request=request, detail={"note": note})


# --- Access and security reviews -------------------------------------------------------------------------------


def sign_off_access_review(
    *, school: Any, by: Any, notes: str, findings: dict[str, Any], request: Any = None
) -> AccessReview:
    with transaction.atomic():
        review = AccessReview.objects.create(school=school, signed_off_by=by, notes=notes, findings=findings)
        record("access_review.sign_off", actor=by, obj=review, request=request, detail=findings)
    return review


def save_security_review(review: SecurityReview, *, by: Any, request: Any = None) -> SecurityReview:
    created = review.pk is None
    with transaction.atomic():
        review.save()
        record(
            "security_review.create" if created else "security_review.update",
            actor=by,
            obj=review,
            request=request,
        )
    return review


def add_security_action(
    review: SecurityReview, *, by: Any, request: Any = None, **values: Any
) -> SecurityAction:
    with transaction.atomic():
        action = SecurityAction.objects.create(school=review.school, review=review, **values)
        record("security_action.add", actor=by, obj=action, request=request, detail={"review": review.pk})
    return action


def complete_security_action(action: SecurityAction, *, by: Any, request: Any = None) -> None:
    with transaction.atomic():
        action.done_on = timezone.localdate()
        action.save(update_fields=["done_on"])
        record("security_action.done", actor=by, obj=action, request=request)


def save_record(
    obj: Any, *, by: Any, verb: str, request: Any = None, detail: dict[str, Any] | None = None
) -> Any:
    """Save one simple register row (device, exception, authorisation) with its audit entry."""
    with transaction.atomic():
        obj.save()
        record(f"{obj._meta.model_name}.{verb}", actor=by, obj=obj, request=request, detail=detail)
    return obj
