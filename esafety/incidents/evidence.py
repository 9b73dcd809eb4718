"""Evidence files: what may be attached, decided from the bytes, and images cleaned of their metadata.

The uploader's file name and declared type are never trusted: a "screenshot.png" that is really an HTML page or a
script is refused. Images are decoded and re-encoded with Pillow, which drops EXIF (and with it GPS positions,
camera serial numbers and embedded thumbnails that may show more than the cropped picture).
"""

from __future__ import annotations

import io
from dataclasses import dataclass

from django.conf import settings
from PIL import Image, ImageOps, UnidentifiedImageError

from esafety.core.text import decode_text, looks_like_email
from esafety.core.uploads import too_large

ALLOWED_DESCRIPTION = "screenshots (PNG, JPEG, GIF, WebP), PDF documents, e-mails (.eml) and plain text"
MAX_PIXELS = 40_000_000  # decompression bombs: a 20 MB PNG can claim billions of pixels


class EvidenceRejected(ValueError):
    pass


@dataclass(frozen=True)
class CleanFile:
    content: bytes
    content_type: str
    extension: str


def max_bytes() -> int:
    return int(settings.ESAFETY_MAX_UPLOAD_MB) * 1024 * 1024


def _is_text(data: bytes) -> bool:
    text = decode_text(data, strict=True)
    return text is not None and not any(ord(ch) < 32 and ch not in "\t\r\n\f" for ch in text)


def sniff(data: bytes) -> tuple[str, str] | None:
    """(content type, extension) from the content alone, or None for anything not on the allowed list."""
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png", "png"
    if data.startswith(b"\xff\xd8\xff"):
        return "image/jpeg", "jpg"
    if data.startswith((b"GIF87a", b"GIF89a")):
        return "image/gif", "gif"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp", "webp"
    if data.startswith(b"%PDF-"):
        return "application/pdf", "pdf"
    if data and _is_text(data[:65536]):
        return ("message/rfc822", "eml") if looks_like_email(data) else ("text/plain", "txt")
    return None


_PIL_FORMATS = {"image/png": "PNG", "image/jpeg": "JPEG", "image/gif": "GIF", "image/webp": "WEBP"}


def strip_image(data: bytes, content_type: str) -> bytes:
    """Decode and re-encode: only the pixels survive (no EXIF, GPS, XMP, comments or thumbnails)."""
    fmt = _PIL_FORMATS[content_type]
    try:
        with Image.open(io.BytesIO(data)) as image:
            if image.format != fmt:
                raise EvidenceRejected("The picture is not what its first bytes claim to be.")
            if image.width * image.height > MAX_PIXELS:
                raise EvidenceRejected("The picture is too large (more than 40 million pixels).")
            image.load()
            # Keep the picture the right way up once the orientation tag is gone.
            upright = ImageOps.exif_transpose(image) or image
            transparency = image.info.get("transparency")
            clean = upright.copy()
    except (UnidentifiedImageError, OSError, SyntaxError, Image.DecompressionBombError) as exc:
        raise EvidenceRejected("The picture could not be read; it may be damaged.") from exc
    clean.info = {}
    if transparency is not None and clean.mode in ("P", "L", "RGB"):
        clean.info["transparency"] = transparency
    out = io.BytesIO()
    if fmt == "JPEG":
        if clean.mode not in ("RGB", "L", "CMYK"):
            clean = clean.convert("RGB")
        clean.save(out, "JPEG", quality=92)
    elif fmt == "WEBP":
        clean.save(out, "WEBP", lossless=True)
    else:
        clean.save(out, fmt)
    return out.getvalue()


def clean_upload(name: str, data: bytes) -> CleanFile:
    """Check one file and return what will be stored, or raise ``EvidenceRejected`` with a reason for people."""
    if len(data) > max_bytes():
        raise EvidenceRejected(too_large(name, len(data), max_bytes()))
    if not data:
        raise EvidenceRejected(f"“{name}” is empty.")
    kind = sniff(data)
    if kind is None:
        raise EvidenceRejected(f"“{name}” cannot be attached: only {ALLOWED_DESCRIPTION} can.")
    content_type, extension = kind
    if content_type in _PIL_FORMATS:
        try:
            data = strip_image(data, content_type)
        except EvidenceRejected as exc:
            raise EvidenceRejected(f"“{name}”: {exc}") from None
    return CleanFile(data, content_type, extension)


_JS_NAMES = ("/JS", "/JavaScript")
_PDF_WALK_LIMIT = 20_000  # objects: a hostile file cannot keep the download busy


def pdf_has_javascript(data: bytes) -> bool:
    """Whether a PDF carries JavaScript (document or page actions, form-field actions, the /Names tree), found by
    walking its objects (compressed object streams included) from the trailer. A PDF pypdf cannot read counts as
    suspicious when its raw bytes name JavaScript."""
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError
    from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, NameObject

    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        pending: list[object] = [reader.trailer]
        seen: set[tuple[int, int]] = set()
        walked = 0
        while pending and walked < _PDF_WALK_LIMIT:
            item = pending.pop()
            walked += 1
            if isinstance(item, IndirectObject):
                if (item.idnum, item.generation) in seen:
                    continue
                seen.add((item.idnum, item.generation))
                item = item.get_object()
            if isinstance(item, DictionaryObject):
                if any(name in item for name in _JS_NAMES):
                    return True
                if item.get("/S") == NameObject("/JavaScript"):
                    return True
                pending.extend(value for key, value in item.items() if key != "/Parent")
            elif isinstance(item, ArrayObject):
                pending.extend(item)
        return walked >= _PDF_WALK_LIMIT and b"/JavaScript" in data
    except (PyPdfError, ValueError, TypeError, KeyError, OSError, RecursionError):
        return b"/JavaScript" in data or b"/JS" in data


def safe_name(name: str) -> str:
    """The uploader's file name, for display and the download's suggested name only."""
    base = name.replace("\\", "/").rsplit("/", 1)[-1]
    base = "".join(ch for ch in base if ch.isprintable() and ch not in '"<>|:*?')
    return base.strip(" .")[:150] or "evidence"
