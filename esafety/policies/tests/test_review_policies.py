from datetime import date, timedelta

from django.urls import reverse
from django.utils import timezone

from esafety.core.models import OutboundEmail
from esafety.policies import actions
from esafety.policies.tests.helpers import PolicyTestCase


class ReviewPoliciesTests(PolicyTestCase):
    def test_it_reminds_a_month_before_and_again_when_overdue_once_each(self) -> None:
        today = date(2027, 3, 1)
        version = self.publish(review_due=date(2027, 3, 20))
        version.policy.owner = self.coordinator
        version.policy.save(update_fields=["owner"])
        self.assertEqual(actions.remind_reviews(today=today - timedelta(days=40)), 0)
        self.assertEqual(actions.remind_reviews(today=today), 1)
        self.assertEqual(actions.remind_reviews(today=today + timedelta(days=1)), 0)
        soon = OutboundEmail.objects.get()
        self.assertEqual(soon.to, ["coordinator@school.example", "head@school.example"])
        self.assertIn("due for review", soon.body)
        self.assertEqual(actions.remind_reviews(today=date(2027, 3, 21)), 1)
        self.assertEqual(actions.remind_reviews(today=date(2027, 3, 22)), 0)
        self.assertIn("overdue", OutboundEmail.objects.order_by("-pk").first().subject)

    def test_it_flags_overdue_reviews_on_the_heads_and_governors_dashboards(self) -> None:
        self.publish(
            title="Anti-bullying Policy",
            kind="anti_bullying",
            slug="anti-bullying",
            review_due=timezone.localdate() - timedelta(days=3),
        )
        for user in (self.head, self.governor):
            self.login(user)
            page = self.client.get(reverse("dashboard"))
            self.assertContains(page, "Policy reviews overdue")
            self.assertContains(page, "Anti-bullying Policy")
        self.login(self.teacher)
        self.assertNotContains(self.client.get(reverse("dashboard")), "Policy reviews overdue")
        self.login(self.governor)
        self.assertContains(self.client.get(reverse("policies:reviews")), "Overdue")

    def test_it_records_a_review_and_moves_the_next_date(self) -> None:
        version = self.publish(review_due=timezone.localdate())
        self.login(self.governor)
        self.client.post(
            reverse("policies:record_review", args=[version.policy_id]),
            {
                "reviewed_on": "2026-11-20",
                "outcome": "no_change",
                "notes": "Read at FGB",
                "next_review_on": "2027-11-20",
            },
        )
        version.policy.refresh_from_db()
        self.assertEqual(version.policy.review_due, date(2027, 11, 20))
        review = version.policy.reviews.get()
        self.assertEqual((review.recorded_by, review.notes), (self.governor, "Read at FGB"))
