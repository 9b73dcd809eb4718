"""The AUP gate: without the policies room, an account or a device is issued only when the register records that
the Acceptable Use Policy was given and signed on paper."""

from __future__ import annotations

from django.apps import apps
from django.urls import reverse

from esafety.registers import gates
from esafety.registers.models import NetworkAccount
from esafety.registers.tests.helpers import make_device
from esafety.test import BaseTestCase


class TestAcceptableUseGate(BaseTestCase):
    def test_it_asks_for_the_paper_aup_while_the_policies_room_is_absent(self) -> None:
        self.assertFalse(apps.is_installed("esafety.policies"))
        self.assertFalse(gates.has_current_aup(self.staff_member))
        self.login(self.office)
        data = {"kind": "staff", "person": str(self.staff_member.pk)}
        response = self.client.post(reverse("registers:new_account"), data)
        self.assertContains(response, "Record that the Acceptable Use Policy was given and signed on paper.")
        self.assertFalse(NetworkAccount.objects.exists())
        self.client.post(reverse("registers:new_account"), {**data, "aup_on_paper": "on"})
        self.assertEqual(NetworkAccount.objects.get().aup, NetworkAccount.Aup.PAPER)

    def test_it_asks_for_the_aup_before_issuing_a_device(self) -> None:
        device = make_device(self.school)
        self.login(self.technician)
        url = reverse("registers:issue_device", args=[device.pk])
        response = self.client.post(url, {"person": str(self.teacher.person.pk), "condition": "Good"})
        self.assertContains(response, "Acceptable Use Policy was given", status_code=400)
        self.assertFalse(device.loans.exists())
        self.client.post(
            url, {"person": str(self.teacher.person.pk), "condition": "Good", "aup_on_paper": "on"}
        )
        self.assertEqual(device.loans.get().aup, "paper")
