"""PDFs: the governors' report (with its charts drawn as vector bars) and the subject access bundle.

fpdf2 draws text, never HTML, so nothing in a record can run. DejaVu Sans is used when the system has it;
otherwise Helvetica with anything outside Latin-1 replaced.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.utils import timezone
from fpdf import FPDF

from esafety.governance import charts
from esafety.governance.report import Overview

FONT_DIRS = [Path("/usr/share/fonts/truetype/dejavu"), Path("/usr/share/fonts/dejavu")]
BAR_RGB = (38, 94, 160)


class Document(FPDF):
    def __init__(self, title: str, school_name: str, banner: str) -> None:
        super().__init__(format="A4")
        self.doc_title, self.school_name, self.banner = title, school_name, banner
        self.set_title(title)
        self.set_creator("esafety")
        self.family, self.unicode = "helvetica", False
        for folder in FONT_DIRS:
            if (folder / "DejaVuSans.ttf").exists() and (folder / "DejaVuSans-Bold.ttf").exists():
                self.add_font("dejavu", "", str(folder / "DejaVuSans.ttf"))
                self.add_font("dejavu", "B", str(folder / "DejaVuSans-Bold.ttf"))
                self.family, self.unicode = "dejavu", True
                break
        self.set_auto_page_break(True, margin=18)
        self.add_page()

    def clean(self, text: Any) -> str:
        text = str(text if text is not None else "")
        return text if self.unicode else text.encode("latin-1", "replace").decode("latin-1")

    def header(self) -> None:
        self.set_font(self.family, "B", 9)
        self.cell(0, 6, self.clean(f"{self.school_name} · {self.banner}"))
        self.ln(8)

    def footer(self) -> None:
        self.set_y(-14)
        self.set_font(self.family, "", 8)
        printed = timezone.localtime().strftime("%d %b %Y %H:%M")
        self.cell(
            0,
            6,
            self.clean(f"{self.doc_title} · printed {printed} · page {self.page_no()}/{{nb}}"),
            align="C",
        )

    def heading(self, text: str, size: int = 14) -> None:
        self.set_font(self.family, "B", size)
        self.multi_cell(0, size * 0.5, self.clean(text), new_x="LMARGIN", new_y="NEXT")
        self.ln(1)

    def para(self, text: str, size: int = 10) -> None:
        self.set_font(self.family, "", size)
        self.multi_cell(0, 5, self.clean(text), new_x="LMARGIN", new_y="NEXT")
        self.ln(1)

    def facts(self, rows: Any, label_width: float = 72) -> None:
        for label, value in rows:
            self.set_font(self.family, "B", 10)
            self.cell(label_width, 5, self.clean(label))
            self.set_font(self.family, "", 10)
            self.multi_cell(0, 5, self.clean(value) or "-", new_x="LMARGIN", new_y="NEXT")
        self.ln(2)

    def bars(self, series: Any, unit: str) -> None:
        """The chart of the page, drawn as rectangles with the value written beside each bar."""
        label_w, value_w = 55.0, 18.0
        area = self.epw - label_w - value_w
        bars = charts.layout(series, area)
        needed = len(bars) * 6 + 4
        if self.get_y() + needed > self.h - 20:
            self.add_page()
        top = self.get_y()
        self.set_font(self.family, "", 8)
        self.set_fill_color(*BAR_RGB)
        for index, bar in enumerate(bars):
            y = top + index * 6
            self.set_xy(self.l_margin, y)
            self.cell(label_w - 2, 5, self.clean(bar.label[:40]), align="R")
            if bar.width:
                self.rect(self.l_margin + label_w, y + 0.8, bar.width, 3.6, style="F")
            self.set_xy(self.l_margin + label_w + bar.width + 1, y)
            self.cell(value_w, 5, self.clean(f"{bar.value:g}"))
        self.set_xy(self.l_margin, top + len(bars) * 6)
        if unit:
            self.set_font(self.family, "", 7)
            self.cell(0, 4, self.clean(f"({unit})"), new_x="LMARGIN", new_y="NEXT")
        self.ln(3)


def governors_report(school: Any, data: Overview) -> bytes:
    pdf = Document(f"Online-safety report {data.period.label}", school.name, "Governing body report")
    pdf.heading(f"Online safety at {school.name}: report to the governing body, {data.period.label}", 16)
    pdf.para(
        "Figures are drawn from the school's own records in esafety. No child or member of staff is named. "
        "Where a figure reads 'Not recorded in esafety', the school does not yet keep that record here."
    )
    pdf.heading("Who is responsible", 12)
    pdf.facts([(label, "named" if named else "NOT NAMED") for label, named in data.named])
    if data.providers:
        pdf.facts(list(data.providers.items()))
    for title, cards in data.groups:
        pdf.heading(title, 13)
        for card in cards:
            pdf.heading(card.evidence.label, 10)
            pdf.para(card.evidence.summary)
            measure = card.evidence.measure
            if measure and measure.series:
                pdf.bars(measure.series, measure.series_unit)
            if measure and measure.rows:
                pdf.facts(measure.rows)
    pdf.heading("Annual filtering and monitoring review", 13)
    if data.review is None:
        pdf.para("The review for this year has not been started.")
    else:
        review = data.review
        pdf.facts(
            [
                ("Status", review.status.label),
                ("Answers", ", ".join(f"{k}: {v}" for k, v in data.verdicts.items()) or "none yet"),
                ("Basis", ", ".join(f"{k}: {v}" for k, v in data.bases.items()) or "-"),
                (
                    "SLT lead signed",
                    f"{timezone.localtime(review.slt_signed_at):%d %b %Y}"
                    if review.slt_signed_at
                    else "not yet",
                ),
                (
                    "Governor signed",
                    f"{timezone.localtime(review.governor_signed_at):%d %b %Y}"
                    if review.governor_signed_at
                    else "not yet",
                ),
            ]
        )
        if review.summary:
            pdf.para(review.summary)
        if data.actions:
            pdf.heading("Actions agreed", 11)
            for action in data.actions:
                state = "done" if action["done"] else f"due {action['due_on']:%d %b %Y}"
                pdf.para(f"- {action['title']} ({action['owner']}; {state})")
    if data.chain:
        pdf.heading("Audit trail", 11)
        pdf.para(
            f"Checked {timezone.localtime(data.chain.at):%d %b %Y}: {'intact' if data.chain.ok else 'BROKEN'}, "
            f"{data.chain.checked} entries, head hash {data.chain.head_hash[:16]}..."
        )
    return bytes(pdf.output())


def subject_access(school: Any, bundle: Any) -> bytes:
    pdf = Document(
        f"Subject access export: {bundle.person_label}", school.name, "CONFIDENTIAL: subject access export"
    )
    pdf.heading(f"Information held about {bundle.person_label}", 15)
    pdf.facts([("Prepared", bundle.generated_at), ("Prepared by", bundle.requested_by)], 40)
    for section in bundle.sections:
        pdf.heading(section.title, 12)
        if not section.entries:
            pdf.para("Nothing held.")
        for entry in section.entries:
            pdf.facts([(k, v) for k, v in entry.items() if v], 40)
    pdf.heading("What was left out, and why", 12)
    lines = [line for section in bundle.sections for line in section.redactions]
    for line in lines or ["Nothing was left out."]:
        pdf.para(f"- {line}")
    return bytes(pdf.output())
