"""Everything a transfer does, at both ends: the row, the file, the audit entry, together.

Sending: ``start_transfer`` → ``send_to_instance`` (handshake with the code, seal, upload) or ``prepare_archive``
(age passphrase archive with the PDF, passphrase shown once); then ``check_status`` brings back the receiving
school's answer and verifies its signed receipt, or ``record_receipt`` notes an archive's receipt by hand.
Receiving: ``expect_transfer`` (the code, shown once) → ``receive_bundle`` (the API) → ``open_incoming`` (viewed)
→ ``accept_incoming`` (imported against the pupil, signed receipt) or ``reject_incoming``.
"""

from __future__ import annotations

import hashlib
import io
import json
import secrets
import zipfile
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

import pyrage
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from esafety.audit.actions import record
from esafety.audit.models import AuditEntry
from esafety.core.schooldays import school_days_after
from esafety.people.models import Person
from esafety.transfers import bundle, client, crypto
from esafety.transfers.keys import instance_keys
from esafety.transfers.models import (
    MAX_ATTEMPTS,
    WORKFLOW,
    IncomingTransfer,
    Method,
    Status,
    Step,
    Transfer,
    TransferredFile,
    TransferredRecord,
    WorkflowError,
)
from esafety.transfers.pdf import transfer_pdf

if TYPE_CHECKING:
    from django.http import HttpRequest

    from esafety.accounts.models import User
    from esafety.people.models import School

# No 0/O, 1/I/L: read aloud over the phone without doubt.
ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_DAYS = 14


class TransferError(Exception):
    """A step could not be taken; the message says why, in words for the DSL."""


class CodeRefused(Exception):
    """The code is wrong, already used, expired or spent on too many bad bundles (one answer for all four)."""


def _grouped(length: int) -> str:
    raw = "".join(secrets.choice(ALPHABET) for _ in range(length))
    return "-".join(raw[i : i + 4] for i in range(0, length, 4))


def normalise_code(code: str) -> str:
    return "".join(ch for ch in code.upper() if ch.isalnum())


def code_digest(code: str) -> str:
    # 80 random bits: a plain hash is enough, nobody can search that space to reverse it.
    return hashlib.sha256(normalise_code(code).encode()).hexdigest()


def _token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _audit(
    action: str, obj: Any, *, by: User | None = None, request: HttpRequest | None = None, **detail: Any
) -> None:
    record(
        action,
        actor=by,
        obj=obj,
        request=request,
        object_repr=obj.label,
        detail=detail or None,
        kind=AuditEntry.Kind.EXPORT if action in _EXPORTS else AuditEntry.Kind.CHANGE,
    )


_EXPORTS = {"transfer.send", "transfer.archive", "transfer.archive_download"}


# --- Sending -----------------------------------------------------------------------------------------------


def start_transfer(
    *,
    school: School,
    person: Person,
    by: User,
    method: str,
    leaving_date: date,
    destination: str,
    destination_url: str = "",
    include_restricted: bool = False,
    request: HttpRequest | None = None,
) -> Transfer:
    """A pending transfer of ``person``'s file; ``include_restricted`` is the DSL's explicit confirmation that
    reports about staff involving the pupil go too (recorded with who confirmed it)."""
    with transaction.atomic():
        transfer = Transfer.objects.create(
            school=school,
            person=person,
            method=method,
            leaving_date=leaving_date,
            due_on=school_days_after(leaving_date, 5),
            destination=destination,
            destination_url=destination_url,
            include_restricted=include_restricted,
            restricted_confirmed_by=by if include_restricted else None,
            created_by=by,
        )
        if person.left_on is None:
            Person.objects.filter(pk=person.pk).update(left_on=leaving_date)
        _audit(
            "transfer.start",
            transfer,
            by=by,
            request=request,
            person=person.pk,
            method=method,
            destination=destination,
            restricted_included=include_restricted,
        )
    return transfer


