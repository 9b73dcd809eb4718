"""Reading a device CSV from an anti-virus console or MDM. Every problem is reported by line; nothing is saved
unless the whole file is right (``actions.import_devices`` does the saving)."""

from __future__ import annotations

import csv
import io
import re
from datetime import date, datetime
from typing import Any

from django.db import models

from esafety.registers.models import Device

# Header names as the common consoles write them, folded to lower case without spaces or punctuation.
ALIASES: dict[str, str] = {
    "assettag": "asset_tag",
    "asset": "asset_tag",
    "devicename": "asset_tag",
    "computername": "asset_tag",
    "serial": "serial",
    "serialnumber": "serial",
    "kind": "kind",
    "type": "kind",
    "devicetype": "kind",
    "model": "model_name",
    "avproduct": "av_product",
    "antivirus": "av_product",
    "antivirusproduct": "av_product",
    "avinstalled": "av_installed_on",
    "antivirusinstalled": "av_installed_on",
    "avupdated": "av_updated_on",
    "definitionsupdated": "av_updated_on",
    "lastdefinitionupdate": "av_updated_on",
    "os": "os_version",
    "osversion": "os_version",
    "osupdated": "os_updated_on",
    "lastosupdate": "os_updated_on",
    "notes": "notes",
}
DATE_FIELDS = ("av_installed_on", "av_updated_on", "os_updated_on")
KINDS = {
    "laptop": "laptop",
    "notebook": "laptop",
    "ipad": "ipad",
    "tablet": "tablet",
    "desktop": "desktop",
    "pc": "desktop",
}
MAX_ROWS = 5000


def _fold(header: str) -> str:
    return re.sub(r"[^a-z0-9]", "", header.lower())


def parse_date(text: str) -> date | None:
    """ISO dates (2026-11-30, 2026-11-30T08:15:00) and UK dates (30/11/2026), as consoles export them."""
    text = text.strip()
    if not text:
        return None
    for fmt in ("%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y"):
        try:
            return datetime.strptime(text[:10], fmt).date()  # a calendar date: no time zone to attach
        except ValueError:
            continue
    raise ValueError(f"“{text}” is not a date (use 2026-11-30 or 30/11/2026)")


def parse_devices(text: str) -> tuple[Any, list[tuple[int, dict[str, Any]]]]:
    from esafety.registers.actions import ImportReport

    report = ImportReport()
    reader = csv.reader(io.StringIO(text.lstrip("\ufeff")))
    header = next(reader, None)
    if not header:
        report.errors.append((0, "The file is empty."))
        return report, []
    fields: list[str] = []
    unknown = []
    for name in header:
        target = ALIASES.get(_fold(name))
        if target is None:
            unknown.append(name)
        fields.append(target or "")
    if unknown:
        report.errors.append((1, "Unknown columns: " + ", ".join(f"“{name}”" for name in unknown)))
    repeated = sorted({name for name in fields if name and fields.count(name) > 1})
    if repeated:
        report.errors.append((1, "Columns given twice: " + ", ".join(repeated)))
    if "asset_tag" not in fields:
        report.errors.append((1, "No asset tag column (Asset tag, Device name or Computer name)."))
    if report.errors:
        return report, []
    parsed: list[tuple[int, dict[str, Any]]] = []
    seen: dict[str, int] = {}
    for line, row in enumerate(reader, start=2):
        if not any(cell.strip() for cell in row):
            continue
        if line > MAX_ROWS + 1:
            report.errors.append((line, f"More than {MAX_ROWS} devices: split the file."))
            break
        if len(row) != len(fields):
            report.errors.append((line, f"{len(row)} cells where the header has {len(fields)}."))
            continue
        values: dict[str, Any] = {}
        for name, cell in zip(fields, row, strict=True):
            cell = cell.strip()
            if name in DATE_FIELDS:
                try:
                    values[name] = parse_date(cell)
                except ValueError as exc:
                    report.errors.append((line, f"{name.replace('_', ' ')}: {exc}"))
            elif name == "kind":
                kind = KINDS.get(_fold(cell))
                if kind is None:
                    report.errors.append((line, f"“{cell}” is not a laptop, iPad, tablet or desktop."))
                values[name] = kind
            else:
                model_field = Device._meta.get_field(name)
                assert isinstance(model_field, models.Field)  # the columns are concrete fields
                limit = model_field.max_length
                if limit and len(cell) > limit:
                    report.errors.append(
                        (line, f"{name.replace('_', ' ')} is longer than {limit} characters.")
                    )
                values[name] = cell
        tag = values.get("asset_tag", "")
        if not tag:
            report.errors.append((line, "No asset tag."))
            continue
        if tag.lower() in seen:
            report.errors.append((line, f"Asset tag {tag} is also on line {seen[tag.lower()]}."))
            continue
        seen[tag.lower()] = line
        parsed.append((line, values))
    if not parsed and not report.errors:
        report.errors.append((0, "The file has a header but no devices."))
    return report, parsed
