"""Filter logs into counts, blocked events and items for the Co-ordinator, through the engine's parsers.

A log file is read from where the last run stopped (``LogSource.offset``, committed in the same transaction as
the counts it produced), so a restart never counts a line twice. A rotated file (new inode, or a different first
line) is read from its start. Only complete lines are read: a line still being written waits for the next pass.
Malformed lines are counted by reason on the ``LogSource``, never fatal.

Each visit is attributed to a person: by the account the proxy logged (a ``NetworkAccount`` or an esafety user
name), else by a device with a fixed address, else by the DHCP lease that held the address at that moment and the
device with that MAC address.
"""

from __future__ import annotations

import csv
import hashlib
import io
import ipaddress
import os
import re
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from esafety.accounts.models import User
from esafety.filtering import engine, publishing
from esafety.filtering.models import (
    AttemptItem,
    BlockedEvent,
    DailyCount,
    Device,
    Lease,
    LogSource,
    NetworkAccount,
)
from esafety.registers import actions as registers_actions

if TYPE_CHECKING:
    from esafety.people.models import School

CHUNK = 20_000
PARSERS: dict[str, Callable[..., engine.LogParseResult]] = {
    "squid": engine.parse_squid_log,
    "e2guardian": engine.parse_e2guardian_log,
}


class Attributor:
    """Who made a request: account first, then a fixed-address device, then the DHCP lease of the moment."""

    def __init__(self, school: School) -> None:
        self.school = school
        accounts = {
            a.lower(): p
            for a, p in NetworkAccount.objects.filter(school=school).values_list("username", "person_id")
        }
        # Accounts the registers room issued (staff, trainees, supply, visitors), then esafety's own sign-ins.
        for name, person_id in registers_actions.network_usernames(school).items():
            accounts.setdefault(name, person_id)
        for name, person_id in User.objects.filter(school=school, person__isnull=False).values_list(
            "username", "person_id"
        ):
            accounts.setdefault(name.lower(), person_id)
        self.accounts = accounts
        self.by_ip = {
            str(ip): p
            for ip, p in Device.objects.filter(school=school, ip__isnull=False).values_list("ip", "person_id")
        }
        self.by_mac = {
            m.lower(): p
            for m, p in Device.objects.filter(school=school).exclude(mac="").values_list("mac", "person_id")
        }
        self.leases: dict[str, list[tuple[datetime, datetime, str, int | None]]] = {}
        for ip, starts, ends, mac, person_id in Lease.objects.filter(school=school).values_list(
            "ip", "starts", "ends", "mac", "person_id"
        ):
            self.leases.setdefault(str(ip), []).append((starts, ends, mac.lower(), person_id))

    def person_id(self, user: str | None, client: str, at: datetime) -> int | None:
        if user:
            name = user.lower()
            found = self.accounts.get(name) or self.accounts.get(name.split("@", 1)[0])
            if found:
                return found
        address = client.split("/", 1)[0]
        if address in self.by_ip:
            return self.by_ip[address]
        for starts, ends, mac, person_id in self.leases.get(address, ()):
            if starts <= at < ends:
                return person_id or self.by_mac.get(mac)
        return None


@dataclass
class Totals:
    lines: int = 0
    records: int = 0
    blocked: int = 0
    got_through: int = 0
    searches: int = 0
    malformed: Counter[str] = field(default_factory=Counter)

    def add(self, other: Totals) -> None:
        self.lines += other.lines
        self.records += other.records
        self.blocked += other.blocked
        self.got_through += other.got_through
        self.searches += other.searches
        self.malformed.update(other.malformed)


