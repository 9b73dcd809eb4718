"""Long lists count no further than ten pages past the one asked for, so a page of a 100,000-row log costs the
same as a page of a 1,000-row one: "Page 3 of 13 or more". Checked on plain lists (the counting is the same for a
QuerySet, which the safeguarding log's tests exercise) and on the log's page as the Co-ordinator sees it."""

from __future__ import annotations

import pytest

from esafety.core.pagination import LookaheadPaginator


def test_it_counts_every_row_of_a_list_that_ends_within_ten_pages() -> None:
    paginator = LookaheadPaginator(list(range(120)), 50, "1")
    page = paginator.get_page()
    assert (paginator.count, paginator.num_pages, paginator.more) == (120, 3, False)
    assert list(page.object_list) == list(range(50))
    assert page.has_next()


def test_it_stops_counting_ten_pages_past_the_page_asked_for() -> None:
    paginator = LookaheadPaginator(list(range(5000)), 50, "3")
    page = paginator.get_page()
    assert (paginator.count, paginator.num_pages, paginator.more) == (650, 13, True)
    assert list(page.object_list) == list(range(100, 150))


def test_a_list_of_exactly_the_counted_rows_has_no_more() -> None:
    paginator = LookaheadPaginator(list(range(550)), 50, "1")
    assert (paginator.num_pages, paginator.more) == (11, False)


@pytest.mark.parametrize("asked", ["0", "-4", "abc", None, "", "1e3"])
def test_a_page_number_that_is_not_one_gives_the_first_page(asked: str | None) -> None:
    page = LookaheadPaginator(list(range(300)), 50, asked).get_page()
    assert page.number == 1


def test_a_page_past_the_end_gives_the_last_page() -> None:
    page = LookaheadPaginator(list(range(120)), 50, "40").get_page()
    assert page.number == 3
    assert list(page.object_list) == list(range(100, 120))


def test_a_huge_page_number_does_not_overflow() -> None:
    page = LookaheadPaginator(list(range(120)), 50, str(10**30)).get_page()
    assert page.number == 3
