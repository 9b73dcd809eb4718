"""Search terms from web filter logs: the query of every Google, Bing, YouTube and DuckDuckGo search.

The lines are read by the filter engine's log parsers (``esafety.filtering.engine.parse_squid_log`` /
``parse_e2guardian_log``), a plain library with no Django in it.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs, urlsplit

from esafety.filtering import engine
from esafety.filtering.engine import LogRecord

if TYPE_CHECKING:
    from esafety.people.models import School

# host suffix -> query parameters that carry the search terms
SEARCH_ENGINES: list[tuple[re.Pattern[str], tuple[str, ...], tuple[str, ...]]] = [
    (re.compile(r"(^|\.)google\.[a-z.]+$"), ("q",), ("/search", "/webhp", "/")),
    (re.compile(r"(^|\.)bing\.com$"), ("q",), ("/search", "/images/search", "/videos/search")),
    (re.compile(r"(^|\.)duckduckgo\.com$"), ("q",), ("/", "/html", "/lite")),
    (re.compile(r"(^|\.)youtube\.com$"), ("search_query", "q"), ("/results", "/search")),
]


@dataclass(frozen=True)
class SearchTerm:
    query: str
    engine: str
    user: str
    client: str
    at: datetime | None
    line_key: str  # identifies the log line, so reading the same log twice captures nothing twice


def query_from_url(url: str) -> tuple[str, str] | None:
    """(engine host, search terms) when ``url`` is a search on a known engine."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    host = (parts.hostname or "").lower()
    for pattern, params, paths in SEARCH_ENGINES:
        if pattern.search(host) and (parts.path or "/") in paths:
            values = parse_qs(parts.query)
            for param in params:
                if values.get(param) and values[param][0].strip():
                    return host, values[param][0].strip()[:500]
    return None


def _get(record: Any, *names: str) -> Any:
    for name in names:
        value = record.get(name) if isinstance(record, dict) else getattr(record, name, None)
        if value not in (None, "", "-"):
            return value
    return None


def records(lines: list[str], fmt: str = "squid") -> list[LogRecord]:
    """The filter log's requests, read by the filter engine's parser for ``fmt`` ("squid" or "e2guardian")."""
    parse = engine.parse_e2guardian_log if fmt == "e2guardian" else engine.parse_squid_log
    return parse(lines).records


def search_terms(lines: Iterable[str], fmt: str = "squid") -> Iterator[SearchTerm]:
    lines = [line.rstrip("\n") for line in lines if line.strip()]
    for index, record in enumerate(records(lines, fmt)):
        url = _get(record, "url", "uri")
        if not url:
            continue
        found = query_from_url(str(url))
        if found is None:
            continue
        at = _get(record, "time", "timestamp", "at")
        if isinstance(at, int | float):
            at = datetime.fromtimestamp(at, UTC)
        client = str(_get(record, "client", "client_ip", "ip") or "")
        user = str(_get(record, "user", "username", "ident") or "")
        # Same request, same key: reading a log twice (or overlapping rotations) captures nothing twice.
        raw = f"{at.isoformat() if isinstance(at, datetime) else index}|{client}|{user}|{url}"
        yield SearchTerm(
            query=found[1],
            engine=found[0],
            user=user,
            client=client,
            at=at if isinstance(at, datetime) else None,
            line_key="log:" + hashlib.sha256(str(raw).encode()).hexdigest()[:40],
        )


def ingest_log(school: School, lines: Iterable[str], *, fmt: str = "squid") -> dict[str, int]:
    """Scan each search in the log as a capture of the ``filter_log`` source; returns counts."""
    from esafety.accounts.models import User
    from esafety.monitoring.actions import capture_text, ensure_source, resolve_person
    from esafety.monitoring.models import Source

    source = ensure_source(school, Source.Kind.FILTER_LOG)
    counts = {"searches": 0, "captured": 0, "duplicates": 0}
    people: dict[str, Any] = {}
    for term in search_terms(lines, fmt):
        counts["searches"] += 1
        if term.user not in people:
            user = (
                User.objects.filter(username__iexact=term.user).select_related("person").first()
                if term.user
                else None
            )
            people[term.user] = (
                user.person
                if user is not None and user.person and user.person.school_id == school.pk
                else resolve_person(school, [term.user])
            )
        result = capture_text(
            school=school,
            source=source,
            text=term.query,
            person=people[term.user],
            message_id=term.line_key,
            occurred_at=term.at,
            subject=f"Search on {term.engine}",
            sender=term.user or term.client,
        )
        if result.capture is not None:
            counts["captured" if result.created else "duplicates"] += 1
    return counts