def _scan_searches(school: School, record: engine.LogRecord, person_id: int | None) -> bool:
    """Search terms go to the monitoring scanner through its public actions (idempotent per log line)."""
    from esafety.monitoring.actions import capture_text, ensure_source, search_query_in
    from esafety.people.models import Person

    found = search_query_in(record.url)
    if found is None:
        return False
    # The same request gives the same key: re-reading a log (or a rotated copy) scans nothing twice.
    raw = f"{record.time.isoformat()}|{record.client}|{record.user}|{record.url}"
    key = "filterlog:" + hashlib.sha256(raw.encode("utf-8", "replace")).hexdigest()[:40]
    capture_text(
        school=school,
        source=ensure_source(school, "filter_log"),  # monitoring's "Search terms from filter logs"
        text=found[1],
        person=Person.objects.filter(pk=person_id).first() if person_id else None,
        message_id=key,
        occurred_at=record.time,
        subject=f"Search on {found[0]}",
        sender=record.user or record.client,
    )
    return True


def ingest_lines(
    school: School,
    lines: list[str],
    fmt: str,
    *,
    attributor: Attributor | None = None,
    policy: engine.Policy | None = None,
    searches: bool = True,
) -> Totals:
    """Count ``lines`` into the school's tables (the caller owns the transaction)."""
    attributor = attributor or Attributor(school)
    result = PARSERS[fmt](lines, policy)
    totals = Totals(lines=len(lines), records=len(result.records), malformed=Counter(result.skipped))
    counts: Counter[tuple[Any, int | None, str, bool]] = Counter()
    events = []
    zone = timezone.get_current_timezone()  # once, not per line: the lookup goes through a thread-local
    for rec in result.records:
        person_id = attributor.person_id(rec.user, rec.client, rec.time)
        day = rec.time.astimezone(zone).date()
        category = rec.category or "-"
        counts[(day, person_id, category if rec.blocked else "-", rec.blocked)] += 1
        if rec.blocked or rec.visited_blocked_site:
            totals.blocked += rec.blocked
            totals.got_through += bool(rec.visited_blocked_site and not rec.blocked)
            host = re.sub(r"^[a-z]+://", "", rec.url).split("/", 1)[0].split(":", 1)[0][:255]
            events.append(
                BlockedEvent(
                    school=school,
                    at=rec.time,
                    person_id=person_id,
                    client=rec.client[:45],
                    user=(rec.user or "")[:150],
                    host=host,
                    url=rec.url[:2000],
                    category=category[:60],
                    got_through=not rec.blocked,
                )
            )
        if searches and not rec.blocked and _scan_searches(school, rec, person_id):
            totals.searches += 1
    day_totals = _add_counts(school, counts)
    BlockedEvent.objects.bulk_create(events, batch_size=2000)
    _raise_items(school, events, day_totals)
    return totals


Key = tuple[Any, int | None, str]  # (day, person id, category)


def _add_counts(school: School, counts: Counter[tuple[Any, int | None, str, bool]]) -> dict[Key, int]:
    """Add the counts to the day rows (one query to read, one per changed row, one bulk insert); returns the
    day's blocked total for every key touched."""
    merged: dict[Key, list[int]] = {}
    for (day, person_id, category, blocked), n in counts.items():
        merged.setdefault((day, person_id, category), [0, 0])[1 if blocked else 0] += n
    if not merged:
        return {}
    days = {k[0] for k in merged}
    existing = {
        (row.day, row.person_id, row.category): row
        for row in DailyCount.objects.filter(school=school, day__in=days)
    }
    new, changed, totals = [], [], {}
    for key, (n_allowed, n_blocked) in merged.items():
        row = existing.get(key)
        if row is None:
            row = DailyCount(
                school=school, day=key[0], person_id=key[1], category=key[2], allowed=0, blocked=0
            )
            new.append(row)
        else:
            changed.append(row)
        row.allowed += n_allowed
        row.blocked += n_blocked
        totals[key] = row.blocked
    # Safe without F() expressions: the caller holds the write transaction for the whole chunk (SQLite takes
    # the database lock at BEGIN IMMEDIATE; on PostgreSQL one ingest runs per log source).
    DailyCount.objects.bulk_update(changed, ["allowed", "blocked"], batch_size=500)
    DailyCount.objects.bulk_create(new, batch_size=2000)
    return totals


