"""Form widgets every room shares.

Browsers' ``type=date`` and ``type=datetime-local`` inputs accept only ISO values (``2026-12-01``,
``2026-12-01T15:30``) and show nothing for anything else: Django's default widgets render the locale's format
(``01/12/2026`` in en-GB), so a saved date came back blank. These widgets always render ISO.
"""

from __future__ import annotations

from typing import Any

from django import forms

ISO_DATE = "%Y-%m-%d"
ISO_DATETIME_LOCAL = "%Y-%m-%dT%H:%M"


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs=attrs, format=ISO_DATE)


class DateTimeLocalInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs=attrs, format=ISO_DATETIME_LOCAL)
