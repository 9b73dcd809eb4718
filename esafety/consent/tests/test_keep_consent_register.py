"""Recording answers from a form, withdrawing them as history, and the class lists that say who must not appear
in published images."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone

from esafety.audit.models import AuditEntry
from esafety.consent.models import Consent
from esafety.consent.tests import helpers
from esafety.core.models import OutboundEmail
from esafety.publishing.tests.helpers import appearance
from esafety.test import BaseTestCase


class RecordConsentTests(BaseTestCase):
    def post_answers(self, person_id: int, **answers: str) -> object:
        data = {
            "given_by": str(self.parent.pk),
            "method": "scan",
            "given_on": f"{timezone.localdate():%Y-%m-%d}",
            "reference": "Consent file 2026",
            **{f"use_{use.replace('_', '-')}": value for use, value in answers.items()},
        }
        return self.client.post(reverse("consent:record", args=[person_id]), data)

    def test_it_records_each_answer_with_who_when_and_how(self) -> None:
        self.login(self.office)
        response = self.post_answers(self.pupil.pk, website="granted", social="refused")
        self.assertRedirects(response, reverse("consent:person", args=[self.pupil.pk]))
        rows = {row.use: row for row in Consent.objects.filter(person=self.pupil)}
        self.assertEqual(
            {use: row.answer for use, row in rows.items()}, {"website": "granted", "social": "refused"}
        )
        self.assertEqual(
            (rows["website"].given_by, rows["website"].method, rows["website"].recorded_by),
            (self.parent, "scan", self.office),
        )
        self.assertEqual(rows["website"].reference, "Consent file 2026")
        self.assertTrue(AuditEntry.objects.filter(action="consent.record").exists())

    def test_it_takes_answers_only_from_the_pupils_own_parents(self) -> None:
        self.login(self.office)
        _, stranger = helpers.pupil_with_parent(self.school)
        data = {
            "given_by": str(stranger.pk),
            "method": "form",
            "given_on": f"{timezone.localdate():%Y-%m-%d}",
            "use_website": "granted",
        }
        response = self.client.post(reverse("consent:record", args=[self.pupil.pk]), data)
        self.assertEqual(response.status_code, 400)
        self.assertFalse(Consent.objects.filter(person=self.pupil).exists())

    def test_it_keeps_the_form_when_nothing_was_answered(self) -> None:
        self.login(self.office)
        response = self.post_answers(self.pupil.pk)
        self.assertContains(response, "Choose an answer for at least one use.", status_code=400)

    def test_it_records_staff_answering_for_themselves(self) -> None:
        self.login(self.coordinator)
        data = {
            "given_by": str(self.staff_member.pk),
            "method": "form",
            "given_on": f"{timezone.localdate():%Y-%m-%d}",
            "use_video": "refused",
        }
        self.assertEqual(
            self.client.post(reverse("consent:record", args=[self.staff_member.pk]), data).status_code, 302
        )
        self.assertEqual(Consent.objects.get(person=self.staff_member).answer, "refused")


class WithdrawConsentTests(BaseTestCase):
    def test_it_keeps_the_withdrawal_as_history_and_lists_where_the_pupil_appears(self) -> None:
        consent = helpers.grant(self.pupil, self.parent, "website")
        shown = appearance(self.school, self.pupil)
        self.login(self.office)
        response = self.client.post(
            reverse("consent:withdraw", args=[consent.pk]),
            {f"w{consent.pk}-withdrawn_by": str(self.parent.pk), f"w{consent.pk}-reason": "Moving abroad"},
            follow=True,
        )
        self.assertEqual(
            response.redirect_chain[-1][0], reverse("publishing:appearances", args=[self.pupil.pk])
        )
        self.assertContains(response, shown.publication.title)
        self.assertContains(response, "Record taken down now")
        consent.refresh_from_db()
        self.assertEqual(
            (consent.answer, consent.withdrawn_by, consent.withdrawal_reason),
            ("granted", self.parent, "Moving abroad"),
        )
        self.assertIsNotNone(consent.withdrawn_at)
        page = self.client.get(reverse("consent:person", args=[self.pupil.pk]))
        self.assertContains(page, "Withdrawn")
        self.assertContains(page, "Moving abroad")
        # Whoever answers for published content is told where to look.
        mail = OutboundEmail.objects.get(key=f"consent-withdrawn-{consent.pk}")
        self.assertIn("head@school.example", mail.to)
        self.assertNotIn("Ava", mail.body)

    def test_it_records_when_each_item_was_taken_down(self) -> None:
        shown = appearance(self.school, self.pupil)
        self.login(self.office)
        self.client.post(reverse("publishing:remove", args=[shown.pk]))
        shown.refresh_from_db()
        self.assertEqual(shown.removed_by, self.office)
        self.assertIsNotNone(shown.removed_at)
        self.assertContains(
            self.client.get(reverse("publishing:appearances", args=[self.pupil.pk])), "Taken down"
        )


class ClassListTests(BaseTestCase):
    def test_it_shows_and_prints_who_must_not_appear_in_published_images(self) -> None:
        for use in ("website", "newsletter", "social", "press"):
            helpers.grant(self.pupil, self.parent, use)
        self.login(self.teacher)
        page = self.client.get(reverse("consent:register"), {"class": "Kestrels"})
        self.assertContains(page, "Ava Ashdown")
        self.assertContains(page, "Do not publish")
        printed = self.client.get(reverse("consent:print"), {"class": "Kestrels"})
        not_allowed = printed.context["not_allowed"]
        self.assertEqual([row[0] for row in not_allowed], [self.pupil2])
        self.assertEqual([row[0] for row in printed.context["allowed"]], [self.pupil])
        self.assertContains(printed, "Leo Bramley")

    def test_it_gives_teachers_no_way_to_change_answers(self) -> None:
        helpers.grant(self.pupil, self.parent)
        self.login(self.teacher)
        page = self.client.get(reverse("consent:person", args=[self.pupil.pk]))
        self.assertNotContains(page, "Withdraw this consent")
        self.assertNotContains(page, "Record answers")
