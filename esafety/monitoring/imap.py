"""The journal mailbox: the school's mail system copies every message to an IMAP mailbox; esafety reads it.

Order matters. For each unprocessed message: fetch it without setting \\Seen (BODY.PEEK), parse, scan, commit
the capture and its alerts, and only then mark the message processed on the server (a keyword, or a move to a
folder). A crash before the commit loses nothing (the message is still unprocessed); a crash between the commit
and the mark re-reads the message next time, and the Message-ID unique constraint makes that a no-op.
"""

from __future__ import annotations

import contextlib
import imaplib
import logging
import os
import re
from dataclasses import dataclass, field
from typing import Any

from esafety.monitoring.documents import parse_email
from esafety.monitoring.models import Source

log = logging.getLogger(__name__)

DEFAULT_KEYWORD = "$EsafetyProcessed"
_KEYWORD = re.compile(r"^\$?[A-Za-z0-9_]{1,60}$")
_TIMEOUT = 60


class MailboxError(Exception):
    pass


@dataclass
class MailboxReport:
    fetched: int = 0
    captured: int = 0
    duplicates: int = 0
    clean: int = 0
    failed: int = 0
    errors: list[str] = field(default_factory=list)


def _password(config: dict[str, Any]) -> str:
    if name := config.get("password_env"):
        value = os.environ.get(str(name))
        if value is None:
            raise MailboxError(f"environment variable {name} is not set")
        return value
    return str(config.get("password", ""))


def connect(config: dict[str, Any], *, timeout: float = _TIMEOUT) -> imaplib.IMAP4:
    """Open and log in to the mailbox of a source's ``config``: the one way in, for ingestion and for testing."""
    host, port = (
        str(config.get("host", "127.0.0.1")),
        int(config.get("port", 993 if config.get("ssl") else 143)),
    )
    password = _password(config)  # a missing variable is reported before any connection is made
    conn: imaplib.IMAP4
    if config.get("ssl", False):
        conn = imaplib.IMAP4_SSL(host, port, timeout=timeout)
    else:
        conn = imaplib.IMAP4(host, port, timeout=timeout)
    try:
        if config.get("starttls", False) and not config.get("ssl", False):
            conn.starttls()
        typ, data = conn.login(str(config.get("user", "")), password)
        if typ != "OK":
            raise MailboxError(f"login refused: {data!r}")
    except BaseException:
        with contextlib.suppress(OSError):
            conn.shutdown()  # a refused login must not leave the socket open until garbage collection
        raise
    return conn


def check_login(config: dict[str, Any], *, timeout: float = 15) -> None:
    """Log in and out again, raising ``MailboxError`` with the reason when that fails."""
    try:
        conn = connect(config, timeout=timeout)
    except (imaplib.IMAP4.error, OSError) as exc:
        raise MailboxError(f"{type(exc).__name__}: {exc}") from exc
    with contextlib.suppress(imaplib.IMAP4.error, OSError):
        conn.logout()


def _check(response: tuple[str, Any], what: str) -> Any:
    typ, data = response
    if typ != "OK":
        raise MailboxError(f"{what} failed: {data!r}")
    return data


def _raw_message(data: Any) -> bytes | None:
    for item in data or ():
        if isinstance(item, tuple) and len(item) >= 2 and isinstance(item[1], bytes):
            return item[1]
    return None


def ingest_mailbox(source: Source, *, limit: int | None = None) -> MailboxReport:
    """Read every unprocessed message of ``source`` (oldest first), capture what is of concern, mark each done."""
    from esafety.monitoring.actions import capture_text

    config = dict(source.config or {})
    keyword = str(config.get("processed_keyword") or DEFAULT_KEYWORD)
    if not _KEYWORD.match(keyword):
        raise MailboxError(f"processed_keyword {keyword!r} is not a valid IMAP keyword")
    folder = str(config.get("processed_folder") or "")
    report = MailboxReport()
    conn = connect(config)
    try:
        _check(conn.select(_quote(str(config.get("mailbox") or "INBOX"))), "SELECT")
        data = _check(conn.uid("SEARCH", "UNDELETED", "UNKEYWORD", keyword), "SEARCH")
        uids = (data[0] or b"").split()
        for uid in uids[:limit] if limit else uids:
            raw = _raw_message(_check(conn.uid("FETCH", uid, "(BODY.PEEK[])"), "FETCH"))
            if raw is None:
                continue  # expunged by someone else meanwhile
            report.fetched += 1
            try:
                parsed = parse_email(raw)
                result = capture_text(
                    school=source.school,
                    source=source,
                    text=parsed.text,
                    message_id=parsed.message_id,
                    occurred_at=parsed.occurred_at,
                    subject=parsed.subject,
                    sender=parsed.sender,
                    recipients=parsed.recipients,
                )
            except Exception as exc:  # noqa: BLE001 (one bad message must not stop the mailbox; it is retried)
                log.exception("monitoring: message UID %s of source %s failed", uid, source.pk)
                report.failed += 1
                report.errors.append(f"UID {uid.decode()}: {type(exc).__name__}: {exc}")
                continue
            if result.capture is None:
                report.clean += 1
            elif result.created:
                report.captured += 1
            else:
                report.duplicates += 1
            # Committed: only now may the server forget about it.
            _check(conn.uid("STORE", uid, "+FLAGS", f"({keyword})"), "STORE")
            if folder:
                _check(conn.uid("MOVE", uid, _quote(folder)), "MOVE")
    finally:
        with contextlib.suppress(imaplib.IMAP4.error, OSError):
            conn.logout()
    return report


def _quote(name: str) -> str:
    return '"' + name.replace("\\", "\\\\").replace('"', '\\"') + '"'


def ingest_all(school: Any = None, *, limit: int | None = None) -> dict[int, MailboxReport]:
    """Every active journal mailbox (of ``school``, or all schools)."""
    sources = Source.objects.filter(kind=Source.Kind.IMAP, active=True).select_related("school")
    if school is not None:
        sources = sources.filter(school=school)
    reports = {}
    for source in sources:
        try:
            reports[source.pk] = report = ingest_mailbox(source, limit=limit)
            source.note_run("; ".join(report.errors))
        except (MailboxError, imaplib.IMAP4.error, OSError) as exc:
            log.warning("monitoring: mailbox %s: %s", source.pk, exc)
            source.note_run(f"{type(exc).__name__}: {exc}")
    return reports
