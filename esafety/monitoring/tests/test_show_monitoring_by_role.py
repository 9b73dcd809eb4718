"""Who opens which monitoring page, walked over every persona; other schools' records are 404."""

from __future__ import annotations

from django.urls import reverse

from esafety.monitoring.tests.helpers import CONCERN, MonitoringTestCase

# x = 200, . = 403 (signed in, no role for it here)
EXPECTED = {
    "head": "x x x x",
    "deputy": ". . . .",
    "coordinator": "x x x x",
    "technician": "x . . x",
    "teacher": ". . . .",
    "teacher2": ". . . .",
    "office": ". . . .",
    "governor": ". . . .",
    "trust_lead": "x . . x",
    "sibling": "x x x x",  # at their own school (its queue, not Hollybrook's: see below)
    "outsider": "x x x x",
}
PAGES = ["monitoring:alerts", "monitoring:enhanced", "monitoring:lexicon", "monitoring:upload"]


class MonitoringAccessTests(MonitoringTestCase):
    def test_it_follows_the_matrix(self) -> None:
        failures = []
        for name, user in self.staff_personas.items():
            self.login(user)
            for page, cell in zip(PAGES, EXPECTED[name].split(), strict=True):
                status = self.client.get(reverse(page)).status_code
                if status != (200 if cell == "x" else 403):
                    failures.append(f"{name} {page}: {status}")
            self.client.logout()
        self.assertEqual(failures, [])

    def test_it_sends_anonymous_visitors_to_sign_in(self) -> None:
        response = self.client.get(reverse("monitoring:alerts"))
        self.assertRedirects(
            response, "/accounts/login/?next=/monitoring/alerts/", fetch_redirect_response=False
        )

    def test_it_hides_another_schools_alert(self) -> None:
        alert = self.alert(CONCERN)
        for user in (self.sibling, self.outsider):
            self.login(user)
            self.assertEqual(self.client.get(reverse("monitoring:alert", args=[alert.pk])).status_code, 404)
            self.assertEqual(
                self.client.get(reverse("monitoring:person", args=[self.pupil.pk])).status_code, 404
            )
            response = self.client.post(reverse("monitoring:alert_incident", args=[alert.pk]))
            self.assertEqual(response.status_code, 404)
            listing = self.client.get(reverse("monitoring:alerts"))
            self.assertNotContains(listing, alert.evidence, status_code=listing.status_code)

    def test_it_refuses_reviews_to_teachers(self) -> None:
        alert = self.alert(CONCERN)
        self.login(self.teacher)
        response = self.client.post(
            reverse("monitoring:alert_review", args=[alert.pk]), {"status": "reviewed"}
        )
        self.assertEqual(response.status_code, 403)
        alert.refresh_from_db()
        self.assertEqual(alert.status, "new")

    def test_it_shows_dashboard_panels_only_to_alert_readers(self) -> None:
        self.alert("i have taken the pills, this is my last message")
        self.login(self.coordinator)
        response = self.client.get(reverse("dashboard"))
        self.assertContains(response, "Severity 5 not yet reviewed")
        self.login(self.teacher)
        self.assertNotContains(self.client.get(reverse("dashboard")), "Severity 5 not yet reviewed")
