"""Fixtures every test gets."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def _fresh_cache() -> Iterator[None]:
    """API throttle counters live in the cache: each test starts with its full budget."""
    cache.clear()
    yield


_DATABASE_FIXTURES = frozenset(
    {"db", "transactional_db", "django_db_reset_sequences", "django_db_serialized_rollback", "live_server"}
)


def _uses_database(item: pytest.Item) -> bool:
    from django.test import TransactionTestCase

    cls = getattr(item, "cls", None)
    if cls is not None and issubclass(cls, TransactionTestCase):
        return True
    return item.get_closest_marker("django_db") is not None or bool(
        _DATABASE_FIXTURES & set(getattr(item, "fixturenames", ()))
    )


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """``ESAFETY_DATABASE_TESTS_ONLY=1`` (``make test-postgres``): run only the tests that touch the database.
    The rest (the two engines' golden tables and property tests, parsers, pure helpers) cannot see which
    database is configured, and ``make test`` has already run them on this very code."""
    import os

    if os.environ.get("ESAFETY_DATABASE_TESTS_ONLY") != "1":
        return
    keep = [item for item in items if _uses_database(item)]
    if len(keep) < len(items):
        config.hook.pytest_deselected(items=[item for item in items if not _uses_database(item)])
        items[:] = keep
