"""An incident filed from a monitoring alert links back to the alert, for those who may open alerts."""

from __future__ import annotations

from django.urls import reverse

from esafety.incidents.models import Category
from esafety.incidents.tests.helpers import IncidentTestCase
from esafety.monitoring.actions import create_incident_from_alert
from esafety.monitoring.tests.helpers import CONCERN, MonitoringTestCase


class IncidentAlertLinkTests(IncidentTestCase, MonitoringTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.alert_obj = self.alert(CONCERN)
        with self.captureOnCommitCallbacks(execute=True):
            self.incident = create_incident_from_alert(
                self.alert_obj, by=self.coordinator, note="Logged for the DSL"
            )
        self.alert_url = reverse("monitoring:alert", args=[self.alert_obj.pk])
        self.page = reverse("incidents:detail", args=[self.incident.pk])

    def test_it_links_to_the_alert_for_an_alert_reader(self) -> None:
        self.assertEqual(self.incident.source_ref, f"alert:{self.alert_obj.pk}")
        self.login(self.coordinator)
        response = self.client.get(self.page)
        self.assertContains(
            response,
            f'<a href="{self.alert_url}">Raised from monitoring alert #{self.alert_obj.pk}</a>',
            html=True,
        )

    def test_it_names_only_monitoring_to_a_viewer_who_may_not_see_alerts(self) -> None:
        self.login(self.deputy)  # sees every incident, but not monitoring alerts
        response = self.client.get(self.page)
        self.assertContains(response, "Raised by monitoring")
        self.assertNotContains(response, self.alert_url)
        self.assertNotContains(response, "Raised from monitoring alert")

    def test_it_does_not_link_an_alert_that_does_not_point_back(self) -> None:
        # An API client may write any reference; only the alert's own link to the incident counts.
        other = self.report(
            source="monitoring", source_ref=f"alert:{self.alert_obj.pk}", category=Category.OTHER
        )
        self.login(self.coordinator)
        response = self.client.get(reverse("incidents:detail", args=[other.pk]))
        self.assertContains(response, "Raised by monitoring")
        self.assertNotContains(response, self.alert_url)

    def test_it_leaves_other_sources_as_they_were(self) -> None:
        other = self.report(source="filter", source_ref="squid:42")
        self.login(self.coordinator)
        response = self.client.get(reverse("incidents:detail", args=[other.pk]))
        self.assertNotContains(response, "Raised by monitoring")
        self.assertContains(response, "squid:42")