def _take(
    transfer: Transfer,
    step: Step,
    *,
    by: User | None,
    request: HttpRequest | None,
    reason: str = "",
    **changes: Any,
) -> None:
    transition = WORKFLOW[step]
    if transition.reason_required and not reason.strip():
        raise TransferError("Say why.")
    if transfer.method not in transition.methods:
        raise TransferError(f"“{transition.label}” does not apply to this kind of transfer.")
    if transition.reason_required:
        changes["reason"] = reason.strip()
    try:
        with transaction.atomic():
            transfer.step(step, **changes)
            _audit(
                transition.audit, transfer, by=by, request=request, **({"reason": reason} if reason else {})
            )
    except WorkflowError as exc:
        raise TransferError(str(exc)) from None


def _count(transfer: Transfer, packed: bundle.Packed) -> dict[str, Any]:
    return {
        "incidents": len(packed.document["incidents"]),
        "evidence_files": len(packed.files),
    }


def send_to_instance(
    transfer: Transfer,
    *,
    code: str,
    by: User,
    request: HttpRequest | None = None,
    transport: client.Transport = client.urllib_transport,
) -> Transfer:
    """Fetch the receiving instance's keys with ``code``, seal the file to it and upload it.

    A refused handshake (a mistyped code) leaves the transfer pending, to try again; a failure after the
    handshake marks it failed with the reason, since the receiving school may have to issue a new code."""
    if transfer.method != Method.INSTANCE or not transfer.can_step(Step.SEND):
        raise TransferError(f"{transfer.label} cannot be sent now.")
    base = client.check_address(transfer.destination_url)
    try:
        keys = client.handshake(base, code, transport)
        agreement, signing = str(keys["agreement_key"]), str(keys["signing_key"])
    except (client.RemoteError, KeyError) as exc:
        _audit("transfer.send_refused", transfer, by=by, request=request, error=str(exc))
        raise TransferError(f"The receiving school did not accept the code: {exc}") from None
    packed = bundle.gather(transfer)
    sealed = crypto.seal(bundle.pack(packed), agreement)
    try:
        answer = client.upload(base, code, sealed, transport)
        token = str(answer["status_token"])
    except (client.RemoteError, KeyError) as exc:
        _take(transfer, Step.FAIL, by=by, request=request, reason=f"Upload refused or failed: {exc}")
        raise TransferError(f"The file could not be delivered: {exc}") from None
    _take(
        transfer,
        Step.SEND,
        by=by,
        request=request,
        sent_at=timezone.now(),
        bundle_sha256=crypto.digest(sealed),
        receiver_signing_key=signing,
        receiver_school=str(keys.get("school", ""))[:200],
        status_url=base + client.STATUS,
        status_token=token,
        **_count(transfer, packed),
    )
    return transfer


def prepare_archive(transfer: Transfer, *, by: User, request: HttpRequest | None = None) -> str:
    """Seal the file (transfer.json, the PDF, the evidence) in an age archive under a new passphrase and mark
    the transfer sent. Returns the passphrase: it is shown once and kept nowhere."""
    if transfer.method != Method.ARCHIVE or not transfer.can_step(Step.SEND):
        raise TransferError(f"{transfer.label} cannot be prepared now.")
    packed = bundle.gather(transfer)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(bundle.DOCUMENT, json.dumps(packed.document, indent=2, ensure_ascii=False))
        archive.writestr("safeguarding-file.pdf", transfer_pdf(packed.document))
        for name, data in sorted(packed.files.items()):
            archive.writestr(name, data)
    passphrase = _grouped(24)
    sealed = pyrage.passphrase.encrypt(buffer.getvalue(), passphrase)
    with transaction.atomic():
        transfer.archive.save("archive.age", ContentFile(sealed), save=False)
        Transfer.objects.filter(pk=transfer.pk).update(archive=transfer.archive.name)
        _take(
            transfer,
            Step.SEND,
            by=by,
            request=request,
            sent_at=timezone.now(),
            bundle_sha256=crypto.digest(sealed),
            **_count(transfer, packed),
        )
        _audit("transfer.archive", transfer, by=by, request=request, bundle_sha256=transfer.bundle_sha256)
    return passphrase


