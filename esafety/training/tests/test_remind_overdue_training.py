"""Who is overdue, and the reminders that follow: dates worked out by hand from the requirements below."""

from __future__ import annotations

from datetime import date

from esafety.core.models import OutboundEmail
from esafety.core.schedule import REGISTRY
from esafety.people.models import Person
from esafety.test import BaseTestCase, make_person
from esafety.training import actions
from esafety.training.models import Audience, Requirement, SessionKind
from esafety.training.tasks import remind_overdue
from esafety.training.tests.support import attended, joined

TODAY = date(2026, 10, 1)


class OverdueTrainingTests(BaseTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        Requirement.objects.create(
            school=cls.school, kind=SessionKind.SAFEGUARDING_INSET, audience=Audience.STAFF, every_months=12
        )
        Requirement.objects.create(
            school=cls.school,
            kind=SessionKind.FILTERING_MONITORING,
            audience=Audience.ROLE_TECHNICIAN,
            every_months=12,
            first_within_days=60,
        )
        # Last INSET 2 Sep 2025: next due 2 Sep 2026, so overdue on 1 Oct 2026.
        cls.lapsed = joined(
            make_person(cls.school, "staff", "Lapsed", "Lane", email="lapsed@school.example"),
            date(2020, 1, 6),
        )
        attended(cls.school, cls.lapsed, SessionKind.SAFEGUARDING_INSET, date(2025, 9, 2))
        # INSET on 2 Sep 2026: due again 2 Sep 2027.
        cls.current = joined(
            make_person(cls.school, "staff", "Current", "Cole", email="current@school.example"),
            date(2020, 1, 6),
        )
        attended(cls.school, cls.current, SessionKind.SAFEGUARDING_INSET, date(2026, 9, 2))
        # Joined 20 Sep 2026, never trained: first INSET due within 30 days, by 20 Oct 2026.
        cls.starter = joined(
            make_person(cls.school, "staff", "Starter", "Stone", email="starter@school.example"),
            date(2026, 9, 20),
        )
        # The technician had INSET this term, but their role training was on 10 Jan 2025: due 10 Jan 2026.
        cls.tech = joined(cls.technician.person, date(2019, 4, 1))
        attended(cls.school, cls.tech, SessionKind.SAFEGUARDING_INSET, date(2026, 9, 2))
        attended(cls.school, cls.tech, SessionKind.FILTERING_MONITORING, date(2025, 1, 10))

    def state(self, person: Person, kind: str, today: date = TODAY) -> tuple[str, date]:
        (standing,) = [
            s for s in actions.standings(self.school, [person], today) if s.requirement.kind == kind
        ]
        return standing.state, standing.due

    def test_it_works_out_each_persons_next_due_date(self) -> None:
        inset = SessionKind.SAFEGUARDING_INSET
        self.assertEqual(self.state(self.lapsed, inset), ("overdue", date(2026, 9, 2)))
        self.assertEqual(self.state(self.current, inset), ("up to date", date(2027, 9, 2)))
        self.assertEqual(self.state(self.starter, inset), ("due soon", date(2026, 10, 20)))
        self.assertEqual(self.state(self.starter, inset, date(2026, 10, 21)), ("overdue", date(2026, 10, 20)))
        self.assertEqual(
            self.state(self.tech, SessionKind.FILTERING_MONITORING), ("overdue", date(2026, 1, 10))
        )

    def test_it_applies_role_training_only_to_holders_of_the_role(self) -> None:
        kinds = {s.requirement.kind for s in actions.standings(self.school, [self.lapsed], TODAY)}
        self.assertEqual(kinds, {SessionKind.SAFEGUARDING_INSET})

    def test_it_ignores_a_session_held_after_the_day_asked_about(self) -> None:
        self.assertEqual(
            self.state(self.current, SessionKind.SAFEGUARDING_INSET, date(2026, 8, 1))[0], "overdue"
        )

    def test_it_lists_exactly_the_people_overdue(self) -> None:
        overdue = actions.overdue_by_person(self.school, TODAY)
        self.assertEqual(set(overdue), {self.lapsed, self.tech})

    def test_it_reminds_each_overdue_person_once_a_week_through_the_outbox(self) -> None:
        self.assertEqual(actions.send_reminders(self.school, TODAY), 2)
        sent = OutboundEmail.objects.filter(key__startswith="training-reminder:")
        self.assertEqual(
            {tuple(e.to) for e in sent}, {("lapsed@school.example",), ("technician@school.example",)}
        )
        body = sent.get(to=["technician@school.example"]).body
        self.assertIn("Filtering and monitoring role training (due 10 Jan 2026)", body)
        self.assertEqual(
            actions.send_reminders(self.school, date(2026, 10, 2)), 0, "same week: no second e-mail"
        )
        self.assertEqual(
            actions.send_reminders(self.school, date(2026, 10, 8)), 2, "a week later: reminded again"
        )

    def test_it_runs_the_reminders_as_a_scheduled_task(self) -> None:
        self.assertEqual(
            REGISTRY["training.remind_overdue"].task_path, "esafety.training.tasks.remind_overdue"
        )
        remind_overdue.call()
        self.assertTrue(OutboundEmail.objects.filter(to=["lapsed@school.example"]).exists())

    def test_it_shows_the_overdue_list_to_the_coordinator(self) -> None:
        self.login(self.coordinator)
        response = self.client.get("/training/overdue/")
        self.assertContains(response, "Lapsed Lane")
        self.assertContains(response, "overdue")
        response = self.client.post("/training/overdue/remind/", follow=True)
        self.assertContains(response, "reminder(s) queued")

    def test_it_shows_a_teacher_only_their_own_record(self) -> None:
        self.login(self.teacher)
        response = self.client.get("/training/")
        self.assertContains(response, "Safeguarding INSET")
        self.assertNotContains(response, "Lapsed Lane")
        self.assertEqual(self.client.get(f"/training/people/{self.lapsed.pk}/").status_code, 404)
