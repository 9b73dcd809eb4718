"""The office issues a visitor account in a real browser -> prints the slip -> the account expires the next day
-> the Headteacher sees it in the access review."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from e2e.conftest import Server, sign_in

pytestmark = pytest.mark.e2e


def test_a_visitor_account_is_issued_printed_expired_and_reviewed(server: Server, browser) -> None:  # type: ignore[no-untyped-def]
    today = datetime.now(ZoneInfo("Europe/London")).date()
    context = browser.new_context(locale="en-GB", timezone_id="Europe/London")
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    try:
        sign_in(page, server, "office")
        page.wait_for_url(re.compile(r".*/$"))
        page.get_by_role("navigation", name="Main").get_by_role("link", name="Network accounts").click()
        page.get_by_role("link", name="Issue an account").click()
        page.get_by_label("Account type").select_option("visitor")
        page.get_by_label(re.compile(r"^First name")).fill("Petra")
        page.get_by_label(re.compile(r"^Last name")).fill("Journeyman")
        page.get_by_label(re.compile(r"^Organisation")).fill("Northfield Library Service")
        page.get_by_label(re.compile(r"^Last day")).fill(f"{today:%Y-%m-%d}")
        page.get_by_label(re.compile(r"^Who asked")).fill("Janet Pryce")
        page.get_by_label(re.compile(r"^Why")).fill("Book fair in the hall")
        page.get_by_label(re.compile(r"Acceptable Use Policy was given")).check()
        page.get_by_role("button", name="Issue account and show the slip").click()

        slip = page.locator("article.slip")
        slip.wait_for()
        username = slip.locator("dd.credential").first.inner_text()
        assert username == "visitor.petraj"
        password = page.locator("#slip-password").inner_text().replace(" ", "")
        assert len(password) == 16
        assert "filtered" in slip.inner_text() and "monitored" in slip.inner_text()
        page.get_by_role("button", name="Print the slip").click()
        # On paper: the slip alone, without the site's menus or the on-screen buttons.
        page.emulate_media(media="print")
        assert slip.is_visible()
        assert not page.locator("nav[aria-label=Main]").is_visible()
        assert not page.get_by_role("button", name="Print the slip").is_visible()
        page.emulate_media(media="screen")
        # The password was shown once: the register itself never shows it again.
        page.goto(server.url + "/registers/accounts/")
        assert username in page.content() and password not in page.content()

        result = server.manage("expire_accounts", "--as-of", f"{today:%Y-%m-%d}")
        assert "expired 0 account" in result.stdout, "valid all through its last day"
        result = server.manage("expire_accounts", "--as-of", f"{today + timedelta(days=1):%Y-%m-%d}")
        assert "expired 1 account" in result.stdout, result.stdout + result.stderr

        # The office may not open the access review (403); the Headteacher reviews it.
        assert page.goto(server.url + "/registers/access-review/").status == 403
        context.clear_cookies()
        sign_in(page, server, "head")
        page.wait_for_url(re.compile(r".*/$"))
        page.goto(server.url + "/registers/access-review/")
        closed = page.locator("table", has=page.get_by_role("columnheader", name="Why")).first
        row = closed.locator("tr", has_text=username)
        assert row.count() == 1
        assert "Expired" in row.inner_text()
        assert [error for error in errors if "403" not in error] == []
    finally:
        context.close()
