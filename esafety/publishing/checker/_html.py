"""The text a reader sees in an HTML item, with where each character came from in the source.

A small tokenizer instead of ``html.parser``: it never raises, whatever it is given (unclosed tags, stray ``<``,
binary junk), and it keeps a source offset for every character it emits, so a finding can point at the exact
place in the HTML. Inline tags (``<b>``, ``<span>``) join their text as the browser does ("Ash<b>down</b>" reads
"Ashdown"); block tags and ``<br>`` break the line. Scripts, styles, comments and link targets are not shown, so
they are not read; ``alt`` and ``title`` text is, as its own segment.
"""

from __future__ import annotations

import html
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from esafety.publishing.checker._types import Media

_TOKEN = re.compile(
    r"<!--.*?(?:-->|\Z)"
    r"|<(?P<hidden>script|style|template|noscript|head)\b[^>]*>.*?(?:</(?P=hidden)\s*>|\Z)"
    r"|<[!?][^>]*>?"
    r"|<(?P<close>/?)(?P<tag>[A-Za-z][A-Za-z0-9:-]*)(?P<attrs>(?:[^>\"']|\"[^\"]*\"|'[^']*')*)>",
    re.DOTALL | re.IGNORECASE,
)
_ATTR = re.compile(r"([^\s=/>\"']+)(?:\s*=\s*(\"[^\"]*\"|'[^']*'|[^\s>]+))?")
_ENTITY = re.compile(r"&(?:#[0-9]{1,7}|#[xX][0-9A-Fa-f]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});?")
_BLOCK = frozenset(
    [
        "address",
        "article",
        "aside",
        "blockquote",
        "br",
        "dd",
        "div",
        "dl",
        "dt",
        "figcaption",
        "figure",
        "footer",
        "form",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "header",
        "hr",
        "li",
        "main",
        "nav",
        "ol",
        "p",
        "pre",
        "section",
        "table",
        "tbody",
        "td",
        "tfoot",
        "th",
        "thead",
        "tr",
        "ul",
        "option",
        "caption",
    ]
)
_MEDIA = {"img": "image", "video": "video", "iframe": "video", "embed": "video", "audio": "video"}


@dataclass(frozen=True)
class Segment:
    """A run of readable text and, for each of its characters, the offset it came from in the source."""

    text: str
    offsets: Sequence[int]
    where: str = "text"  # text | alt | title | caption

    @classmethod
    def plain(cls, text: str, where: str = "text", start: int = 0) -> Segment:
        return cls(text, range(start, start + len(text)), where)

    def source_offset(self, index: int) -> int:
        if not self.offsets:
            return 0
        return self.offsets[min(index, len(self.offsets) - 1)]


@dataclass(frozen=True)
class Extract:
    body: Segment
    attributes: list[Segment] = field(default_factory=list)
    media: list[Media] = field(default_factory=list)

    @property
    def segments(self) -> list[Segment]:
        return [self.body, *self.attributes]


def _decode(source: str, start: int, end: int, chars: list[str], offsets: list[int]) -> None:
    """Append the characters of ``source[start:end]`` with entities decoded, each with its source offset."""
    position = start
    for match in _ENTITY.finditer(source, start, end):
        for index in range(position, match.start()):
            chars.append(source[index])
            offsets.append(index)
        decoded = html.unescape(match.group())
        chars.extend(decoded)
        offsets.extend([match.start()] * len(decoded))
        position = match.end()
    for index in range(position, end):
        chars.append(source[index])
        offsets.append(index)


def _attributes(source: str, start: int, end: int) -> dict[str, tuple[str, int]]:
    """Attribute name -> (raw value, offset where the value starts in the source)."""
    found: dict[str, tuple[str, int]] = {}
    for match in _ATTR.finditer(source, start, end):
        name = match.group(1).lower()
        raw = match.group(2)
        if raw is None or name in found:
            continue
        value_start = match.start(2)
        if raw[:1] in "\"'":
            raw, value_start = raw[1:-1], value_start + 1
        found[name] = (raw, value_start)
    return found


def _attribute_segment(value: str, value_start: int, where: str) -> Segment:
    chars: list[str] = []
    offsets: list[int] = []
    _decode(value, 0, len(value), chars, offsets)
    return Segment("".join(chars), [value_start + offset for offset in offsets], where)


def _host(src: str) -> str:
    try:
        return (urlsplit(src.strip()).hostname or "").lower()
    except ValueError:
        return ""


def extract_html(source: str) -> Extract:
    """The readable text, the ``alt``/``title`` texts and the media of an HTML document or fragment."""
    chars: list[str] = []
    offsets: list[int] = []
    attributes: list[Segment] = []
    media: list[dict[str, object]] = []
    figures: list[list[dict[str, object]]] = []  # open <figure>s, each with its media
    caption_start: int | None = None
    caption_texts: list[Segment] = []

    def line_break(at: int) -> None:
        if chars and chars[-1] != "\n":
            chars.append("\n")
            offsets.append(at)

    position = 0
    for match in _TOKEN.finditer(source):
        _decode(source, position, match.start(), chars, offsets)  # the text before the tag, entities decoded
        position = match.end()
        tag = (match.group("tag") or "").lower()
        if not tag:
            continue  # comment, doctype, script or style: nothing a reader sees
        closing = bool(match.group("close"))
        attrs = {} if closing else _attributes(source, match.start("attrs"), match.end("attrs"))
        for name in ("alt", "title"):
            if name in attrs and attrs[name][0].strip():
                attributes.append(_attribute_segment(*attrs[name], name))
        if tag in _MEDIA and not closing:
            src, _ = attrs.get("src", ("", 0))
            alt, _ = attrs.get("alt", attrs.get("title", ("", 0)))
            item: dict[str, object] = {
                "src": html.unescape(src),
                "alt": html.unescape(alt),
                "kind": _MEDIA[tag],
                "offset": match.start(),
            }
            media.append(item)
            if figures:
                figures[-1].append(item)
        elif tag == "figure":
            if closing:
                if figures:
                    captioned = figures.pop()
                    text = " ".join(segment.text.strip() for segment in caption_texts)
                    for item in captioned:
                        item["caption"] = text
                caption_texts = []
            else:
                figures.append([])
        elif tag == "figcaption":
            if closing and caption_start is not None:
                caption_texts.append(
                    Segment("".join(chars[caption_start:]), offsets[caption_start:], "caption")
                )
                caption_start = None
            elif not closing:
                line_break(match.start())
                caption_start = len(chars)
                continue
        if tag in _BLOCK:
            line_break(match.start())
    _decode(source, position, len(source), chars, offsets)
    return Extract(
        body=Segment("".join(chars), offsets),
        attributes=attributes,
        media=[
            Media(
                src=str(item["src"]),
                alt=str(item["alt"]),
                caption=str(item.get("caption", "")),
                kind=str(item["kind"]),
                offset=int(item["offset"]),  # type: ignore[call-overload]
            )
            for item in media
        ],
    )


def media_host(src: str) -> str:
    return _host(src)