ItemKey = tuple[str, int | None, str, Any]  # (kind, person id, category, day)


def _raise_items(school: School, events: list[BlockedEvent], totals: dict[Key, int]) -> None:
    """Repeated attempts at a blocked category by one person in a day (the day's count reaching the school's
    threshold), and visits that got through to a listed site, become items for the Co-ordinator: one per kind,
    person, category and day, its count kept up to date."""
    threshold = publishing.settings_for(school).repeat_threshold
    wanted: dict[ItemKey, list[Any]] = {}
    for event in events:
        day = timezone.localdate(event.at)
        if event.got_through:
            entry = wanted.setdefault(
                (AttemptItem.Kind.GOT_THROUGH, event.person_id, event.category, day), [0, event.url]
            )
            entry[0] += 1
        elif (
            event.person_id is not None and totals.get((day, event.person_id, event.category), 0) >= threshold
        ):
            key: ItemKey = (AttemptItem.Kind.REPEATED, event.person_id, event.category, day)
            wanted.setdefault(key, [totals[(day, event.person_id, event.category)], event.url])
    if not wanted:
        return
    existing = {
        (item.kind, item.person_id, item.category, item.day): item
        for item in AttemptItem.objects.filter(school=school, day__in={k[3] for k in wanted})
    }
    new, changed = [], []
    for key, (n, example) in wanted.items():
        item = existing.get(key)
        if item is None:
            new.append(
                AttemptItem(
                    school=school,
                    kind=key[0],
                    person_id=key[1],
                    category=key[2],
                    day=key[3],
                    count=n,
                    example=example[:2000],
                )
            )
        else:
            item.count = item.count + n if key[0] == AttemptItem.Kind.GOT_THROUGH else n
            changed.append(item)
    AttemptItem.objects.bulk_update(changed, ["count"], batch_size=500)
    AttemptItem.objects.bulk_create(new, batch_size=500)


def _head_digest(fh: Any) -> str:
    fh.seek(0)
    return hashlib.sha256(fh.readline()).hexdigest()


def ingest_file(school: School, path: str | os.PathLike[str], fmt: str, *, searches: bool = True) -> Totals:
    """Read the new complete lines of ``path`` since the last run, in chunks, each committed with its offset."""
    path = Path(path)
    totals = Totals()
    source, _ = LogSource.objects.get_or_create(
        school=school, path=str(path.resolve()), defaults={"format": fmt}
    )
    attributor = Attributor(school)
    policy = publishing.load_published(school)
    with open(path, "rb") as fh:
        inode, head = os.fstat(fh.fileno()).st_ino, _head_digest(fh)
        size = os.fstat(fh.fileno()).st_size
        offset = source.offset
        if inode != source.inode or head != source.head or size < offset:
            offset = 0  # rotated or truncated: a new file
        fh.seek(offset)
        while True:
            raw = fh.readlines(CHUNK * 200)
            if not raw:
                break
            if not raw[-1].endswith(b"\n"):
                raw.pop()  # still being written: read it next time, whole
                if not raw:
                    break
            consumed = sum(len(line) for line in raw)
            lines = [line.decode("utf-8", "replace").rstrip("\r\n") for line in raw]
            with transaction.atomic():
                chunk = ingest_lines(
                    school, lines, fmt, attributor=attributor, policy=policy, searches=searches
                )
                offset += consumed
                malformed = Counter(source.malformed) + chunk.malformed
                LogSource.objects.filter(pk=source.pk).update(
                    inode=inode,
                    head=head,
                    offset=offset,
                    lines=F("lines") + chunk.lines,
                    malformed=dict(malformed),
                    updated_at=timezone.now(),
                    format=fmt,
                )
                source.malformed = dict(malformed)
            totals.add(chunk)
            fh.seek(offset)
    source.refresh_from_db()
    return totals


