"""PDF exports of one incident and of one person's chronology (e.g. for a transfer to another school).

fpdf2 draws text, never HTML, so nothing in a description can run. DejaVu Sans is used when the system has it
(names with accents, curly quotes); otherwise the built-in Helvetica with anything outside Latin-1 replaced.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from django.utils import timezone
from fpdf import FPDF

from esafety.incidents.models import Incident

if TYPE_CHECKING:
    from esafety.accounts.models import User
    from esafety.people.models import School

FONT_DIRS = [Path("/usr/share/fonts/truetype/dejavu"), Path("/usr/share/fonts/dejavu")]


class _Document(FPDF):
    def __init__(self, title: str, school: School) -> None:
        super().__init__(format="A4")
        self.doc_title, self.school_name = title, school.name
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
        text = str(text or "")
        return text if self.unicode else text.encode("latin-1", "replace").decode("latin-1")

    def header(self) -> None:
        self.set_font(self.family, "B", 9)
        self.cell(0, 6, self.clean(f"{self.school_name} · CONFIDENTIAL: safeguarding record"), align="L")
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

    def facts(self, rows: Iterable[tuple[str, str]]) -> None:
        for label, value in rows:
            self.set_font(self.family, "B", 10)
            self.cell(38, 5, self.clean(label))
            self.set_font(self.family, "", 10)
            self.multi_cell(0, 5, self.clean(value) or "-", new_x="LMARGIN", new_y="NEXT")
        self.ln(2)


def _when(value: Any) -> str:
    return timezone.localtime(value).strftime("%d %b %Y %H:%M") if value else ""


def _name(user: User | None) -> str:
    return (user.get_full_name() or user.username) if user else ""


def incident_pdf(incident: Incident) -> bytes:
    pdf = _Document(incident.label, incident.school)
    pdf.heading(f"{incident.label}: {incident.get_category_display()}")
    pdf.facts(
        [
            ("Status", incident.get_status_display()),
            ("KCSIE area", incident.get_four_c_display()),
            ("Occurred", _when(incident.occurred_at)),
            ("Where", incident.location),
            ("Reported", f"{_when(incident.reported_at)} by {_name(incident.reporter) or incident.source}"),
            (
                "Flags",
                ", ".join(
                    flag
                    for flag, on in (("urgent", incident.urgent), ("restricted", incident.restricted))
                    if on
                )
                or "none",
            ),
        ]
    )
    pdf.heading("What happened", 12)
    pdf.para(incident.description)
    if incident.reporter_actions:
        pdf.heading("What the reporter did", 12)
        pdf.para(incident.reporter_actions)
    pdf.heading("People involved", 12)
    for link in incident.involvements.select_related("person"):
        pdf.para(f"{link.person.description}: {link.get_role_display()}")
    pdf.heading("Outcomes", 12)
    for outcome in incident.outcomes.all():
        pdf.para(
            f"{_when(outcome.recorded_at)}: {outcome.summary}"
            + (f"\n{outcome.notes}" if outcome.notes else "")
        )
    pdf.heading("Actions", 12)
    for action in incident.actions.select_related("owner"):
        state = f"done {_when(action.done_at)}" if action.done_at else "open"
        pdf.para(f"{action.title} ({_name(action.owner)}, due {action.due_on:%d %b %Y}, {state})")
    pdf.heading("Evidence files", 12)
    for evidence in incident.evidence.all():
        pdf.para(
            f"{evidence.original_name} ({evidence.content_type}, {evidence.size} bytes, SHA-256 {evidence.sha256})"
        )
    pdf.heading("Timeline", 12)
    for entry in incident.timeline.select_related("actor"):
        pdf.para(
            f"{_when(entry.at)} · {entry.get_kind_display()} · {_name(entry.actor) or 'system'}"
            + (f"\n{entry.text}" if entry.text else ""),
            size=9,
        )
    return bytes(pdf.output())


def chronology_pdf(person: Any, incidents: list[Incident], school: School) -> bytes:
    pdf = _Document(f"Chronology of {person.full_name}", school)
    pdf.heading(f"Chronology: {person.description}")
    pdf.para(
        "Incidents and actions involving this person, oldest first, limited to what the person who printed "
        "it may see.",
        size=9,
    )
    if not incidents:
        pdf.para("No incidents.")
    for incident in incidents:
        roles = ", ".join(link.get_role_display() for link in getattr(incident, "person_links", []))
        pdf.heading(
            f"{incident.occurred_at:%d %b %Y} · {incident.label} · {incident.get_category_display()}", 11
        )
        pdf.para(
            f"{roles} · {incident.get_status_display()}"
            + (f" · {incident.location}" if incident.location else ""),
            size=9,
        )
        pdf.para(incident.description)
        for outcome in incident.outcomes.all():
            pdf.para(f"Outcome {outcome.recorded_at:%d %b %Y}: {outcome.summary}", size=9)
        for action in incident.actions.all():
            state = f"done {action.done_at:%d %b %Y}" if action.done_at else "open"
            pdf.para(
                f"Action: {action.title} ({_name(action.owner)}, due {action.due_on:%d %b %Y}, {state})",
                size=9,
            )
    return bytes(pdf.output())
