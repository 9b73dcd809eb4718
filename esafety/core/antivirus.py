"""Virus scanning of uploaded files through a ClamAV daemon (``clamd``) on a Unix socket.

Every evidence file and every monitoring document is streamed to clamd (``INSTREAM``) before it is stored. An
infected file is refused with a reason a person can act on, and the refusal is written to the audit trail (the
signature and the file's SHA-256, never its content). Production runs Debian's ``clamav-daemon`` with ``freshclam``
keeping the signatures current, and points ``ESAFETY_CLAMD_SOCKET`` at its socket (see docs/deployment.md).

Where no scanner is configured, or it does not answer, files are still accepted: a safeguarding report must never
be lost because a scanner is down. The Headteacher's dashboard says so (``dashboard_panel``) until it is fixed.
"""

from __future__ import annotations

import hashlib
import io
import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import clamd
from django.conf import settings

if TYPE_CHECKING:
    from django.http import HttpRequest

    from esafety.people.models import School

log = logging.getLogger(__name__)
TIMEOUT_SECONDS = 30.0
# INSTREAM sends the file in chunks; clamd refuses a stream over its StreamMaxLength (our config: 30M).
CHUNK = 64 * 1024


class Infected(ValueError):
    """The scanner found a signature in the file. ``str()`` is the message for the person who uploaded it."""

    def __init__(self, name: str, signature: str, sha256: str) -> None:
        super().__init__(
            f"“{name}” was refused: the virus scanner found {signature} in it. It has not been stored. If you "
            "need to report it, describe it in words or send a screenshot instead."
        )
        self.name, self.signature, self.sha256 = name, signature, sha256


@dataclass(frozen=True)
class ScannerStatus:
    configured: bool
    answering: bool
    version: str = ""
    problem: str = ""


def _client() -> clamd.ClamdUnixSocket | None:
    path = getattr(settings, "ESAFETY_CLAMD_SOCKET", "")
    return clamd.ClamdUnixSocket(path=path, timeout=TIMEOUT_SECONDS) if path else None


def status() -> ScannerStatus:
    """Whether uploads are being scanned now: configured, answering, and which engine and signatures."""
    client = _client()
    if client is None:
        return ScannerStatus(False, False, problem="no virus scanner is configured (ESAFETY_CLAMD_SOCKET)")
    try:
        client.ping()
        return ScannerStatus(True, True, version=client.version())
    except (clamd.ClamdError, OSError) as exc:
        return ScannerStatus(True, False, problem=f"the virus scanner does not answer ({exc})")


def scan(name: str, data: bytes) -> bool:
    """Raise ``Infected`` if clamd finds a signature in ``data``. Returns whether the file was scanned at all
    (False when no scanner is configured or it does not answer: the upload goes on, the dashboard says so)."""
    client = _client()
    if client is None:
        return False
    try:
        answer = client.instream(io.BytesIO(data))
    except (clamd.ClamdError, OSError) as exc:
        log.warning("virus scanner unavailable, %s accepted unscanned: %s", name, exc)
        return False
    verdict, signature = answer.get("stream", ("ERROR", "no answer"))
    if verdict == "FOUND":
        raise Infected(name, str(signature), hashlib.sha256(data).hexdigest())
    if verdict != "OK":
        # clamd could not scan this stream (too large for StreamMaxLength, a parse limit): treat as unscanned.
        log.warning("virus scanner could not scan %s: %s %s", name, verdict, signature)
        return False
    return True


def record_refusal(
    refused: Infected,
    *,
    where: str,
    actor: Any = None,
    school: School | None = None,
    request: HttpRequest | None = None,
) -> None:
    """Write the refusal to the audit trail, in its own transaction so it survives the upload's rollback."""
    from esafety.audit.actions import record

    record(
        "upload.infected",
        actor=actor,
        school=school,
        request=request,
        object_repr=f"Refused upload ({where})",
        detail={"where": where, "signature": refused.signature, "sha256": refused.sha256},
    )


def scan_or_refuse(
    name: str,
    data: bytes,
    *,
    where: str,
    actor: Any = None,
    school: School | None = None,
    request: HttpRequest | None = None,
) -> bool:
    """``scan``, auditing an infected file before ``Infected`` goes on up to the caller."""
    try:
        return scan(name, data)
    except Infected as refused:
        record_refusal(refused, where=where, actor=actor, school=school, request=request)
        raise