def follow(
    school: School, path: str, fmt: str, *, interval: float = 2.0, stop: Callable[[], bool] = lambda: False
) -> Iterator[Totals]:
    """Ingest ``path`` again every ``interval`` seconds (``--follow``), yielding each pass's totals."""
    while not stop():
        yield ingest_file(school, path, fmt)
        time.sleep(interval)


# --- DHCP leases ----------------------------------------------------------------------------------------------

_LEASE = re.compile(r"lease\s+(\S+)\s*\{(.*?)\}", re.S)
_FIELD = re.compile(r"^\s*(starts|ends|hardware ethernet|client-hostname)\s+(.*?);\s*$", re.M)


@dataclass
class LeaseImport:
    imported: int = 0
    errors: list[tuple[int, str]] = field(default_factory=list)  # (line or lease number, reason)


def _dhcpd_time(text: str) -> datetime:
    # "4 2026/11/26 08:10:00": weekday, date, time in UTC (dhcpd's default); "never" has no end.
    if text.strip() == "never":
        return datetime(9999, 1, 1, tzinfo=UTC)
    parts = text.split()
    return datetime.strptime(f"{parts[1]} {parts[2]}", "%Y/%m/%d %H:%M:%S").replace(tzinfo=UTC)


def parse_dhcpd_leases(text: str) -> Iterator[tuple[int, dict[str, Any] | str]]:
    for number, match in enumerate(_LEASE.finditer(text), 1):
        fields = {k: v.strip().strip('"') for k, v in _FIELD.findall(match.group(2))}
        try:
            ipaddress.ip_address(match.group(1))
            yield (
                number,
                {
                    "ip": match.group(1),
                    "starts": _dhcpd_time(fields["starts"]),
                    "ends": _dhcpd_time(fields["ends"]),
                    "mac": fields.get("hardware ethernet", "").lower(),
                    "hostname": fields.get("client-hostname", "")[:100],
                },
            )
        except (KeyError, ValueError, IndexError) as exc:
            yield (
                number,
                f"lease {match.group(1)}: {'missing ' + str(exc) if isinstance(exc, KeyError) else exc}",
            )


def parse_lease_csv(text: str) -> Iterator[tuple[int, dict[str, Any] | str]]:
    """CSV with a header: ip, mac, starts, ends (ISO 8601, UTC if no offset), optional hostname."""
    for number, row in enumerate(csv.DictReader(io.StringIO(text)), 2):
        try:
            ipaddress.ip_address((row.get("ip") or "").strip())
            starts = datetime.fromisoformat(row["starts"].strip())
            ends = datetime.fromisoformat(row["ends"].strip())
            yield (
                number,
                {
                    "ip": row["ip"].strip(),
                    "mac": (row.get("mac") or "").strip().lower(),
                    "starts": starts if starts.tzinfo else starts.replace(tzinfo=UTC),
                    "ends": ends if ends.tzinfo else ends.replace(tzinfo=UTC),
                    "hostname": (row.get("hostname") or "").strip()[:100],
                },
            )
        except (KeyError, ValueError, AttributeError) as exc:
            yield number, f"line {number}: {exc}"


def import_leases(school: School, text: str, fmt: str) -> LeaseImport:
    """Import leases (``dhcpd`` or ``csv``); a bad lease is reported by number and the rest are kept."""
    result = LeaseImport()
    macs = {
        m.lower(): p
        for m, p in Device.objects.filter(school=school).exclude(mac="").values_list("mac", "person_id")
    }
    parsed: Iterable[tuple[int, dict[str, Any] | str]] = (
        parse_dhcpd_leases(text) if fmt == "dhcpd" else parse_lease_csv(text)
    )
    with transaction.atomic():
        for number, item in parsed:
            if isinstance(item, str):
                result.errors.append((number, item))
                continue
            Lease.objects.update_or_create(
                school=school,
                ip=item["ip"],
                starts=item["starts"],
                defaults={
                    "ends": item["ends"],
                    "mac": item["mac"],
                    "hostname": item["hostname"],
                    "person_id": macs.get(item["mac"]),
                },
            )
            result.imported += 1
    return result
