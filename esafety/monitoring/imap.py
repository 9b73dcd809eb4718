"""The journal mailbox: the school's mail system copies every message to an IMAP mailbox; esafety reads it.

This module speaks IMAP only; ``actions.ingest_mailbox`` drives it (and the scan), so the two never import
each other.

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
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

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


class Mailbox:
    """One logged-in journal mailbox: the unprocessed messages, oldest first, and marking one processed."""

    def __init__(self, conn: imaplib.IMAP4, config: dict[str, Any], keyword: str) -> None:
        self.conn, self.keyword = conn, keyword
        self.folder = str(config.get("processed_folder") or "")
        _check(conn.select(_quote(str(config.get("mailbox") or "INBOX"))), "SELECT")

    def unprocessed(self, limit: int | None = None) -> Iterator[tuple[bytes, bytes]]:
        """``(uid, raw message)`` pairs, fetched without setting \\Seen (BODY.PEEK)."""
        data = _check(self.conn.uid("SEARCH", "UNDELETED", "UNKEYWORD", self.keyword), "SEARCH")
        uids = (data[0] or b"").split()
        uid: bytes
        for uid in uids[:limit] if limit else uids:
            raw = _raw_message(_check(self.conn.uid("FETCH", uid.decode(), "(BODY.PEEK[])"), "FETCH"))
            if raw is not None:  # None: expunged by someone else meanwhile
                yield uid, raw

    def mark_processed(self, uid: bytes) -> None:
        _check(self.conn.uid("STORE", uid.decode(), "+FLAGS", f"({self.keyword})"), "STORE")
        if self.folder:
            _check(self.conn.uid("MOVE", uid.decode(), _quote(self.folder)), "MOVE")


@contextlib.contextmanager
def open_mailbox(config: dict[str, Any]) -> Iterator[Mailbox]:
    """The mailbox of a source's ``config``, logged out again when the block ends."""
    keyword = str(config.get("processed_keyword") or DEFAULT_KEYWORD)
    if not _KEYWORD.match(keyword):  # refused before any connection is made
        raise MailboxError(f"processed_keyword {keyword!r} is not a valid IMAP keyword")
    conn = connect(config)
    try:
        yield Mailbox(conn, config, keyword)
    finally:
        with contextlib.suppress(imaplib.IMAP4.error, OSError):
            conn.logout()


def _quote(name: str) -> str:
    return '"' + name.replace("\\", "\\\\").replace('"', '\\"') + '"'
