"""The consent figure for governors and consent forms under data protection, worked out by hand."""

from __future__ import annotations

from datetime import date

from django.utils import timezone

from esafety.consent.models import Consent
from esafety.consent.tests.helpers import grant, pupil_with_parent
from esafety.governance import disposal, evidence
from esafety.governance.disposal import Holds
from esafety.governance.evidence import Period
from esafety.people.models import Person, School
from esafety.test import BaseTestCase


class TestGiveGovernanceEvidence(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.quiet = School.objects.create(trust=self.trust, name="Quiet Primary", slug="quiet")
        self.period = Period.containing(timezone.localdate())

    def test_the_share_of_pupils_with_an_answer_from_home_per_year(self) -> None:
        ivy, ivy_parent = pupil_with_parent(self.quiet, "Ivy", "Underhill")
        jon, jon_parent = pupil_with_parent(self.quiet, "Jon", "Vale")
        kit, _ = pupil_with_parent(self.quiet, "Kit", "Wren")
        Person.objects.filter(pk=kit.pk).update(year_group="Reception")
        grant(ivy, ivy_parent)
        grant(jon, jon_parent, answer="refused")  # a refusal is an answer returned
        found = evidence.get(self.quiet, self.period, "consent.completion").measure
        assert found is not None
        self.assertEqual(found.summary, "2 of 3 pupils have a consent answer from home (66.7%)")
        self.assertEqual(found.series, (("Reception", 0.0), ("Year 2", 100.0)))
        self.assertFalse(found.ok)

    def test_forms_go_a_year_after_the_pupil_leaves_unless_held(self) -> None:
        ivy, ivy_parent = pupil_with_parent(self.quiet, "Ivy", "Underhill")
        jon, jon_parent = pupil_with_parent(self.quiet, "Jon", "Vale")
        leaver_consents = [grant(ivy, ivy_parent), grant(jon, jon_parent)]
        Person.objects.filter(pk__in=[ivy.pk, jon.pk]).update(left_on=date(2025, 7, 20))
        record_type = disposal.record_type("consent.forms")
        too_soon = record_type.disposer(self.quiet, 1, date(2026, 7, 19), Holds())
        self.assertEqual(too_soon.removed, 0)
        result = record_type.disposer(
            self.quiet, 1, date(2026, 7, 21), Holds(person_ids=frozenset({jon_parent.pk}))
        )
        self.assertEqual((result.removed, result.held), (1, 1))
        self.assertEqual(
            list(Consent.objects.filter(school=self.quiet).values_list("pk", flat=True)),
            [leaver_consents[1].pk],
        )

    def test_a_parents_export_lists_the_answers_they_gave_without_the_childs_name(self) -> None:
        ivy, parent = pupil_with_parent(self.quiet, "Ivy", "Underhill")
        grant(ivy, parent)
        gatherers = {key: gather for key, _, gather in disposal.gatherers()}
        section = gatherers["consent"](self.quiet, parent, self.head)
        self.assertEqual([(e["About"], e["Answer"]) for e in section.entries], [("their child", "Given")])
        self.assertNotIn("Ivy", repr(section.entries))
