"""Consent and publishing in a real browser: a teacher checks a newsletter paragraph that names a pupil in full,
sees the warning with the name in context, fixes it, and the Head approves the fixed text."""

from __future__ import annotations

import re

import pytest

from e2e import test_incident_journey

pytestmark = pytest.mark.e2e
# A signed-in browser per user that collects console (CSP) errors: the incident journey's fixture, shared.
open_as = test_incident_journey.open_as


def test_it_catches_a_full_name_the_teacher_fixes_and_the_head_approves(server, open_as) -> None:
    teacher = open_as(server, "teacher")
    # The teacher finds a pupil of her class in the consent register.
    teacher.goto(server.url + "/consent/?class=Kestrels")
    full_name = teacher.locator("table.consent-table tbody th a").first.inner_text()
    first_name = full_name.split()[0]

    teacher.goto(server.url + "/publishing/check/")
    teacher.get_by_label("Title").fill("Newsletter: star of the week (journey test)")
    teacher.get_by_label("Where it will go").select_option("newsletter")
    teacher.get_by_label("Text or HTML").fill(
        f"Our star of the week is {full_name}, who helped a new classmate."
    )
    teacher.get_by_role("button", name="Check it").click()
    teacher.wait_for_url(re.compile(r".*/publishing/\d+/$"))
    warning = teacher.locator(".findings")
    assert warning.get_by_text("Pupil's full name").is_visible()
    assert warning.locator("mark").first.inner_text() == full_name
    assert teacher.get_by_role("button", name="Approve for publishing").count() == 0
    item_url = teacher.url

    teacher.get_by_label("Text or HTML").fill(
        f"Our star of the week is {first_name}, who helped a new classmate."
    )
    teacher.get_by_role("button", name="Check again").click()
    assert teacher.get_by_text("Nothing found").first.is_visible()
    assert teacher.csp_errors == []

    head = open_as(server, "head")
    head.goto(item_url)
    head.get_by_role("button", name="Approve for publishing").click()
    assert head.get_by_role("heading", level=1).get_by_text("Approved").is_visible()
    assert head.get_by_text(re.compile(r"Approved by .* against check #\d+")).is_visible()
    assert head.csp_errors == []


def test_it_shows_the_register_to_the_office_and_refuses_the_governor(server, open_as) -> None:
    office = open_as(server, "office")
    office.goto(server.url + "/consent/")
    assert office.get_by_role("heading", level=1).inner_text() == "Consent for photos and video"
    governor = open_as(server, "governor")
    response = governor.goto(server.url + "/consent/")
    assert response.status == 403
