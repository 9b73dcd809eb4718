"""Shared setup for the safeguarding log's tests."""

from __future__ import annotations

import io
import shutil
import tempfile
from typing import Any

from django.test import override_settings
from PIL import Image

from esafety.incidents.actions import report_incident
from esafety.incidents.models import Category, Incident, IncidentPerson
from esafety.test import BaseTestCase


def png_bytes(size: tuple[int, int] = (4, 3)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(out, "PNG")
    return out.getvalue()


class IncidentTestCase(BaseTestCase):
    """Evidence goes to a throwaway MEDIA_ROOT; e-mail runs through the immediate task backend."""

    @classmethod
    def setUpClass(cls) -> None:
        cls._media = tempfile.mkdtemp(prefix="esafety-media-")
        cls._overrides = override_settings(
            MEDIA_ROOT=cls._media,
            TASKS={
                "default": {
                    "BACKEND": "django_tasks.backends.immediate.ImmediateBackend",
                    "QUEUES": ["default"],
                }
            },
        )
        cls._overrides.enable()
        super().setUpClass()

    @classmethod
    def tearDownClass(cls) -> None:
        super().tearDownClass()
        cls._overrides.disable()
        shutil.rmtree(cls._media, ignore_errors=True)

    def report(self, **kwargs: Any) -> Incident:
        values: dict[str, Any] = {
            "school": self.school,
            "reporter": self.teacher,
            "category": Category.CYBERBULLYING,
            "description": "Unkind messages in the class chat",
            "people": [(self.pupil, IncidentPerson.Role.VICTIM)],
        }
        values.update(kwargs)
        with self.captureOnCommitCallbacks(execute=True):
            return report_incident(**values)
