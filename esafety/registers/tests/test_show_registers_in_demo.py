"""The demo school, as the issue's "Done means" describes it: the pages answer each demo user as written, and the
registers hold accounts of every type (some expired), fresh and stale devices, a personal-device exception and a
past confiscation."""

from __future__ import annotations

from django.test import TestCase
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from esafety.core.demo import build_demo
from esafety.registers.models import (
    Confiscation,
    Device,
    NetworkAccount,
    PersonalDeviceException,
    RegisterSettings,
    stale_devices,
)
from esafety.registers.tests.access_matrix import DONE_MEANS


class TestRegistersInTheDemo(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        cls.ctx = build_demo("demo-test-password")

    def open_as(self, username: str, path: str) -> int:
        self.client.logout()
        user = self.ctx.users[username]
        self.client.force_login(user)
        device, _ = TOTPDevice.objects.get_or_create(user=user, name="test", defaults={"confirmed": True})
        session = self.client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
        return self.client.get(path).status_code

    def test_it_answers_the_demo_users_as_the_issue_says(self) -> None:
        for who, path, expected in DONE_MEANS:
            with self.subTest(who=who, path=path):
                self.assertEqual(self.open_as(who, path), expected)

    def test_it_ships_the_records_the_issue_asks_for(self) -> None:
        school = self.ctx.school
        accounts = NetworkAccount.objects.filter(school=school)
        self.assertEqual(set(accounts.values_list("kind", flat=True)), set(NetworkAccount.Kind.values))
        self.assertGreaterEqual(accounts.filter(status="expired").count(), 2)
        stale = stale_devices(school, RegisterSettings.for_school(school))
        self.assertTrue(stale)
        self.assertGreater(Device.objects.filter(school=school).count(), len(stale), "some devices are fresh")
        self.assertTrue(PersonalDeviceException.objects.filter(school=school).exists())
        past = Confiscation.objects.get(school=school)
        self.assertEqual(past.status, "returned")
        self.assertIsNotNone(past.parents_informed_on)
        self.assertIsNotNone(past.incident)
