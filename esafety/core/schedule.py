"""Periodic tasks: reminders, expiries, retention purges and mailbox polling.

A room registers its periodic tasks in its ``AppConfig.ready()`` with ``register()``. ``manage.py scheduler``
(started by ``make run``; one per deployment is enough, more are harmless) enqueues each when it is due. The
enqueue is guarded by a row lock on ``PeriodicRun``, so two schedulers never enqueue the same run twice.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.module_loading import import_string

from esafety.core.models import PeriodicRun


@dataclass(frozen=True)
class Periodic:
    name: str
    every: timedelta
    task_path: str


REGISTRY: dict[str, Periodic] = {}


def register(name: str, every: timedelta, task_path: str) -> None:
    REGISTRY[name] = Periodic(name, every, task_path)


def enqueue_due(now: datetime | None = None) -> list[str]:
    """Enqueue every registered task whose interval has passed; return their names."""
    now = now or timezone.now()
    enqueued = []
    for periodic in REGISTRY.values():
        with transaction.atomic():
            run, created = PeriodicRun.objects.select_for_update().get_or_create(
                name=periodic.name, defaults={"last_enqueued": now}
            )
            if not created and now - run.last_enqueued < periodic.every:
                continue
            run.last_enqueued = now
            run.save(update_fields=["last_enqueued"])
            task = import_string(periodic.task_path)
            transaction.on_commit(task.enqueue)
            enqueued.append(periodic.name)
    return enqueued
