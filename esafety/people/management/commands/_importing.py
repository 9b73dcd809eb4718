"""What the people import commands share: finding the school and printing a report in the page's words."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from esafety.people.importer import ImportReport
from esafety.people.models import School


def school_by_slug(slug: str) -> School:
    try:
        return School.objects.get(slug=slug)
    except School.DoesNotExist:
        raise CommandError(f"No school with the short name {slug!r}.") from None


def print_problems(command: BaseCommand, report: ImportReport) -> None:
    for error in report.errors:
        where = ", ".join(part for part in (error.file, f"line {error.line}" if error.line else "") if part)
        command.stderr.write(f"{where + ': ' if where else ''}{error.message}")
    raise CommandError(f"Nothing was imported: {len(report.errors)} problem(s).")


def print_report(command: BaseCommand, report: ImportReport, options: dict[str, Any]) -> None:
    for warning in report.warnings:
        where = ", ".join(part for part in (warning.file, f"line {warning.line}") if part)
        command.stdout.write(f"Warning, {where}: {warning.message}")
    prefix = "Dry run (nothing written): " if options["dry_run"] else ""
    command.stdout.write(f"{prefix}{report.summary}")
