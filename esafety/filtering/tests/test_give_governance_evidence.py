"""Filtering's evidence for the annual review and the governors' report, and its records under data protection:
every figure here is worked out by hand from the records the test makes."""

from __future__ import annotations

from datetime import UTC, date, datetime

from esafety.filtering.models import (
    BlockedEvent,
    ChangeRequest,
    DailyCount,
    FilterGroup,
    FilterTestRun,
    RequestStatus,
)
from esafety.filtering.tests.helpers import FilteringTestCase
from esafety.governance import disposal, evidence
from esafety.governance.disposal import Holds
from esafety.governance.evidence import Measure, Period

YEAR = Period.school_year(2025)  # 1 Sep 2025 to 31 Aug 2026


def at(year: int, month: int, day: int) -> datetime:
    return datetime(year, month, day, 10, 0, tzinfo=UTC)


class TestGiveGovernanceEvidence(FilteringTestCase):
    def figure(self, key: str) -> Measure:
        found = evidence.get(self.school, YEAR, key)
        assert found.measure is not None, f"{key} is not recorded"
        return found.measure

    def test_filter_checks_are_counted_per_group_for_the_year(self) -> None:
        FilterGroup.objects.filter(school=self.school, name="pupils").update(label="Pupils: Year 2")
        checks = [{"group": "pupils", "passed": True}] * 3 + [{"group": "staff", "passed": False}]
        FilterTestRun.objects.create(
            school=self.school, run_at=at(2025, 11, 12), version=1, passed=False, results=checks
        )
        FilterTestRun.objects.create(
            school=self.school,
            run_at=at(2025, 8, 1),
            version=1,
            passed=True,
            results=[{"group": "staff", "passed": True}],
        )
        found = self.figure("filtering.test_results")
        self.assertEqual(found.summary, "3 of 4 filter checks gave the expected answer (75%)")
        self.assertEqual(found.series, (("Pupils: Year 2", 100.0), ("Staff", 0.0)))
        self.assertIn(("Last check", "12 Nov 2025"), found.rows)
        self.assertFalse(found.ok)

    def test_a_year_without_a_filter_test_is_not_met(self) -> None:
        found = self.figure("filtering.test_results")
        self.assertEqual((found.summary, found.ok), ("No filter test was run this year", False))

    def test_blocks_are_counted_by_category_without_names_or_sites(self) -> None:
        for day, category, blocked in (
            (date(2025, 10, 1), "chat", 7),
            (date(2025, 10, 2), "chat", 5),
            (date(2026, 1, 5), "games", 3),
            (date(2026, 9, 1), "chat", 100),  # the next year
        ):
            DailyCount.objects.create(
                school=self.school, day=day, person=self.pupil, category=category, blocked=blocked, allowed=1
            )
        found = self.figure("filtering.blocks")
        self.assertEqual((found.value, found.series), (15, (("chat", 12.0), ("games", 3.0))))
        self.assertNotIn(self.pupil.first_name, repr(found))

    def test_change_requests_show_what_was_decided_and_how_fast(self) -> None:
        for status, days in (
            (RequestStatus.APPLIED, 2),
            (RequestStatus.REJECTED, 4),
            (RequestStatus.HEAD, None),
        ):
            made = self.file()
            closed = at(2025, 10, 1 + days) if days else None
            ChangeRequest.objects.filter(pk=made.pk).update(
                created_at=at(2025, 10, 1),
                status=status,
                applied_at=closed if status == RequestStatus.APPLIED else None,
                closed_at=closed if status == RequestStatus.REJECTED else None,
            )
        found = self.figure("filtering.change_requests")
        self.assertEqual(found.summary, "3 change requests: 1 applied, 1 refused, 1 still waiting")
        self.assertIn(("Median time to decide", "3 days"), found.rows)
        self.assertEqual(found.series[0], ("Unblock: wrongly blocked or needed for teaching", 3.0))
        self.assertNotIn("chat.example", repr(found))


class TestKeepFilterRecords(FilteringTestCase):
    def test_closed_requests_go_after_the_schools_years_unless_held(self) -> None:
        requests = disposal.record_type("filtering.change_requests")
        old, held, in_force = self.file(), self.file(person=self.pupil, scope="person"), self.file()
        ChangeRequest.objects.filter(pk__in=[old.pk, held.pk]).update(
            status=RequestStatus.REJECTED, closed_at=at(2022, 11, 1)
        )
        ChangeRequest.objects.filter(pk=in_force.pk).update(
            status=RequestStatus.APPLIED, applied_at=at(2020, 1, 1)
        )
        result = requests.disposer(
            self.school, 3, date(2026, 12, 1), Holds(person_ids=frozenset({self.pupil.pk}))
        )
        self.assertEqual((result.removed, result.held), (1, 1))
        self.assertEqual(
            set(ChangeRequest.objects.filter(school=self.school).values_list("pk", flat=True)),
            {held.pk, in_force.pk},
        )

    def test_a_subject_access_export_lists_a_pupils_blocked_requests(self) -> None:
        BlockedEvent.objects.create(
            school=self.school,
            at=at(2026, 11, 30),
            person=self.pupil,
            host="12buzz.com",
            url="http://12buzz.com/",
            category="chat",
            user="ava.ashdown",
        )
        BlockedEvent.objects.create(
            school=self.school,
            at=at(2026, 11, 30),
            person=self.pupil2,
            host="other.example",
            url="http://other.example/",
            category="games",
        )
        gatherers = {key: gather for key, _, gather in disposal.gatherers()}
        section = gatherers["filtering"](self.school, self.pupil, self.head)
        self.assertEqual([entry.get("Site") for entry in section.entries], ["12buzz.com"])
