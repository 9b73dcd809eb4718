from __future__ import annotations

from datetime import date, timedelta

from esafety.test import BaseTestCase
from esafety.training.curriculum import coverage, gaps, resources_due
from esafety.training.models import Lesson, PlannedUnit, Resource, Strand, Term


class CurriculumGapTests(BaseTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        for group, term, strand in (
            ("Year 2", Term.AUTUMN, Strand.PRIVACY),
            ("Year 2", Term.AUTUMN, Strand.RELATIONSHIPS),
            ("Year 2", Term.SPRING, Strand.BULLYING),
            ("Reception", Term.AUTUMN, Strand.PRIVACY),
        ):
            PlannedUnit.objects.create(
                school=cls.school, year_group=group, term=term, strand=strand, title=strand
            )
        for group, strand, day in (
            ("Year 2", Strand.RELATIONSHIPS, date(2026, 10, 5)),
            ("Reception", Strand.PRIVACY, date(2026, 11, 2)),
            ("Year 2", Strand.HEALTH, date(2026, 10, 12)),  # taught, though not planned
            ("Year 2", Strand.PRIVACY, date(2025, 10, 12)),  # last year's: no help this year
        ):
            Lesson.objects.create(
                school=cls.school,
                delivered_on=day,
                year_group=group,
                class_name="K",
                strand=strand,
                title="L",
            )

    def test_it_shows_a_planned_strand_not_taught_in_a_term_that_has_begun_as_a_gap(self) -> None:
        found = gaps(self.school, 2026, date(2026, 11, 20))
        self.assertEqual([(u.year_group, u.term, u.strand) for u in found], [("Year 2", "autumn", "privacy")])

    def test_it_shows_no_gap_for_a_term_yet_to_come(self) -> None:
        self.assertEqual(gaps(self.school, 2026, date(2026, 8, 20)), [])

    def test_it_notes_strands_taught_beyond_the_plan(self) -> None:
        year2 = next(
            row for row in coverage(self.school, 2026, date(2026, 11, 20)) if row[0].year_group == "Year 2"
        )
        self.assertEqual(year2[0].extra, ["health"])

    def test_it_lists_resources_whose_review_is_more_than_a_year_old(self) -> None:
        today = date(2026, 11, 20)
        old = Resource.objects.create(
            school=self.school, title="Old", strand="privacy", last_reviewed_on=today - timedelta(days=400)
        )
        Resource.objects.create(
            school=self.school, title="Fresh", strand="privacy", last_reviewed_on=today - timedelta(days=10)
        )
        never = Resource.objects.create(school=self.school, title="Never", strand="privacy")
        self.assertEqual(set(resources_due(self.school, today)), {old, never})

    def test_it_shows_staff_the_coverage_and_lets_the_coordinator_review_a_resource(self) -> None:
        self.login(self.teacher)
        response = self.client.get("/curriculum/?year=2026")
        self.assertContains(response, "Year 2")
        self.assertContains(response, "in depth")
        resource = Resource.objects.create(school=self.school, title="Smartie", strand="relationships")
        self.assertEqual(
            self.client.post(f"/curriculum/resources/{resource.pk}/review/", {"note": "ok"}).status_code, 404
        )
        self.login(self.coordinator)
        self.client.post(f"/curriculum/resources/{resource.pk}/review/", {"note": "Still suitable"})
        resource.refresh_from_db()
        self.assertEqual(
            (resource.last_reviewed_by, resource.last_review_note), (self.coordinator, "Still suitable")
        )
