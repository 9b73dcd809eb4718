"""Periodic work of the registers: accounts that reach their last day, and directory pushes (retried until they
succeed; each failure stays on the register)."""

from __future__ import annotations

from django_tasks import task

from esafety.registers.actions import expire_due_accounts, push_directory_changes


@task()
def expire_accounts() -> int:
    return expire_due_accounts()


@task()
def push_directory() -> dict[str, int]:
    return push_directory_changes()
