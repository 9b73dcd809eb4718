"""Policy and newsletter bodies: Markdown in, safe HTML out.

Two locks, either of which would do alone: markdown-it-py runs with raw HTML switched off (any ``<script>`` typed
in the body comes out as text), and nh3 (the Ammonia sanitiser) then keeps only an allow-list of tags, attributes
and URL schemes, so a ``javascript:`` link or a future parser bug still cannot put script on the public page.
"""

from __future__ import annotations

import re

import nh3
from django.utils.safestring import SafeString, mark_safe
from markdown_it import MarkdownIt

# About 60 pages of policy text. A 5 MB paste is refused with a message instead of being stored and rendered.
MAX_BODY_CHARACTERS = 200_000

_parser = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False}).enable("table")

_TAGS = {"a", "blockquote", "br", "code", "em", "hr", "li", "ol", "p", "pre", "strong", "ul"}
_TAGS |= {"h1", "h2", "h3", "h4", "h5", "h6", "table", "tbody", "td", "th", "thead", "tr"}
_ATTRIBUTES = {"a": {"href", "title"}, "td": {"align"}, "th": {"align"}, "ol": {"start"}}
_URL_SCHEMES = {"http", "https", "mailto", "tel"}

# Anything that looks like an HTML tag or comment: "<script", "</div", "<!--", "<img".
_HTML_TAG = re.compile(r"<!--|</?[a-zA-Z][a-zA-Z0-9-]*(?=[\s/>])[^>]*>?")


def render(text: str) -> SafeString:
    html = _parser.render(text)
    clean = nh3.clean(
        html, tags=_TAGS, attributes=_ATTRIBUTES, url_schemes=_URL_SCHEMES, link_rel="noopener nofollow"
    )
    # Safe to mark: the string has just been through the allow-list sanitiser above.
    return mark_safe(clean)  # noqa: S308


def problems(text: str) -> list[str]:
    """Why ``text`` cannot be saved as a body, in words the author can act on; empty when it can."""
    found = []
    if len(text) > MAX_BODY_CHARACTERS:
        found.append(
            f"This text is {len(text):,} characters long; a policy can be at most {MAX_BODY_CHARACTERS:,}. "
            "If you pasted a whole document, check that only the policy itself was pasted, or split it into "
            "separate policies. Your text is still in the box below."
        )
    match = _HTML_TAG.search(text[:MAX_BODY_CHARACTERS])
    if match:
        snippet = match.group(0)[:30]
        found.append(
            f"This text contains HTML ({snippet!s}). Policies are written in Markdown so they look the same "
            "everywhere and can never carry scripts: use # for headings, - for lists and **bold** for bold, "
            "and remove the HTML. Your text is still in the box below."
        )
    return found
