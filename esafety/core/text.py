"""Small text rules more than one room needs, kept in one place so they cannot drift apart.

- ``decode_text``: bytes from a school's PCs are UTF-8 or, from older Windows programs, Windows-1252.
- ``looks_like_email``: whether bytes are an RFC 5322 message (evidence attachments, monitoring uploads).
- ``neutralise``: spreadsheet-formula safety for every CSV the app writes (people export, safeguarding log).

Plain Python, no Django: anything may import it.
"""

from __future__ import annotations

import re
from typing import Literal, overload

__all__ = ["decode_text", "looks_like_email", "looks_like_formula", "neutralise"]

_HEADER_LINE = re.compile(rb"^[A-Za-z0-9-]{1,76}:[ \t]", re.MULTILINE)
_EMAIL_HEADERS = {
    b"from",
    b"to",
    b"subject",
    b"date",
    b"received",
    b"return-path",
    b"message-id",
    b"mime-version",
    b"delivered-to",
    b"content-type",
}
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


@overload
def decode_text(data: bytes, *, strict: Literal[True]) -> str | None: ...
@overload
def decode_text(data: bytes, *, strict: Literal[False] = False) -> str: ...
def decode_text(data: bytes, *, strict: bool = False) -> str | None:
    """UTF-8, else Windows-1252. When neither reads the bytes: ``None`` if ``strict``, else UTF-8 with
    replacement characters (text to scan is better read lossily than not at all)."""
    for encoding in ("utf-8", "cp1252"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return None if strict else data.decode("utf-8", "replace")


def looks_like_email(data: bytes) -> bool:
    """At least two well-known header names in the header block (the part before the first blank line), which
    does not start with folding white space."""
    head = re.split(rb"\r?\n\r?\n", data[:8192], maxsplit=1)[0]
    names = {match.group(0).split(b":", 1)[0].lower() for match in _HEADER_LINE.finditer(head)}
    return len(names & _EMAIL_HEADERS) >= 2 and head[:1] not in (b" ", b"\t")


def looks_like_formula(value: str) -> bool:
    """Whether a spreadsheet would run the cell as a formula (OWASP "CSV injection")."""
    if not value.startswith(FORMULA_PREFIXES):
        return False
    # A phone number such as +44 1632 960123 or a negative number is data, not a formula.
    return not value.replace(" ", "").lstrip("+-").replace(".", "").isdigit()


def neutralise(value: str) -> str:
    """The cell as a CSV export writes it: a leading apostrophe makes a would-be formula plain text."""
    return "'" + value if looks_like_formula(value) else value
