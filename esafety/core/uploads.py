"""Upload limits said in megabytes, checked before and after sending, and files kept while a form is corrected.

Every upload form states its limit the same way ("The file is 14.2 MB; the limit is 10 MB") and marks its file
input with ``data-max-bytes``, so ``esafety/uploads.js`` refuses an over-size file the moment it is chosen, before
anything is sent (the browser can measure it; nothing else is lost). The server checks again, since a browser
without JavaScript sends it anyway.

A file that passed when another field failed is kept server-side as a *pending upload* (``keep_pending``): the
form is shown again with a signed token for it instead of asking to choose the same file again, which browsers
require after every full page load. Pending files live under ``MEDIA_ROOT/pending/`` and are removed by the
``uploads.purge_pending`` schedule after ``PENDING_HOURS``.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

from django import forms
from django.conf import settings
from django.core import signing

from esafety.core import antivirus

PENDING_HOURS = 24
_SALT = "esafety.core.uploads.pending"


def megabytes(size: int) -> str:
    """A size as people say it: "14.2 MB", "10 MB", "0.8 MB"."""
    value = size / (1024 * 1024)
    text = f"{value:.1f}"
    return f"{text.removesuffix('.0')} MB"


def too_large(name: str, size: int, limit: int) -> str:
    """The one message for an over-size file, naming it, its size and the limit in megabytes."""
    subject = f"“{name}”" if name else "The file"
    said, most = megabytes(size), megabytes(limit)
    if said == most:  # 10 MB and a few bytes: rounding must not make it read as within the limit
        said = f"just over {most}"
    return f"{subject} is {said}; the limit is {most}."


def check_size(upload: Any, limit: int) -> None:
    if upload is not None and upload.size is not None and upload.size > limit:
        raise forms.ValidationError(too_large(getattr(upload, "name", ""), upload.size, limit))


def limit_input(field: forms.Field, limit: int) -> None:
    """Mark a file field's input with its limit for the browser-side check in ``esafety/uploads.js``."""
    field.widget.attrs["data-max-bytes"] = str(limit)
    field.widget.attrs["data-max-label"] = megabytes(limit)


class LimitedFileField(forms.FileField):
    """A file field with a size limit, stated in megabytes both by the browser and by the server, whose file
    goes through the virus scanner (ClamAV) before the form is valid. ``scan=None`` for a room that scans the
    file itself with more context (monitoring documents name the uploader and school in the refusal)."""

    def __init__(
        self, *args: Any, max_bytes: int | Callable[[], int], scan: str | None = "form upload", **kwargs: Any
    ) -> None:
        self._max_bytes = max_bytes
        self.scan_where = scan
        super().__init__(*args, **kwargs)
        limit_input(self, self.max_bytes)

    def __deepcopy__(self, memo: dict[int, Any]) -> LimitedFileField:
        # Each form gets a copy of the field: mark it with the limit in force now (it may be a setting).
        result = super().__deepcopy__(memo)  # type: ignore[misc]  # Field.__deepcopy__, not in the stubs
        limit_input(result, result.max_bytes)
        return result

    @property
    def max_bytes(self) -> int:
        return self._max_bytes() if callable(self._max_bytes) else self._max_bytes

    def clean(self, data: Any, initial: Any = None) -> Any:
        upload = super().clean(data, initial)
        check_size(upload, self.max_bytes)
        if upload and self.scan_where and hasattr(upload, "read"):
            content = upload.read()
            upload.seek(0)
            try:
                antivirus.scan(upload.name or "file", content)
            except antivirus.Infected as refused:
                antivirus.record_refusal(refused, where=self.scan_where)
                raise forms.ValidationError(str(refused)) from None
        return upload


# --- Pending uploads -----------------------------------------------------------------------------------------


def _pending_dir() -> Path:
    return Path(settings.MEDIA_ROOT) / "pending"


def keep_pending(user_id: int, name: str, data: bytes) -> str:
    """Keep an accepted file while its form is corrected; the token names it for this user only."""
    directory = _pending_dir()
    directory.mkdir(parents=True, exist_ok=True)
    key = uuid.uuid4().hex
    (directory / key).write_bytes(data)
    return signing.dumps({"u": user_id, "k": key, "n": name[:200]}, salt=_SALT, compress=True)


def pending_name(token: str, user_id: int) -> str | None:
    """The file name a pending token stands for, or None if it is not this user's, is too old or is gone."""
    found = _open(token, user_id)
    return found[0] if found else None


def take_pending(token: str, user_id: int) -> tuple[str, bytes] | None:
    """The pending file's name and bytes (the file stays until purged or ``discard_pending``)."""
    found = _open(token, user_id)
    if found is None:
        return None
    name, path = found
    return name, path.read_bytes()


def discard_pending(token: str, user_id: int) -> None:
    if found := _open(token, user_id):
        found[1].unlink(missing_ok=True)


def _open(token: str, user_id: int) -> tuple[str, Path] | None:
    try:
        value = signing.loads(token, salt=_SALT, max_age=PENDING_HOURS * 3600)
    except signing.BadSignature:
        return None
    if not isinstance(value, dict) or value.get("u") != user_id:
        return None
    key = str(value.get("k", ""))
    if not key.isalnum():
        return None
    path = _pending_dir() / key
    return (str(value.get("n", "")), path) if path.is_file() else None


def purge_pending(now: float | None = None) -> int:
    """Remove pending files older than ``PENDING_HOURS`` (their tokens have expired too)."""
    directory = _pending_dir()
    if not directory.is_dir():
        return 0
    cutoff = (now if now is not None else time.time()) - PENDING_HOURS * 3600
    removed = 0
    for path in directory.iterdir():
        if path.is_file() and path.stat().st_mtime < cutoff:
            path.unlink(missing_ok=True)
            removed += 1
    return removed


def default_limit() -> int:
    """The school-wide upload limit (``ESAFETY_MAX_UPLOAD_MB``), for forms with no limit of their own."""
    return int(settings.ESAFETY_MAX_UPLOAD_MB) * 1024 * 1024
