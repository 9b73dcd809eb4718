"""Pagination with bounds.

``BoundedLimitOffsetPagination``: the API's limit/offset. An unbounded ``?limit=9223372036854775728`` overflowed
SQLite's integers (a 500, found by the Schemathesis drill) and would ask PostgreSQL for everything.

``LookaheadPaginator``: the pages of a long HTML list (the safeguarding log). Django's paginator counts every
matching row to print "Page 3 of 1,980", and at 100,000 incidents that count cost more than the page itself
(a full scan of the school's log on PostgreSQL, 20-25 ms). This one counts no further than ten pages past the
page asked for, so its cost is bounded by the page number, not by the size of the log: "Page 3 of 13 or more".
"""

from __future__ import annotations

from functools import cached_property
from typing import Any

from django.core.paginator import Paginator
from rest_framework.pagination import LimitOffsetPagination

MAX_OFFSET = 10**9


class BoundedLimitOffsetPagination(LimitOffsetPagination):
    max_limit = 500

    def get_offset(self, request: Any) -> int:
        return min(super().get_offset(request), MAX_OFFSET)


class LookaheadPaginator(Paginator):
    """A paginator that counts at most ``ahead`` pages past ``number`` (the page the request asks for).

    ``more`` is true when rows go on past the counted pages; the template then says "of N or more". Asking for
    a page past the end still gives the last page, as ``Paginator.get_page`` does.
    """

    def __init__(self, object_list: Any, per_page: int, number: Any, ahead: int = 10) -> None:
        super().__init__(object_list, per_page)
        try:
            wanted = int(number)
        except (TypeError, ValueError):
            wanted = 1
        self.wanted = min(max(wanted, 1), MAX_OFFSET // per_page)
        self.ahead = ahead

    @cached_property
    def _counted(self) -> tuple[int, bool]:
        limit = (self.wanted + self.ahead) * self.per_page
        rows = self.object_list
        # A QuerySet is counted without its sort and stops at the limit: SELECT COUNT(*) FROM (... LIMIT n).
        counted = (
            rows.order_by()[: limit + 1].count() if hasattr(rows, "order_by") else len(rows[: limit + 1])
        )
        return min(counted, limit), counted > limit

    @property
    def count(self) -> int:
        return self._counted[0]

    @property
    def more(self) -> bool:
        return self._counted[1]

    def get_page(self, number: Any = None) -> Any:
        return super().get_page(self.wanted if number is None else number)
