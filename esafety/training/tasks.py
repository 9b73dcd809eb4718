"""Periodic training work: reminders for overdue training and induction, through the outbox."""

from __future__ import annotations

from django_tasks import task


@task()
def remind_overdue() -> int:
    from esafety.training.actions import send_all_reminders

    return send_all_reminders()
