from __future__ import annotations

from django.urls import reverse

from esafety.audit.models import AuditEntry
from esafety.monitoring.models import LexiconAddition, LexiconSuppression
from esafety.monitoring.tests.helpers import MonitoringTestCase

TERM = {
    "form": "term",
    "term-phrase": "meet at the rec after dark",
    "term-category": "grooming",
    "term-severity": "3",
    "term-negatives": "",
}
CANNABIS = "we smoked cannabis behind the science block"  # a lesson about cannabis is not an alert


class LexiconTests(MonitoringTestCase):
    def test_it_previews_a_term_before_saving_it(self) -> None:
        self.login(self.coordinator)
        response = self.client.post(reverse("monitoring:lexicon"), {**TERM, "save": "0"})
        self.assertContains(response, "Effect on the evaluation set")
        self.assertContains(response, "False alerts in")
        self.assertFalse(LexiconAddition.objects.exists())
        self.assertIsNone(self.capture("ok meet at the rec after dark").capture)

        response = self.client.post(reverse("monitoring:lexicon"), {**TERM, "save": "1"})
        self.assertRedirects(response, reverse("monitoring:lexicon"))
        term = LexiconAddition.objects.get()
        self.assertEqual((term.school, term.added_by), (self.school, self.coordinator))
        self.assertTrue(AuditEntry.objects.filter(action="lexicon.add", object_id=str(term.pk)).exists())
        alerts = self.capture("ok meet at the rec after dark").alerts
        self.assertEqual([(a.category, a.rule) for a in alerts], [("grooming", f"grooming.school_{term.pk}")])
        # Only at this school.
        self.assertIsNone(
            self.capture("ok meet at the rec after dark", school=self.sibling_school, person=None).capture
        )

    def test_it_shows_a_term_that_would_cause_false_alerts(self) -> None:
        self.login(self.coordinator)
        response = self.client.post(
            reverse("monitoring:lexicon"),
            {**TERM, "term-phrase": "the", "term-category": "bullying", "save": "0"},
        )
        preview = response.context["preview"]
        self.assertGreater(preview.after.false_alerts, preview.before.false_alerts)
        self.assertContains(response, 'class="worse"')

    def test_it_refuses_a_malformed_term(self) -> None:
        self.login(self.coordinator)
        response = self.client.post(reverse("monitoring:lexicon"), {**TERM, "term-phrase": "!", "save": "1"})
        self.assertEqual(response.status_code, 200)
        self.assertFalse(LexiconAddition.objects.exists())

    def test_it_suppresses_a_term_for_a_group_only(self) -> None:
        self.assertTrue(self.capture(CANNABIS).alerts)
        self.login(self.coordinator)
        data = {
            "form": "suppress",
            "supp-rule": "cannabis",
            "supp-group": "Year 2",
            "supp-reason": "Year 2 science: medicines and drugs topic",
        }
        response = self.client.post(reverse("monitoring:lexicon"), {**data, "save": "0"})
        self.assertContains(response, "Effect on the evaluation set")
        self.assertFalse(LexiconSuppression.objects.exists())
        self.client.post(reverse("monitoring:lexicon"), {**data, "save": "1"})
        item = LexiconSuppression.objects.get()
        entry = AuditEntry.objects.get(action="lexicon.suppress")
        self.assertEqual(entry.detail["reason"], "Year 2 science: medicines and drugs topic")
        self.assertEqual(entry.object_id, str(item.pk))
        self.assertEqual(self.capture(CANNABIS, message_id="m2").alerts, [])  # Ava is in Year 2
        self.staff_member.year_group = ""
        self.assertTrue(self.capture(CANNABIS, person=self.staff_member).alerts)

    def test_it_needs_a_reason_and_a_known_rule_to_suppress(self) -> None:
        self.login(self.coordinator)
        for rule, reason in (("drugs.cannabis", ""), ("no.such_rule", "because")):
            self.client.post(
                reverse("monitoring:lexicon"),
                {
                    "form": "suppress",
                    "supp-rule": rule,
                    "supp-group": "*",
                    "supp-reason": reason,
                    "save": "1",
                },
            )
        self.assertFalse(LexiconSuppression.objects.exists())

    def test_it_removes_terms_with_an_audit_entry(self) -> None:
        self.login(self.coordinator)
        self.client.post(reverse("monitoring:lexicon"), {**TERM, "save": "1"})
        term = LexiconAddition.objects.get()
        self.client.post(reverse("monitoring:lexicon_remove", args=["term", term.pk]))
        self.assertFalse(LexiconAddition.objects.exists())
        self.assertTrue(AuditEntry.objects.filter(action="lexicon.remove").exists())

    def test_it_refuses_the_technician(self) -> None:
        self.login(self.technician)
        response = self.client.post(reverse("monitoring:lexicon"), {**TERM, "save": "1"})
        self.assertEqual(response.status_code, 403)
