"""Every page each demo role can open passes axe-core's WCAG 2.0, 2.1 and 2.2 A and AA rules, at a desktop and
a phone width, in Debian's Chromium. Schools are public sector bodies: the Public Sector Bodies Accessibility
Regulations 2018 require WCAG AA.

Pages are found the way a person finds them: from each persona's dashboard (an anonymous visitor's from the
sign-in, block and public policy pages) the walk follows every same-site link it meets, and visits each kind
of page once (one page per URL name, so one incident of the log, one person, one policy...). The phone width
then re-checks the same pages. One browser, one signed-in context per persona and width (the sign-in is made
once and its cookies reused for the phone width).

Run alone: ``.venv/bin/pytest -m e2e e2e/test_accessibility.py``. ``ESAFETY_AXE_ONLY=/path/`` checks one page
per persona (to watch a fix), printing what axe found.
"""

from __future__ import annotations

import os
import re
import time
from collections import deque
from dataclasses import dataclass, field
from urllib.parse import urljoin, urlsplit

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.urls import Resolver404, resolve

from e2e.conftest import DEMO_PASSWORD, Server
from e2e.support import serve_directory

pytestmark = pytest.mark.e2e

TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}
# The demo's signed-in personas.
# The co-ordinator (also the DSL) goes first: they reach the most kinds of page.
PERSONAS = ["coordinator", "head", "technician", "office", "teacher", "governor"]
# An anonymous visitor starts from the pages a member of the public reaches without signing in.
PUBLIC_SEEDS = [
    "/accounts/login/",
    "/this-page-does-not-exist/",
    "/filtering/blocked/?url=http%3A%2F%2Fexample.com%2F&category=gambling",
    "/policies/",
]
# Links the walk never follows: signing out, downloads (not HTML), the API and static files.
SKIP = re.compile(
    r"/(logout|sign-out|api|static|media|admin)/|\.(csv|pdf|zip|json|xml|txt|ics|png|jpg|svg)$|/(export|download)"
)
# A parent's pages behind personal links (e-mailed in real life): the Code of Conduct and a consent request.
PERSONAL_LINKS = """
from datetime import timedelta
from django.utils import timezone
from esafety.consent.models import ConsentRequest
from esafety.core.links import issue_link
from esafety.policies.models import AcknowledgementCampaign
later = timezone.now() + timedelta(days=1)
campaign = AcknowledgementCampaign.objects.filter(version__policy__kind="parent_code", status="open").earliest("pk")
ask = campaign.requests.order_by("pk").last()
_, sign = issue_link(school=campaign.school, person=ask.person, purpose="policies.acknowledge",
                     subject_key=campaign.link_subject, expires_at=later)
row = ConsentRequest.objects.filter(answered_at=None).order_by("pk").first()
_, answer = issue_link(school=row.campaign.school, person=row.parent, purpose="consent.answer",
                       subject_key=row.campaign.link_subject, expires_at=later)
print(f"/policies/sign/{sign}/ /consent/answer/{answer}/")
"""
MAX_PAGES = 120  # per persona: a walk that finds more than this is looping over generated URLs


@dataclass
class Walk:
    persona: str
    pages: list[str] = field(default_factory=list)  # paths checked, in the order found
    violations: list[str] = field(default_factory=list)


def url_kind(path: str) -> str | None:
    """One key per kind of page: the URL's name, so /incidents/12/ and /incidents/40/ are the same page."""
    try:
        match = resolve(urlsplit(path).path)
    except Resolver404:
        return None
    return match.view_name


def check(page, axe: Axe, walk: Walk, path: str, width: str) -> None:  # type: ignore[no-untyped-def]
    results = axe.run(
        page, options={"runOnly": {"type": "tag", "values": TAGS}, "resultTypes": ["violations"]}
    )
    for violation in results.response["violations"]:
        for node in violation["nodes"]:
            walk.violations.append(
                f"{violation['id']} [{violation['impact']}] {walk.persona} {width} {path} "
                f"target={node['target']} :: {node.get('failureSummary', '').splitlines()[-1:]}"
            )


