from datetime import timedelta

from django.utils import timezone

from esafety.policies import actions
from esafety.policies.actions import has_current_acknowledgement
from esafety.policies.models import Acknowledgement, AcknowledgementCampaign, PolicyVersion
from esafety.policies.tests.helpers import PolicyTestCase, approve_and_publish

A = AcknowledgementCampaign.Audience


class CheckAcknowledgementGateTests(PolicyTestCase):
    def sign(self, version: PolicyVersion) -> Acknowledgement:
        campaign = actions.start_campaign(
            version, audience=A.ALL_STAFF, closes_on=self.closes(), by=None, send=False
        )
        return actions.record_acknowledgement(
            campaign.requests.get(person=self.teacher.person), method=Acknowledgement.Method.SIGNED_IN
        )[0]

    def test_it_says_no_until_the_current_version_is_acknowledged(self) -> None:
        person = self.teacher.person
        self.assertFalse(has_current_acknowledgement(person, "aup_staff"))  # nothing published yet
        first = self.publish(kind="aup_staff")
        self.assertFalse(has_current_acknowledgement(person, "aup_staff"))
        self.sign(first)
        self.assertTrue(has_current_acknowledgement(person, "aup_staff"))
        self.assertFalse(has_current_acknowledgement(person, "aup_pupil"))
        self.assertFalse(has_current_acknowledgement(self.staff_member, "aup_staff"))

    def test_it_says_no_after_an_update_until_the_new_version_is_acknowledged(self) -> None:
        first = self.publish(kind="aup_staff")
        self.sign(first)
        second = actions.start_version(
            first.policy, body="Updated", summary_of_changes="", effective_on=timezone.localdate(), by=None
        )
        second = approve_and_publish(second, self.head, self.coordinator)
        self.assertFalse(has_current_acknowledgement(self.teacher.person, "aup_staff"))
        self.sign(second)
        self.assertTrue(has_current_acknowledgement(self.teacher.person, "aup_staff"))

    def test_it_says_no_for_an_acknowledgement_of_a_past_school_year(self) -> None:
        acknowledgement = self.sign(self.publish(kind="aup_staff"))
        start = actions.school_year_start()
        Acknowledgement.objects.filter(pk=acknowledgement.pk).update(
            acknowledged_at=timezone.make_aware(
                timezone.datetime.combine(start, timezone.datetime.min.time())
            )
            - timedelta(days=1)
        )
        self.assertFalse(has_current_acknowledgement(self.teacher.person, "aup_staff"))

    def test_it_keeps_schools_apart(self) -> None:
        self.sign(self.publish(kind="aup_staff"))
        self.assertTrue(has_current_acknowledgement(self.teacher.person, "aup_staff"))
        self.assertFalse(has_current_acknowledgement(self.sibling.person, "aup_staff"))

    def test_it_knows_the_school_year(self) -> None:
        from datetime import date

        table = {
            date(2026, 9, 1): date(2026, 9, 1),
            date(2026, 8, 31): date(2025, 9, 1),
            date(2027, 2, 14): date(2026, 9, 1),
        }
        for today, start in table.items():
            self.assertEqual(actions.school_year_start(today), start)
