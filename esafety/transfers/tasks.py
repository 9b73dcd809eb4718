"""Periodic work of the transfers room."""

from __future__ import annotations

from django_tasks import task

from esafety.transfers.actions import check_sent_transfers as check


@task()
def check_sent_transfers() -> int:
    """Registered every 15 minutes: fetch each sent transfer's status and receipt from the receiving school."""
    return check()