def record_receipt(
    transfer: Transfer, *, by: User, received_by: str, received_on: date, request: HttpRequest | None = None
) -> None:
    if not received_by.strip():
        raise TransferError("Say who at the receiving school confirmed receipt.")
    _take(
        transfer,
        Step.RECORD_RECEIPT,
        by=by,
        request=request,
        received_by=received_by.strip(),
        decided_at=timezone.now(),
        receipt={
            "recorded_by_hand": True,
            "received_by": received_by.strip(),
            "received_on": received_on.isoformat(),
        },
    )


def fail_transfer(transfer: Transfer, *, by: User, reason: str, request: HttpRequest | None = None) -> None:
    _take(transfer, Step.FAIL, by=by, request=request, reason=reason)


def restart_transfer(transfer: Transfer, *, by: User, request: HttpRequest | None = None) -> None:
    """Back to pending to send again (a new code from the receiving school, or a new archive)."""
    if transfer.archive:
        transfer.archive.delete(save=False)
    _take(
        transfer,
        Step.RESTART,
        by=by,
        request=request,
        archive="",
        status_token="",
        status_url="",
        bundle_sha256="",
        sent_at=None,
        viewed_at=None,
    )


def check_status(
    transfer: Transfer,
    *,
    request: HttpRequest | None = None,
    transport: client.Transport = client.urllib_transport,
) -> Transfer:
    """Ask the receiving instance how the transfer stands and take the steps its answer implies. An acceptance
    counts only with a receipt that verifies with the key pinned at the handshake and names the bundle sent."""
    if transfer.method != Method.INSTANCE or transfer.status not in (Status.SENT, Status.VIEWED):
        return transfer
    answer = client.fetch_status(transfer.status_url, transfer.status_token, transport)
    remote = answer.get("status")
    if remote in (Status.VIEWED, Status.ACCEPTED, Status.REJECTED) and transfer.status == Status.SENT:
        _take(transfer, Step.VIEW, by=None, request=request, viewed_at=timezone.now())
    if remote == Status.ACCEPTED:
        receipt, signature = answer.get("receipt"), str(answer.get("receipt_signature", ""))
        try:
            if not isinstance(receipt, dict):
                raise crypto.ReceiptInvalid("no receipt came with the acceptance")
            crypto.verify_receipt(receipt, signature, transfer.receiver_signing_key, transfer.bundle_sha256)
        except crypto.ReceiptInvalid as exc:
            _audit("transfer.receipt_invalid", transfer, request=request, error=str(exc))
            raise TransferError(f"The receiving school's receipt was refused: {exc}") from None
        _take(
            transfer,
            Step.ACCEPT,
            by=None,
            request=request,
            receipt=receipt,
            receipt_signature=signature,
            receipt_verified_at=timezone.now(),
            decided_at=timezone.now(),
        )
    elif remote == Status.REJECTED:
        _take(
            transfer,
            Step.REJECT,
            by=None,
            request=request,
            reason=str(answer.get("reason") or "No reason given"),
            decided_at=timezone.now(),
        )
    return transfer


def check_sent_transfers(transport: client.Transport = client.urllib_transport) -> int:
    """The scheduler's round: every transfer awaiting an answer is asked once; one unreachable school does
    not stop the others."""
    checked = 0
    waiting = Transfer.objects.filter(method=Method.INSTANCE, status__in=(Status.SENT, Status.VIEWED))
    for transfer in waiting.select_related("school"):
        try:
            check_status(transfer, transport=transport)
            checked += 1
        except (client.RemoteError, TransferError):
            continue
    return checked


# --- Receiving ---------------------------------------------------------------------------------------------


def expect_transfer(
    *, school: School, by: User, expected_from: str, pupil_name: str = "", request: HttpRequest | None = None
) -> tuple[IncomingTransfer, str]:
    """A new expected transfer and its code (``XXXX-XXXX-XXXX-XXXX``): returned once, stored only as a digest."""
    code = _grouped(16)
    with transaction.atomic():
        incoming = IncomingTransfer.objects.create(
            school=school,
            expected_from=expected_from,
            pupil_name=pupil_name,
            code_digest=code_digest(code),
            code_hint=normalise_code(code)[-4:],
            expires_at=timezone.now() + timedelta(days=CODE_DAYS),
            created_by=by,
        )
        _audit("transfer.expect", incoming, by=by, request=request, expected_from=expected_from)
    return incoming, code


