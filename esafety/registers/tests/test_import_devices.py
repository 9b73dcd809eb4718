"""Device CSV from an anti-virus console or MDM: all or nothing, a row-level report, and a re-import changes
nothing."""

from __future__ import annotations

from datetime import date

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from esafety.audit.models import AuditEntry
from esafety.registers.actions import import_devices
from esafety.registers.models import Device
from esafety.registers.tests.helpers import make_device
from esafety.test import BaseTestCase

GOOD = (
    "Device Name,Serial Number,Type,Model,Antivirus,Definitions Updated,OS Version,Last OS Update\r\n"
    "HB-LT-01,C123,Laptop,Latitude 3440,Sophos,2026-11-30,Windows 11 23H2,2026-11-20\r\n"
    "HB-LT-02,C124,laptop,Latitude 3440,Sophos,29/11/2026,Windows 11 23H2,20/11/2026\r\n"
    "HB-IPAD-01,F999,iPad,iPad 10,,,iPadOS 18.1,2026-11-25\r\n"
)


def snapshot() -> list[tuple[object, ...]]:
    return list(Device.objects.order_by("asset_tag").values_list())


class TestImportDevices(BaseTestCase):
    def test_it_creates_the_devices_and_a_second_import_changes_nothing(self) -> None:
        report = import_devices(self.school, GOOD, by=self.technician)
        self.assertTrue(report.ok)
        self.assertEqual(report.counts, {"created": 3, "updated": 0, "unchanged": 0})
        laptop = Device.objects.get(asset_tag="HB-LT-02")
        self.assertEqual(
            (laptop.av_updated_on, laptop.os_updated_on), (date(2026, 11, 29), date(2026, 11, 20))
        )
        self.assertEqual(Device.objects.get(asset_tag="HB-IPAD-01").kind, "ipad")
        before = snapshot()
        again = import_devices(self.school, GOOD, by=self.technician)
        self.assertEqual(again.counts, {"created": 0, "updated": 0, "unchanged": 3})
        self.assertEqual(snapshot(), before)

    def test_it_updates_what_changed_and_keeps_what_the_file_does_not_carry(self) -> None:
        make_device(self.school, asset_tag="HB-LT-01", kind="laptop", notes="Spare charger in the bag")
        text = "Asset tag,Definitions updated\r\nhb-lt-01,2026-12-01\r\n"
        report = import_devices(self.school, text, by=self.technician)
        self.assertEqual(report.counts, {"created": 0, "updated": 1, "unchanged": 0})
        device = Device.objects.get()
        self.assertEqual(
            (device.av_updated_on, device.notes), (date(2026, 12, 1), "Spare charger in the bag")
        )

    def test_it_reports_every_bad_row_and_changes_nothing(self) -> None:
        make_device(self.school, asset_tag="HB-LT-01", serial="OLD")
        before = snapshot()
        audit_before = AuditEntry.objects.count()
        cases = {
            "unknown column": (
                "Asset tag,Colour,Warranty\r\nHB-LT-01,Grey,2027\r\n",
                [(1, "Unknown columns: “Colour”, “Warranty”")],
            ),
            "duplicate and bad date": (
                "Asset tag,Serial,Definitions updated,Type\r\n"
                "HB-LT-01,NEW,2026-11-31,laptop\r\n"
                "HB-LT-02,X,yesterday,laptop\r\n"
                "HB-LT-02,Y,2026-11-01,fridge\r\n",
                [
                    (2, "av updated on: “2026-11-31” is not a date (use 2026-11-30 or 30/11/2026)"),
                    (3, "av updated on: “yesterday” is not a date (use 2026-11-30 or 30/11/2026)"),
                    (4, "“fridge” is not a laptop, iPad, tablet or desktop."),
                    (4, "Asset tag HB-LT-02 is also on line 3."),
                ],
            ),
            "no asset tag": (
                "Serial\r\nX1\r\n",
                [(1, "No asset tag column (Asset tag, Device name or Computer name).")],
            ),
            "short row": ("Asset tag,Serial\r\nHB-LT-09\r\n", [(2, "1 cells where the header has 2.")]),
            "empty": ("", [(0, "The file is empty.")]),
        }
        for name, (text, errors) in cases.items():
            with self.subTest(name):
                report = import_devices(self.school, text, by=self.technician)
                self.assertEqual(report.errors, errors)
                self.assertEqual(snapshot(), before)
        self.assertEqual(AuditEntry.objects.count(), audit_before)

    def test_it_shows_the_report_on_the_page(self) -> None:
        self.login(self.technician)
        upload = SimpleUploadedFile("av.csv", b"Asset tag,Colour\r\nX,Grey\r\n", content_type="text/csv")
        response = self.client.post(reverse("registers:import_devices"), {"file": upload})
        self.assertContains(response, "Nothing was imported", status_code=400)
        self.assertContains(response, "Unknown columns: “Colour”", status_code=400)
        upload = SimpleUploadedFile("av.csv", GOOD.encode("utf-8-sig"), content_type="text/csv")
        response = self.client.post(reverse("registers:import_devices"), {"file": upload})
        self.assertContains(response, "Imported: 3 new, 0 updated, 0 unchanged.")
        self.assertEqual(Device.objects.filter(school=self.school).count(), 3)
