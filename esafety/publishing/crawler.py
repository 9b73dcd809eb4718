"""A polite crawler for the school's own website: the same host only, robots.txt honoured, one request at a time
with a pause between them, and a page limit. Standard library only (urllib), so it runs anywhere the app runs.

``crawl()`` yields each page it fetched; the caller checks it. The pause and the clock are arguments, so the
website audit can be slow and kind to the school's host while tests run against a local server without waiting.
"""

from __future__ import annotations

import re
import time
import urllib.error
import urllib.request
import urllib.robotparser
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from html import unescape
from urllib.parse import urldefrag, urljoin, urlsplit

USER_AGENT = "esafety-website-audit/1.0 (checks the school's own pages for pupils' details)"
MAX_BYTES = 2 * 1024 * 1024
_HREF = re.compile(r"<a\b[^>]*?\bhref\s*=\s*(\"[^\"]*\"|'[^']*'|[^\s>]+)", re.I)


@dataclass(frozen=True)
class Page:
    url: str
    status: int
    html: str = ""
    note: str = ""  # why a page was not read (not HTML, too large, an error)


def _origin(url: str) -> tuple[str, str, int | None]:
    parts = urlsplit(url)
    return parts.scheme, (parts.hostname or "").lower(), parts.port


def same_site(url: str, start: str) -> bool:
    scheme, host, port = _origin(url)
    start_scheme, start_host, start_port = _origin(start)
    return scheme in ("http", "https") and host == start_host and port == start_port


def links(html: str, base: str) -> list[str]:
    found = []
    for match in _HREF.finditer(html):
        raw = unescape(match.group(1).strip("\"'")).strip()
        if not raw or raw.startswith(("mailto:", "tel:", "javascript:", "data:")):
            continue
        found.append(urldefrag(urljoin(base, raw))[0])
    return found


def _request(url: str, accept: str) -> urllib.request.Request:
    # Only http(s): urllib would also open file: and ftp: addresses, which a crawl of a website never needs.
    if urlsplit(url).scheme not in ("http", "https"):
        raise ValueError(f"not an http(s) address: {url}")
    return urllib.request.Request(url, headers={"User-Agent": USER_AGENT, "Accept": accept})  # noqa: S310


def _fetch(url: str, timeout: float) -> Page:
    try:
        request = _request(url, "text/html")
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310 (http(s) only, above)
            final = response.geturl()
            content_type = response.headers.get_content_type()
            if content_type not in ("text/html", "application/xhtml+xml"):
                return Page(final, response.status, note=f"not a web page ({content_type})")
            data = response.read(MAX_BYTES + 1)
            if len(data) > MAX_BYTES:
                return Page(final, response.status, note="too large to check (over 2 MB)")
            charset = response.headers.get_content_charset() or "utf-8"
            return Page(final, response.status, data.decode(charset, errors="replace"))
    except urllib.error.HTTPError as exc:
        return Page(url, exc.code, note=f"the server answered {exc.code}")
    except (urllib.error.URLError, OSError, ValueError) as exc:
        return Page(url, 0, note=f"could not be fetched ({getattr(exc, 'reason', exc)})")


def _robots(start: str, timeout: float) -> urllib.robotparser.RobotFileParser:
    parser = urllib.robotparser.RobotFileParser()
    scheme, host, port = _origin(start)
    robots_url = f"{scheme}://{host}{':' + str(port) if port else ''}/robots.txt"
    try:
        request = _request(robots_url, "text/plain")
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
            parser.parse(response.read(512 * 1024).decode("utf-8", errors="replace").splitlines())
    except urllib.error.HTTPError as exc:
        # As robots.txt specifies: none there (4xx) means everything is allowed; a server error means nothing is.
        parser.parse([] if exc.code < 500 else ["User-agent: *", "Disallow: /"])
    except (urllib.error.URLError, OSError, ValueError):
        parser.parse([])
    return parser


def crawl(
    start: str,
    *,
    max_pages: int = 200,
    delay: float = 1.0,
    timeout: float = 15.0,
    sleep: Callable[[float], None] = time.sleep,
) -> Iterator[Page]:
    """Fetch pages of ``start``'s site breadth-first, at most ``max_pages``, pausing ``delay`` seconds (or the
    site's Crawl-delay, if longer) between requests."""
    robots = _robots(start, timeout)
    pause = max(delay, float(robots.crawl_delay(USER_AGENT) or 0))
    queue, seen, fetched = deque([start]), {start}, 0
    while queue and fetched < max_pages:
        url = queue.popleft()
        if not robots.can_fetch(USER_AGENT, url):
            continue
        if fetched:
            sleep(pause)
        page = _fetch(url, timeout)
        if not same_site(page.url, start):
            page = Page(url, page.status, note="redirects to another site, so it was not checked")
        fetched += 1
        yield page
        for link in links(page.html, page.url) if page.html else []:
            if link not in seen and same_site(link, start):
                seen.add(link)
                queue.append(link)
