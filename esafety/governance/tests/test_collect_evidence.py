"""Each evidence query against records whose figures are worked out by hand, and the "not recorded" rule."""

from __future__ import annotations

from datetime import date, timedelta

from esafety.governance import evidence
from esafety.governance.evidence import NOT_RECORDED, Measure, Period
from esafety.governance.models import ResponsiblePeople
from esafety.incidents.models import TimelineEntry
from esafety.people.models import School
from esafety.test import BaseTestCase, make_person
from esafety.training.models import Lesson, PlannedUnit, Requirement
from esafety.training.tests.support import attended, joined

from .support import alert, at, incident, without_provider

YEAR = Period.school_year(2025)


class EvidenceTests(BaseTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.quiet = School.objects.create(trust=cls.trust, name="Quiet Primary", slug="quiet")

    def figure(self, key: str, school: School | None = None) -> Measure:
        found = evidence.get(school or self.quiet, YEAR, key)
        assert found.measure is not None, key
        return found.measure

    def test_it_counts_incidents_by_month_and_category_within_the_school_year(self) -> None:
        incident(self.quiet, "cyberbullying", at(2025, 10, 3))
        incident(self.quiet, "cyberbullying", at(2025, 10, 28))
        incident(self.quiet, "off_task", at(2026, 3, 9))
        incident(self.quiet, "off_task", at(2025, 8, 31))  # the year before
        incident(self.school, "grooming", at(2025, 10, 3))  # another school
        by_month = dict(self.figure("incidents.by_month").series)
        self.assertEqual(by_month, {**dict.fromkeys(evidence.MONTHS, 0), "Oct": 2, "Mar": 1})
        self.assertEqual(
            self.figure("incidents.by_category").series,
            (("Cyberbullying", 2.0), ("Minor off-task use", 1.0)),
        )

    def test_it_measures_the_median_time_from_report_to_triage(self) -> None:
        for hours in (4, 10):
            made = incident(self.quiet, "other", at(2025, 11, 3))
            TimelineEntry.objects.create(
                incident=made, kind="triaged", at=made.reported_at + timedelta(hours=hours)
            )
        self.assertEqual(self.figure("incidents.response").value, 7.0)

    def test_it_counts_alerts_by_severity_and_times_their_review(self) -> None:
        alert(self.quiet, 4, at(2025, 9, 10), 2)
        alert(self.quiet, 4, at(2025, 9, 11), 4)
        alert(self.quiet, 2, at(2025, 9, 12), 30)
        alert(self.quiet, 5, at(2025, 9, 13), None)
        severity = dict(self.figure("monitoring.alerts_by_severity").series)
        self.assertEqual(
            severity,
            {
                "1 - low": 0,
                "2 - minor": 1,
                "3 - concern": 0,
                "4 - serious": 2,
                "5 - imminent risk to life": 1,
            },
        )
        review = self.figure("monitoring.time_to_review")
        self.assertEqual(review.value, 4.0)
        self.assertIn("2 of 3 within a day", review.summary)
        self.assertEqual(dict(review.rows)["Waiting for review"], "1")

    def test_it_measures_training_compliance_at_the_end_of_the_year(self) -> None:
        Requirement.objects.create(
            school=self.quiet, kind="safeguarding_inset", audience="staff", every_months=12
        )
        ok = joined(make_person(self.quiet, "staff", "Ok", "One"), date(2020, 1, 1))
        late = joined(make_person(self.quiet, "staff", "Late", "Two"), date(2020, 1, 1))
        attended(self.quiet, ok, "safeguarding_inset", date(2025, 9, 2))
        attended(self.quiet, late, "safeguarding_inset", date(2024, 9, 2))
        measure = self.figure("training.compliance")
        self.assertEqual((measure.value, measure.ok), (50, False))
        self.assertEqual(measure.series, (("Safeguarding INSET", 50.0),))

    def test_it_measures_curriculum_coverage_of_terms_begun(self) -> None:
        for strand in ("privacy", "bullying"):
            PlannedUnit.objects.create(
                school=self.quiet, year_group="Year 2", term="autumn", strand=strand, title=strand
            )
        Lesson.objects.create(
            school=self.quiet,
            delivered_on=date(2025, 10, 1),
            year_group="Year 2",
            class_name="K",
            strand="privacy",
            title="P",
        )
        measure = self.figure("curriculum.coverage")
        self.assertEqual((measure.value, measure.series), (50, (("Year 2", 50.0),)))

    def test_it_counts_the_named_responsible_people_without_naming_them(self) -> None:
        ResponsiblePeople.objects.create(school=self.quiet, slt_lead=self.head, it_provider="Trust IT")
        measure = self.figure("governance.responsible_people")
        self.assertEqual(measure.value, 2)
        self.assertNotIn("Head Tester", repr(measure))

    def test_it_shows_a_room_that_has_not_landed_as_not_recorded_never_zero(self) -> None:
        # Every room has landed now: take consent's provider away for the test, as a room not yet installed.
        with without_provider("consent.completion"):
            found = evidence.get(self.quiet, YEAR, "consent.completion")
            self.assertFalse(found.recorded)
            self.assertEqual(found.summary, NOT_RECORDED)
            self.login(self.coordinator)
            page = self.client.get("/governance/").content.decode()
        card = page[page.index("Parental consent returned") :][:400]
        self.assertIn("not recorded in esafety", card)

    def test_it_shows_a_figure_as_soon_as_a_room_provides_it(self) -> None:
        key = "consent.completion"
        with without_provider(key):
            self.assertFalse(evidence.get(self.quiet, YEAR, key).recorded)
            evidence.register(key, "Consent", lambda school, period: Measure("0 forms missing", value=0))
            found = evidence.get(self.quiet, YEAR, key)
            self.assertEqual((found.recorded, found.summary), (True, "0 forms missing"))
