"""Periodic work of the consent register."""

from __future__ import annotations

from django_tasks import task

from esafety.consent import actions


@task()
def send_reminders() -> int:
    """Close campaigns past their last day, then remind parents who have not answered an open one."""
    actions.close_finished_campaigns()
    return actions.send_reminders()
