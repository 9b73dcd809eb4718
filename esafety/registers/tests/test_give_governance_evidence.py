"""The anti-virus figure for governors and confiscation records under data protection, worked out by hand."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from django.utils import timezone

from esafety.governance import disposal, evidence
from esafety.governance.disposal import Holds
from esafety.governance.evidence import Period
from esafety.people.models import School
from esafety.registers.models import Confiscation, Device
from esafety.registers.tests.helpers import make_confiscation, make_device
from esafety.test import BaseTestCase


class TestGiveGovernanceEvidence(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.quiet = School.objects.create(trust=self.trust, name="Quiet Primary", slug="quiet")

    def test_the_share_of_devices_with_fresh_anti_virus_per_type(self) -> None:
        today = timezone.localdate()
        make_device(self.quiet, kind=Device.Kind.LAPTOP, av_updated_on=today - timedelta(days=1))
        make_device(self.quiet, kind=Device.Kind.LAPTOP, av_updated_on=today - timedelta(days=30))
        make_device(self.quiet, kind=Device.Kind.IPAD, av_updated_on=None)
        make_device(self.quiet, kind=Device.Kind.IPAD, av_updated_on=today - timedelta(days=6))
        make_device(self.quiet, kind=Device.Kind.DESKTOP, av_updated_on=None, retired=True)
        found = evidence.get(self.quiet, Period.containing(today), "registers.antivirus_freshness").measure
        assert found is not None
        self.assertEqual(found.summary, "2 of 4 devices have anti-virus definitions under 7 days old (50%)")
        self.assertEqual(found.series, (("Laptop", 50.0), ("iPad", 50.0)))
        self.assertEqual(found.rows, (("Devices", "4"), ("Out of date", "1"), ("Not known", "1")))

    def test_returned_items_go_after_the_schools_years_and_held_items_never(self) -> None:
        long_ago = datetime(2023, 3, 1, 12, tzinfo=UTC)
        still_held = make_confiscation(self.quiet)
        returned = make_confiscation(self.quiet, status=Confiscation.Status.RETURNED, returned_at=long_ago)
        on_hold = make_confiscation(self.quiet, status=Confiscation.Status.WITH_POLICE, police_at=long_ago)
        record_type = disposal.record_type("registers.confiscations")
        holds = Holds(records=frozenset({("registers.confiscations", str(on_hold.pk))}))
        result = record_type.disposer(self.quiet, 2, date(2026, 12, 1), holds)
        self.assertEqual((result.removed, result.held), (1, 1))
        left = set(Confiscation.objects.filter(school=self.quiet).values_list("pk", flat=True))
        self.assertEqual(left, {still_held.pk, on_hold.pk})
        self.assertNotIn(returned.pk, left)
