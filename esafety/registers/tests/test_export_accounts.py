"""The CSV files the bulk tools read: written by the register, read back here as the tools would read them."""

from __future__ import annotations

import csv
import io
from datetime import date

from django.urls import reverse

from esafety.registers.tests.helpers import make_account
from esafety.test import BaseTestCase


class TestExportAccounts(BaseTestCase):
    def setUp(self) -> None:
        self.school.email_domain = "hollybrook.sch.example"
        self.school.save(update_fields=["email_domain"])
        make_account(
            self.school, kind="staff", username="jsmith", first_name="John", last_name="Smith", ends_on=None
        )
        make_account(
            self.school,
            username="visitor.owenp",
            first_name="Owen",
            last_name="=Pritchard",
            ends_on=date(2026, 12, 4),
            status="expired",
        )
        make_account(self.other_school, username="elsewhere", first_name="Not", last_name="Ours")
        self.login(self.technician)

    def read(self, fmt: str) -> list[dict[str, str]]:
        response = self.client.get(reverse("registers:export_accounts"), {"format": fmt})
        self.assertEqual(response["Content-Type"], "text/csv; charset=utf-8")
        return list(csv.DictReader(io.StringIO(response.content.decode())))

    def test_it_writes_what_new_aduser_reads(self) -> None:
        rows = self.read("ad")
        self.assertEqual(
            list(rows[0]),
            [
                "Name",
                "GivenName",
                "Surname",
                "DisplayName",
                "SamAccountName",
                "UserPrincipalName",
                "Description",
                "Enabled",
                "AccountExpirationDate",
            ],
        )
        by_name = {row["SamAccountName"]: row for row in rows}
        self.assertEqual(set(by_name), {"jsmith", "visitor.owenp"})
        self.assertEqual(by_name["jsmith"]["UserPrincipalName"], "jsmith@hollybrook.sch.example")
        self.assertEqual(
            (by_name["jsmith"]["Enabled"], by_name["jsmith"]["AccountExpirationDate"]), ("True", "")
        )
        # AD closes an account at the start of AccountExpirationDate: the day after the last day.
        self.assertEqual(by_name["visitor.owenp"]["AccountExpirationDate"], "2026-12-05")
        self.assertEqual(by_name["visitor.owenp"]["Enabled"], "False")
        self.assertEqual(by_name["visitor.owenp"]["Surname"], "'=Pritchard", "a formula is neutralised")

    def test_it_writes_what_google_workspace_reads(self) -> None:
        rows = {row["Email Address [Required]"]: row for row in self.read("google")}
        self.assertEqual(rows["jsmith@hollybrook.sch.example"]["First Name [Required]"], "John")
        self.assertEqual(
            rows["visitor.owenp@hollybrook.sch.example"]["New Status [UPLOAD ONLY]"], "Suspended"
        )
        self.assertEqual(
            rows["jsmith@hollybrook.sch.example"]["Org Unit Path [Required]"], "/Permanent staff"
        )
        self.assertEqual(
            rows["jsmith@hollybrook.sch.example"]["Password [Required]"], "", "the register has none"
        )

    def test_it_writes_what_microsoft_365_reads(self) -> None:
        rows = self.read("m365")
        self.assertEqual(list(rows[0])[:4], ["User name", "First name", "Last name", "Display name"])
        self.assertEqual(
            {row["User name"] for row in rows},
            {"jsmith@hollybrook.sch.example", "visitor.owenp@hollybrook.sch.example"},
        )

    def test_it_refuses_an_unknown_format(self) -> None:
        self.assertEqual(
            self.client.get(reverse("registers:export_accounts"), {"format": "xls"}).status_code, 404
        )
