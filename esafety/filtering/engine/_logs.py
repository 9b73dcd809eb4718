"""Parsers for filter logs: Squid's native ``access.log`` and e2guardian's access log.

Both return every well-formed line as a :class:`LogRecord` and count the others by reason: a log written while
the disk filled up, rotated mid-line or edited by hand must never stop the monitoring import. Given a policy,
each record also says whether it was an allowed visit to a site the policy blocks: the usual case is a
``CONNECT`` tunnel (HTTPS without interception), which the filter only sees as ``host:443`` and which a proxy
without the helper, or with an out-of-date policy, lets through.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Iterable

    from ._policy import Policy

__all__ = ["LogParseResult", "LogRecord", "parse_e2guardian_log", "parse_squid_log"]

_METHODS = frozenset(
    [
        "GET",
        "HEAD",
        "POST",
        "PUT",
        "DELETE",
        "CONNECT",
        "OPTIONS",
        "TRACE",
        "PATCH",
        "PROPFIND",
        "PROPPATCH",
        "MKCOL",
        "COPY",
        "MOVE",
        "LOCK",
        "UNLOCK",
        "SEARCH",
        "REPORT",
        "PURGE",
        "NONE",
    ]
)


@dataclass(frozen=True, slots=True)
class LogRecord:
    """One request from a filter log. ``time`` is aware UTC; ``user`` is ``None`` when not authenticated.

    ``blocked`` says the filter refused the request (Squid ``TCP_DENIED``/``TCP_REDIRECT`` or e2guardian
    ``*DENIED*``). ``category`` is the filter's own category when the log has one, else the policy's verdict
    category when a policy was given. ``visited_blocked_site`` is true for a request the filter let through
    although the policy blocks its URL (a tunnel to a listed host, typically).
    """

    time: datetime
    client: str
    user: str | None
    url: str
    method: str
    result: str
    status: int | None
    bytes: int
    blocked: bool
    category: str | None = None
    visited_blocked_site: bool = False
    line: int = 0


@dataclass
class LogParseResult:
    records: list[LogRecord] = field(default_factory=list)
    skipped: Counter[str] = field(default_factory=Counter)  # reason -> number of lines
    first_skipped: dict[str, int] = field(default_factory=dict)  # reason -> first line number, for messages

    def skip(self, reason: str, line: int) -> None:
        self.skipped[reason] += 1
        self.first_skipped.setdefault(reason, line)

    @property
    def skipped_total(self) -> int:
        return sum(self.skipped.values())


def _lines(lines: Iterable[str | bytes]) -> Iterable[tuple[int, str]]:
    for number, line in enumerate(lines, 1):
        if isinstance(line, bytes):
            line = line.decode("utf-8", "replace")
        yield number, line.rstrip("\r\n")


def _judge(policy: Policy | None, group: str | None, record: LogRecord) -> LogRecord:
    if policy is None:
        return record
    from ._decide import decide

    decision = decide(policy, record.url, group=group, client=record.client, user=record.user)
    if decision.allowed:
        return record
    visited = not record.blocked and (
        record.status is None or record.status < 400 or record.method == "CONNECT"
    )
    category = record.category or decision.category
    return LogRecord(
        record.time,
        record.client,
        record.user,
        record.url,
        record.method,
        record.result,
        record.status,
        record.bytes,
        record.blocked,
        category,
        visited,
        record.line,
    )


def parse_squid_log(
    lines: Iterable[str | bytes], policy: Policy | None = None, group: str | None = None
) -> LogParseResult:
    """Parse Squid's native ``access.log`` format (``logformat squid``)::

        time.ms elapsed client result/status bytes method URL user hierarchy/peer type

    With ``policy`` (and optionally a fixed ``group``; otherwise chosen per record by client and user), each
    record gets the policy's category and ``visited_blocked_site``.
    """
    out = LogParseResult()
    for number, line in _lines(lines):
        if not line.strip():
            out.skip("empty line", number)
            continue
        fields = line.split()
        if len(fields) < 7:
            out.skip("too few fields", number)
            continue
        try:
            stamp = float(fields[0])
            when = datetime.fromtimestamp(stamp, UTC)
        except (ValueError, OverflowError, OSError):
            out.skip("bad timestamp", number)
            continue
        result, _, status_text = fields[3].partition("/")
        try:
            status = int(status_text) if status_text else None
            size = int(fields[4])
        except ValueError:
            out.skip("bad status or size", number)
            continue
        method = fields[5]
        if method.upper() not in _METHODS and not method.isalpha():
            out.skip("bad method", number)
            continue
        user = fields[7] if len(fields) > 7 and fields[7] != "-" else None
        blocked = "DENIED" in result or "REDIRECT" in result
        record = LogRecord(
            when, fields[2], user, fields[6], method, fields[3], status, size, blocked, line=number
        )
        out.records.append(_judge(policy, group, record))
    return out


def _e2_time(date: str, clock: str) -> datetime:
    # e2guardian writes local time as "2024.1.15 9:05:03"; it is read as UTC only if the server runs on UTC,
    # so callers that know the server's zone should convert. Kept naive-free: tagged UTC here.
    y, m, d = (int(x) for x in date.replace("-", ".").split("."))
    hh, mm, ss = (int(x) for x in clock.split(":"))
    return datetime(y, m, d, hh, mm, ss, tzinfo=UTC)


def parse_e2guardian_log(
    lines: Iterable[str | bytes], policy: Policy | None = None, group: str | None = None
) -> LogParseResult:
    """Parse e2guardian's access log in ``logfileformat`` 1 (DansGuardian, space separated), 4 (tab
    separated), 3 (Squid native) or 5-8 (Protex, tab separated; 6 is Debian's default), detected per line.
    The fields of formats 1 and 4 are::

        date time user client URL actions reason method size weight category filtergroup status mime ...

    and of the Protex formats (``client-host`` only when e2guardian logs both host and address; 7 and 8 add
    search terms and flags at the end)::

        epoch.ms server user client [client-host] URL method status size mime user-agent - duration -
        message-no actions weight category group-name group-number [search-terms flags]

    ``actions`` holds ``*DENIED*`` for a block and ``*EXCEPTION*`` for an exception-list pass.
    """
    out = LogParseResult()
    squid_lines: list[tuple[int, str]] = []
    for number, line in _lines(lines):
        if not line.strip():
            out.skip("empty line", number)
            continue
        if "\t" in line and _is_epoch(line.split("\t", 1)[0]):
            record = _e2_protex(line, number, out)
        elif "\t" in line:
            record = _e2_tab(line, number, out)
        elif line.split(" ", 1)[0].replace(".", "", 1).isdigit() and line.split(" ", 1)[0].count(".") == 1:
            squid_lines.append((number, line))  # format 3: the Squid parser handles it below
            continue
        else:
            record = _e2_space(line, number, out)
        if record is not None:
            out.records.append(_judge(policy, group, record))
    if squid_lines:
        sub = parse_squid_log((line for _, line in squid_lines), policy, group)
        numbers = [n for n, _ in squid_lines]
        for rec in sub.records:
            out.records.append(_renumber(rec, numbers[rec.line - 1]))
        for reason, count in sub.skipped.items():
            out.skipped[reason] += count
            out.first_skipped.setdefault(reason, numbers[sub.first_skipped[reason] - 1])
        out.records.sort(key=lambda r: r.line)
    return out


def _renumber(rec: LogRecord, line: int) -> LogRecord:
    return LogRecord(
        rec.time,
        rec.client,
        rec.user,
        rec.url,
        rec.method,
        rec.result,
        rec.status,
        rec.bytes,
        rec.blocked,
        rec.category,
        rec.visited_blocked_site,
        line,
    )


def _e2_record(
    f_date: str,
    f_time: str,
    user: str,
    client: str,
    url: str,
    actions: str,
    method: str,
    size: str,
    category: str,
    status: str,
    number: int,
    out: LogParseResult,
) -> LogRecord | None:
    try:
        when = _e2_time(f_date, f_time)
    except ValueError:
        out.skip("bad timestamp", number)
        return None
    try:
        nbytes = int(size) if size not in ("", "-") else 0
        code = int(status) if status not in ("", "-") else None
    except ValueError:
        out.skip("bad status or size", number)
        return None
    if method.upper() not in _METHODS:
        out.skip("bad method", number)
        return None
    blocked = "DENIED" in actions
    return LogRecord(
        when,
        client,
        None if user in ("", "-") else user,
        url,
        method,
        actions.strip() or "PASS",
        code,
        nbytes,
        blocked,
        category.strip() or None,
        line=number,
    )


def _e2_tab(line: str, number: int, out: LogParseResult) -> LogRecord | None:
    f = line.split("\t")
    if len(f) < 9:
        out.skip("too few fields", number)
        return None
    category = f[10] if len(f) > 10 else ""
    status = f[12] if len(f) > 12 else ""
    return _e2_record(f[0], f[1], f[2], f[3], f[4], f[5], f[7], f[8], category, status, number, out)


def _is_epoch(text: str) -> bool:
    whole, dot, fraction = text.partition(".")
    return whole.isdigit() and (not dot or fraction.isdigit())


def _e2_protex(line: str, number: int, out: LogParseResult) -> LogRecord | None:
    f = line.split("\t")
    # The URL follows the user and one or two client fields; the method right after it tells which.
    url_at = next((i for i in (5, 4) if len(f) >= i + 15 and f[i + 1].upper() in _METHODS), None)
    if url_at is None:
        out.skip("too few fields" if len(f) < 19 else "no method after the URL", number)
        return None
    try:
        when = datetime.fromtimestamp(float(f[0]), UTC)
    except (ValueError, OverflowError, OSError):
        out.skip("bad timestamp", number)
        return None
    try:
        status = int(f[url_at + 2]) if f[url_at + 2] not in ("", "-") else None
        size = int(f[url_at + 3]) if f[url_at + 3] not in ("", "-") else 0
    except ValueError:
        out.skip("bad status or size", number)
        return None
    actions = f[url_at + 10].strip()
    actions = "" if actions == "-" else actions
    category = f[url_at + 12].strip()
    return LogRecord(
        when,
        f[3],
        None if f[2] in ("", "-") else f[2],
        f[url_at],
        f[url_at + 1],
        actions or "PASS",
        status,
        size,
        "*DENIED*" in actions,
        None if category in ("", "-") else category,
        line=number,
    )


def _e2_space(line: str, number: int, out: LogParseResult) -> LogRecord | None:
    # Format 1 separates fields by spaces although the reason and category may contain spaces: the method
    # followed by two integers (size, weight) is the anchor, and the filter group number and HTTP status (two
    # integers) close the category.
    f = line.split(" ")
    if len(f) < 9:
        out.skip("too few fields", number)
        return None
    anchor = None
    for i in range(5, len(f) - 2):
        if f[i].upper() in _METHODS and f[i + 1].lstrip("-").isdigit() and f[i + 2].lstrip("-").isdigit():
            anchor = i
            break
    if anchor is None:
        out.skip("no method/size/weight fields", number)
        return None
    actions = " ".join(f[5:anchor])
    rest = f[anchor + 3 :]
    category_words: list[str] = []
    status = ""
    for j in range(len(rest) - 1):
        if rest[j].isdigit() and rest[j + 1].isdigit():
            status = rest[j + 1]
            break
        category_words.append(rest[j])
    return _e2_record(
        f[0],
        f[1],
        f[2],
        f[3],
        f[4],
        actions,
        f[anchor],
        f[anchor + 1],
        " ".join(category_words),
        status,
        number,
        out,
    )
