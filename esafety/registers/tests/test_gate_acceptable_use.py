"""The AUP gate: an account or a device is issued when the person has acknowledged the current Acceptable Use
Policy in the policies room, or else only when the register records that it was given and signed on paper."""

from __future__ import annotations

from datetime import timedelta

from django.apps import apps
from django.urls import reverse
from django.utils import timezone

from esafety.policies import actions as policy_actions
from esafety.policies.models import Acknowledgement, AcknowledgementCampaign
from esafety.policies.tests.helpers import publish
from esafety.registers import gates
from esafety.registers.models import NetworkAccount
from esafety.registers.tests.helpers import make_device
from esafety.test import BaseTestCase


class TestAcceptableUseGate(BaseTestCase):
    def test_it_asks_for_the_paper_aup_until_the_current_aup_is_acknowledged(self) -> None:
        self.assertFalse(gates.has_current_aup(self.staff_member))
        self.login(self.office)
        data = {"kind": "staff", "person": str(self.staff_member.pk)}
        response = self.client.post(reverse("registers:new_account"), data)
        self.assertContains(response, "This person has no current Acceptable Use acknowledgement")
        self.assertFalse(NetworkAccount.objects.exists())
        self.client.post(reverse("registers:new_account"), {**data, "aup_on_paper": "on"})
        self.assertEqual(NetworkAccount.objects.get().aup, NetworkAccount.Aup.PAPER)

    def test_it_issues_without_paper_once_the_person_acknowledged_the_current_aup(self) -> None:
        self.assertTrue(apps.is_installed("esafety.policies"))
        version = publish(self.school, self.head, self.coordinator, kind="aup_staff")
        campaign = policy_actions.start_campaign(
            version,
            audience=AcknowledgementCampaign.Audience.ALL_STAFF,
            closes_on=timezone.localdate() + timedelta(days=14),
            by=None,
            send=False,
        )
        policy_actions.record_acknowledgement(
            campaign.requests.get(person=self.staff_member), method=Acknowledgement.Method.SIGNED_IN
        )
        self.assertTrue(gates.has_current_aup(self.staff_member))
        self.assertFalse(gates.has_current_aup(self.pupil))  # pupils sign the pupils' AUP
        self.login(self.office)
        self.client.post(
            reverse("registers:new_account"), {"kind": "staff", "person": str(self.staff_member.pk)}
        )
        self.assertEqual(NetworkAccount.objects.get().aup, NetworkAccount.Aup.ONLINE)

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
