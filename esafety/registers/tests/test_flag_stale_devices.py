"""Devices whose anti-virus or OS updates are older than the school's limits, on the Technician's dashboard."""

from __future__ import annotations

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from esafety.registers.models import RegisterSettings
from esafety.registers.tests.helpers import make_device
from esafety.test import BaseTestCase


class TestFlagStaleDevices(BaseTestCase):
    def test_it_flags_by_the_schools_limits(self) -> None:
        limits = RegisterSettings.for_school(self.school)  # 7 days for anti-virus, 35 for the OS
        today = timezone.localdate()
        # (kind, anti-virus product, days since AV update, days since OS update, expected reasons)
        cases = [
            ("laptop", "Sophos", 7, 35, []),
            ("laptop", "Sophos", 8, 35, ["anti-virus 8 days old"]),
            ("laptop", "Sophos", 1, 36, ["OS updates 36 days old"]),
            ("laptop", "Sophos", None, 1, ["no anti-virus update recorded"]),
            ("ipad", "", None, 3, []),
            ("ipad", "", None, None, ["no OS update recorded"]),
        ]
        for kind, product, av, os, expected in cases:
            with self.subTest(kind=kind, av=av, os=os):
                device = make_device(
                    self.school,
                    kind=kind,
                    av_product=product,
                    av_updated_on=None if av is None else today - timedelta(days=av),
                    os_updated_on=None if os is None else today - timedelta(days=os),
                )
                self.assertEqual(device.stale_reasons(limits), expected)

    def test_it_shows_stale_devices_on_the_technicians_dashboard(self) -> None:
        today = timezone.localdate()
        make_device(self.school, asset_tag="FRESH-1", av_updated_on=today, os_updated_on=today)
        make_device(
            self.school, asset_tag="STALE-1", av_updated_on=today - timedelta(days=30), os_updated_on=today
        )
        self.login(self.technician)
        page = self.client.get(reverse("dashboard"))
        self.assertContains(page, "Devices out of date")
        self.assertContains(page, "STALE-1: anti-virus 30 days old")
        self.assertNotContains(page, "FRESH-1")
        listing = self.client.get(reverse("registers:devices"), {"stale": "1"})
        self.assertContains(listing, "STALE-1")
        self.assertNotContains(listing, "FRESH-1")
        self.login(self.teacher)
        self.assertNotContains(self.client.get(reverse("dashboard")), "Devices out of date")
