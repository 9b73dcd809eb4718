"""A group's time windows are edited as fields (days, times, what to block), not as JSON, and reach the engine."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from django.urls import reverse

from esafety.filtering import actions, engine, publishing
from esafety.filtering.models import FilterGroup
from esafety.filtering.tests.helpers import FilteringTestCase

LONDON = ZoneInfo("Europe/London")
GAMES = next(line for line in (publishing.DEMO_LISTS / "games" / "domains").read_text().split() if line)
LESSONS = {"days": ["mon", "tue", "wed", "thu", "fri"], "start": "09:00", "end": "15:15", "block": ["games"]}


class TestEditTimeWindows(FilteringTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.staff = FilterGroup.objects.get(school=self.school, name="staff")
        self.login(self.coordinator)

    def post(self, windows: list[dict[str, Any]], initial: int = 0, **extra: Any) -> Any:
        data: dict[str, Any] = {
            "label": "Staff",
            "default": "allow",
            "youtube": "moderate",
            "blocked": ["adult"],
            "reason": "Games only after school",
            "windows-TOTAL_FORMS": str(len(windows)),
            "windows-INITIAL_FORMS": str(initial),
            "windows-MIN_NUM_FORMS": "0",
            "windows-MAX_NUM_FORMS": "12",
            **extra,
        }
        for n, window in enumerate(windows):
            for key, value in window.items():
                data[f"windows-{n}-{key}"] = value
        return self.client.post(reverse("filtering:group", args=[self.staff.pk]), data)

    def test_the_page_shows_each_window_as_fields(self) -> None:
        FilterGroup.objects.filter(pk=self.staff.pk).update(windows=[LESSONS])
        page = self.client.get(reverse("filtering:group", args=[self.staff.pk])).content.decode()
        self.assertIn('name="windows-0-start" value="09:00"', page)
        self.assertIn('name="windows-0-end" value="15:15"', page)
        self.assertRegex(page, r'name="windows-0-days" value="fri"[^>]*checked')
        self.assertRegex(page, r'name="windows-0-block" value="games"[^>]*checked')
        self.assertNotRegex(page, r'name="windows-0-days" value="sat"[^>]*checked')
        self.assertNotIn("JSON", page)

    def test_a_new_window_is_saved_and_the_engine_blocks_only_inside_it(self) -> None:
        response = self.post([LESSONS])
        self.assertRedirects(response, reverse("filtering:index"), fetch_redirect_response=False)
        self.staff.refresh_from_db()
        self.assertEqual(self.staff.windows, [LESSONS])
        actions.publish(self.school, by=self.technician, reason="Lesson windows")
        policy = engine.load_policy(publishing.current_path(self.school))
        monday_lesson = datetime(2026, 11, 30, 10, 0, tzinfo=LONDON)
        monday_evening = datetime(2026, 11, 30, 18, 0, tzinfo=LONDON)
        self.assertEqual(
            engine.decide(policy, f"http://{GAMES}/", group="staff", when=monday_lesson).verdict, "BLOCK"
        )
        self.assertEqual(
            engine.decide(policy, f"http://{GAMES}/", group="staff", when=monday_evening).verdict, "ALLOW"
        )

    def test_an_unfinished_window_is_refused_and_nothing_typed_is_lost(self) -> None:
        response = self.post([{"days": ["mon"], "start": "13:00", "block": ["games"]}])
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "Give the end time.")
        self.assertContains(response, 'value="13:00"')
        self.assertContains(response, "Games only after school")
        self.staff.refresh_from_db()
        self.assertEqual(self.staff.windows, [])

    def test_a_window_that_blocks_nothing_is_refused(self) -> None:
        response = self.post([{"days": ["mon"], "start": "13:00", "end": "14:00"}])
        self.assertContains(response, "Choose what to block during the window")

    def test_a_window_past_midnight_and_a_site_are_kept(self) -> None:
        self.post([{"days": ["fri"], "start": "22:00", "end": "06:00", "deny": "late.example\n"}])
        self.staff.refresh_from_db()
        self.assertEqual(
            self.staff.windows,
            [{"days": ["fri"], "start": "22:00", "end": "06:00", "block": [], "deny": ["late.example"]}],
        )

    def test_a_window_can_be_removed(self) -> None:
        FilterGroup.objects.filter(pk=self.staff.pk).update(windows=[LESSONS])
        self.post([{**LESSONS, "DELETE": "on"}], initial=1)
        self.staff.refresh_from_db()
        self.assertEqual(self.staff.windows, [])
