"""Bar charts as server-rendered SVG (no JavaScript, no build step): geometry computed here, drawn by
``filtering/_bar_chart.html`` with CSS classes only, so the strict CSP holds."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Bar:
    label: str
    value: int
    x: float
    y: float
    width: float
    height: float


def bar_chart(rows: list[tuple[str, int]], title: str, *, vertical: bool = False) -> dict[str, Any]:
    """Horizontal bars (a label per row) or, with ``vertical``, columns over time. Every bar keeps its number as
    text too: the chart never relies on length or colour alone."""
    top = max((value for _, value in rows), default=0) or 1
    bars = []
    if vertical:
        width, height, gap = 640, 180, 2
        step = width / max(len(rows), 1)
        for i, (label, value) in enumerate(rows):
            h = height * value / top
            bars.append(Bar(label, value, i * step, height - h + 20, max(step - gap, 1), h))
        return {
            "title": title,
            "bars": bars,
            "vertical": True,
            "width": width,
            "height": height + 40,
            "empty": not any(v for _, v in rows),
        }
    row_height, label_width, width = 24, 190, 640
    for i, (label, value) in enumerate(rows):
        bars.append(
            Bar(
                label,
                value,
                label_width,
                i * row_height + 4,
                (width - label_width - 60) * value / top,
                row_height - 8,
            )
        )
    return {
        "title": title,
        "bars": bars,
        "vertical": False,
        "width": width,
        "height": max(len(rows), 1) * row_height + 8,
        "label_width": label_width - 8,
        "empty": not rows,
    }
