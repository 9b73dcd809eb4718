"""The retention task: removes what is due by each rule, keeps held and undated records, logs counts (never
content) and leaves the audit chain intact. Due dates below are worked out by hand for TODAY."""

from __future__ import annotations

import json
from datetime import date, timedelta

from django.utils import timezone

from esafety.audit.actions import record, verify_chain
from esafety.audit.models import AuditEntry
from esafety.core.schedule import REGISTRY
from esafety.governance import actions, disposal
from esafety.governance.models import DisposalRun
from esafety.incidents.models import Incident
from esafety.monitoring.models import Capture
from esafety.test import BaseTestCase, make_person
from esafety.training.models import Attendance, SessionKind
from esafety.training.tests.support import attended

from .support import alert, at, incident

TODAY = date(2026, 11, 1)


class DisposalTests(BaseTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        record("test.before", school=cls.school)  # the chain has entries before the run
        old = make_person(cls.school, "pupil", "Olive", "Old", date_of_birth=date(1995, 3, 1))  # +25 = 2020
        young = make_person(
            cls.school, "pupil", "Yara", "Young", date_of_birth=date(2018, 3, 1)
        )  # +25 = 2043
        undated = make_person(cls.school, "pupil", "Una", "Undated")
        cls.held = make_person(cls.school, "pupil", "Hal", "Held", date_of_birth=date(1995, 3, 1))
        cls.cp_due = incident(
            cls.school, "grooming", at(2010, 5, 1), (old, "victim"), description="SECRET DETAIL"
        )
        cls.cp_both = incident(
            cls.school, "cyberbullying", at(2010, 5, 1), (old, "subject"), (young, "victim")
        )
        cls.cp_undated = incident(cls.school, "other", at(2010, 5, 1), (undated, "victim"))
        cls.cp_held = incident(cls.school, "other", at(2010, 5, 1), (cls.held, "victim"))
        # Allegations: retirement (DOB + 67) or 10 years after, whichever is later.
        retired = make_person(cls.school, "staff", "Rita", "Retired", date_of_birth=date(1950, 1, 1))  # 2017
        working = make_person(cls.school, "staff", "Will", "Working", date_of_birth=date(1980, 1, 1))  # 2047
        cls.allegation_due = incident(
            cls.school, "staff_aup_breach", at(2012, 1, 10), (retired, "subject"), restricted=True
        )  # 2022
        cls.allegation_kept = incident(
            cls.school, "staff_aup_breach", at(2012, 1, 10), (working, "subject"), restricted=True
        )
        cls.allegation_recent = incident(
            cls.school, "staff_aup_breach", at(2020, 1, 10), (retired, "subject"), restricted=True
        )  # 2030
        # Other incidents: 6 years after.
        cls.other_due = incident(cls.school, "data_breach", at(2019, 6, 1))  # 2025
        cls.other_kept = incident(cls.school, "data_breach", at(2022, 6, 1))  # 2028
        # Monitoring captures: School.retention_days (365) after capture.
        now = timezone.make_aware(timezone.datetime(2026, 11, 1, 9))
        cls.capture_due = alert(cls.school, 3, now - timedelta(days=400), 1).capture
        cls.capture_kept = alert(cls.school, 3, now - timedelta(days=10), 1).capture
        cls.capture_held = alert(cls.school, 3, now - timedelta(days=400), 1, person=cls.held).capture
        # Training: 6 years after leaving.
        leaver = make_person(cls.school, "staff", "Lee", "Leaver", left_on=date(2019, 7, 20))
        cls.training_due = attended(cls.school, leaver, SessionKind.SAFEGUARDING_INSET, date(2018, 9, 3))
        actions.place_hold(cls.school, person=cls.held, reason="Civil claim", by=cls.head)

    def test_it_removes_exactly_what_is_due_and_keeps_the_rest(self) -> None:
        counts = disposal.dispose_due(self.school, TODAY)
        gone = {self.cp_due.pk, self.allegation_due.pk, self.other_due.pk}
        kept = {
            self.cp_both.pk,
            self.cp_undated.pk,
            self.cp_held.pk,
            self.allegation_kept.pk,
            self.allegation_recent.pk,
            self.other_kept.pk,
        }
        remaining = set(Incident.objects.filter(school=self.school).values_list("pk", flat=True))
        self.assertEqual(remaining & (gone | kept), kept)
        self.assertEqual(
            counts["incidents.child_protection"], {"removed": 1, "anonymised": 0, "held": 1, "undated": 1}
        )
        self.assertEqual(counts["incidents.allegation"]["removed"], 1)
        self.assertEqual(counts["incidents.other"]["removed"], 1)
        self.assertEqual(
            set(Capture.objects.filter(school=self.school).values_list("pk", flat=True)),
            {self.capture_kept.pk, self.capture_held.pk},
        )
        self.assertEqual(
            counts["monitoring.captures"], {"removed": 1, "anonymised": 0, "held": 1, "undated": 0}
        )
        self.assertFalse(Attendance.objects.filter(pk=self.training_due.pk).exists())

    def test_it_stops_holding_once_the_hold_is_lifted(self) -> None:
        from esafety.governance.models import LegalHold

        actions.lift_hold(LegalHold.objects.get(person=self.held), by=self.head)
        disposal.dispose_due(self.school, TODAY)
        self.assertFalse(Incident.objects.filter(pk=self.cp_held.pk).exists())

    def test_it_logs_counts_and_record_types_never_content_and_the_chain_stays_valid(self) -> None:
        disposal.dispose_due(self.school, TODAY)
        entries = list(AuditEntry.objects.filter(action="retention.dispose").order_by("seq"))
        self.assertEqual(
            {e.detail["record_type"]: e.detail["removed"] for e in entries},
            {
                "incidents.child_protection": 1,
                "incidents.allegation": 1,
                "incidents.other": 1,
                "monitoring.captures": 1,
                "training.records": 1,
            },
        )
        dumped = json.dumps([e.detail for e in entries]) + " ".join(e.object_repr for e in entries)
        for secret in ("SECRET DETAIL", "Olive", "Rita", "Lee Leaver"):
            self.assertNotIn(secret, dumped)
        self.assertTrue(verify_chain().ok)
        self.assertEqual(DisposalRun.objects.get(school=self.school).counts["incidents.other"]["removed"], 1)

    def test_it_honours_a_hold_on_one_record(self) -> None:
        actions.place_hold(
            self.school,
            record_type="incidents.other",
            object_id=str(self.other_due.pk),
            reason="Inquiry",
            by=self.head,
        )
        disposal.dispose_due(self.school, TODAY)
        self.assertTrue(Incident.objects.filter(pk=self.other_due.pk).exists())

    def test_it_uses_the_schools_own_period(self) -> None:
        disposal.set_period(self.school, disposal.record_type("incidents.other"), 3, by=self.head)
        disposal.dispose_due(self.school, TODAY)  # 2022 + 3 = 2025: now due
        self.assertFalse(Incident.objects.filter(pk=self.other_kept.pk).exists())

    def test_it_runs_every_night_from_the_schedule(self) -> None:
        self.assertEqual(
            REGISTRY["governance.dispose_due_records"].task_path,
            "esafety.governance.tasks.dispose_due_records",
        )

    def test_it_keeps_the_monitoring_period_in_the_schools_setting(self) -> None:
        disposal.set_period(self.school, disposal.record_type("monitoring.captures"), 30, by=self.head)
        self.school.refresh_from_db()
        self.assertEqual(self.school.retention_days, 30)

    def test_it_shows_the_schedule_with_defaults_sources_and_every_room(self) -> None:
        self.login(self.head)
        page = self.client.get("/governance/retention/").content.decode()
        for text in ("IRMS", "Keeping Children Safe in Education", "Filter logs", "Confiscation records"):
            self.assertIn(text, page)