def find_by_code(code: str) -> IncomingTransfer:
    incoming = IncomingTransfer.objects.select_related("school").filter(code_digest=code_digest(code)).first()
    if incoming is None or not incoming.usable:
        raise CodeRefused("This transfer code is wrong, already used or expired.")
    return incoming


def receive_bundle(
    code: str, sealed: bytes, *, request: HttpRequest | None = None
) -> tuple[IncomingTransfer, str]:
    """Take a sealed bundle delivered with ``code``. It must open with this instance's key and be a well-formed
    transfer; then the code is spent and a status token returned. A bad bundle counts against the code."""
    with transaction.atomic():
        incoming = find_by_code(code)
        incoming = IncomingTransfer.objects.select_for_update().get(pk=incoming.pk)
        if not incoming.usable:  # someone else used it between the two reads
            raise CodeRefused("This transfer code is wrong, already used or expired.")
        try:
            packed = bundle.unpack(crypto.open_sealed(sealed, instance_keys()))
        except (crypto.BundleRefused, bundle.BundleInvalid) as exc:
            attempts = incoming.failed_attempts + 1
            IncomingTransfer.objects.filter(pk=incoming.pk).update(
                failed_attempts=attempts, **({"status": Status.FAILED} if attempts >= MAX_ATTEMPTS else {})
            )
            _audit("transfer.bundle_refused", incoming, request=request, error=str(exc), attempts=attempts)
            refused: Exception | None = exc
        else:
            refused = None
            token = secrets.token_urlsafe(32)
            pupil = packed.document["pupil"]
            incoming.sealed.save("bundle.bin", ContentFile(sealed), save=False)
            incoming.used_at = timezone.now()
            incoming.status = Status.SENT
            incoming.status_token_digest = _token_digest(token)
            incoming.bundle_sha256 = crypto.digest(sealed)
            incoming.sender_school = str(packed.document.get("from_school", {}).get("name", ""))[:200]
            incoming.upn = str(pupil.get("upn") or "")[:20]
            incoming.arrived_pupil = f"{pupil.get('first_name', '')} {pupil.get('last_name', '')}".strip()[
                :200
            ]
            incoming.save()
            _audit(
                "transfer.received",
                incoming,
                request=request,
                sender=incoming.sender_school,
                bundle_sha256=incoming.bundle_sha256,
                incidents=len(packed.document["incidents"]),
            )
    if refused is not None:
        raise refused
    return incoming, token


def open_incoming(
    incoming: IncomingTransfer, *, by: User, request: HttpRequest | None = None
) -> bundle.Packed:
    """The arrived file, decrypted for reading. The first opening marks it viewed (which the sender sees)."""
    if not incoming.sealed:
        raise TransferError(f"{incoming.label} holds no file.")
    with incoming.sealed.open("rb") as handle:
        packed = bundle.unpack(crypto.open_sealed(handle.read(), instance_keys()))
    with transaction.atomic():
        if incoming.status == Status.SENT:
            now = timezone.now()
            if IncomingTransfer.objects.filter(pk=incoming.pk, status=Status.SENT).update(
                status=Status.VIEWED, viewed_at=now
            ):
                incoming.status, incoming.viewed_at = Status.VIEWED, now
        record(
            "transfer.incoming.view",
            actor=by,
            obj=incoming,
            request=request,
            kind=AuditEntry.Kind.VIEW,
            object_repr=incoming.label,
        )
    return packed


def _decide(incoming: IncomingTransfer, status: str, **changes: Any) -> None:
    updated = IncomingTransfer.objects.filter(pk=incoming.pk, status__in=(Status.SENT, Status.VIEWED)).update(
        status=status, **changes
    )
    if updated != 1:
        raise TransferError(f"{incoming.label} was already decided.")
    for name, value in changes.items():
        setattr(incoming, name, value)
    incoming.status = status


def _drop_sealed(incoming: IncomingTransfer) -> None:
    """After the decision is committed: the file on disk goes, and only the ``sealed`` column is cleared."""
    if incoming.sealed:
        incoming.sealed.storage.delete(incoming.sealed.name)
    IncomingTransfer.objects.filter(pk=incoming.pk).update(sealed="")


