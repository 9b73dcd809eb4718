"""The dashboard tells whoever holds a filter request that it is waiting for them."""

from __future__ import annotations

from esafety.filtering.tests.helpers import FilteringTestCase


class TestShowDashboardPanels(FilteringTestCase):
    def test_it_shows_the_holder_the_requests_waiting_for_them(self) -> None:
        item = self.file()
        self.login(self.coordinator)
        page = self.client.get("/")
        self.assertContains(page, "Filter requests waiting for you")
        self.assertContains(page, item.label)
        self.client.logout()
        self.login(self.head)
        self.assertNotContains(self.client.get("/"), item.label)  # not the Head's turn yet

    def test_it_shows_a_teacher_nothing_about_filtering_when_nothing_waits(self) -> None:
        self.file()
        self.login(self.teacher2)
        self.assertNotContains(self.client.get("/"), "Filter requests waiting for you")
