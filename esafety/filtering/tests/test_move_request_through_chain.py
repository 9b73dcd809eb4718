"""The policy's chain: Co-ordinator reviews, the Head approves, the Technician applies; wrong roles refused."""

from __future__ import annotations

from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from esafety.audit.models import AuditEntry
from esafety.core.models import OutboundEmail
from esafety.filtering import actions, engine, publishing
from esafety.filtering.models import ChangeRequest, FilterSettings, PolicyVersion, RequestConflict
from esafety.filtering.permissions import may_take
from esafety.filtering.tests.helpers import FilteringTestCase
from esafety.filtering.workflow import WORKFLOW
from esafety.registers.models import NetworkAccount as RegisteredAccount

S = ChangeRequest.Status

# Hand-written from the issue: (step, from status, to status, who may, reason required)
CHAIN = [
    ("forward", S.COORDINATOR, S.HEAD, {"coordinator"}, False),
    ("ask", S.COORDINATOR, S.QUESTION, {"coordinator"}, True),
    ("reject", S.COORDINATOR, S.REJECTED, {"coordinator"}, True),
    ("answer", S.QUESTION, S.COORDINATOR, {"teacher"}, True),
    ("approve", S.HEAD, S.TECHNICIAN, {"head"}, False),
    ("decline", S.HEAD, S.REJECTED, {"head"}, True),
    ("apply", S.TECHNICIAN, S.APPLIED, {"technician"}, False),
    ("applied_elsewhere", S.TECHNICIAN, S.APPLIED, {"technician"}, True),
    ("withdraw", S.HEAD, S.WITHDRAWN, {"teacher"}, False),
    ("end", S.APPLIED, S.ENDED, {"technician"}, True),
]


