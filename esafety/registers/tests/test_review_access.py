"""The access review: everyone with access, leavers still active, temporary accounts past their date, accounts
never used, and the Head's termly sign-off."""

from __future__ import annotations

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from esafety.registers.models import AccessReview
from esafety.registers.tests.helpers import make_account
from esafety.test import BaseTestCase


class TestAccessReview(BaseTestCase):
    def setUp(self) -> None:
        today = timezone.localdate()
        self.staff_member.left_on = today - timedelta(days=3)
        self.staff_member.save(update_fields=["left_on"])
        make_account(
            self.school,
            kind="staff",
            username="mstaffer",
            person=self.staff_member,
            ends_on=None,
            last_used_at=timezone.now(),
        )
        make_account(
            self.school,
            username="visitor.late",
            ends_on=today - timedelta(days=2),
            last_used_at=timezone.now(),
        )
        make_account(self.school, username="student.idle", kind="student")
        make_account(
            self.school,
            username="visitor.gone",
            status="expired",
            closed_at=timezone.now(),
            last_used_at=timezone.now(),
        )
        self.teacher.last_login = timezone.now()
        self.teacher.save(update_fields=["last_login"])

    def test_it_lists_what_needs_a_decision(self) -> None:
        self.login(self.technician)
        page = self.client.get(reverse("registers:access_review")).content.decode()
        leavers = page.split('id="leavers"')[1].split("</section>")[0]
        past = page.split('id="past"')[1].split("</section>")[0]
        unused = page.split('id="unused"')[1].split("</section>")[0]
        self.assertIn("mstaffer", leavers)
        self.assertIn("1 to close", leavers)
        self.assertNotIn("visitor.late", leavers)
        self.assertIn("visitor.late", past)
        self.assertNotIn("student.idle", past)
        self.assertIn("student.idle", unused)
        self.assertIn("esafety: governor", unused, "esafety sign-ins never used are listed too")
        self.assertIn("esafety: trustlead", unused, "trust-wide roles have access too")
        self.assertNotIn("esafety: teacher ", unused)
        self.assertIn("visitor.gone", page.split("Closed since the last review")[1])
        self.assertIn("Review due", page)
        self.assertNotIn("Sign off this review", page, "only the Head signs off")

    def test_it_is_signed_off_by_the_head_with_what_they_saw(self) -> None:
        self.login(self.coordinator)
        self.assertEqual(self.client.post(reverse("registers:sign_off_access_review")).status_code, 403)
        self.login(self.head)
        self.client.post(reverse("registers:sign_off_access_review"), {"notes": "Closing mstaffer today"})
        review = AccessReview.objects.get()
        self.assertEqual((review.signed_off_by, review.notes), (self.head, "Closing mstaffer today"))
        self.assertEqual(review.findings["leaver_accounts"], ["mstaffer"])
        self.assertEqual(review.findings["past_end"], ["visitor.late"])
        page = self.client.get(reverse("registers:access_review"))
        self.assertContains(page, "next due")
        self.assertNotContains(page, "Review due")
