"""Text out of e-mails and documents: text/plain, HTML, .eml, Word (.docx) and PDF.

Everything here treats its input as hostile: sizes are capped, parsers that fail yield no text rather than an
exception that would stall a mailbox, and nothing is written to disk.
"""

from __future__ import annotations

import hashlib
import io
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from email.utils import getaddresses, parsedate_to_datetime
from html.parser import HTMLParser
from typing import Any

from esafety.core.text import decode_text, looks_like_email

MAX_TEXT = 1_000_000  # characters kept per capture: a journal message is not a novel
MAX_PDF_PAGES = 200
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")
_BLANK_LINES = re.compile(r"\n{3,}")


class _TextFromHTML(HTMLParser):
    _SKIP = {"script", "style", "head", "title", "template"}
    _BREAK = {"br", "p", "div", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "table"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skipping = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self._SKIP:
            self.skipping += 1
        elif tag in self._BREAK:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in self._SKIP and self.skipping:
            self.skipping -= 1
        elif tag in self._BREAK:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self.skipping:
            self.parts.append(data)


def clean(text: str) -> str:
    """Control characters out (they would make an evidence file "binary"), runs of blank lines squeezed."""
    text = _CONTROL.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))
    return _BLANK_LINES.sub("\n\n", text).strip()[:MAX_TEXT]


def text_from_html(html: str) -> str:
    parser = _TextFromHTML()
    try:
        parser.feed(html)
        parser.close()
    except Exception:  # noqa: BLE001, S110 (malformed markup yields what was read so far)
        pass
    return re.sub(r"[ \t]+", " ", "".join(parser.parts))


def text_from_docx(data: bytes) -> str:
    try:
        import docx

        document = docx.Document(io.BytesIO(data))
        lines = [p.text for p in document.paragraphs]
        for table in document.tables:
            for row in table.rows:
                lines.append(" | ".join(cell.text for cell in row.cells))
        return "\n".join(lines)
    except Exception:  # noqa: BLE001 (a broken or hostile document is not a reason to stop the mailbox)
        return ""


def text_from_pdf(data: bytes) -> str:
    try:
        import pypdf

        reader = pypdf.PdfReader(io.BytesIO(data))
        return "\n".join((page.extract_text() or "") for page in reader.pages[:MAX_PDF_PAGES])
    except Exception:  # noqa: BLE001
        return ""


def text_from_file(name: str, data: bytes) -> str | None:
    """Text of an attachment or upload by its kind (decided from the bytes first), or None if not supported."""
    lower = name.lower()
    if data.startswith(b"%PDF-"):
        return text_from_pdf(data)
    if data.startswith(b"PK\x03\x04"):  # a zip: only Word documents are read
        return text_from_docx(data) if lower.endswith(".docx") or "." not in lower else None
    if b"\x00" in data[:4096]:
        return None
    if lower.endswith((".htm", ".html")) or lower == "text.html":
        return text_from_html(decode_text(data))
    if (
        lower.endswith((".txt", ".text", ".csv", ".md", ".eml"))
        or lower.startswith("text.")
        or "." not in lower
    ):
        return decode_text(data)
    return None


@dataclass
class ParsedMessage:
    message_id: str
    subject: str
    sender: str
    recipients: list[str]
    occurred_at: datetime | None
    text: str
    attachments: list[str] = field(default_factory=list)


def _part_text(part: EmailMessage) -> str:
    try:
        content = part.get_content()
    except Exception:  # noqa: BLE001 (unknown charsets, broken transfer encodings)
        payload = part.get_payload(decode=True)
        content = decode_text(payload) if isinstance(payload, bytes) else ""
    return content if isinstance(content, str) else decode_text(content)


def parse_email(raw: bytes) -> ParsedMessage:
    """Metadata and text of a message: subject, plain or HTML body, and the text of text/docx/pdf attachments.

    A message without a Message-ID gets one derived from its bytes, so de-duplication still holds.
    """
    message = BytesParser(policy=policy.default).parsebytes(raw)
    assert isinstance(message, EmailMessage)

    def header(name: str) -> str:
        try:
            return str(message.get(name, "") or "")
        except Exception:  # noqa: BLE001 (malformed headers)
            return ""

    message_id = header("Message-ID").strip() or f"<sha256-{hashlib.sha256(raw).hexdigest()}@esafety.invalid>"
    sender_pairs = getaddresses([header("From")])
    sender = sender_pairs[0][1] if sender_pairs else ""
    recipients = [addr for _, addr in getaddresses([header("To"), header("Cc"), header("Bcc")]) if addr]
    try:
        occurred_at = parsedate_to_datetime(header("Date")) if header("Date") else None
        if occurred_at is not None and occurred_at.tzinfo is None:
            occurred_at = occurred_at.replace(tzinfo=UTC)
    except (TypeError, ValueError, IndexError):
        occurred_at = None
    subject = header("Subject")
    bodies: list[str] = []
    attachments: list[str] = []
    plain_seen = False
    html_parts: list[str] = []
    for part in message.walk():
        if part.is_multipart():
            continue
        disposition = part.get_content_disposition()
        filename = part.get_filename() or ""
        ctype = part.get_content_type()
        if disposition == "attachment" or (filename and disposition != "inline"):
            payload = part.get_payload(decode=True)
            if isinstance(payload, bytes):
                text = text_from_file(filename or ctype.replace("/", "."), payload)
                if text:
                    attachments.append(f"[Attachment: {filename or ctype}]\n{text}")
            continue
        if ctype == "text/plain":
            plain_seen = True
            bodies.append(_part_text(part))
        elif ctype == "text/html":
            html_parts.append(text_from_html(_part_text(part)))
    if not plain_seen:
        bodies.extend(html_parts)
    text = "\n\n".join(part for part in [subject, *bodies, *attachments] if part.strip())
    return ParsedMessage(
        message_id=message_id[:255],
        subject=subject[:255],
        sender=sender[:255],
        recipients=recipients[:50],
        occurred_at=occurred_at,
        text=clean(text),
        attachments=[a.split("\n", 1)[0] for a in attachments],
    )


def read_upload(name: str, data: bytes) -> tuple[str, dict[str, Any]]:
    """The text of a document someone handed in, and what ``capture_text`` should know about it: an e-mail
    (by its name or its headers) gives its subject, sender, recipients, date and Message-ID; any other document
    its name. The text is empty when nothing could be read."""
    if name.lower().endswith(".eml") or looks_like_email(data):
        parsed = parse_email(data)
        return parsed.text, {
            "subject": parsed.subject,
            "sender": parsed.sender,
            "recipients": parsed.recipients,
            "occurred_at": parsed.occurred_at,
            "message_id": parsed.message_id,
        }
    return text_from_file(name, data) or "", {"subject": f"Uploaded document: {name}"[:255]}
