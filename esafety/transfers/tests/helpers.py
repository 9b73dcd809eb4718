"""Transfers between two schools of one test database: Hollybrook sends, Elsewhere Academy (another trust) receives,
over the real API through Django's test client (the same code paths as two instances, minus the network)."""

from __future__ import annotations

import shutil
import tempfile
from datetime import date
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings as django_settings
from django.test import Client, override_settings

from esafety.test import BaseTestCase
from esafety.transfers import actions

RECEIVER_URL = "https://receiver.example"


def api_transport(
    tamper: bool = False,
) -> Any:
    """A ``client.Transport`` that delivers to this project's API; ``tamper`` flips one byte of any upload."""

    def transport(method: str, url: str, headers: dict[str, str], body: bytes | None) -> tuple[int, bytes]:
        if tamper and body:
            body = body[:-40] + bytes([body[-40] ^ 1]) + body[-39:]
        response = Client().generic(
            method,
            urlsplit(url).path,
            body or b"",
            content_type=headers.get("Content-Type", "application/octet-stream"),
            HTTP_AUTHORIZATION=headers["Authorization"],
        )
        return response.status_code, response.content

    return transport


class TransferTestCase(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        folder = tempfile.mkdtemp(prefix="esafety-transfers-")
        self.addCleanup(shutil.rmtree, folder, True)
        rest = {**django_settings.REST_FRAMEWORK}
        # The access table sends dozens of code-less requests from one address; the rate has its own test.
        rest["DEFAULT_THROTTLE_RATES"] = {**rest["DEFAULT_THROTTLE_RATES"], "transfer": "1000/minute"}
        settings = override_settings(VAR_DIR=folder, MEDIA_ROOT=folder, REST_FRAMEWORK=rest)
        settings.enable()
        self.addCleanup(settings.disable)

    def start(self, **extra: Any) -> Any:
        values: dict[str, Any] = {
            "school": self.school,
            "person": self.pupil,
            "by": self.coordinator,
            "method": "instance",
            "leaving_date": date(2026, 11, 27),
            "destination": "Elsewhere Academy",
            "destination_url": RECEIVER_URL,
        }
        values.update(extra)
        return actions.start_transfer(**values)

    def expect(self) -> tuple[Any, str]:
        return actions.expect_transfer(
            school=self.other_school, by=self.outsider, expected_from="Hollybrook Primary"
        )
