"""The PDF of a transfer's file, drawn from the same ``transfer.json`` that travels (so the two never differ).
fpdf2 draws text, never HTML; Helvetica with anything outside Latin-1 replaced, or DejaVu Sans where installed."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fpdf import FPDF

FONT_DIRS = [Path("/usr/share/fonts/truetype/dejavu"), Path("/usr/share/fonts/dejavu")]


class _Document(FPDF):
    def __init__(self, title: str) -> None:
        super().__init__(format="A4")
        self.doc_title = title
        self.family, self.unicode = "helvetica", False
        for folder in FONT_DIRS:
            if (folder / "DejaVuSans.ttf").exists() and (folder / "DejaVuSans-Bold.ttf").exists():
                self.add_font("dejavu", "", str(folder / "DejaVuSans.ttf"))
                self.add_font("dejavu", "B", str(folder / "DejaVuSans-Bold.ttf"))
                self.family, self.unicode = "dejavu", True
                break
        self.set_title(title)
        self.set_creator("esafety")
        self.set_auto_page_break(True, margin=18)
        self.add_page()

    def clean(self, text: Any) -> str:
        text = str(text or "")
        return text if self.unicode else text.encode("latin-1", "replace").decode("latin-1")

    def footer(self) -> None:
        self.set_y(-14)
        self.set_font(self.family, "", 8)
        self.cell(
            0, 6, self.clean(f"CONFIDENTIAL · {self.doc_title} · page {self.page_no()}/{{nb}}"), align="C"
        )

    def write_line(self, text: str, size: int = 10, bold: bool = False) -> None:
        self.set_font(self.family, "B" if bold else "", size)
        self.multi_cell(0, size * 0.5, self.clean(text), new_x="LMARGIN", new_y="NEXT")
        self.ln(1)


def transfer_pdf(document: dict[str, Any]) -> bytes:
    pupil = document["pupil"]
    name = f"{pupil.get('first_name', '')} {pupil.get('last_name', '')}".strip()
    sender = document["from_school"]["name"]
    pdf = _Document(f"Safeguarding file of {name} from {sender}")
    pdf.write_line(f"Child-protection file: {name}", 15, bold=True)
    pdf.write_line(
        f"From {sender} to {document.get('to_school', '')}. UPN {pupil.get('upn') or 'not recorded'}; "
        f"date of birth {pupil.get('date_of_birth') or 'not recorded'}; left on {document.get('leaving_date')}.",
        9,
    )
    if not document["incidents"]:
        pdf.write_line("No incidents recorded.")
    for incident in document["incidents"]:
        pdf.write_line(
            f"{(incident['occurred_at'] or '')[:10]} · {incident['label']} · {incident['category']}",
            11,
            bold=True,
        )
        pdf.write_line(
            f"{incident['role']} · {incident['status']}"
            + (" · restricted" if incident["restricted"] else ""),
            9,
        )
        pdf.write_line(incident["description"])
        for outcome in incident["outcomes"]:
            pdf.write_line(f"Outcome {(outcome['recorded_at'] or '')[:10]}: {outcome['summary']}", 9)
        for entry in incident["timeline"]:
            pdf.write_line(
                f"{(entry['at'] or '')[:16]} {entry['kind']}"
                + (f": {entry['text']}" if entry["text"] else ""),
                8,
            )
        for item in incident["evidence"]:
            pdf.write_line(f"Evidence: {item['name']} ({item['size']} bytes, SHA-256 {item['sha256']})", 8)
    return bytes(pdf.output())
