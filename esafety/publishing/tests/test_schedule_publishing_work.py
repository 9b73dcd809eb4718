"""Periodic work: the monthly website audit of every school with a website address, and the daily consent
reminders."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from e2e.support import serve_directory
from esafety.core.schedule import REGISTRY
from esafety.publishing import tasks
from esafety.publishing.actions import settings_for
from esafety.publishing.models import WebsiteAudit
from esafety.test import BaseTestCase

SITE = Path(__file__).parent / "site"


class ScheduleTests(BaseTestCase):
    def test_it_audits_websites_monthly_and_reminds_parents_daily(self) -> None:
        self.assertEqual(REGISTRY["publishing.audit_websites"].every, timedelta(days=30))
        self.assertEqual(REGISTRY["consent.send_reminders"].every, timedelta(days=1))

    def test_the_monthly_task_audits_each_school_with_a_website(self) -> None:
        with serve_directory(SITE) as base:
            publishing = settings_for(self.school)
            publishing.site_url = base + "/"
            publishing.save()
            settings_for(self.sibling_school)  # no website address: not audited
            self.assertEqual(tasks.audit_websites.call(delay=0), 1)
        audit = WebsiteAudit.objects.get()
        self.assertEqual((audit.school, audit.status, audit.pages_checked), (self.school, "done", 4))
