from __future__ import annotations

from typing import Any

from esafety.monitoring.actions import CaptureResult, capture_text, ensure_source
from esafety.monitoring.models import Source
from esafety.test import BaseTestCase

URGENT = "i have taken the pills, this is my last message"
CONCERN = "honestly i want to kill myself, nobody would even notice"
GROOMING = "dont tell your mum we talk, delete this chat after"
BENIGN = "can we finish the science homework together tomorrow"


class MonitoringTestCase(BaseTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.pupil.email = "ava.ashdown@pupils.school.example"
        cls.pupil.save(update_fields=["email"])

    def capture(self, text: str = CONCERN, **kwargs: Any) -> CaptureResult:
        kwargs.setdefault("school", self.school)
        kwargs.setdefault("source", ensure_source(kwargs["school"], Source.Kind.API))
        kwargs.setdefault("person", self.pupil)
        return capture_text(text=text, **kwargs)

    def alert(self, text: str = CONCERN, **kwargs: Any) -> Any:
        result = self.capture(text, **kwargs)
        assert result.alerts, f"no alert for {text!r}"
        return result.alerts[0]
