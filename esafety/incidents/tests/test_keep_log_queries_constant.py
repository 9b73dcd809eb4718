"""Issue 12 point 17: with the new orders and filters, the co-ordinator's list, the teacher's own reports and a
pupil's chronology make the same number of queries however many incidents the log holds (no N+1)."""

from __future__ import annotations

from typing import Any

from django.db import connection
from django.urls import reverse

from esafety.incidents.models import (
    Category,
    Incident,
    IncidentAction,
    IncidentPerson,
    IncidentSettings,
    Outcome,
)
from esafety.incidents.tests.helpers import IncidentTestCase


class KeepLogQueriesConstantTests(IncidentTestCase):
    def _grow(self, count: int) -> None:
        start = Incident.objects.filter(school=self.school).count()
        rows = Incident.objects.bulk_create(
            [
                Incident(
                    school=self.school,
                    number=start + i + 1,
                    category=Category.CYBERBULLYING if i % 2 else Category.SELF_HARM,
                    status=Incident.Status.TRIAGED if i % 3 else Incident.Status.REPORTED,
                    description=f"Generated {start + i}",
                    reporter=self.teacher if i % 2 else self.teacher2,
                    assigned=self.coordinator if i % 3 else None,
                    urgent=i % 4 == 0,
                )
                for i in range(count)
            ]
        )
        IncidentPerson.objects.bulk_create(
            [IncidentPerson(incident=row, person=self.pupil, role="victim") for row in rows]
            + [IncidentPerson(incident=row, person=self.pupil2, role="subject") for row in rows[::2]]
        )
        Outcome.objects.bulk_create([Outcome(incident=row, kind="handled_in_class") for row in rows])
        IncidentAction.objects.bulk_create(
            [
                IncidentAction(
                    incident=row,
                    school=self.school,
                    title="Follow up",
                    owner=self.teacher2,
                    due_on="2026-12-04",
                )
                for row in rows
            ]
        )
        IncidentSettings.objects.update_or_create(
            school=self.school,
            defaults={"last_number": start + count, "closures": "2026-12-21 to 2027-01-01"},
        )

    def _queries(self, user: Any, url: str) -> int:
        self.login(user)
        self.client.get(url)  # the session and caches settle first
        executed: list[str] = []

        def count(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
            executed.append(sql)
            return execute(sql, params, many, context)

        # An execute wrapper, not CaptureQueriesContext: request_started resets the query log mid-request.
        with connection.execute_wrapper(count):
            response = self.client.get(url)
        self.assertEqual(response.status_code, 200, url)
        return len(executed)

    def test_the_lists_and_the_chronology_make_as_many_queries_at_any_size(self) -> None:
        pages = [
            (self.coordinator, reverse("incidents:list")),
            (self.coordinator, reverse("incidents:list") + "?sort=holder&urgency=urgent"),
            (
                self.coordinator,
                reverse("incidents:list") + f"?age=3&holder={self.coordinator.pk}&sort=oldest",
            ),
            (
                self.coordinator,
                reverse("incidents:list") + "?status=reported&category=self_harm&sort=category",
            ),
            (self.teacher, reverse("incidents:list")),
            (self.teacher, reverse("incidents:list") + "?sort=newest&urgency=not_urgent"),
            (self.coordinator, reverse("incidents:chronology", args=[self.pupil.pk])),
            (self.coordinator, reverse("dashboard")),
        ]
        self._grow(3)
        small = [self._queries(user, url) for user, url in pages]
        self._grow(60)
        large = [self._queries(user, url) for user, url in pages]
        self.assertEqual(large, small)
