"""Issue 12 point 1: the triage card and the log put urgent first, then the longest waiting; each report shows its
age in school days; the log sorts and filters by urgency, status, category, age and holder; an urgent report
nobody triages reminds the DSL and the Co-ordinator, then the Head, by itself."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from django.core import mail
from django.test import RequestFactory
from django.urls import reverse
from freezegun import freeze_time

from esafety.audit.models import AuditEntry
from esafety.core.models import OutboundEmail
from esafety.core.schooldays import latest_start, parse_closures, school_days_between
from esafety.incidents import actions
from esafety.incidents.dashboard import panels
from esafety.incidents.models import Category, Incident, IncidentSettings, TimelineEntry
from esafety.incidents.tests.helpers import IncidentTestCase

# Tuesday 1 December 2026, 10:00 in London (GMT): "today" for every test here.
NOW = datetime(2026, 12, 1, 10, 0, tzinfo=UTC)


def _at(day: date, hour: int = 9) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=UTC)


class SchoolDaysTests(IncidentTestCase):
    def test_it_counts_weekdays_and_skips_the_schools_closures(self) -> None:
        # Thursday 26 November to Tuesday 1 December: Friday, Monday, Tuesday.
        self.assertEqual(school_days_between(date(2026, 11, 26), date(2026, 12, 1)), 3)
        closures = parse_closures("# INSET\n2026-11-30\n")
        self.assertEqual(school_days_between(date(2026, 11, 26), date(2026, 12, 1), closures), 2)
        christmas = parse_closures("2026-12-21 to 2027-01-01")
        # Friday 18 December to Monday 4 January: only the Monday is a school day.
        self.assertEqual(school_days_between(date(2026, 12, 18), date(2027, 1, 4), christmas), 1)

    def test_it_finds_the_latest_day_a_report_can_be_that_old(self) -> None:
        self.assertEqual(latest_start(date(2026, 12, 1), 3), date(2026, 11, 26))
        self.assertEqual(latest_start(date(2026, 12, 1), 1), date(2026, 11, 30))
        self.assertEqual(latest_start(date(2026, 12, 1), 3, parse_closures("2026-11-30")), date(2026, 11, 25))

    def test_it_refuses_closures_it_cannot_read_on_the_settings_page(self) -> None:
        self.login(self.coordinator)
        response = self.client.post(
            reverse("incidents:settings"), {"urgent_reminder_hours": "2", "closures": "21/12/2026"}
        )
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "is not a date like 2026-12-21")
        self.assertContains(response, "21/12/2026")  # what was typed is kept
        self.assertFalse(IncidentSettings.objects.filter(school=self.school).exclude(closures="").exists())


@freeze_time(NOW)
class OrderByUrgencyTests(IncidentTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.recent = self._made(date(2026, 11, 30), description="Recent, not urgent")
        self.old = self._made(date(2026, 11, 2), description="Old, not urgent")
        self.urgent_new = self._made(date(2026, 11, 30), urgent=True, description="Urgent, new")
        self.urgent_old = self._made(date(2026, 11, 9), urgent=True, category=Category.SELF_HARM)

    def _made(self, day: date, **kwargs: object) -> Incident:
        incident = self.report(**kwargs)
        Incident.objects.filter(pk=incident.pk).update(reported_at=_at(day), occurred_at=_at(day, 8))
        incident.refresh_from_db()
        return incident

    def _listed(self, query: str = "") -> list[int]:
        response = self.client.get(reverse("incidents:list") + query)
        self.assertEqual(response.status_code, 200)
        return [incident.pk for incident in response.context["page"]]

    def test_it_lists_urgent_first_then_the_longest_waiting(self) -> None:
        self.login(self.coordinator)
        self.assertEqual(
            self._listed(), [self.urgent_old.pk, self.urgent_new.pk, self.old.pk, self.recent.pk]
        )

    def test_it_puts_the_oldest_urgent_report_on_the_triage_card(self) -> None:
        for number in range(5):  # five newer reports would have pushed it off a newest-first card
            self._made(date(2026, 11, 30), description=f"Newer {number}")
        request = RequestFactory().get("/")
        request.user, request.school = self.coordinator, self.school
        cards = panels(request)
        card = next(panel for panel in cards if panel.title == "Reports awaiting triage")
        self.assertEqual(
            [label for label, _ in card.items[:3]],
            [
                f"{self.urgent_old.label} · urgent · 16 school days",
                f"{self.urgent_new.label} · urgent · 1 school day",
                f"{self.old.label} · 21 school days",
            ],
        )

    def test_it_shows_each_reports_age_in_school_days(self) -> None:
        IncidentSettings.objects.filter(school=self.school).update(closures="2026-11-30")
        self.login(self.coordinator)
        response = self.client.get(reverse("incidents:list"))
        # 9 November (Monday) to 1 December: 16 school days, less the closure on 30 November.
        self.assertContains(response, "15 school days")
        self.assertContains(response, "1 school day<")  # reported on the closure: only Tuesday counts

    def test_it_sorts_and_filters_by_what_the_query_string_asks(self) -> None:
        actions.triage_incident(self.old, by=self.coordinator, assigned=self.coordinator)
        self.login(self.coordinator)
        self.assertEqual(
            self._listed("?sort=newest"),
            [self.urgent_new.pk, self.recent.pk, self.urgent_old.pk, self.old.pk],
        )
        self.assertEqual(self._listed("?urgency=not_urgent"), [self.old.pk, self.recent.pk])
        self.assertEqual(self._listed("?urgency=urgent&category=self_harm"), [self.urgent_old.pk])
        self.assertEqual(
            self._listed("?status=reported&sort=oldest"),
            [self.urgent_old.pk, self.recent.pk, self.urgent_new.pk],
        )
        self.assertEqual(self._listed(f"?holder={self.coordinator.pk}"), [self.old.pk])
        self.assertEqual(self._listed("?holder=nobody&urgency=not_urgent"), [self.recent.pk])
        # Waiting 10 school days or more: reported on or before 17 November.
        self.assertEqual(self._listed("?age=10"), [self.urgent_old.pk, self.old.pk])

    def test_it_ignores_a_filter_it_does_not_understand_and_says_so(self) -> None:
        self.login(self.coordinator)
        response = self.client.get(reverse("incidents:list") + "?status=lost&sort=sideways&urgency=urgent")
        self.assertEqual(response.status_code, 200)
        self.assertEqual(
            [incident.pk for incident in response.context["page"]], [self.urgent_old.pk, self.urgent_new.pk]
        )
        self.assertContains(response, "Some filters were not understood and are not applied: status, order.")

    def test_it_keeps_the_filters_in_the_page_links(self) -> None:
        for number in range(50):
            self._made(date(2026, 11, 20), urgent=True, description=f"Many {number}")
        self.login(self.coordinator)
        response = self.client.get(reverse("incidents:list") + "?urgency=urgent&sort=oldest")
        self.assertContains(response, "?urgency=urgent&amp;sort=oldest&amp;page=2")
        self.assertContains(response, '<option value="oldest" selected>')


class RemindAboutUntriagedUrgentReportsTests(IncidentTestCase):
    def test_it_reminds_the_dsl_then_the_head_once_each(self) -> None:
        with freeze_time(NOW):
            incident = self.report(urgent=True, category=Category.SELF_HARM)
            self.report(description="Not urgent: no reminder")
        mail.outbox.clear()
        with freeze_time(NOW + timedelta(hours=1, minutes=59)), self.captureOnCommitCallbacks(execute=True):
            self.assertEqual(actions.send_untriaged_reminders(), 0)
        with freeze_time(NOW + timedelta(hours=2)), self.captureOnCommitCallbacks(execute=True):
            self.assertEqual(actions.send_untriaged_reminders(), 1)
            self.assertEqual(actions.send_untriaged_reminders(), 0)  # run again: nothing more
        self.assertEqual([message.to for message in mail.outbox], [["coordinator@school.example"]])
        self.assertIn("has not been triaged after 2 hours", mail.outbox[0].body)
        self.assertNotIn("self-harm", mail.outbox[0].body.lower())  # no details in the e-mail
        with freeze_time(NOW + timedelta(hours=4)), self.captureOnCommitCallbacks(execute=True):
            self.assertEqual(actions.send_untriaged_reminders(), 1)
            self.assertEqual(actions.send_untriaged_reminders(), 0)
        self.assertEqual(mail.outbox[1].to, ["head@school.example"])
        self.assertEqual(
            list(incident.timeline.filter(kind=TimelineEntry.Kind.REMINDER).values_list("text", flat=True)),
            [
                "Not triaged after 2 hours: reminder e-mailed to the DSL and the Co-ordinator.",
                "Not triaged after 4 hours: reminder e-mailed to the Headteacher.",
            ],
        )
        self.assertEqual(
            AuditEntry.objects.filter(
                action="incident.untriaged_reminder", object_id=str(incident.pk)
            ).count(),
            2,
        )

    def test_it_waits_the_time_the_school_set_and_stops_once_triaged(self) -> None:
        IncidentSettings.objects.update_or_create(school=self.school, defaults={"urgent_reminder_hours": 6})
        with freeze_time(NOW):
            incident = self.report(urgent=True)
            triaged = self.report(urgent=True)
            actions.triage_incident(triaged, by=self.coordinator)
        with freeze_time(NOW + timedelta(hours=5)):
            self.assertEqual(actions.send_untriaged_reminders(), 0)
        with freeze_time(NOW + timedelta(hours=6)):
            self.assertEqual(actions.send_untriaged_reminders(), 1)
        self.assertTrue(OutboundEmail.objects.filter(key=f"incident:{incident.pk}:untriaged:1").exists())
        self.assertFalse(
            OutboundEmail.objects.filter(key__startswith=f"incident:{triaged.pk}:untriaged").exists()
        )

    def test_it_runs_on_the_scheduler(self) -> None:
        from esafety.core.schedule import REGISTRY

        self.assertEqual(
            REGISTRY["incidents.remind_untriaged_urgent"].task_path,
            "esafety.incidents.tasks.remind_untriaged_urgent",
        )

    def test_the_head_sets_the_reminder_time_on_the_settings_page(self) -> None:
        self.login(self.head)
        response = self.client.post(
            reverse("incidents:settings"),
            {"urgent_reminder_hours": "3", "closures": "2026-12-21 to 2027-01-01"},
        )
        self.assertEqual(response.status_code, 302)
        row = IncidentSettings.objects.get(school=self.school)
        self.assertEqual((row.urgent_reminder_hours, row.closures), (3, "2026-12-21 to 2027-01-01"))
