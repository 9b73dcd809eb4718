"""Issue 12, point 11: monitoring pages say what a rule looks for, not its id, and name a source once."""

from __future__ import annotations

from django.test import SimpleTestCase
from django.urls import reverse

from esafety.monitoring.models import Source
from esafety.monitoring.scanner import load_lexicon, shipped_lexicon
from esafety.monitoring.tests.helpers import URGENT, MonitoringTestCase


class PlainWordsTests(MonitoringTestCase):
    def test_the_alert_page_describes_the_rule_instead_of_naming_it(self) -> None:
        alert = self.alert(URGENT)
        self.assertEqual(alert.rule, "self_harm.imminent")
        self.login(self.coordinator)
        response = self.client.get(reverse("monitoring:alert", args=[alert.pk]))
        self.assertContains(
            response, "Plans or signs of an attempt on their life now (a time, a method, a goodbye)"
        )
        self.assertNotContains(response, "self_harm.imminent")

    def test_a_source_named_after_its_kind_is_named_once(self) -> None:
        named_like_kind = Source(school=self.school, name="Journal mailbox", kind=Source.Kind.IMAP)
        self.assertEqual(str(named_like_kind), "Journal mailbox (IMAP)")
        automatic = Source(school=self.school, name="API submissions", kind=Source.Kind.API)
        self.assertEqual(str(automatic), "API submissions")
        own_name = Source(school=self.school, name="Learning platform chat", kind=Source.Kind.API)
        self.assertEqual(str(own_name), "Learning platform chat (API submissions)")

    def test_the_alert_page_names_the_journal_mailbox_once(self) -> None:
        source = Source.objects.create(school=self.school, name="Journal mailbox", kind=Source.Kind.IMAP)
        alert = self.alert(URGENT, source=source)
        self.login(self.coordinator)
        response = self.client.get(reverse("monitoring:alert", args=[alert.pk]))
        self.assertContains(response, "Journal mailbox (IMAP)")
        self.assertNotContains(response, "Journal mailbox (Journal mailbox")


class RuleDescriptionTests(SimpleTestCase):
    def test_every_shipped_rule_has_a_description(self) -> None:
        missing = [entry.rule for entry in shipped_lexicon().entries if not entry.description]
        self.assertEqual(missing, [])

    def test_a_rule_without_a_description_still_reads_as_words(self) -> None:
        lexicon = load_lexicon(
            shipped=False, additions=[{"phrase": "meet at the rec", "category": "grooming", "severity": 3}]
        )
        self.assertEqual(
            lexicon.describe(lexicon.entries[0].rule), "A term the school added: “meet at the rec”"
        )
        self.assertEqual(lexicon.describe("drugs.school_12"), "Drugs: a term the school added")
        self.assertEqual(lexicon.describe("violence.knife_crime"), "Violence: knife crime")
