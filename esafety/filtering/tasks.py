"""Periodic work of filtering."""

from __future__ import annotations

from django_tasks import task

from esafety.filtering import actions


@task()
def end_expired() -> int:
    return actions.end_expired_requests()


@task()
def remind() -> int:
    return actions.send_reminders()
