from __future__ import annotations

from django.core import mail

from esafety.accounts.models import Role
from esafety.incidents import routing
from esafety.incidents.models import Category, IncidentPerson, IncidentSettings
from esafety.incidents.tests.helpers import IncidentTestCase
from esafety.people.models import Person


class RouteTests(IncidentTestCase):
    def test_it_sends_every_report_to_the_coordinator(self) -> None:
        route = routing.route(routing.Report(category=Category.CYBERBULLYING))
        self.assertEqual(route.notify, {Role.COORDINATOR})
        self.assertFalse(route.urgent)
        self.assertFalse(route.restricted)

    def test_it_sends_inappropriate_email_to_the_head_at_once_as_urgent(self) -> None:
        route = routing.route(routing.Report(category=Category.INAPPROPRIATE_EMAIL))
        self.assertEqual(route.notify, {Role.COORDINATOR, Role.HEAD})
        self.assertTrue(route.urgent)
        self.assertEqual(route.rules, ["to_coordinator", "email_to_head"])

    def test_it_sends_suspected_illegal_activity_to_the_head_as_urgent(self) -> None:
        route = routing.route(routing.Report(category=Category.ILLEGAL_ACTIVITY))
        self.assertEqual(route.notify, {Role.COORDINATOR, Role.HEAD})
        self.assertTrue(route.urgent)

    def test_it_leaves_an_inappropriate_site_with_the_coordinator(self) -> None:
        route = routing.route(routing.Report(category=Category.INAPPROPRIATE_CONTENT))
        self.assertEqual(route.notify, {Role.COORDINATOR})

    def test_it_keeps_the_reporters_urgent_flag(self) -> None:
        self.assertTrue(routing.route(routing.Report(category=Category.OTHER, urgent=True)).urgent)

    def test_it_restricts_reports_about_staff_to_the_head_and_named_deputy(self) -> None:
        for report in (
            routing.Report(category=Category.STAFF_AUP_BREACH),
            routing.Report(category=Category.OTHER, about_staff=True),
            routing.Report(
                category=Category.INAPPROPRIATE_CONTENT, subject_kinds=frozenset({Person.Kind.SUPPLY})
            ),
        ):
            route = routing.route(report)
            self.assertTrue(route.restricted, report)
            self.assertEqual(route.notify, {Role.HEAD})
            self.assertTrue(route.notify_named_deputy)

    def test_it_does_not_restrict_a_report_where_staff_are_only_witnesses(self) -> None:
        report = routing.report_for(
            Category.CYBERBULLYING,
            [(self.staff_member, IncidentPerson.Role.WITNESS)],
            about_staff=False,
            urgent=False,
        )
        self.assertFalse(routing.route(report).restricted)

    def test_it_emails_the_coordinator_without_details(self) -> None:
        incident = self.report(description="Secret detail about Ava")
        self.assertEqual(len(mail.outbox), 1)
        message = mail.outbox[0]
        self.assertEqual(message.to, ["coordinator@school.example"])
        self.assertIn(f"/incidents/{incident.pk}/", message.body)
        self.assertNotIn("Secret", message.body + message.subject)
        self.assertNotIn("Ava", message.body + message.subject)

    def test_it_emails_the_head_too_for_an_inappropriate_email(self) -> None:
        incident = self.report(category=Category.INAPPROPRIATE_EMAIL)
        self.assertTrue(incident.urgent)
        self.assertEqual(sorted(mail.outbox[0].to), ["coordinator@school.example", "head@school.example"])
        self.assertIn("Urgent", mail.outbox[0].subject)

    def test_it_emails_only_the_head_and_named_deputy_about_a_staff_report(self) -> None:
        IncidentSettings.objects.create(school=self.school, restricted_deputy=self.deputy)
        incident = self.report(people=[(self.staff_member, IncidentPerson.Role.SUBJECT)])
        self.assertTrue(incident.restricted)
        self.assertEqual(sorted(mail.outbox[0].to), ["deputy@school.example", "head@school.example"])

    def test_it_does_not_email_the_reporter_about_their_own_report(self) -> None:
        self.report(reporter=self.coordinator)
        self.assertEqual(mail.outbox, [])
