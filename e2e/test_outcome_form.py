"""Issue 12 point 5 in a real browser: the outcome form shows only the fields the chosen outcome type needs, and
with JavaScript off shows them all under headings naming their type."""

from __future__ import annotations

import re

import pytest

from e2e.conftest import sign_in
from e2e.test_incident_journey import report

pytestmark = pytest.mark.e2e


def _triaged_incident(browser: object, server: object) -> str:
    context = browser.new_context(locale="en-GB", timezone_id="Europe/London")  # type: ignore[attr-defined]
    teacher = context.new_page()
    sign_in(teacher, server, "teacher")
    teacher.wait_for_url(re.compile(r".*/$"))
    report(teacher, server, "Unkind messages in the class chat (outcome form test).")
    url = teacher.url
    context.close()
    context = browser.new_context(locale="en-GB", timezone_id="Europe/London")  # type: ignore[attr-defined]
    coordinator = context.new_page()
    sign_in(coordinator, server, "coordinator")
    coordinator.wait_for_url(re.compile(r".*/$"))
    coordinator.goto(url)
    coordinator.get_by_role("button", name="Triage: I have this").click()
    context.close()
    return str(url)


def test_it_shows_only_the_chosen_types_fields_and_all_of_them_without_javascript(server, browser) -> None:
    url = _triaged_incident(browser, server)
    for javascript in (True, False):
        context = browser.new_context(
            locale="en-GB", timezone_id="Europe/London", java_script_enabled=javascript
        )
        page = context.new_page()
        errors: list[str] = []
        page.on(
            "console", lambda msg, errors=errors: errors.append(msg.text) if msg.type == "error" else None
        )
        sign_in(page, server, "coordinator")
        page.wait_for_url(re.compile(r".*/$"))
        page.goto(url)
        page.get_by_text("Record an outcome").click()
        sanction = page.get_by_label("Behaviour-policy sanction")
        agency = page.get_by_label("Agency referred to")
        if javascript:
            assert not sanction.is_visible() and not agency.is_visible()
            page.get_by_label(re.compile(r"^Outcome:?$")).select_option("referral")
            assert agency.is_visible() and page.get_by_label("Date of referral").is_visible()
            assert not sanction.is_visible()
            page.get_by_label(re.compile(r"^Outcome:?$")).select_option("behaviour_sanction")
            assert sanction.is_visible() and not agency.is_visible()
        else:
            assert sanction.is_visible() and agency.is_visible()
            assert page.get_by_text("Only for: Referral to an outside agency").is_visible()
        assert errors == []
        context.close()
