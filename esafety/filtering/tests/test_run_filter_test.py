"""The built-in filter test: known URLs per blocked category and the illegal-content test URLs, per group."""

from __future__ import annotations

from django.urls import reverse

from esafety.filtering import actions
from esafety.filtering.models import FilterGroup, FilterSettings, FilterTestRun
from esafety.filtering.tests.helpers import FilteringTestCase


class TestRunFilterTest(FilteringTestCase):
    def test_it_passes_when_every_known_url_is_blocked_and_records_the_date(self) -> None:
        FilterSettings.objects.filter(school=self.school).update(test_urls="http://iwf-test.example/test\n")
        self.login(self.technician)
        self.client.post(reverse("filtering:test"))
        run = FilterTestRun.objects.get(school=self.school)
        self.assertTrue(run.passed, [r for r in run.results if not r["passed"]])
        checked = {(r["group"], r["category"]) for r in run.results}
        self.assertIn(("pupils", "chat"), checked)
        self.assertIn(("staff", "illegal_content"), checked)
        self.assertIn(("staff", "illegal-content test"), checked)

    def test_it_fails_when_a_blocked_category_lets_a_known_url_through(self) -> None:
        group = FilterGroup.objects.get(school=self.school, name="pupils")
        actions.save_group(group, by=self.technician, reason="Trial", changes={"allow": ["12buzz.com"]})
        actions.publish(self.school, by=self.technician, reason="Trial")
        run = actions.run_filter_test(self.school, by=self.technician)
        self.assertFalse(run.passed)
        self.assertIn("http://12buzz.com/", [r["url"] for r in run.results if not r["passed"]])