def links_on(page, origin: str, selector: str = "a[href]") -> list[str]:  # type: ignore[no-untyped-def]
    hrefs = page.eval_on_selector_all(selector, "links => links.map(a => a.getAttribute('href'))")
    found = []
    for href in hrefs:
        if not href or href.startswith(("#", "mailto:", "tel:", "javascript:")):
            continue
        absolute = urljoin(page.url, href)
        parts = urlsplit(absolute)
        if f"{parts.scheme}://{parts.netloc}" != origin or SKIP.search(parts.path):
            continue
        found.append(parts.path + (f"?{parts.query}" if parts.query else ""))
    return found


def visit(page, server: Server, path: str) -> bool:  # type: ignore[no-untyped-def]
    response = page.goto(server.url + path, wait_until="domcontentloaded")
    return response is not None and "text/html" in response.headers.get("content-type", "")


def explore(  # type: ignore[no-untyped-def]
    page, server: Server, axe: Axe, walk: Walk, seeds: list[str], *, signed_in: bool, checked: set[str]
) -> None:
    """Walk from ``seeds``. Every kind of page in the persona's own menu is checked for each persona (what a
    role sees there differs); a kind of page further in (a detail, a form) is checked by the first persona who
    reaches it, as ``checked`` (shared by all walks) records, to keep the run short."""
    only = os.environ.get("ESAFETY_AXE_ONLY")
    if only:
        seeds = [only]
    queue = deque(seeds)
    seen_kinds: set[str] = set()
    seen_paths: set[str] = set()
    menu: set[str] = set()
    while queue and len(walk.pages) < MAX_PAGES:
        path = queue.popleft()
        kind = url_kind(path) or path
        if (
            kind in seen_kinds
            or path in seen_paths
            or (kind in checked and kind not in menu and path not in seeds)
        ):
            continue
        seen_kinds.add(kind)
        seen_paths.add(path)
        if not visit(page, server, path):
            continue
        landed = urlsplit(page.url).path
        if signed_in and landed.startswith("/accounts/login"):
            raise AssertionError(f"{walk.persona} was signed out at {path}")
        if landed != urlsplit(path).path:  # redirected (an anonymous visitor's / is the sign-in page)
            if (url_kind(landed) or landed) in seen_kinds:
                continue
            seen_kinds.add(url_kind(landed) or landed)
        walk.pages.append(path)
        checked.add(kind)
        check(page, axe, walk, path, "desktop")
        if os.environ.get("ESAFETY_AXE_VERBOSE"):
            print(f"  {walk.persona} {path} ({len(walk.violations)} so far)", flush=True)
        if not menu:
            menu = {
                url_kind(link) or link for link in links_on(page, server.url, "nav[aria-label=Main] a[href]")
            } | {kind}
        if not only:
            queue.extend(links_on(page, server.url))


def sign_in(page, server: Server, username: str) -> None:  # type: ignore[no-untyped-def]
    page.goto(f"{server.url}/accounts/login/")
    page.get_by_label("User name").fill(username)
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{server.url}/")


def test_it_finds_no_wcag_a_or_aa_violation_on_any_page_of_any_role(server, browser) -> None:  # type: ignore[no-untyped-def]
    axe = Axe()
    started = time.monotonic()
    walks: list[Walk] = []
    checked: set[str] = set()
    personal_links = server.manage("shell", "-c", PERSONAL_LINKS).stdout.split()[-2:]
    chosen = os.environ.get("ESAFETY_AXE_PERSONAS")
    for persona in [None, *PERSONAS] if not chosen else [p or None for p in chosen.split(",")]:
        walk = Walk(persona or "anonymous")
        desktop = browser.new_context(locale="en-GB", timezone_id="Europe/London", viewport=DESKTOP)
        page = desktop.new_page()
        if persona:
            # The e2e server runs with ESAFETY_REQUIRE_2FA=0 (e2e/conftest.py), so every role signs in with a
            # password alone, as the other journeys do.
            sign_in(page, server, persona)
        seeds = ["/"] if persona else [*PUBLIC_SEEDS, *personal_links]
        explore(page, server, axe, walk, seeds, signed_in=bool(persona), checked=checked)
        state = desktop.storage_state()
        desktop.close()
        phone = browser.new_context(
            locale="en-GB",
            timezone_id="Europe/London",
            viewport=PHONE,
            storage_state=state,
            is_mobile=True,
            has_touch=True,
        )
        page = phone.new_page()
        for path in walk.pages:
            if visit(page, server, path):
                check(page, axe, walk, path, "phone")
        phone.close()
        walks.append(walk)
    elapsed = time.monotonic() - started
    pages = sum(len(walk.pages) for walk in walks)
    print(
        f"\naxe: {pages} pages x 2 widths ({pages * 2} checks) for {len(walks)} personas in {elapsed:.0f} s: "
        + ", ".join(f"{walk.persona} {len(walk.pages)}" for walk in walks)
    )
    for walk in walks:
        print(f"  {walk.persona}: {' '.join(walk.pages)}")
    violations = [line for walk in walks for line in walk.violations]
    assert not violations, f"{len(violations)} WCAG A/AA violations:\n" + "\n".join(violations)
    if not (chosen or os.environ.get("ESAFETY_AXE_ONLY")):
        assert len(walks) == 7
        assert all(len(walk.pages) >= 5 for walk in walks), "every persona reaches several pages"
        assert pages >= 150, "the walk reaches every kind of page (193 on the demo school in December 2026)"


