"""Issue 12, point 11: the audit trail reads as sentences ("Coordinator Tester viewed Ava Ashdown's chronology"),
on the page and in its CSV export, and the page says in words what the integrity check found."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

from django.utils import timezone

from esafety.audit.actions import record
from esafety.audit.models import AuditEntry, ChainCheck
from esafety.audit.sentences import describe_entries
from esafety.audit.tasks import check_chain
from esafety.audit.tests.test_verify_audit_chain import tamper
from esafety.test import BaseTestCase


class AuditSentenceTests(BaseTestCase):
    def setUp(self) -> None:
        self.chronology = record(
            "incident.chronology.view",
            actor=self.coordinator,
            obj=self.pupil,
            kind=AuditEntry.Kind.VIEW,
            object_repr=f"Chronology of person {self.pupil.pk}",
        )
        self.queue = record(
            "capture.list_view",
            actor=self.coordinator,
            school=self.school,
            kind=AuditEntry.Kind.VIEW,
            object_repr="Monitoring alert queue",
        )
        self.unknown = record(
            "widget.frobnicate", actor=self.head, school=self.school, object_repr="Widget #3"
        )
        self.edited = record("widget.edit", actor=self.head, school=self.school, object_repr="Widget #4")

    def test_it_words_known_verbs_with_the_peoples_names(self) -> None:
        sentences = describe_entries([self.chronology, self.queue])
        self.assertEqual(sentences[self.chronology.seq], "Coordinator Tester viewed Ava Ashdown's chronology")
        self.assertEqual(sentences[self.queue.seq], "Coordinator Tester viewed the monitoring alert queue")

    def test_it_words_unknown_verbs_readably(self) -> None:
        sentences = describe_entries([self.unknown, self.edited])
        self.assertEqual(sentences[self.unknown.seq], "Head Tester: widget, frobnicate (Widget #3)")
        self.assertEqual(sentences[self.edited.seq], "Head Tester edited Widget #4")

    def test_the_page_shows_sentences_not_codes(self) -> None:
        self.login(self.head)
        response = self.client.get("/audit/")
        self.assertContains(response, "Coordinator Tester viewed Ava Ashdown&#x27;s chronology")
        self.assertContains(response, "Coordinator Tester viewed the monitoring alert queue")
        self.assertNotContains(response, "capture.list_view")
        self.assertNotContains(response, "incident.chronology.view")

    def test_the_csv_export_has_the_sentences_and_is_audited(self) -> None:
        self.login(self.head)
        response = self.client.get("/audit/", {"format": "csv"})
        self.assertEqual(response["Content-Type"], "text/csv; charset=utf-8")
        rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
        self.assertEqual(rows[0][:4], ["Entry", "When", "What happened", "Who"])
        by_seq = {row[0]: row for row in rows[1:]}
        self.assertEqual(
            by_seq[str(self.chronology.seq)][2], "Coordinator Tester viewed Ava Ashdown's chronology"
        )
        self.assertEqual(by_seq[str(self.queue.seq)][6], "capture.list_view")
        self.assertTrue(AuditEntry.objects.filter(action="audit.export_csv", actor=self.head).exists())


class IntegrityInWordsTests(BaseTestCase):
    def test_it_says_every_entry_is_intact_and_when_it_was_checked(self) -> None:
        for number in range(3):
            record("test.step", actor=self.head, obj=self.pupil, detail={"n": number})
        check = check_chain()
        self.login(self.head)
        response = self.client.get("/audit/")
        self.assertContains(
            response,
            f"All 3 entries are intact; last checked today at {timezone.localtime(check.at):%H:%M}.",
        )
        self.assertNotContains(response, "verify_audit")

    def test_it_says_which_entry_broke(self) -> None:
        record("test.one", actor=self.head, obj=self.pupil)
        record("test.two", actor=self.head, obj=self.pupil)
        tamper("UPDATE audit_auditentry SET action = %s WHERE seq = %s", ["test.forged", 2])
        check_chain()
        self.login(self.head)
        response = self.client.get("/audit/")
        self.assertContains(response, "the trail was altered at entry #2")
        self.assertContains(response, "The entry before it is intact.")

    def test_it_checks_a_short_trail_on_the_page_when_never_checked(self) -> None:
        record("test.one", actor=self.head, obj=self.pupil)
        self.assertFalse(ChainCheck.objects.exists())
        self.login(self.head)
        response = self.client.get("/audit/")
        self.assertEqual(ChainCheck.objects.count(), 1)
        self.assertContains(response, "entries are intact; last checked today at")

    def test_it_says_when_the_nightly_check_has_stopped(self) -> None:
        record("test.one", actor=self.head, obj=self.pupil)
        check = check_chain()
        ChainCheck.objects.filter(pk=check.pk).update(at=timezone.now() - timedelta(days=3))
        self.login(self.head)
        self.assertContains(self.client.get("/audit/"), "The nightly check has not run since")
