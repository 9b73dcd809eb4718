"""Periodic monitoring work: poll journal mailboxes, end expired enhanced monitoring, purge old captures.

Each task looks at the database to decide what is still to do, so running one twice is harmless.
"""

from __future__ import annotations

from django_tasks import task


@task()
def poll_mailboxes() -> int:
    from esafety.monitoring.actions import ingest_all

    return sum(report.fetched for report in ingest_all().values())


@task()
def end_expired_enhanced_monitoring() -> int:
    from esafety.monitoring.actions import end_expired_enhanced_monitoring as end_expired

    return end_expired()


@task()
def purge_captures() -> dict[str, int]:
    from esafety.monitoring.actions import purge_captures as purge

    return purge()
