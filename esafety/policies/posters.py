"""Printable A4 posters for every area where computers are used ("post e-safety information in all areas where
computers are used"): large type, a simple picture beside each rule, wording for infants and for adults.

Drawn with fpdf2 primitives (no image files, no fonts beyond the built-in Helvetica), so the PDF is small and
prints the same everywhere. The text is ours, not the school's, so nothing typed by a user reaches the PDF except
the school's name.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from fpdf import FPDF


@dataclass(frozen=True)
class Poster:
    title: str
    description: str
    heading: str
    rules: tuple[tuple[str, str], ...]  # (picture, words)
    text_size: int


POSTERS: dict[str, Poster] = {
    "infants": Poster(
        "Infants (Reception to Year 2)",
        "Short sentences and big pictures, for the youngest children",
        "Stay safe online",
        (
            ("face", "Be kind online."),
            ("lock", "Keep your password secret."),
            ("hand", "Tell a grown-up if something upsets you."),
            ("stop", "Do not talk to strangers online."),
        ),
        30,
    ),
    "adults": Poster(
        "Staff, visitors and older pupils",
        "The Acceptable Use Policy in five lines, for staff rooms, the ICT suite and classrooms",
        "Using computers here",
        (
            ("lock", "Keep passwords private. Lock the screen when you step away."),
            (
                "shield",
                "School equipment is filtered and monitored. The Acceptable Use Policy applies at all times.",
            ),
            ("hand", "Report anything worrying to the E-Safety Co-ordinator straight away."),
            ("face", "Be respectful online: what you post reflects on you and on the school."),
            ("stop", "No personal devices or memory sticks without permission."),
        ),
        20,
    ),
}


def _face(pdf: FPDF, x: float, y: float, size: float) -> None:
    pdf.set_fill_color(255, 214, 10)
    pdf.ellipse(x, y, size, size, style="DF")
    pdf.set_fill_color(0, 0, 0)
    pdf.ellipse(x + size * 0.28, y + size * 0.3, size * 0.12, size * 0.12, style="F")
    pdf.ellipse(x + size * 0.6, y + size * 0.3, size * 0.12, size * 0.12, style="F")
    pdf.set_line_width(1.2)
    pdf.arc(x + size * 0.25, y + size * 0.35, size * 0.5, 20, 160, b=size * 0.4)


def _lock(pdf: FPDF, x: float, y: float, size: float) -> None:
    pdf.set_line_width(2)
    pdf.arc(x + size * 0.25, y, size * 0.5, 180, 360, b=size * 0.6)
    pdf.set_fill_color(29, 78, 216)
    pdf.rect(x + size * 0.1, y + size * 0.35, size * 0.8, size * 0.6, style="DF")


def _hand(pdf: FPDF, x: float, y: float, size: float) -> None:
    pdf.set_fill_color(21, 128, 61)
    pdf.rect(x + size * 0.2, y + size * 0.4, size * 0.6, size * 0.55, round_corners=True, style="DF")
    for finger in range(4):
        pdf.rect(x + size * (0.2 + finger * 0.15), y + size * 0.05, size * 0.12, size * 0.45, style="DF")


def _stop(pdf: FPDF, x: float, y: float, size: float) -> None:
    pdf.set_fill_color(185, 28, 28)
    pdf.regular_polygon(x, y + size, numSides=8, polyWidth=size, rotateDegrees=22.5, style="DF")


def _shield(pdf: FPDF, x: float, y: float, size: float) -> None:
    pdf.set_fill_color(29, 78, 216)
    points = [
        (x, y),
        (x + size, y),
        (x + size, y + size * 0.55),
        (x + size / 2, y + size),
        (x, y + size * 0.55),
    ]
    pdf.polygon(points, style="DF")


PICTURES: dict[str, Callable[[FPDF, float, float, float], None]] = {
    "face": _face,
    "lock": _lock,
    "hand": _hand,
    "stop": _stop,
    "shield": _shield,
}


def render(audience: str, school_name: str) -> bytes:
    poster = POSTERS[audience]
    pdf = FPDF(format="A4")
    pdf.set_title(f"{poster.heading}: {school_name}")
    pdf.set_creator("esafety")
    pdf.set_auto_page_break(False)
    pdf.add_page()
    pdf.set_font("helvetica", "B", 44 if audience == "infants" else 36)
    pdf.multi_cell(0, 20, poster.heading, align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(6)
    icon = 34.0 if audience == "infants" else 26.0
    row_height = (297 - 40 - 40) / len(poster.rules)
    for index, (picture, words) in enumerate(poster.rules):
        top = 50 + index * row_height
        pdf.set_draw_color(0, 0, 0)
        PICTURES[picture](pdf, 15, top, icon)
        pdf.set_xy(15 + icon + 10, top)
        pdf.set_font("helvetica", "B", poster.text_size)
        pdf.multi_cell(195 - (15 + icon + 10), poster.text_size * 0.5, words, align="L")
    pdf.set_xy(10, 280)
    pdf.set_font("helvetica", "", 12)
    name = school_name.encode("latin-1", "replace").decode("latin-1")
    pdf.cell(0, 8, f"{name}: our E-Safety and Acceptable Use Policies are on the school website.", align="C")
    return bytes(pdf.output())