class TestMoveRequestThroughChain(FilteringTestCase):
    def at(self, status: str) -> ChangeRequest:
        item = self.file()
        ChangeRequest.objects.filter(pk=item.pk).update(status=status)
        item.refresh_from_db()
        return item

    def test_it_declares_exactly_the_chain_of_the_issue(self) -> None:
        self.assertEqual(set(WORKFLOW), {row[0] for row in CHAIN})

    def test_it_takes_every_step_for_whoever_may_and_refuses_everyone_else(self) -> None:
        for step, source, target, allowed, needs_reason in CHAIN:
            for name, user in self.staff_personas.items():
                with self.subTest(step=step, persona=name):
                    item = self.at(source)
                    self.assertEqual(may_take(user, item, WORKFLOW[step]), name in allowed)
                    self.client.logout()
                    self.login(user)
                    url = reverse("filtering:request_step", args=[item.pk, step])
                    response = self.client.post(url, {"reason": "Because", "version": item.version})
                    item.refresh_from_db()
                    if name in allowed:
                        self.assertEqual(item.status, target)
                    else:
                        self.assertIn(response.status_code, (403, 404))
                        self.assertEqual(item.status, source)
            if needs_reason:
                with self.subTest(step=step, reason="missing"):
                    item = self.at(source)
                    user = self.staff_personas[sorted(allowed)[0]]
                    with self.assertRaises(ValidationError):
                        actions.take_step(item, step, by=user, reason="  ")

    def test_it_runs_the_whole_chain_and_publishes_when_applied(self) -> None:
        item = self.file(url="http://www.12buzz.com/lesson")
        before = PolicyVersion.objects.filter(school=self.school).count()
        actions.approve_request(item, by=self.coordinator)
        self.assertEqual(item.status, S.HEAD)
        actions.approve_request(item, by=self.head)
        self.assertEqual(item.status, S.TECHNICIAN)
        policy = publishing.load_published(self.school)
        self.assertFalse(engine.decide(policy, "http://12buzz.com/", group="pupils").allowed)
        actions.apply_request(item, by=self.technician)
        self.assertEqual(item.status, S.APPLIED)
        self.assertEqual(PolicyVersion.objects.filter(school=self.school).count(), before + 1)
        policy = publishing.load_published(self.school)
        self.assertTrue(engine.decide(policy, "http://12buzz.com/", group="pupils").allowed)
        steps = list(item.events.values_list("step", flat=True))
        self.assertEqual(steps, ["file", "forward", "approve", "apply"])

    def test_a_request_for_one_person_follows_the_accounts_registers_issued(self) -> None:
        RegisteredAccount.objects.create(
            school=self.school,
            kind=RegisteredAccount.Kind.SUPPLY,
            person=self.staff_member,
            first_name="Sam",
            last_name="Supply",
            username="SSupply01",
            aup=RegisteredAccount.Aup.PAPER,
            issued_by=self.technician,
            ends_on=date(2027, 7, 20),
        )
        item = self.file(url="http://www.12buzz.com/lesson", scope="person", person=self.staff_member)
        for who in (self.coordinator, self.head):
            actions.approve_request(item, by=who)
        actions.apply_request(item, by=self.technician)
        policy = publishing.load_published(self.school)
        assert policy is not None
        url = "http://12buzz.com/"
        self.assertTrue(engine.decide(policy, url, user="ssupply01", client="10.0.0.9").allowed)
        self.assertFalse(engine.decide(policy, url, user="someone.else", client="10.0.0.9").allowed)

    def test_it_records_an_external_filter_without_publishing(self) -> None:
        item = self.at(S.TECHNICIAN)
        before = PolicyVersion.objects.filter(school=self.school).count()
        actions.apply_request(
            item, by=self.technician, externally=True, reason="Set in the firewall's filter"
        )
        self.assertTrue(item.applied_externally)
        self.assertEqual(PolicyVersion.objects.filter(school=self.school).count(), before)

    def test_it_refuses_a_second_reviewer_with_a_stale_version(self) -> None:
        item = self.file()
        stale = item.version
        actions.approve_request(item, by=self.coordinator)
        other = ChangeRequest.objects.get(pk=item.pk)
        other.status = S.COORDINATOR  # what the second reviewer's page showed
        with self.assertRaises((RequestConflict, ValidationError)):
            actions.take_step(other, "forward", by=self.coordinator, expected_version=stale)

    def test_it_skips_the_head_when_the_school_shortens_the_chain_and_audits_who(self) -> None:
        actions.set_chain(self.school, FilterSettings.Chain.NO_HEAD, by=self.head, reason="Small school")
        item = self.file()
        actions.approve_request(item, by=self.coordinator)
        self.assertEqual(item.status, S.TECHNICIAN)
        entry = AuditEntry.objects.filter(action="filter_settings.chain").latest("seq")
        self.assertEqual(entry.actor, self.head)
        self.assertEqual(entry.detail["to"], "no_head")
        with self.assertRaises(ValidationError):
            actions.set_chain(self.school, FilterSettings.Chain.FULL, by=self.head, reason="")

    def test_it_ends_temporary_changes_on_time_and_republishes(self) -> None:
        item = self.file(url="http://12buzz.com/", duration=ChangeRequest.Duration.LESSON)
        for by in (self.coordinator, self.head):
            actions.approve_request(item, by=by)
        actions.apply_request(item, by=self.technician)
        self.assertEqual(item.expires_at, item.applied_at + timedelta(hours=2))
        self.assertEqual(actions.end_expired_requests(item.applied_at + timedelta(hours=1)), 0)
        versions = PolicyVersion.objects.filter(school=self.school).count()
        self.assertEqual(actions.end_expired_requests(item.applied_at + timedelta(hours=2, minutes=1)), 1)
        item.refresh_from_db()
        self.assertEqual(item.status, S.ENDED)
        self.assertEqual(PolicyVersion.objects.filter(school=self.school).count(), versions + 1)
        policy = publishing.load_published(self.school)
        self.assertFalse(engine.decide(policy, "http://12buzz.com/", group="pupils").allowed)

    def test_it_ends_an_until_change_at_the_end_of_that_day(self) -> None:
        until = timezone.localdate() + timedelta(days=3)
        item = self.file(duration=ChangeRequest.Duration.UNTIL, until=until)
        ChangeRequest.objects.filter(pk=item.pk).update(status=S.TECHNICIAN)
        item.refresh_from_db()
        actions.apply_request(item, by=self.technician)
        self.assertEqual(timezone.localtime(item.expires_at).date(), until + timedelta(days=1))
        self.assertEqual(timezone.localtime(item.expires_at).hour, 0)

    def test_it_reminds_the_holder_after_two_school_days(self) -> None:
        item = self.file()
        # Filed on a Friday: Monday is one school day, Tuesday two.
        friday = timezone.make_aware(timezone.datetime(2026, 11, 27, 10, 0))
        ChangeRequest.objects.filter(pk=item.pk).update(stage_since=friday)
        OutboundEmail.objects.all().delete()
        self.assertEqual(actions.send_reminders(friday + timedelta(days=3)), 0)  # Monday
        self.assertEqual(actions.send_reminders(friday + timedelta(days=4)), 1)  # Tuesday
        self.assertEqual(actions.send_reminders(friday + timedelta(days=4, hours=1)), 0)  # once a day
        reminder = OutboundEmail.objects.get(subject__startswith="Reminder")
        self.assertEqual(reminder.to, [self.coordinator.email])
        self.assertNotIn("chat.example", reminder.body)

    def test_it_shows_where_a_request_is_and_how_long_it_has_waited(self) -> None:
        item = self.file()
        ChangeRequest.objects.filter(pk=item.pk).update(stage_since=timezone.now() - timedelta(days=3))
        self.login(self.teacher)
        page = self.client.get(reverse("filtering:requests")).content.decode()
        self.assertIn("Waiting for the E-Safety Co-ordinator", page)
        self.assertIn("3\xa0days", page)
        detail = self.client.get(reverse("filtering:request", args=[item.pk])).content.decode()
        self.assertIn("Coordinator Tester", detail)

    def test_it_keeps_a_colleagues_request_out_of_sight(self) -> None:
        item = self.file()
        self.login(self.teacher2)
        self.assertEqual(self.client.get(reverse("filtering:request", args=[item.pk])).status_code, 404)
        self.assertNotContains(self.client.get(reverse("filtering:requests")), item.label)
