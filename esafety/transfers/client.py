"""The sending side's calls to the receiving school's esafety API (``/api/v1/transfers/...``).

``Transport`` is the one function that moves bytes; the default is ``urllib`` over https (plain http only when
``TRANSFER_ALLOW_HTTP`` is on: a laptop, or the two local instances of the end-to-end test). Tests hand in a
transport that goes through Django's test client to the same project acting as the receiving school.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings

# (method, url, headers, body) -> (status, body)
Transport = Callable[[str, str, dict[str, str], bytes | None], tuple[int, bytes]]

HANDSHAKE = "/api/v1/transfers/handshake/"
BUNDLE = "/api/v1/transfers/bundle/"
STATUS = "/api/v1/transfers/status/"


class RemoteError(Exception):
    """The receiving school's instance could not be reached or refused the request (``status`` 0: unreachable)."""

    def __init__(self, message: str, status: int = 0) -> None:
        super().__init__(message)
        self.status = status


def check_address(url: str) -> str:
    """The instance's base address, without a trailing slash; refuses anything but https in production."""
    parts = urlsplit(url.strip())
    allowed = {"https", "http"} if settings.TRANSFER_ALLOW_HTTP else {"https"}
    if parts.scheme not in allowed or not parts.netloc or parts.query or parts.fragment:
        raise RemoteError("The receiving school's esafety address must be an https:// address.")
    return f"{parts.scheme}://{parts.netloc}{parts.path.rstrip('/')}"


def urllib_transport(method: str, url: str, headers: dict[str, str], body: bytes | None) -> tuple[int, bytes]:
    request = urllib.request.Request(url, data=body, headers=headers, method=method)  # noqa: S310 (scheme checked by check_address)
    try:
        with urllib.request.urlopen(request, timeout=60) as response:  # noqa: S310 (scheme checked by check_address)
            return response.status, response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()
    except (urllib.error.URLError, OSError) as exc:
        raise RemoteError(f"The receiving school's esafety could not be reached ({exc}).") from None


def _call(
    transport: Transport, method: str, url: str, auth: str, body: bytes | None = None, ok: int = 200
) -> dict[str, Any]:
    headers = {"Authorization": auth, "Accept": "application/json"}
    if body is not None:
        headers["Content-Type"] = "application/octet-stream"
    status, data = transport(method, url, headers, body)
    try:
        answer = json.loads(data.decode("utf-8")) if data else {}
    except (UnicodeDecodeError, ValueError):
        answer = {}
    if status != ok or not isinstance(answer, dict):
        detail = answer.get("detail") if isinstance(answer, dict) else None
        raise RemoteError(str(detail or f"The receiving school's esafety answered {status}."), status)
    return answer


def handshake(base: str, code: str, transport: Transport) -> dict[str, Any]:
    return _call(transport, "GET", base + HANDSHAKE, f"Transfer {code}")


def upload(base: str, code: str, sealed: bytes, transport: Transport) -> dict[str, Any]:
    return _call(transport, "POST", base + BUNDLE, f"Transfer {code}", sealed, ok=201)


def fetch_status(status_url: str, token: str, transport: Transport) -> dict[str, Any]:
    return _call(transport, "GET", status_url, f"Transfer-Status {token}")
