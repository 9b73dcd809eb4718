"""Import and export of the people directory as CSV, in the shape a school MIS exports.

Columns (header row required; names are case-insensitive, order is free, unknown columns are reported):

==================  ========  ============================================================================
column              required  meaning
==================  ========  ============================================================================
``mis_id``          yes       the person's identifier in the MIS (UPN/admission no. for pupils); the key
``kind``            yes       pupil, staff, parent, governor, trainee, supply, visitor or third_party
``first_name``      yes
``last_name``       yes
``preferred_name``  no
``year_group``      pupils    e.g. Reception, Year 1 … Year 6
``class``           no        registration class, e.g. 2B
``job_title``       no        staff and others
``email``           no
``phone``           no
``date_of_birth``   no        YYYY-MM-DD or DD/MM/YYYY
``children``        no        parents: the pupils' ``mis_id`` values, separated by ``;``
``relationship``    no        parents: e.g. Mother, Carer
``left_on``         no        date the person left; blank for current people
==================  ========  ============================================================================

The file is UTF-8, with or without a byte-order mark. The whole file is applied in one transaction or, if any
row has an error, not at all: the report lists every bad row with its line number. Importing the same file
again changes nothing. Cells that a spreadsheet would run as a formula are stored as plain text and exported
with a leading apostrophe, so a downloaded file can never run a formula on the office PC.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import models

from esafety.core.text import looks_like_formula, neutralise
from esafety.people.models import Guardianship, Person, School

COLUMNS = [
    "mis_id",
    "kind",
    "first_name",
    "last_name",
    "preferred_name",
    "year_group",
    "class",
    "job_title",
    "email",
    "phone",
    "date_of_birth",
    "children",
    "relationship",
    "left_on",
]
REQUIRED = ("mis_id", "kind", "first_name", "last_name")
FIELD_FOR_COLUMN = {"class": "class_name"}
MAX_ROWS = 50_000
LOCAL_ID_PREFIX = "esafety:"


@dataclass
class RowError:
    line: int
    column: str
    message: str
    file: str = ""  # which file of a multi-file import (OneRoster); blank for a single file


@dataclass
class ImportReport:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    links_created: int = 0
    links_updated: int = 0
    errors: list[RowError] = field(default_factory=list)
    warnings: list[RowError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def changed(self) -> bool:
        return bool(self.created or self.updated or self.links_created or self.links_updated)

    @property
    def summary(self) -> str:
        if not self.changed:
            return f"No change: {self.unchanged} people already up to date."
        links = f"{self.links_created} parent links added"
        if self.links_updated:
            links += f", {self.links_updated} updated"
        return f"{self.created} added, {self.updated} updated, {self.unchanged} unchanged, {links}."


class ImportRejected(Exception):
    def __init__(self, report: ImportReport) -> None:
        super().__init__(f"{len(report.errors)} error(s); nothing was imported")
        self.report = report


def _parse_date(value: str) -> date:
    for fmt in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return datetime.strptime(value, fmt).date()
        except ValueError:
            continue
    raise ValueError("is not a date: use YYYY-MM-DD or DD/MM/YYYY")


def decode(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ImportRejected(
            ImportReport(
                errors=[RowError(0, "", f"The file is not UTF-8 (byte {exc.start}). Save it as CSV UTF-8.")]
            )
        ) from None


def _unquote(value: str) -> str:
    """Undo our own export's neutralising apostrophe, so an exported file re-imports as the same people."""
    return value[1:] if value.startswith("'") and looks_like_formula(value[1:]) else value


def _model_errors(line: int, values: dict[str, Any], relationship: str) -> list[RowError]:
    """Check each value against the field that will hold it (length, e-mail form...), so that nothing is stored
    that the directory's own edit form would then refuse."""
    errors = []
    column_for = {field: column for column, field in FIELD_FOR_COLUMN.items()}
    checks = [(Person._meta.get_field(name), name, value) for name, value in values.items() if name != "kind"]
    checks.append((Guardianship._meta.get_field("relationship"), "relationship", relationship))
    for model_field, name, value in checks:
        if value in ("", None):
            continue  # required cells are reported as such above
        assert isinstance(model_field, models.Field)  # the columns are concrete fields, not relations back
        try:
            model_field.clean(value, None)
        except ValidationError as exc:
            errors.append(RowError(line, column_for.get(name, name), " ".join(exc.messages)))
    return errors


