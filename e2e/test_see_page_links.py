"""The "Older"/"Newer" links of paged lists were white on white: the menu's style coloured every link inside any
<nav>. Measured here as a person sees them, in Chromium: the computed colours of each page link against the
background it is drawn on, by the WCAG 2.2 contrast formula."""

from __future__ import annotations

import re

import pytest

from e2e.conftest import sign_in

pytestmark = pytest.mark.e2e

# Walk up from the link to the first ancestor that paints a background; return both colours as RGB.
COLOURS = """
(link) => {
  const rgb = (value) => value.match(/[\\d.]+/g).slice(0, 4).map(Number);
  let node = link, background = null;
  while (node) {
    const colour = rgb(getComputedStyle(node).backgroundColor);
    if (colour.length < 4 || colour[3] > 0) { background = colour.slice(0, 3); break; }
    node = node.parentElement;
  }
  return {text: rgb(getComputedStyle(link).color).slice(0, 3), background: background || [255, 255, 255]};
}
"""


def luminance(rgb: list[float]) -> float:
    def channel(value: float) -> float:
        c = value / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(v) for v in rgb)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: list[float], b: list[float]) -> float:
    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


@pytest.mark.parametrize("path", ["/people/", "/audit/"])
def test_it_draws_page_links_readably(server, page, path: str) -> None:  # type: ignore[no-untyped-def]
    sign_in(page, server, "head")
    page.wait_for_url(re.compile(r".*/$"))
    page.goto(server.url + path)
    links = page.locator("nav.pagination a")
    assert links.count() >= 1, "the demo has more than one page here"
    for index in range(links.count()):
        colours = links.nth(index).evaluate(COLOURS)
        ratio = contrast(colours["text"], colours["background"])
        assert ratio >= 4.5, (
            f"{links.nth(index).inner_text()!r} on {path}: contrast {ratio:.2f}:1 ({colours})"
        )


def test_it_words_page_links_by_the_lists_order(server, page) -> None:  # type: ignore[no-untyped-def]
    sign_in(page, server, "head")
    page.wait_for_url(re.compile(r".*/$"))
    page.goto(server.url + "/people/")
    assert page.locator("nav.pagination").get_by_text("Next →").is_visible()
    assert page.locator("nav.pagination").get_by_text("Older").count() == 0
