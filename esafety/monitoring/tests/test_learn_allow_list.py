"""The school's allow list, learnt from reviews: words dismissed twice become a proposal, previewed on the
evaluation sets, applied or rejected with a reason, audited, and at the school only."""

from __future__ import annotations

import itertools
from typing import Any
from unittest import mock

from django.urls import reverse

from esafety.audit.models import AuditEntry
from esafety.audit.sentences import describe
from esafety.monitoring import actions, scanning
from esafety.monitoring.models import Alert, AllowedPhrase, LexiconAddition
from esafety.monitoring.scanner import EVALUATION_SETS, Scanner, load_evaluation_set, shipped_lexicon
from esafety.monitoring.tests.helpers import MonitoringTestCase

# A school term no evaluation message contains: allowing it changes no figure of any set.
CLUB = "purple dragon club"
CLUB_TEXT = "are you coming to purple dragon club after school"
_IDS = itertools.count(1)


class AllowListTests(MonitoringTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.term = LexiconAddition.objects.create(
            school=self.school, phrase=CLUB, category="grooming", severity=3, added_by=self.coordinator
        )

    def dismiss(
        self,
        text: str = CLUB_TEXT,
        *,
        by: Any = None,
        school: Any = None,
        reason: str = "",
        category: str = "grooming",
    ) -> Alert:
        school = school or self.school
        person = self.pupil if school == self.school else None
        result = self.capture(text, school=school, person=person, message_id=f"m{next(_IDS)}")
        [alert] = [a for a in result.alerts if a.category == category]
        return actions.review_alert(
            alert,
            by=by or self.coordinator,
            status=Alert.Status.FALSE_POSITIVE,
            reason=reason or "The pupils' after-school club, run by Mr Hale",
        )

    def proposal_url(self) -> str:
        page = self.client.get(reverse("monitoring:allow_list"))
        [proposal] = page.context["proposals"]
        return reverse("monitoring:allow_proposal", args=[proposal.slug])

    def test_it_proposes_words_only_after_a_second_dismissal(self) -> None:
        self.login(self.coordinator)
        self.dismiss()
        self.assertEqual(self.client.get(reverse("monitoring:allow_list")).context["proposals"], [])
        second = self.dismiss(by=self.head, reason="Same club again: a parent's text about pick-up")
        page = self.client.get(reverse("monitoring:allow_list"))
        [proposal] = page.context["proposals"]
        self.assertEqual((proposal.category, proposal.phrase), ("grooming", CLUB))
        self.assertContains(page, "Same club again: a parent&#x27;s text about pick-up")
        self.assertContains(page, second.label)
        self.assertContains(page, self.head.get_full_name() or self.head.username)

    def test_it_counts_a_dismissed_category_apart_from_another(self) -> None:
        other = LexiconAddition.objects.create(
            school=self.school, phrase=CLUB, category="bullying", severity=3, added_by=self.coordinator
        )
        self.assertTrue(other.pk)
        self.dismiss()
        self.dismiss()  # grooming twice; the same messages' bullying alerts stay open
        self.dismiss(category="bullying")  # and bullying once
        self.login(self.coordinator)
        proposals = self.client.get(reverse("monitoring:allow_list")).context["proposals"]
        self.assertEqual([p.category for p in proposals], ["grooming"])

    def test_it_never_proposes_across_the_trust(self) -> None:
        LexiconAddition.objects.create(
            school=self.sibling_school, phrase=CLUB, category="grooming", severity=3, added_by=self.sibling
        )
        self.dismiss()
        self.dismiss(school=self.sibling_school, by=self.sibling)
        self.login(self.coordinator)
        self.assertEqual(self.client.get(reverse("monitoring:allow_list")).context["proposals"], [])
        self.dismiss()
        url = self.proposal_url()
        self.login(self.sibling)
        self.assertEqual(self.client.get(reverse("monitoring:allow_list")).context["proposals"], [])
        self.assertEqual(self.client.get(url).status_code, 404)

    def test_it_previews_every_set_then_stops_alerts_at_the_school_only(self) -> None:
        LexiconAddition.objects.create(
            school=self.sibling_school, phrase=CLUB, category="grooming", severity=3, added_by=self.sibling
        )
        self.dismiss()
        self.dismiss()
        self.login(self.coordinator)
        url = self.proposal_url()
        page = self.client.get(url)
        self.assertContains(page, "Effect on the evaluation sets")
        names = [s.name for s in page.context["preview"].sets]
        self.assertLessEqual({"original", "heldout"}, set(names))  # and "dev" once the scanner reports it
        self.assertContains(page, "False alerts per 1,000 benign messages")
        self.assertFalse(page.context["preview"].loses_recall)
        self.assertNotContains(page, "Warning: allowing these words lowers recall")
        self.assertContains(page, "It stops catching no message of the original set.")

        response = self.client.post(url, {"decision": "apply", "reason": "Mr Hale's club, not a meeting"})
        self.assertRedirects(response, reverse("monitoring:allow_list"))
        item = AllowedPhrase.objects.get()
        self.assertEqual(
            (item.status, item.max_severity, item.decided_by, item.school),
            (AllowedPhrase.Status.ALLOWED, 3, self.coordinator, self.school),
        )
        self.assertEqual(len(item.dismissals), 2)
        entry = AuditEntry.objects.get(action="allow_list.apply")
        self.assertEqual(entry.detail["reason"], "Mr Hale's club, not a meeting")
        self.assertEqual(set(entry.detail["figures"]), set(names))
        self.assertIn("false_per_1000_after", entry.detail["figures"]["heldout"])
        self.assertEqual(
            describe(entry, actor="Chris Coordinator"),
            "Chris Coordinator added “purple dragon club” to the school's allow list: it no longer raises"
            " grooming alerts of severity 3 or below",
        )
        # From the next scan, at this school only; and no longer proposed.
        self.assertEqual(self.capture(CLUB_TEXT, message_id="after").alerts, [])
        self.assertEqual(self.capture("PURPLE DRAGON CLUB at 4?", message_id="shouted").alerts, [])
        self.assertTrue(self.capture(CLUB_TEXT, school=self.sibling_school, person=None).alerts)
        self.assertEqual(self.client.get(reverse("monitoring:allow_list")).context["proposals"], [])
        self.assertEqual(self.client.get(url).status_code, 404)

    def test_it_scans_each_evaluation_set_once_however_often_the_preview_is_opened(self) -> None:
        # Before and after are the same hits less the allowed words; a second visit, or applying, scans nothing.
        self.dismiss()
        self.dismiss()
        self.login(self.coordinator)
        url = self.proposal_url()
        scanning._set_hits.clear()
        with mock.patch.object(Scanner, "scan_many", autospec=True, side_effect=Scanner.scan_many) as scans:
            first = self.client.get(url)
            self.assertEqual(scans.call_count, len(EVALUATION_SETS))
            second = self.client.get(url)
            self.client.post(url, {"decision": "apply", "reason": "Mr Hale's club, not a meeting"})
            self.assertEqual(scans.call_count, len(EVALUATION_SETS))
        self.assertEqual(
            [(s.name, s.after.recall) for s in first.context["preview"].sets],
            [(s.name, s.after.recall) for s in second.context["preview"].sets],
        )

    def test_it_needs_a_reason_to_apply(self) -> None:
        self.dismiss()
        self.dismiss()
        self.login(self.coordinator)
        response = self.client.post(self.proposal_url(), {"decision": "apply", "reason": " "})
        self.assertEqual(response.status_code, 200)
        self.assertFalse(AllowedPhrase.objects.exists())

    def test_it_warns_and_asks_for_acceptance_when_recall_would_drop(self) -> None:
        message, hit = _caught_once()
        for number in (1, 2):
            alert = self.alert(message.text, message_id=f"eval-{number}")
            alert = Alert.objects.get(capture=alert.capture, category=hit.category)
            actions.review_alert(alert, by=self.coordinator, status="false_positive", reason="Test")
        self.login(self.coordinator)
        page = self.client.get(reverse("monitoring:allow_list"))
        [proposal] = [p for p in page.context["proposals"] if p.category == hit.category]
        url = reverse("monitoring:allow_proposal", args=[proposal.slug])
        page = self.client.get(url)
        self.assertTrue(page.context["preview"].loses_recall)
        self.assertContains(page, "Warning: allowing these words lowers recall")
        self.assertContains(page, 'class="worse"')
        [original] = [s for s in page.context["preview"].sets if s.name == "original"]
        self.assertIn((hit.category, message.id, message.text), original.newly_missed)
        self.assertContains(page, message.id)

        response = self.client.post(url, {"decision": "apply", "reason": "We accept it"})
        self.assertContains(response, "confirm that you accept the lower recall")
        self.assertFalse(AllowedPhrase.objects.exists())
        self.client.post(url, {"decision": "apply", "reason": "We accept it", "accept_lower_recall": "on"})
        self.assertTrue(AllowedPhrase.objects.allowed().exists())
        self.assertTrue(AuditEntry.objects.get(action="allow_list.apply").detail["lower_recall"])

    def test_it_keeps_severity_4_and_5_alerting_unless_the_head_allows_them(self) -> None:
        self.dismiss()
        self.dismiss()
        self.login(self.coordinator)
        self.client.post(self.proposal_url(), {"decision": "apply", "reason": "Club"})
        self.assertEqual(AllowedPhrase.objects.get().max_severity, 3)
        self.assertEqual(self.capture(CLUB_TEXT, message_id="at-3").alerts, [])
        # The school makes its term more serious: the phrase allowed by the Co-ordinator hides it no longer.
        self.term.severity = 4
        self.term.save()
        self.assertEqual([a.severity for a in self.capture(CLUB_TEXT, message_id="at-4").alerts], [4])

    def test_it_leaves_words_dismissed_only_at_severity_4_to_the_head(self) -> None:
        self.term.severity = 4
        self.term.save()
        self.dismiss()
        self.dismiss()
        self.login(self.coordinator)
        url = self.proposal_url()
        page = self.client.get(url)
        self.assertContains(page, "Only the Headteacher can allow words at severity 4 and 5.")
        self.assertNotContains(page, "Allow up to severity")
        self.assertEqual(
            self.client.post(url, {"decision": "apply", "reason": "Club", "severe": "1"}).status_code, 403
        )
        response = self.client.post(url, {"decision": "apply", "reason": "Club"})
        self.assertContains(response, "they would change nothing")
        self.assertFalse(AllowedPhrase.objects.exists())
        self.assertEqual([a.severity for a in self.capture(CLUB_TEXT, message_id="still").alerts], [4])

        self.login(self.head)
        page = self.client.get(url + "?severe=1")
        self.assertContains(page, "This preview hides severities 4 and 5 too.")
        self.client.post(url, {"decision": "apply", "reason": "Club", "severe": "1"})
        item = AllowedPhrase.objects.allowed().get()
        self.assertEqual((item.max_severity, item.decided_by), (5, self.head))
        self.assertEqual(self.capture(CLUB_TEXT, message_id="now").alerts, [])

    def test_it_records_a_rejection_and_proposes_again_only_after_two_new_dismissals(self) -> None:
        self.dismiss()
        self.dismiss()
        self.login(self.coordinator)
        url = self.proposal_url()
        self.client.post(url, {"decision": "reject", "reject-reason": "Older pupils use it as a code word"})
        rejected = AllowedPhrase.objects.get()
        self.assertEqual(rejected.status, AllowedPhrase.Status.REJECTED)
        self.assertEqual(rejected.reason, "Older pupils use it as a code word")
        entry = AuditEntry.objects.get(action="allow_list.reject")
        self.assertEqual(entry.detail["reason"], "Older pupils use it as a code word")
        self.assertTrue(self.capture(CLUB_TEXT, message_id="kept").alerts)
        self.dismiss()
        self.assertEqual(self.client.get(reverse("monitoring:allow_list")).context["proposals"], [])
        newest = self.dismiss()
        [proposal] = self.client.get(reverse("monitoring:allow_list")).context["proposals"]
        self.assertEqual(len(proposal.alerts), 2)
        self.assertEqual(proposal.alerts[-1].pk, newest.pk)

    def test_it_removes_a_phrase_with_a_reason_and_the_figures_shown(self) -> None:
        self.dismiss()
        self.dismiss()
        self.login(self.coordinator)
        self.client.post(self.proposal_url(), {"decision": "apply", "reason": "Club"})
        item = AllowedPhrase.objects.get()
        remove = reverse("monitoring:allow_remove", args=[item.pk])
        self.client.post(remove, {"reason": ""})
        self.assertEqual(AllowedPhrase.objects.get().status, AllowedPhrase.Status.ALLOWED)
        self.client.post(remove, {"reason": "The club has closed; the name is used elsewhere now"})
        item.refresh_from_db()
        self.assertEqual(
            (item.status, item.removed_by, item.removed_reason),
            (
                AllowedPhrase.Status.REMOVED,
                self.coordinator,
                "The club has closed; the name is used elsewhere now",
            ),
        )
        entry = AuditEntry.objects.get(action="allow_list.remove")
        self.assertEqual(entry.detail["figures"], item.figures)
        self.assertIn("off the school's allow list", describe(entry))
        self.assertTrue(self.capture(CLUB_TEXT, message_id="again").alerts)
        page = self.client.get(reverse("monitoring:allow_list"))
        self.assertEqual(page.context["proposals"], [])  # the old dismissals do not count again
        self.assertContains(page, "The club has closed")

    def test_it_counts_proposals_for_those_who_manage_the_lexicon(self) -> None:
        self.dismiss()
        self.dismiss()
        self.login(self.coordinator)
        self.assertContains(self.client.get(reverse("monitoring:alerts")), "1 allow-list proposal<")
        dashboard = self.client.get(reverse("dashboard"))
        self.assertContains(dashboard, "Allow-list proposals")
        self.login(self.technician)
        self.assertNotContains(self.client.get(reverse("monitoring:alerts")), "allow-list proposal")
        self.assertNotContains(self.client.get(reverse("dashboard")), "Allow-list proposals")
        self.login(self.sibling)
        self.assertNotContains(self.client.get(reverse("dashboard")), "Allow-list proposals")


def _caught_once() -> tuple[Any, Any]:
    """A message of the original set caught by exactly one hit of severity 3 or below, with that hit."""
    scanner = Scanner(shipped_lexicon())
    for message in load_evaluation_set("original"):
        if len(message.categories) != 1:
            continue
        # One hit even at threshold 1 (what the preview scans with), of severity 2 or 3 (what raises an alert
        # at the school's default threshold and what an allowed phrase hides).
        hits = scanner.scan(message.text, threshold=1)
        if len(hits) == 1 and 2 <= hits[0].severity <= 3 and hits[0].category in message.categories:
            return message, hits[0]
    raise AssertionError("no message of the original set is caught by a single low-severity hit")
