"""Periodic work of the policies room (registered in ``apps.py``)."""

from __future__ import annotations

from django_tasks import task

from esafety.policies import actions
from esafety.policies.models import AcknowledgementCampaign


@task()
def send_campaign_emails() -> int:
    """Invitations a crash left unsent, and reminders now due, for every open campaign. Safe to run at any time
    and any number of times: each e-mail's key names its person and step (see ``actions.email_campaign``)."""
    return sum(
        actions.email_campaign(campaign)
        for campaign in AcknowledgementCampaign.objects.filter(status=AcknowledgementCampaign.Status.OPEN)
    )


@task()
def remind_reviews() -> int:
    return actions.remind_reviews()
