"""The annual filtering and monitoring review in a real browser: the Head finishes this year's review (the demo
left it half done), records an action, signs as the SLT lead, and downloads the governors' report as a PDF."""

from __future__ import annotations

import re

import pytest

from e2e.conftest import sign_in

pytestmark = pytest.mark.e2e


def test_it_lets_the_head_complete_the_annual_review_and_download_the_governors_report(server, page) -> None:
    sign_in(page, server, "head")
    page.wait_for_url(re.compile(r".*/$"))
    page.goto(server.url + "/governance/")
    page.get_by_role("link", name="Annual filtering and monitoring review").click()
    page.locator("table a").first.click()  # the newest year comes first
    page.wait_for_url(re.compile(r".*/governance/filtering-review/\d{4}/$"))
    assert page.get_by_text("measured").first.is_visible()

    # Answer every item still open; self-reported ones say whose word they rest on.
    for item in page.locator(".review-item").all():
        verdict = item.get_by_label("Answer")
        if verdict.input_value() == "":
            verdict.select_option("met")
            who = item.get_by_label("Who said so")
            if who.count() and not who.input_value():
                who.fill("ICT technician, checked in the journey test")
    page.get_by_label("Generative AI").fill("Pupils cannot reach AI chat sites; checked with the technician.")
    page.get_by_role("button", name="Save the review").click()
    page.wait_for_url(re.compile(r".*/governance/filtering-review/\d{4}/$"))
    assert page.get_by_text("Every item is answered.").is_visible()

    page.get_by_label("Action").fill("Repeat the VPN check after the spring upgrade")
    page.get_by_label("Owner").select_option(label="Gareth Llewellyn")
    page.get_by_label("Due by").fill("2027-04-30")
    page.get_by_role("button", name="Add action").click()
    assert page.get_by_text("Repeat the VPN check after the spring upgrade").is_visible()

    page.get_by_role("button", name="Sign as SLT lead").click()
    assert page.get_by_text("Signed. The answers are now frozen.").is_visible()
    assert page.get_by_text("Signed by the SLT lead").first.is_visible()

    page.goto(server.url + "/governance/report/")
    assert page.get_by_role("heading", name=re.compile("report to the governing body")).is_visible()
    assert page.locator("svg.chart").count() >= 3
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download the PDF").click()
    download = download_info.value
    path = download.path()
    assert download.suggested_filename.startswith("online-safety-report-")
    with open(path, "rb") as handle:
        assert handle.read(5) == b"%PDF-"
    assert page.csp_errors == []
