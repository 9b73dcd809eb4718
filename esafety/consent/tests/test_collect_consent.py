"""Campaigns: personal links to the parents of a class, answers through them, reminders, the non-responders
report, yearly renewal, and two parents answering differently."""

from __future__ import annotations

import re
from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from esafety.consent import actions
from esafety.consent.models import Campaign, Consent, ConsentRequest
from esafety.consent.tests import helpers
from esafety.core.models import OutboundEmail
from esafety.people.models import Guardianship, Person
from esafety.test import BaseTestCase


def token_in(email: OutboundEmail) -> str:
    match = re.search(r"/consent/answer/([^/\s]+)/", email.body)
    assert match, email.body
    return match.group(1)


class CollectConsentTests(BaseTestCase):
    def setUp(self) -> None:
        self.dad = Person.objects.create(
            school=self.school,
            kind=Person.Kind.PARENT,
            first_name="Dev",
            last_name="Ashdown",
            email="dev@home.example",
        )
        Guardianship.objects.create(parent=self.dad, pupil=self.pupil)
        self.parent.email = "dawn@home.example"
        self.parent.save()
        self.leos_carer = Person.objects.create(
            school=self.school, kind=Person.Kind.PARENT, first_name="Lee", last_name="Bramley"
        )  # no e-mail address
        Guardianship.objects.create(parent=self.leos_carer, pupil=self.pupil2)

    def start(self) -> Campaign:
        self.login(self.coordinator)
        today = timezone.localdate()
        response = self.client.post(
            reverse("consent:new_campaign"),
            {
                "title": "Photo consent 2026",
                "audience": "class",
                "audience_value": "Kestrels",
                "uses": ["website", "social"],
                "closes_on": f"{today + timedelta(days=14):%Y-%m-%d}",
                "consent_expires_on": f"{today + timedelta(days=200):%Y-%m-%d}",
            },
        )
        campaign = Campaign.objects.get()
        self.assertRedirects(response, reverse("consent:campaign", args=[campaign.pk]))
        return campaign

    def answer(self, email: OutboundEmail, **answers: str) -> object:
        self.client.logout()
        return self.client.post(
            reverse("consent:answer", args=[token_in(email)]),
            {f"p{self.pupil.pk}_{use}": value for use, value in answers.items()},
        )

    def test_it_sends_each_parent_their_own_link(self) -> None:
        campaign = self.start()
        requests = ConsentRequest.objects.filter(campaign=campaign)
        self.assertEqual(
            {(row.pupil, row.parent) for row in requests},
            {(self.pupil, self.parent), (self.pupil, self.dad), (self.pupil2, self.leos_carer)},
        )
        mail = {
            tuple(email.to): email
            for email in OutboundEmail.objects.filter(key__startswith="consent-request-")
        }
        self.assertEqual(set(mail), {("dawn@home.example",), ("dev@home.example",)})
        self.assertNotEqual(token_in(mail[("dawn@home.example",)]), token_in(mail[("dev@home.example",)]))
        # Leo's parent has no e-mail address: the report says to send paper.
        page = self.client.get(reverse("consent:campaign", args=[campaign.pk]))
        self.assertContains(page, "No e-mail: send a paper form")

    def test_it_records_a_parents_answers_through_the_link_once(self) -> None:
        self.start()
        email = OutboundEmail.objects.get(to=["dawn@home.example"])
        opened = self.client.get(reverse("consent:answer", args=[token_in(email)]))
        self.assertContains(opened, "Ava (Kestrels)")
        self.assertNotContains(opened, "Ashdown (")
        self.assertContains(self.answer(email, website="granted", social="refused"), "Thank you")
        rows = {row.use: row for row in Consent.objects.filter(person=self.pupil)}
        self.assertEqual(
            {use: row.answer for use, row in rows.items()}, {"website": "granted", "social": "refused"}
        )
        self.assertEqual((rows["website"].method, rows["website"].given_by), ("link", self.parent))
        again = self.answer(email, website="refused", social="refused")
        self.assertContains(again, "already been used", status_code=410)
        self.assertEqual(Consent.objects.filter(person=self.pupil).count(), 2)

    def test_it_refuses_unknown_and_closed_links(self) -> None:
        campaign = self.start()
        self.client.logout()
        self.assertContains(
            self.client.get(reverse("consent:answer", args=["nope"])), "do not recognise", status_code=410
        )
        campaign.close()
        email = OutboundEmail.objects.get(to=["dawn@home.example"])
        self.assertContains(
            self.client.get(reverse("consent:answer", args=[token_in(email)])),
            "run out of time",
            status_code=410,
        )

    def test_it_lets_the_more_restrictive_parent_stand_and_shows_the_office(self) -> None:
        campaign = self.start()
        self.answer(OutboundEmail.objects.get(to=["dawn@home.example"]), website="granted", social="granted")
        self.answer(OutboundEmail.objects.get(to=["dev@home.example"]), website="refused", social="granted")
        table = actions.standings(self.school, [self.pupil])[self.pupil.pk]
        self.assertEqual((table["website"].state, table["website"].disputed), ("refused", True))
        self.assertEqual((table["social"].state, table["social"].disputed), ("granted", False))
        self.login(self.office)
        self.assertContains(self.client.get(reverse("consent:disagreements")), "Ava Ashdown")
        report = self.client.get(reverse("consent:campaign", args=[campaign.pk]))
        self.assertEqual([pupil for pupil, _ in report.context["disputed"]], [self.pupil])

    def test_it_reports_who_has_not_answered_and_reminds_them_weekly(self) -> None:
        campaign = self.start()
        self.answer(OutboundEmail.objects.get(to=["dawn@home.example"]), website="granted", social="granted")
        self.login(self.office)
        report = self.client.get(reverse("consent:campaign", args=[campaign.pk]))
        self.assertEqual({row.parent for row in report.context["not_answered"]}, {self.dad, self.leos_carer})
        self.assertEqual(actions.send_reminders(), 0)  # too soon
        self.assertEqual(actions.send_reminders(timezone.now() + timedelta(days=7, minutes=1)), 1)
        reminder = OutboundEmail.objects.get(key__endswith="-1", to=["dev@home.example"])
        self.assertTrue(reminder.subject.startswith("Reminder:"))
        self.assertEqual(actions.send_reminders(timezone.now() + timedelta(days=8)), 0)  # once a week
        # The reminder's fresh link works.
        self.assertContains(self.answer(reminder, website="granted", social="granted"), "Thank you")

    def test_it_renews_a_campaign_for_next_year(self) -> None:
        campaign = self.start()
        self.client.post(reverse("consent:renew", args=[campaign.pk]))
        renewal = Campaign.objects.exclude(pk=campaign.pk).get()
        self.assertEqual(
            (renewal.renewal_of, renewal.uses, renewal.audience_value), (campaign, campaign.uses, "Kestrels")
        )
        self.assertEqual(renewal.closes_on, campaign.closes_on.replace(year=campaign.closes_on.year + 1))
        self.assertEqual(renewal.requests.count(), campaign.requests.count())

    def test_it_asks_new_starters_only(self) -> None:
        newcomer, _ = helpers.pupil_with_parent(self.school, "Zara", "Okafor")
        Person.objects.filter(pk__in=[self.pupil.pk, self.pupil2.pk]).update(
            created=timezone.now() - timedelta(days=400)
        )
        found = actions.audience_pupils(
            self.school, Campaign.Audience.NEW_STARTERS, new_since=timezone.localdate() - timedelta(days=30)
        )
        self.assertEqual(list(found), [newcomer])
