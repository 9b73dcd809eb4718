"""The API's pagination: DRF's limit/offset with bounds. An unbounded ``?limit=9223372036854775728`` overflowed
SQLite's integers (a 500, found by the Schemathesis drill) and would ask PostgreSQL for everything."""

from __future__ import annotations

from typing import Any

from rest_framework.pagination import LimitOffsetPagination

MAX_OFFSET = 10**9


class BoundedLimitOffsetPagination(LimitOffsetPagination):
    max_limit = 500

    def get_offset(self, request: Any) -> int:
        return min(super().get_offset(request), MAX_OFFSET)
