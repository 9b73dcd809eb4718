"""Periodic governance work: the retention schedule's disposal run."""

from __future__ import annotations

from django_tasks import task


@task()
def dispose_due_records() -> int:
    """Remove or anonymise what each room's schedule says is due; counts go to the audit trail."""
    from esafety.governance.disposal import dispose_all

    return sum(
        counts["removed"] + counts["anonymised"]
        for school in dispose_all().values()
        for counts in school.values()
    )
