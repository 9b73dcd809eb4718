from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from esafety.core.links import issue_link
from esafety.core.models import PersonalLink
from esafety.policies import actions
from esafety.policies.models import Acknowledgement, AcknowledgementCampaign
from esafety.policies.tests.helpers import PolicyTestCase

A = AcknowledgementCampaign.Audience


class SignByLinkTests(PolicyTestCase):
    def setUp(self) -> None:
        code = self.publish(
            kind="parent_code",
            title="Parent Code of Conduct",
            slug="parent-code",
            body="# Parent Code of Conduct\n\n- Be kind online.",
        )
        self.campaign = actions.start_campaign(
            code, audience=A.PARENTS_SCHOOL, closes_on=self.closes(), by=self.coordinator, send=False
        )

    def link(self, person: object = None, **overrides: object) -> str:
        arguments: dict[str, object] = {
            "school": self.school,
            "person": person or self.parent,
            "purpose": actions.LINK_PURPOSE,
            "subject_key": self.campaign.link_subject,
            "expires_at": timezone.now() + timedelta(days=30),
        }
        arguments.update(overrides)
        return issue_link(**arguments)[1]

    def url(self, token: str) -> str:
        return reverse("policies:sign", args=[token])

    def test_it_shows_the_code_in_plain_words_with_one_button_and_no_script(self) -> None:
        page = self.client.get(self.url(self.link()))
        self.assertContains(page, "Hello Dawn Ashdown.")
        self.assertContains(page, "Be kind online.")
        self.assertContains(page, "I have read this and I agree")
        self.assertContains(page, 'name="viewport"')
        self.assertNotContains(page, "<script")
        self.assertEqual(page["Cache-Control"], "no-store")

    def test_it_records_the_exact_version_when_and_how(self) -> None:
        token = self.link()
        page = self.client.post(self.url(token))
        self.assertContains(page, "Thank you")
        acknowledgement = Acknowledgement.objects.get(person=self.parent)
        self.assertEqual(
            (acknowledgement.version, acknowledgement.method, acknowledgement.campaign),
            (self.campaign.version, Acknowledgement.Method.LINK, self.campaign),
        )
        self.assertLess(timezone.now() - acknowledgement.acknowledged_at, timedelta(minutes=5))

    def test_it_records_once_when_the_link_is_clicked_twice(self) -> None:
        token = self.link()
        self.client.post(self.url(token))
        again = self.client.post(self.url(token))
        self.assertContains(again, "already been used, so there is nothing more to do")
        self.assertEqual(Acknowledgement.objects.filter(person=self.parent).count(), 1)

    def test_it_records_once_when_two_tabs_and_two_links_submit(self) -> None:
        first, reminder = self.link(), self.link()  # the invitation's link and a reminder's
        self.client.get(self.url(first))
        self.client.get(self.url(reminder))
        self.client.post(self.url(first))
        self.client.post(self.url(reminder))
        self.assertEqual(Acknowledgement.objects.filter(person=self.parent).count(), 1)

    def test_it_refuses_expired_reused_tampered_and_foreign_links_with_what_to_do(self) -> None:
        expired = self.link(expires_at=timezone.now() - timedelta(minutes=1))
        used = self.link()
        self.client.post(self.url(used))
        good = self.link()
        tampered = good[:-2] + ("xy" if not good.endswith("xy") else "ab")
        other_purpose = self.link(purpose="consent.answer")
        cases = {
            expired: "run out of time. Please ask the school office to send you a new one",
            used: "already been used",
            tampered: "We do not recognise this link",
            other_purpose: "This link is for something else",
        }
        for token, words in cases.items():
            for method in ("get", "post"):
                with self.subTest(words=words, method=method):
                    page = getattr(self.client, method)(self.url(token))
                    self.assertContains(page, "This link cannot be used")
                    self.assertContains(page, words)
        self.assertEqual(Acknowledgement.objects.filter(person=self.parent).count(), 1)

    def test_it_signs_only_for_the_person_the_link_was_issued_to(self) -> None:
        # A link names one person: whatever the form says, the acknowledgement is theirs.
        token = self.link()
        self.client.post(self.url(token), {"person": self.pupil.pk, "person_id": self.staff_member.pk})
        self.assertEqual(list(Acknowledgement.objects.values_list("person", flat=True)), [self.parent.pk])
        # A link for someone who is not in this campaign records nothing.
        stranger = self.link(person=self.staff_member)
        page = self.client.post(self.url(stranger))
        self.assertContains(page, "This request has closed")
        self.assertFalse(Acknowledgement.objects.filter(person=self.staff_member).exists())
        self.assertIsNone(PersonalLink.objects.get(person=self.staff_member).used_at)

    def test_it_refuses_a_link_once_the_campaign_has_closed(self) -> None:
        token = self.link()
        actions.close_campaign(self.campaign, by=self.coordinator)
        self.assertContains(self.client.get(self.url(token)), "This request has closed")
        self.assertContains(self.client.post(self.url(token)), "This request has closed")
        self.assertFalse(Acknowledgement.objects.exists())
