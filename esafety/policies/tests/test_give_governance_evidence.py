"""The acknowledgement figure for governors and the acknowledgement records under data protection, worked out by
hand from a school of three staff."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from esafety.accounts.models import Role
from esafety.governance import disposal, evidence
from esafety.governance.disposal import Holds
from esafety.governance.evidence import Period
from esafety.people.models import Person, School
from esafety.policies import actions
from esafety.policies.models import Acknowledgement
from esafety.policies.tests.helpers import A, publish
from esafety.test import BaseTestCase, make_person, make_user


class TestGiveGovernanceEvidence(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.quiet = School.objects.create(trust=self.trust, name="Quiet Primary", slug="quiet")
        self.staff = [make_person(self.quiet, "staff", name, "Staff") for name in ("Ann", "Ben", "Cal")]
        # Quiet's Head and Co-ordinator are staff too: five people are asked.
        head = make_user("quiethead", self.quiet, Role.HEAD)
        coordinator = make_user("quietcoord", self.quiet, Role.COORDINATOR)
        self.version = publish(self.quiet, head, coordinator)
        self.campaign = actions.start_campaign(
            self.version,
            audience=A.ALL_STAFF,
            closes_on=timezone.localdate() + timedelta(days=21),
            by=coordinator,
            send=False,
        )
        self.period = Period.containing(timezone.localdate())

    def acknowledge(self, person: Person) -> Acknowledgement:
        request = self.campaign.requests.get(person=person)
        ack, _ = actions.record_paper_acknowledgement(
            request, signed_on=timezone.localdate(), scan=None, by=self.office
        )
        return ack

    def test_the_share_of_people_asked_who_acknowledged(self) -> None:
        self.acknowledge(self.staff[0])
        self.acknowledge(self.staff[1])
        found = evidence.get(self.quiet, self.period, "policies.acknowledgement_completion").measure
        assert found is not None
        self.assertEqual(found.summary, "2 of 5 acknowledgements asked for were given (40%)")
        self.assertEqual(found.series, (("Acceptable Use Policy (staff)", 40.0),))
        self.assertFalse(found.ok)
        self.assertNotIn("Cal", repr(found))

    def test_acknowledgements_go_after_the_schools_years_unless_held(self) -> None:
        kept, held, gone = (self.acknowledge(p) for p in self.staff)
        Acknowledgement.objects.filter(pk__in=[held.pk, gone.pk]).update(
            acknowledged_at=timezone.now() - timedelta(days=7 * 366)
        )
        record_type = disposal.record_type("policies.acknowledgements")
        result = record_type.disposer(
            self.quiet, 6, timezone.localdate(), Holds(person_ids=frozenset({self.staff[1].pk}))
        )
        self.assertEqual((result.removed, result.held), (1, 1))
        self.assertEqual(
            set(Acknowledgement.objects.filter(school=self.quiet).values_list("pk", flat=True)),
            {kept.pk, held.pk},
        )

    def test_a_subject_access_export_lists_what_a_person_acknowledged(self) -> None:
        self.acknowledge(self.staff[0])
        gatherers = {key: gather for key, _, gather in disposal.gatherers()}
        section = gatherers["policies"](self.quiet, self.staff[0], self.head)
        self.assertEqual([entry["Policy"] for entry in section.entries], ["Acceptable Use Policy (staff)"])
        self.assertEqual(gatherers["policies"](self.quiet, self.staff[2], self.head).entries, [])
