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
