"""Stated ages, which raise a rule's severity (``severity_child_age``, ``severity_adult_age``)."""

from __future__ import annotations

import pytest

from esafety.monitoring.scanner import stated_ages


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("im 12", [("im 12", "child")]),
        ("I'm 9 and a half", [("I'm 9", "child")]),
        ("i am only 13", [("i am only 13", "child")]),
        ("she is 14yo", [("14yo", "child")]),
        ("15 y/o", [("15 y/o", "child")]),
        ("hes 16 years old", [("16 years old", "child")]),
        ("aged 11", [("aged 11", "child")]),
        ("age 17", [("age 17", "child")]),
        ("turning 10 next week", [("turning 10", "child")]),
        ("I'm in year 6", [("year 6", "child")]),
        ("yr8 girls", [("yr8", "child")]),
        ("im 27 btw", [("im 27", "adult")]),
        ("i am 45", [("i am 45", "adult")]),
        ("32yo m", [("32yo", "adult")]),
        ("an older guy from insta", [("older guy", "adult")]),
        ("a grown man", [("grown man", "adult")]),
        ("18+ only", [("18+", "adult")]),
        # Not ages.
        ("im 12 mins away", []),
        ("i am 5pm at the latest", []),
        ("im 100% sure", []),
        ("year 2024 was long", []),
        ("I have 3 cats", []),
        ("im 2", []),  # below school age: more likely a count than an age
        ("him 12", []),
        ("page 12", []),
        ("the 12 days of christmas", []),
    ],
)
def test_it_reads_childrens_and_adults_stated_ages(text: str, expected: list[tuple[str, str]]) -> None:
    assert [(text[s:e], kind) for s, e, kind in stated_ages(text)] == expected