def _clean_row(line: int, raw: dict[str, str], report: ImportReport) -> dict[str, Any] | None:
    row = {key: (value or "").strip() for key, value in raw.items()}
    errors_before = len(report.errors)
    for column, value in row.items():
        if "\x00" in value:
            # PostgreSQL cannot store a NUL in text, and no MIS puts one in a name: the file is damaged.
            report.errors.append(
                RowError(line, column, "contains a NUL byte: the file is damaged or not a CSV")
            )
    if len(report.errors) > errors_before:
        return None
    row["mis_id"] = _unquote(row.get("mis_id", ""))
    row["relationship"] = _unquote(row.get("relationship", ""))
    for column in REQUIRED:
        if not row.get(column):
            report.errors.append(RowError(line, column, "is required"))
    kind = row.get("kind", "").lower().replace(" ", "_").replace("-", "_")
    if kind and kind not in Person.Kind.values:
        report.errors.append(
            RowError(line, "kind", f"“{row['kind']}” is not one of {', '.join(Person.Kind.values)}")
        )
    values: dict[str, Any] = {"kind": kind}
    for column in (
        "first_name",
        "last_name",
        "preferred_name",
        "year_group",
        "class",
        "job_title",
        "email",
        "phone",
    ):
        value = _unquote(row.get(column, ""))
        if looks_like_formula(value):
            report.warnings.append(
                RowError(line, column, "looks like a spreadsheet formula; stored as plain text")
            )
        values[FIELD_FOR_COLUMN.get(column, column)] = value
    if values["email"]:
        try:
            validate_email(values["email"])
        except ValidationError:
            report.errors.append(RowError(line, "email", f"“{values['email']}” is not an e-mail address"))
            values["email"] = ""  # reported once, in words a school office reads
    for column, field_name in (("date_of_birth", "date_of_birth"), ("left_on", "left_on")):
        value = row.get(column, "")
        values[field_name] = None
        if value:
            try:
                values[field_name] = _parse_date(value)
            except ValueError as exc:
                report.errors.append(RowError(line, column, f"“{value}” {exc}"))
    if kind == Person.Kind.PUPIL and not values["year_group"]:
        report.errors.append(RowError(line, "year_group", "is required for pupils"))
    report.errors += _model_errors(line, {"mis_id": row["mis_id"], **values}, row["relationship"])
    children = [_unquote(child.strip()) for child in row.get("children", "").split(";") if child.strip()]
    if children and kind != Person.Kind.PARENT:
        report.errors.append(RowError(line, "children", "only parents and carers have children listed"))
    if len(report.errors) > errors_before:
        return None
    return {
        "key": row["mis_id"],
        "create": {"mis_id": row["mis_id"]},
        "mis_id": row["mis_id"],
        "values": values,
        "children": children,
        "relationship": row.get("relationship", ""),
    }


@dataclass
class PeopleFile:
    """A checked file (CSV, CTF or OneRoster), ready to apply: its rows and the school's people by the same key.

    Each row is a dict: ``key`` (what matches it to ``existing``), ``values`` (the fields the file owns, compared
    and updated on re-import), ``create`` (fields set only when the person is added), ``children`` (the keys of
    the pupils a parent is linked to), ``relationship`` (for new links) and optionally ``links`` (per child,
    the link's fields the file owns: relationship, priority, parental responsibility)."""

    rows: list[tuple[int, dict[str, Any]]]
    existing: dict[str, Person]  # by the file's key: MIS ID (``esafety:<id>`` for people added by hand)
    report: ImportReport
    source: str = "csv"


def existing_by_mis_id(school: School) -> dict[str, Person]:
    """The school's people by MIS ID; people added by hand have none, and an export names them ``esafety:<id>``."""
    return {
        person.mis_id or f"{LOCAL_ID_PREFIX}{person.pk}": person
        for person in Person.objects.filter(school=school)
    }