BROKEN = """<!doctype html><html><head><title>Broken</title>
<style>.faint { color: #bbbbbb; background: #ffffff; }</style></head>
<body><div><img src="missing.png"><p class="faint">Hard to read</p><a href="/x"></a><input type="text" name="q"></div>
</body></html>"""


def test_it_reports_each_violation_of_a_deliberately_broken_page(browser, tmp_path) -> None:  # type: ignore[no-untyped-def]
    # The walk can fail: a page with no language, no alt text, faint text, an empty link and an unlabelled input.
    (tmp_path / "broken.html").write_text(BROKEN)
    walk = Walk("anonymous")
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    with serve_directory(tmp_path) as origin:
        page.goto(origin + "/broken.html")
        check(page, Axe(), walk, "/broken.html", "phone")
    context.close()
    rules = {line.split()[0] for line in walk.violations}
    assert {"html-has-lang", "image-alt", "color-contrast", "link-name", "label"} <= rules, walk.violations
    assert any("anonymous phone /broken.html target=['img']" in line for line in walk.violations), (
        walk.violations
    )


def test_it_keeps_the_log_within_a_phone_screen_and_scrolls_the_table_in_a_named_region(
    server, browser
) -> None:  # type: ignore[no-untyped-def]
    context = browser.new_context(locale="en-GB", timezone_id="Europe/London", viewport=PHONE, is_mobile=True)
    page = context.new_page()
    sign_in(page, server, "coordinator")
    page.goto(server.url + "/incidents/")
    region = page.locator("[role=region]:has(table.incidents)")
    assert region.get_attribute("tabindex") == "0", "a keyboard can reach the region to scroll it"
    caption = page.locator("table.incidents caption")
    assert caption.get_attribute("id") == region.get_attribute("aria-labelledby")
    assert caption.inner_text().strip()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"], (
        "the page itself never scrolls sideways"
    )
    assert region.evaluate("el => el.scrollWidth > el.clientWidth"), "the table scrolls inside its region"
    region.focus()
    page.keyboard.press("ArrowRight")
    page.wait_for_function("() => document.activeElement.scrollLeft > 0")  # a function: the CSP forbids eval
    context.close()


def test_it_makes_every_checkbox_a_target_of_at_least_24_pixels(server, browser) -> None:  # type: ignore[no-untyped-def]
    context = browser.new_context(locale="en-GB", timezone_id="Europe/London", viewport=PHONE, is_mobile=True)
    page = context.new_page()
    sign_in(page, server, "teacher")
    page.goto(server.url + "/incidents/new/")
    boxes = page.locator("input[type=checkbox]")
    assert boxes.count() >= 2
    for index in range(boxes.count()):
        box = boxes.nth(index).bounding_box()
        assert box and box["width"] >= 24 and box["height"] >= 24, f"checkbox {index}: {box}"
    urgent = page.get_by_label("Someone may be at risk now: treat as urgent")
    assert not urgent.is_checked()
    page.locator("label[for=id_urgent]").click()
    assert urgent.is_checked(), "the label after the box ticks it too"
    context.close()
