"""Security reviews with their checklist, findings, consulted parties and actions; overdue actions on the Head's
dashboard. Also the small registers: personal-device exceptions and photo authorisations."""

from __future__ import annotations

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from esafety.registers.models import PersonalDeviceException, PhotoAuthorisation, SecurityReview
from esafety.test import BaseTestCase


class TestSecurityReviews(BaseTestCase):
    def test_it_keeps_a_review_with_its_checklist_and_an_overdue_action_reaches_the_head(self) -> None:
        today = timezone.localdate()
        self.login(self.technician)
        response = self.client.post(
            reverse("registers:new_security_review"),
            {
                "kind": "network",
                "due_on": f"{today:%Y-%m-%d}",
                "consulted": "Brightpath IT Support",
            },
        )
        review = SecurityReview.objects.get()
        url = reverse("registers:security_review", args=[review.pk])
        self.assertRedirects(response, url)
        self.assertContains(self.client.get(url), SecurityReview.CHECKLIST["network"][0])
        data = {"kind": "network", "due_on": f"{today:%Y-%m-%d}", "consulted": "Brightpath IT Support"}
        self.client.post(url, {**data, "findings": "Wi-Fi key unchanged since 2023", "check_0": "on"})
        review.refresh_from_db()
        self.assertEqual(review.findings, "Wi-Fi key unchanged since 2023")
        self.assertEqual(review.consulted, "Brightpath IT Support")
        self.assertEqual(review.checklist[SecurityReview.CHECKLIST["network"][0]], True)
        self.assertEqual(review.checklist[SecurityReview.CHECKLIST["network"][1]], False)
        self.client.post(
            reverse("registers:add_security_action", args=[review.pk]),
            {
                "description": "Rotate the Wi-Fi key",
                "owner": str(self.technician.pk),
                "due_on": f"{today - timedelta(days=2):%Y-%m-%d}",
            },
        )
        self.assertContains(self.client.get(reverse("dashboard")), "My security actions")
        self.login(self.head)
        dashboard = self.client.get(reverse("dashboard"))
        self.assertContains(dashboard, "Overdue security actions")
        self.assertContains(dashboard, "Rotate the Wi-Fi key")
        action = review.actions.get()
        self.client.post(reverse("registers:security_action_done", args=[action.pk]))
        self.assertNotContains(self.client.get(reverse("dashboard")), "Rotate the Wi-Fi key")


class TestSmallRegisters(BaseTestCase):
    def test_it_records_a_personal_device_exception_with_who_why_and_until(self) -> None:
        today = timezone.localdate()
        self.login(self.coordinator)
        self.client.post(
            reverse("registers:exceptions"),
            {
                "person": str(self.teacher.person.pk),
                "device": "Own laptop",
                "reason": "Projector",
                "starts_on": f"{today:%Y-%m-%d}",
                "ends_on": f"{today + timedelta(days=2):%Y-%m-%d}",
            },
        )
        item = PersonalDeviceException.objects.get()
        self.assertEqual((item.authorised_by, item.reason), (self.coordinator, "Projector"))
        self.assertContains(self.client.get(reverse("registers:exceptions")), "Current")

    def test_it_lets_only_the_head_authorise_photos_and_shows_expired_ones(self) -> None:
        today = timezone.localdate()
        data = {
            "staff": str(self.teacher.person.pk),
            "device": "School iPad 7",
            "purpose": "Trip",
            "starts_on": f"{today - timedelta(days=9):%Y-%m-%d}",
            "ends_on": f"{today - timedelta(days=1):%Y-%m-%d}",
            "consent_checked": "Paper forms",
        }
        self.login(self.coordinator)
        self.assertEqual(self.client.post(reverse("registers:authorise_photos"), data).status_code, 403)
        self.assertNotContains(self.client.get(reverse("registers:photos")), "Authorise</button>")
        self.login(self.head)
        self.client.post(reverse("registers:authorise_photos"), data)
        self.assertEqual(PhotoAuthorisation.objects.get().authorised_by, self.head)
        page = self.client.get(reverse("registers:photos"))
        self.assertContains(page, "Expired")
        # The consent room is installed: the Head is pointed at its register, not at paper forms.
        self.assertContains(page, "Check the consent register for pupils without photo consent")
