"""The people picker in a real browser (issue 12, item 6): the search is an htmx partial that keeps a chosen
file, everything typed and the focus, under the strict CSP; on a 390 px phone the role drop-down shows its words."""

from __future__ import annotations

import re

import pytest

from e2e.conftest import sign_in

pytestmark = pytest.mark.e2e

PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c63f8cfc0f01f0005000201a5dd4b6e0000000049454e44ae426082"
)


def _open_report(page: object, server: object) -> None:
    sign_in(page, server, "teacher")
    page.wait_for_url(re.compile(r".*/$"))  # type: ignore[attr-defined]
    page.goto(server.url + "/incidents/new/")  # type: ignore[attr-defined]


def test_it_searches_in_place_keeping_the_chosen_file_the_text_and_the_focus(server, page) -> None:
    _open_report(page, server)
    page.get_by_label("What happened and what did you see?").fill("Messages in the class chat (picker test).")
    page.set_input_files("#id_evidence", files=[{"name": "shot.png", "mimeType": "image/png", "buffer": PNG}])
    page.evaluate("window.pickerMarker = 'same page'")  # gone if the search reloaded the page
    search = page.get_by_label("Find people")
    search.fill("Year 2")
    search.press("Enter")
    rows = page.locator("table.picker tbody tr")
    rows.first.wait_for()
    assert page.evaluate("window.pickerMarker") == "same page"
    assert page.eval_on_selector("#id_evidence", "input => input.files.length") == 1
    assert page.evaluate("document.activeElement.id") == "id_find"
    assert page.get_by_label("What happened and what did you see?").input_value().endswith("(picker test).")
    assert "(pupil, Year 2, Kestrels" in rows.first.locator("label").first.inner_text()
    # The role starts empty: it must be chosen (the refusal in words is tested with the Django client).
    assert rows.first.locator("select").input_value() == ""
    assert page.csp_errors == []


def test_it_shows_the_role_words_on_a_390px_phone(server, browser) -> None:
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="en-GB")
    page = context.new_page()
    try:
        _open_report(page, server)
        page.get_by_label("Find people").fill("Kestrels")
        page.get_by_role("button", name="Search").click()
        select = page.locator("table.picker tbody tr").first.locator("select")
        select.wait_for()
        select.select_option("victim")
        box = select.bounding_box()
        text_width = select.evaluate(
            """select => {
                const probe = document.createElement("span");
                probe.style.font = getComputedStyle(select).font;
                probe.textContent = select.options[select.selectedIndex].text;
                document.body.append(probe);
                const width = probe.getBoundingClientRect().width;
                probe.remove();
                return width;
            }"""
        )
        assert box is not None
        assert box["x"] + box["width"] <= 390, box
        assert box["width"] >= text_width + 16, (box, text_width)  # the words and the arrow fit
    finally:
        context.close()
