"""Periodic work of the safeguarding log."""

from __future__ import annotations

from django_tasks import task

from esafety.incidents.actions import send_overdue_reminders, send_untriaged_reminders


@task()
def remind_overdue_actions() -> int:
    """Registered to run hourly; e-mails each owner at most once a day (see ``send_overdue_reminders``)."""
    return send_overdue_reminders()


@task()
def remind_untriaged_urgent() -> int:
    """Registered to run every ten minutes; each reminder goes once (see ``send_untriaged_reminders``)."""
    return send_untriaged_reminders()
