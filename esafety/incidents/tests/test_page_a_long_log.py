"""Issue 12 point 17: a long log pages without counting all of it, one holder's incidents come in the log's
own order, and a teacher's list is their own reports plus the incidents they hold or have an action on."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from django.urls import reverse

from esafety.incidents.models import Category, Incident, IncidentAction
from esafety.incidents.tests.helpers import IncidentTestCase

START = datetime(2026, 9, 7, 9, 0, tzinfo=UTC)


class PageALongLogTests(IncidentTestCase):
    def _log(self, count: int, **values: object) -> list[Incident]:
        first = Incident.objects.filter(school=self.school).count() + 1000
        defaults = {
            "category": Category.OFF_TASK,
            "status": Incident.Status.TRIAGED,
            "reporter": self.teacher,
        }
        rows = [
            Incident(
                school=self.school,
                number=first + i,
                occurred_at=START + timedelta(hours=i),
                reported_at=START + timedelta(hours=i, minutes=5),
                description=f"Generated {i}",
                **(defaults | values),
            )
            for i in range(count)
        ]
        return Incident.objects.bulk_create(rows)

    def test_it_counts_ten_pages_ahead_and_says_there_are_more(self) -> None:
        self._log(600)
        self.login(self.coordinator)
        first = self.client.get(reverse("incidents:list"))
        self.assertContains(first, "Page 1 of 11 or more")
        third = self.client.get(reverse("incidents:list") + "?page=3")
        self.assertContains(third, "Page 3 of 12</span>")  # 600 rows: counted to the end, nothing more
        last = self.client.get(reverse("incidents:list") + "?page=12")
        self.assertEqual(len(last.context["page"].object_list), 50)
        self.assertNotContains(last, "Next →")

    def test_one_holders_incidents_sorted_by_holder_come_in_the_logs_order(self) -> None:
        waiting = self._log(3, assigned=self.coordinator)
        urgent = self._log(1, assigned=self.coordinator, urgent=True)
        closed = self._log(1, assigned=self.coordinator, status=Incident.Status.CLOSED, closed_at=START)
        self._log(2, assigned=self.head)
        self.login(self.coordinator)
        response = self.client.get(reverse("incidents:list") + f"?holder={self.coordinator.pk}&sort=holder")
        listed = [incident.pk for incident in response.context["page"]]
        self.assertEqual(listed, [urgent[0].pk] + [i.pk for i in waiting] + [closed[0].pk])

    def test_a_teacher_sees_their_reports_and_what_they_hold_or_act_on_and_nothing_else(self) -> None:
        own = self._log(2)
        held = self._log(1, reporter=self.coordinator, assigned=self.teacher)
        acted = self._log(1, reporter=self.coordinator)
        IncidentAction.objects.create(
            school=self.school,
            incident=acted[0],
            owner=self.teacher,
            title="Speak to the class",
            due_on=START.date(),
        )
        others = self._log(2, reporter=self.coordinator)
        restricted = self._log(1, restricted=True)
        self.login(self.teacher)
        listed = {incident.pk for incident in self.client.get(reverse("incidents:list")).context["page"]}
        self.assertTrue({i.pk for i in own + held + acted} <= listed)
        self.assertFalse({i.pk for i in others + restricted} & listed)
