"""Periodic and background work of the publishing room."""

from __future__ import annotations

from django_tasks import task

from esafety.publishing import actions
from esafety.publishing.models import PublishingSettings, WebsiteAudit


@task()
def audit_school_website(audit_id: int) -> int:
    """Run one audit started from the page."""
    audit = WebsiteAudit.objects.select_related("school").get(pk=audit_id)
    return actions.audit_site(audit).finding_count


@task()
def audit_websites(delay: float = 1.0) -> int:
    """Registered to run monthly: audit every school that has given its website address, pausing ``delay``
    seconds between requests."""
    audited = 0
    for publishing in PublishingSettings.objects.exclude(site_url="").select_related("school"):
        audit = WebsiteAudit.objects.create(school=publishing.school, url=publishing.site_url)
        actions.audit_site(audit, delay=delay)
        audited += 1
    return audited
