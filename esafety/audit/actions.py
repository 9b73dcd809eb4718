"""Writing to and checking the audit trail.

``record()`` is the only way entries are written. It runs inside the caller's transaction, so a change and its
audit entry are committed together or not at all.
"""

from __future__ import annotations

import hmac
import ipaddress
import json
from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from django.db import connection, transaction
from django.db.models import Model

from esafety.audit.models import GENESIS_HASH, AuditEntry, ChainCheck

if TYPE_CHECKING:
    from django.http import HttpRequest

    from esafety.people.models import School

# An arbitrary constant that names the audit chain's PostgreSQL advisory lock.
_ADVISORY_LOCK_KEY = 7_310_275_001


def client_ip(request: HttpRequest | None) -> str | None:
    if request is None:
        return None
    # REMOTE_ADDR only: X-Forwarded-For is set by whoever sends the request. Behind a proxy, the proxy's
    # address is recorded unless the deployment rewrites REMOTE_ADDR (e.g. gunicorn --forwarded-allow-ips).
    raw = request.META.get("REMOTE_ADDR") or ""
    try:
        return str(ipaddress.ip_address(raw))
    except ValueError:
        return None


def _lock_chain() -> None:
    """Serialise appends so that two writers never link to the same previous entry."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_ADVISORY_LOCK_KEY])
    # SQLite: every transaction begins IMMEDIATE (see settings), so the writer already holds the database lock.


def record(
    action: str,
    *,
    actor: Any = None,
    obj: Model | None = None,
    school: School | None = None,
    request: HttpRequest | None = None,
    kind: str = AuditEntry.Kind.CHANGE,
    detail: dict[str, Any] | None = None,
    object_repr: str | None = None,
) -> AuditEntry:
    """Append one entry. ``obj`` names the record; ``object_repr`` overrides its label.

    Labels must not carry restricted details: use a reference ("Incident #42"), never a description.
    """
    if actor is None and request is not None and request.user.is_authenticated:
        actor = request.user
    if school is None and obj is not None:
        school = getattr(obj, "school", None)
    if school is None and request is not None:
        school = getattr(request, "school", None)
    # Round-trip through JSON now so the hash covers exactly what the database will give back.
    clean_detail = json.loads(json.dumps(detail or {}, default=str, sort_keys=True))
    with transaction.atomic():
        _lock_chain()
        last = AuditEntry.objects.order_by("-seq").values_list("seq", "hash").first()
        seq, prev_hash = (last[0] + 1, last[1]) if last else (1, GENESIS_HASH)
        entry = AuditEntry(
            seq=seq,
            kind=kind,
            actor=actor if getattr(actor, "pk", None) else None,
            actor_name=(getattr(actor, "username", "") or "system")[:150],
            school=school,
            action=action,
            object_type=obj._meta.label_lower if obj is not None else "",
            object_id=str(obj.pk) if obj is not None else "",
            object_repr=(object_repr if object_repr is not None else (str(obj) if obj is not None else ""))[
                :200
            ],
            ip=client_ip(request),
            detail=clean_detail,
            prev_hash=prev_hash,
        )
        entry.hash = entry.compute_hash()
        entry.seal = entry.compute_seal()
        entry.save(force_insert=True)
    return entry


def record_view(
    request: HttpRequest, obj: Model, *, object_repr: str | None = None, **detail: Any
) -> AuditEntry:
    """Note that the signed-in user looked at a restricted record."""
    return record(
        f"{obj._meta.model_name}.view",
        obj=obj,
        request=request,
        kind=AuditEntry.Kind.VIEW,
        detail=detail or None,
        object_repr=object_repr,
    )


@dataclass(frozen=True)
class ChainBreak:
    seq: int
    reason: str


@dataclass(frozen=True)
class ChainReport:
    checked: int
    head_hash: str
    first_break: ChainBreak | None
    sealed: int = 0  # entries with a valid seal (the rest predate seals)

    @property
    def ok(self) -> bool:
        return self.first_break is None


# Entries are dated when written, under the chain lock, so each is no older than the one before; a server clock
# stepped back by NTP is allowed this much before an entry counts as out of order.
CLOCK_SKEW = timedelta(seconds=60)


def verify_chain(batch_size: int = 5000) -> ChainReport:
    """Walk the chain from the first entry and report the first link that does not hold.

    Detects: an edited entry (its hash no longer matches its content), a deleted or inserted entry (a gap in
    ``seq`` or a ``prev_hash`` that is not the previous entry's hash), reordered entries (both), an entry dated
    before the one it follows, a forged tail (hashes recomputed, but no valid seal: the key is not in the
    database), and entries cut off the end (the chain is shorter, or its entry at the last recorded check's
    length has another hash, than that check recorded).
    """
    expected_seq, prev_hash, checked, sealed = 1, GENESIS_HASH, 0, 0
    previous_at = None
    queryset = AuditEntry.objects.order_by("seq")
    last_seq = 0
    recorded = ChainCheck.objects.filter(ok=True).order_by("-checked", "-at").first()

    def broken(seq: int, reason: str) -> ChainReport:
        return ChainReport(checked, prev_hash, ChainBreak(seq, reason), sealed)

    while True:
        batch = list(queryset.filter(seq__gt=last_seq)[:batch_size])
        if not batch:
            break
        for entry in batch:
            if entry.seq != expected_seq:
                return broken(expected_seq, f"entry #{expected_seq} is missing (next entry is #{entry.seq})")
            if entry.prev_hash != prev_hash:
                return broken(
                    entry.seq,
                    f"entry #{entry.seq} does not link to the entry before it (deleted, inserted or reordered)",
                )
            if entry.compute_hash() != entry.hash:
                return broken(
                    entry.seq,
                    f"entry #{entry.seq} was changed after it was written (its hash no longer matches)",
                )
            if entry.seal is None:
                if sealed:
                    return broken(
                        entry.seq, f"entry #{entry.seq} carries no seal though earlier entries do (forged)"
                    )
            elif not hmac.compare_digest(entry.seal, entry.compute_seal()):
                return broken(
                    entry.seq,
                    f"entry #{entry.seq} has a seal that does not match (forged, or the audit key changed)",
                )
            else:
                sealed += 1
            if previous_at is not None and entry.at < previous_at - CLOCK_SKEW:
                return broken(
                    entry.seq, f"entry #{entry.seq} is dated before the entry it follows (inserted)"
                )
            if recorded is not None and entry.seq == recorded.checked and entry.hash != recorded.head_hash:
                return broken(
                    entry.seq,
                    f"entry #{entry.seq} differs from the head recorded by the check of "
                    f"{recorded.at:%d %b %Y %H:%M} (the trail was rewritten from there on)",
                )
            prev_hash, expected_seq, last_seq, previous_at = entry.hash, entry.seq + 1, entry.seq, entry.at
            checked += 1
    if recorded is not None and checked < recorded.checked:
        return broken(
            checked + 1,
            f"the trail has {checked} entries but the check of {recorded.at:%d %b %Y %H:%M} verified "
            f"{recorded.checked}: entries were cut off the end",
        )
    if recorded is not None and recorded.sealed and not sealed:
        return broken(1, "no entry carries a seal though an earlier check found sealed entries (rewritten)")
    return ChainReport(checked=checked, head_hash=prev_hash, first_break=None, sealed=sealed)
