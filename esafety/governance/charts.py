"""Bar charts drawn on the server: SVG for the pages, and the same geometry drawn into the PDF.

No JavaScript and no inline styles (the CSP forbids both): colours come from classes in governance.css. Every
bar carries its value as text, so colour is never the only signal, and the SVG has a title and description
for screen readers. Labels are escaped by ``format_html``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

WIDTH = 640
BAR_HEIGHT = 22
GAP = 8
LABEL_WIDTH = 270
VALUE_WIDTH = 60
LABEL_CHARACTERS = 36  # what fits in LABEL_WIDTH at the chart's font size


@dataclass(frozen=True)
class Bar:
    label: str
    value: float
    x: float  # from the left of the bar area
    y: float
    width: float


def layout(
    series: Sequence[tuple[str, float]], width: float = WIDTH - LABEL_WIDTH - VALUE_WIDTH
) -> list[Bar]:
    """Horizontal bars scaled to the largest value; shared by the SVG and the PDF."""
    top = max((value for _, value in series), default=0) or 1
    return [
        Bar(label, value, 0, index * (BAR_HEIGHT + GAP), max(width * value / top, 1 if value else 0))
        for index, (label, value) in enumerate(series)
    ]


def _number(value: float) -> str:
    return f"{value:g}"


def bar_chart(title: str, series: Sequence[tuple[str, float]], unit: str = "") -> SafeString:
    bars = layout(series)
    height = len(bars) * (BAR_HEIGHT + GAP) + GAP
    description = "; ".join(f"{label}: {_number(value)} {unit}".strip() for label, value in series)
    rows = format_html_join(
        "",
        '<g class="bar"><text class="chart-label" x="{}" y="{}" text-anchor="end">{}</text>'
        '<rect class="chart-bar" x="{}" y="{}" width="{}" height="{}" rx="3"></rect>'
        '<text class="chart-value" x="{}" y="{}">{}</text></g>',
        (
            (
                LABEL_WIDTH - 8,
                bar.y + BAR_HEIGHT * 0.7,
                _short(bar.label),
                LABEL_WIDTH,
                bar.y,
                f"{bar.width:.1f}",
                BAR_HEIGHT,
                LABEL_WIDTH + bar.width + 6,
                bar.y + BAR_HEIGHT * 0.7,
                _number(bar.value),
            )
            for bar in bars
        ),
    )
    return format_html(
        '<svg class="chart" role="img" viewBox="0 0 {} {}" aria-labelledby="{}-t {}-d" '
        'xmlns="http://www.w3.org/2000/svg"><title id="{}-t">{}</title><desc id="{}-d">{}</desc>{}</svg>',
        WIDTH,
        height,
        _slug(title),
        _slug(title),
        _slug(title),
        title,
        _slug(title),
        description,
        rows,
    )


def _short(label: str) -> str:
    return label if len(label) <= LABEL_CHARACTERS else label[: LABEL_CHARACTERS - 1] + "…"


def _slug(text: str) -> str:
    return "chart-" + "".join(ch if ch.isalnum() else "-" for ch in text.lower())[:40]
