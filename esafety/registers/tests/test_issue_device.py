"""A device issued and returned, with its condition both ways and who handled each."""

from __future__ import annotations

from django.urls import reverse

from esafety.registers.tests.helpers import make_device
from esafety.test import BaseTestCase


class TestIssueDevice(BaseTestCase):
    def test_it_records_issue_and_return_with_condition_and_who_handled_it(self) -> None:
        device = make_device(self.school, asset_tag="HB-LT-01")
        person = self.teacher.person
        self.login(self.technician)
        self.client.post(
            reverse("registers:issue_device", args=[device.pk]),
            {"person": str(person.pk), "condition": "New, boxed", "aup_on_paper": "on"},
        )
        device.refresh_from_db()
        self.assertEqual(device.holder, person)
        again = self.client.post(
            reverse("registers:issue_device", args=[device.pk]),
            {"person": str(self.teacher2.person.pk), "condition": "Good", "aup_on_paper": "on"},
        )
        self.assertContains(again, "already issued", status_code=400)
        self.login(self.coordinator)
        self.client.post(
            reverse("registers:return_device", args=[device.pk]), {"condition": "Cracked screen"}
        )
        device.refresh_from_db()
        self.assertIsNone(device.holder)
        loan = device.loans.get()
        self.assertEqual(
            (loan.issued_by, loan.issued_condition, loan.returned_by, loan.returned_condition),
            (self.technician, "New, boxed", self.coordinator, "Cracked screen"),
        )
        page = self.client.get(reverse("registers:device", args=[device.pk]))
        self.assertContains(page, "Cracked screen")

    def test_it_keeps_the_form_when_a_device_edit_fails(self) -> None:
        make_device(self.school, asset_tag="TAKEN")
        device = make_device(self.school, asset_tag="MINE")
        self.login(self.technician)
        response = self.client.post(
            reverse("registers:device", args=[device.pk]),
            {"asset_tag": "taken", "kind": "laptop", "model_name": "Typed model"},
        )
        self.assertContains(response, "Another device has this asset tag.", status_code=400)
        self.assertContains(response, "Typed model", status_code=400)
