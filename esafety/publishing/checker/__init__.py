"""The publishing check: a pure, Django-free engine.

It reads a newsletter paragraph, a web page or a social post (plain text or HTML, with its images) and finds what
the E-Safety Policy says must not go out: pupils' full names, pupils' contact details, photos of pupils without
consent for that use, pupils named beside their photo, and third-party media without permission or attribution.

Configuration comes in as arguments (a ``Directory`` of the school's pupils, their granted uses and the contact
details the school may publish), never from Django settings, so the same engine serves the web page, the
``publishing_check`` command and the website audit, and its tests need no database.
"""

from esafety.publishing.checker._check import check_html, check_item, check_text
from esafety.publishing.checker._html import Extract, Segment, extract_html
from esafety.publishing.checker._types import KINDS, Directory, Finding, Media, Person

__all__ = [
    "KINDS",
    "Directory",
    "Extract",
    "Finding",
    "Media",
    "Person",
    "Segment",
    "check_html",
    "check_item",
    "check_text",
    "extract_html",
]