def field_errors(model: type[models.Model], values: dict[str, Any]) -> list[tuple[str, str]]:
    """Check each value against the model field that will hold it (length, e-mail form...), so that an import
    never stores what the directory's own edit form would then refuse."""
    errors = []
    for name, value in values.items():
        if value in ("", None):
            continue
        model_field = model._meta.get_field(name)
        assert isinstance(model_field, models.Field)
        try:
            model_field.clean(value, None)
        except ValidationError as exc:
            errors.append((name, " ".join(exc.messages)))
    return errors


def read_people(school: School, data: bytes) -> PeopleFile:
    """Parse and check a whole CSV file against ``school``'s directory, writing nothing. Raises
    ``ImportRejected`` with every bad row; ``people.actions.import_people`` applies what this returns."""
    text = decode(data)
    reader = csv.DictReader(io.StringIO(text, newline=""))
    report = ImportReport()
    if not reader.fieldnames:
        report.errors.append(
            RowError(1, "", "The file is empty: it needs a header row (see the column list).")
        )
        raise ImportRejected(report)
    headers = [(name or "").strip().lower() for name in reader.fieldnames]
    reader.fieldnames = headers
    missing = [column for column in REQUIRED if column not in headers]
    if missing:
        report.errors.append(
            RowError(1, ", ".join(missing), "required column(s) missing from the header row")
        )
    unknown = [name for name in headers if name and name not in COLUMNS]
    for name in unknown:
        report.warnings.append(RowError(1, name, "unknown column, ignored"))
    if missing:
        raise ImportRejected(report)

    rows: list[tuple[int, dict[str, Any]]] = []
    seen: dict[str, int] = {}
    for raw in reader:
        line = reader.line_num
        if len(rows) >= MAX_ROWS:
            report.errors.append(RowError(line, "", f"more than {MAX_ROWS} rows: split the file"))
            break
        if None in raw:
            report.errors.append(RowError(line, "", "has more cells than the header row"))
            continue
        if not any((value or "").strip() for value in raw.values()):
            continue
        cleaned = _clean_row(line, raw, report)
        if cleaned is None:
            continue
        if cleaned["mis_id"] in seen:
            report.errors.append(RowError(line, "mis_id", f"duplicates line {seen[cleaned['mis_id']]}"))
            continue
        seen[cleaned["mis_id"]] = line
        rows.append((line, cleaned))

    existing = existing_by_mis_id(school)
    pupil_ids = {mis_id for mis_id, person in existing.items() if person.kind == Person.Kind.PUPIL}
    pupil_ids |= {row["mis_id"] for _, row in rows if row["values"]["kind"] == Person.Kind.PUPIL}
    for line, row in rows:
        for child in row["children"]:
            if child not in pupil_ids:
                report.errors.append(
                    RowError(line, "children", f"no pupil with mis_id “{child}” in this file or school")
                )
    if report.errors:
        raise ImportRejected(report)
    return PeopleFile(rows, existing, report)


def export_people(school: School) -> str:
    """The directory as CSV in the import format (so an export can be re-imported unchanged)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    children: dict[int, list[str]] = {}
    relationship: dict[int, str] = {}
    for parent_id, pupil_id, pupil_mis_id, rel in Guardianship.objects.filter(
        parent__school=school
    ).values_list("parent_id", "pupil_id", "pupil__mis_id", "relationship"):
        children.setdefault(parent_id, []).append(pupil_mis_id or f"{LOCAL_ID_PREFIX}{pupil_id}")
        relationship[parent_id] = rel
    for person in Person.objects.filter(school=school).order_by("kind", "last_name", "first_name", "pk"):
        writer.writerow(
            [
                neutralise(value)
                for value in (
                    person.mis_id or f"{LOCAL_ID_PREFIX}{person.pk}",
                    person.kind,
                    person.first_name,
                    person.last_name,
                    person.preferred_name,
                    person.year_group,
                    person.class_name,
                    person.job_title,
                    person.email,
                    person.phone,
                    person.date_of_birth.isoformat() if person.date_of_birth else "",
                    ";".join(sorted(children.get(person.pk, []))),
                    relationship.get(person.pk, ""),
                    person.left_on.isoformat() if person.left_on else "",
                )
            ]
        )
    return out.getvalue()