def _match_pupil(school: School, pupil: dict[str, Any]) -> tuple[Person, bool]:
    upn = str(pupil.get("upn") or "")[:64]
    if upn:
        found = Person.objects.filter(school=school, kind=Person.Kind.PUPIL, mis_id=upn).first()
        if found is not None:
            return found, False
        # The UPN belongs to someone here who is not a pupil: a new pupil, without taking their identifier.
        if Person.objects.filter(school=school, mis_id=upn).exists():
            upn = ""
    try:
        born = date.fromisoformat(str(pupil.get("date_of_birth") or ""))
    except ValueError:  # none, or not a date: the pupil is filed without one rather than refused
        born = None
    person = Person.objects.create(
        school=school,
        kind=Person.Kind.PUPIL,
        mis_id=upn,
        first_name=str(pupil.get("first_name") or "")[:100] or "Unknown",
        last_name=str(pupil.get("last_name"))[:100],
        preferred_name=str(pupil.get("preferred_name") or "")[:100],
        year_group=str(pupil.get("year_group") or "")[:20],
        date_of_birth=born,
    )
    return person, True


def accept_incoming(
    incoming: IncomingTransfer, *, by: User, request: HttpRequest | None = None
) -> TransferredRecord:
    """Import the file against the pupil (matched by UPN, else a new pupil), read-only, and sign the receipt
    the sending school will fetch. The sealed bundle is deleted: what it held now lives in the record."""
    packed = open_incoming(incoming, by=by, request=request)
    now = timezone.now()
    with transaction.atomic():
        person, created = _match_pupil(incoming.school, packed.document["pupil"])
        receipt = {
            "bundle_sha256": incoming.bundle_sha256,
            "accepted_at": now.isoformat(),
            "receiving_school": incoming.school.name,
            "receiving_urn": incoming.school.urn,
            "pupil_upn": incoming.upn,
        }
        signature = crypto.sign_receipt(receipt, instance_keys())
        _decide(
            incoming,
            Status.ACCEPTED,
            decided_by=by,
            decided_at=now,
            receipt=receipt,
            receipt_signature=signature,
        )
        kept = TransferredRecord.objects.create(
            school=incoming.school,
            person=person,
            incoming=incoming,
            from_school=incoming.sender_school,
            transferred_on=timezone.localdate(now),
            content=packed.document,
        )
        listed = {
            item["file"]: item for entry in packed.document["incidents"] for item in entry.get("evidence", [])
        }
        for name, data in packed.files.items():
            item = listed[name]
            stored = TransferredFile(
                record=kept,
                school=incoming.school,
                key=name,
                original_name=str(item.get("name") or name)[:200],
                content_type=str(item.get("content_type") or "application/octet-stream")[:60],
                size=len(data),
                sha256=crypto.digest(data),
            )
            stored.file.save("file.bin", ContentFile(data), save=False)
            stored.save()
        _audit(
            "transfer.incoming.accept",
            incoming,
            by=by,
            request=request,
            person=person.pk,
            new_pupil=created,
            bundle_sha256=incoming.bundle_sha256,
        )
        transaction.on_commit(lambda: _drop_sealed(incoming))
    return kept


def reject_incoming(
    incoming: IncomingTransfer, *, by: User, reason: str, request: HttpRequest | None = None
) -> None:
    """Refuse the file (the wrong pupil, not ours): the sending school sees the reason; nothing is kept here."""
    if not reason.strip():
        raise TransferError("Say why the file is rejected: the sending school will see it.")
    with transaction.atomic():
        _decide(incoming, Status.REJECTED, decided_by=by, decided_at=timezone.now(), reason=reason.strip())
        _audit("transfer.incoming.reject", incoming, by=by, request=request, reason=reason.strip())
        transaction.on_commit(lambda: _drop_sealed(incoming))


def status_for(token: str) -> IncomingTransfer | None:
    if not token:
        return None
    return IncomingTransfer.objects.filter(status_token_digest=_token_digest(token)).first()
