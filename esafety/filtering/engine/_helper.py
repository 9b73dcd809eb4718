"""Squid 5 helper: ``url_rewrite_program`` (default) and ``external_acl_type`` (``mode="acl"``).

A thin adapter over :func:`decide`. The contract that matters to Squid is framing: exactly one reply per request
line, in order, whatever the line holds (empty, binary, CRLF, tens of kilobytes), with the channel ID echoed
when Squid runs the helper with ``concurrency=N``. squidGuard desynchronises on lines over ~12 KB and from then
on answers every request with the reply meant for another; here lines are split on ``\\n`` only, of any length,
and a reply is built for each one even if deciding fails (``BH``).

Lines are read in blocks with ``os.read`` and the replies to every complete line in a block are written with
one ``os.write``: Squid gets each reply as soon as its line has arrived, and under load the per-line system
calls (the main cost of a line-at-a-time helper) disappear.
"""

from __future__ import annotations

import contextlib
import itertools
import os
import re
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar
from urllib.parse import quote, unquote

from ._decide import Decision, HostVerdict, decide, decide_parsed, host_verdict_function, path_category
from ._lists import lists_signature
from ._policy import Group, Policy, PolicyError, load_policy
from ._url import URLError, canonical_host, parse_url

if TYPE_CHECKING:
    from collections.abc import Callable

__all__ = ["Helper", "block_url", "run_helper"]

# Characters a query value may hold literally (RFC 3986); "&", "=", "+", "%", "#", quotes and spaces are escaped.
# Keeping "/" and ":" literal means most URLs need no escaping at all.
_UNSAFE_IN_QUERY = re.compile(rb"[^A-Za-z0-9_.~/:@!$'()*,;-]")
# The unsafe characters URLs usually hold, escaped with bytes.replace (C speed) when they are the only ones;
# "%" first, so that the escapes the others introduce are not escaped again.
_COMMON_UNSAFE = ((b"%", b"%25"), (b"&", b"%26"), (b"=", b"%3D"), (b"?", b"%3F"), (b"+", b"%2B"))
_RARE_UNSAFE = re.compile(rb"[^A-Za-z0-9_.~/:@!$'()*,;&=?%+-]")
# The same sets as bytes for bytes.translate(): what _UNSAFE_IN_QUERY leaves alone, and the common unsafe few.
_SAFE_IN_QUERY = bytes(c for c in range(256) if _UNSAFE_IN_QUERY.match(bytes((c,))) is None)
_COMMON_UNSAFE_CHARS = b"".join(char for char, _ in _COMMON_UNSAFE)
# On the hot path a substring test is bytes.find(), never "x in b": bytes.__contains__ first tries its operand as
# an integer (b"abc" holds 97), which for a bytes operand raises and clears a TypeError, a formatted message
# included: 2,000 instructions a test, 7% of a line on a stream of new hosts (callgrind, issue 17).
# Keeps a reply to a 20 KB request line a sane size; the block page shows a prefix of the URL.
_MAX_URL_IN_REDIRECT = 2048
# A line starting with whitespace (or empty) is left to answer()'s tokenising.
_SPACE = frozenset((b"", b" ", b"\t", b"\n", b"\r", b"\x0b", b"\x0c"))
# Hosts remembered per group by the fast lane (about 100 bytes each): bounded, so a scan of new hosts cannot
# grow a helper (issue 17: peak RSS under 64 MB).
_LANE_SIZE = 8192
# Already-canonical requests, matched on the raw bytes: see parse_url()'s fast path, of which these are subsets
# (no port on URLs; host:port for CONNECT).
_FAST_URL = re.compile(
    rb"(https?)://((?:[a-z0-9_-]+\.)*[a-z][a-z0-9_-]*)(/[^%\\#\x00-\x20\"<>`{}\x7f-\xff]*)\Z"
)
_FAST_CONNECT = re.compile(rb"((?:[a-z0-9_-]+\.)*[a-z][a-z0-9_-]*):([1-9][0-9]{0,4})\Z")
# The same shapes with any host of letters, digits, dots, "-" and "_": IPv4 forms, upper case, trailing dots.
# Their host goes through canonical_host() (cached), and the reply carries the rebuilt canonical URL.
# A bracketed host is taken when it is an IPv4-mapped IPv6 address (canonical_host() says); other IPv6
# hosts go the full way.
_OTHER_URL = re.compile(
    rb"(https?)://([A-Za-z0-9._-]+|\[[0-9A-Fa-f:.]+\])(/[^%\\#\x00-\x20\"<>`{}\x7f-\xff]*)\Z"
)
_OTHER_CONNECT = re.compile(rb"([A-Za-z0-9._-]+|\[[0-9A-Fa-f:.]+\]):([1-9][0-9]{0,4})\Z")  # "0443" is "443"


# The lane's whole-line match (in answer_lines()): "[ID ]URL" or "[ID ]host:port", then a space or the end.
# The URL is canonical already: a lower-case host name whose last label starts with a letter (so not an IPv4
# form), no port, and a path of segments that neither start with "." nor are empty (no dot segments, no "//",
# wherever they are), without "%", "\\", "#", controls, spaces or non-ASCII. A CONNECT port has 1-4 digits.
# A URL's host may also be a dotted-quad IPv4 address without leading zeros (canonical too).
# Groups: channel, URL, host+path, host, the host if an address, path, CONNECT host. Anything else takes
# _other_line().
# The repeats are possessive (sre gives nothing back): a label ends at a dot or at the end of the host, a path
# segment at "/" or at the end of the URL, so giving back a character could never lead to a match; without it
# sre stepped back through each label before trying the next one. The path is segments that each may end in
# one "/" (the same language as SEGMENT(/SEGMENT)*/?, in one loop). tests/test_answer_squid.py compares this
# expression with that segment-by-segment spelling on generated lines.
_HOST = rb"(?:[a-z0-9_-]++\.)*+[a-z][a-z0-9_-]*+"
_SEGMENT = rb'[^/.%\\#\x00-\x20"<>`{}\x7f-\xff][^/%\\#\x00-\x20"<>`{}\x7f-\xff]*+'
_OCTET = rb"(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])"
_IPV4 = rb"(?:" + _OCTET + rb"\.){3}" + _OCTET  # dotted-quad, no leading zeros: canonical already
_LANE_URL = (
    rb"((?:https?://((" + _HOST + rb"|(" + _IPV4 + rb"))(/(?:" + _SEGMENT + rb"/?)*+))"
    rb"|(" + _HOST + rb"):[1-9][0-9]{0,3}))(?= |\Z)"
)
_LANE_LINE = re.compile(rb"()" + _LANE_URL)
_LANE_LINE_CHANNEL = re.compile(rb"([0-9]+ )" + _LANE_URL)
# Replies remembered by URL for the lines _LANE_LINE does not take but the lane's slower entry answers (IPv4
# in decimal, hex or octal, upper case, trailing dots): that entry costs a few regular expressions and
# canonical_host() a line, a repeat one dict lookup. Bounded like the host table, and only for URLs up to
# _KNOWN_URL_MAX bytes. (For the lines _LANE_LINE takes, a lookup by URL cost about what it saves: slicing and
# hashing the URL, 2,000 instructions, against 16% repeats within 4,096 URLs on the skewed stream.)
_KNOWN_SIZE = 4096
_KNOWN_URL_MAX = 256
# Lane URLs searched at once by the expressions (joined by newlines); a group that matches is searched text
# by text.
_EXPRESSION_GROUP = 32
# A lane entry: the reply's fixed part (None: allowed), whether expressions must run, and for a host with
# URL-list entries its HostVerdict (the category then depends on the path).
_LaneEntry = tuple[bytes | None, bool, HostVerdict | None]


def block_url(policy: Policy, decision: Decision) -> str:
    """The block page address carrying category, group and URL as query parameters."""
    page = policy.block_page
    sep = "&" if "?" in page else "?"
    return (
        f"{page}{sep}category={quote_param(decision.category)}&group={quote_param(decision.group)}"
        f"&url={quote_param(decision.url[:_MAX_URL_IN_REDIRECT])}"
    )


def quote_param(text: str) -> str:
    """Percent-encode ``text`` for a query value (a faster ``urllib.parse.quote`` for this one use)."""
    raw = text.encode("utf-8", "surrogateescape")
    if _UNSAFE_IN_QUERY.search(raw) is None:
        return raw.decode("ascii")
    if _RARE_UNSAFE.search(raw) is None:
        for char, escaped in _COMMON_UNSAFE:
            raw = raw.replace(char, escaped)  # returns raw itself when char is absent
        return raw.decode("ascii")
    return _UNSAFE_IN_QUERY.sub(_percent, raw).decode("ascii")


def _quote_url(raw: bytes) -> bytes:
    """:func:`quote_param` for an ASCII URL already in bytes (what the lane has).

    Which characters need escaping is found with ``bytes.translate`` (deleting the safe ones), a C loop of a
    few instructions a byte, where a regular-expression search over a character class cost a microsecond or
    two a URL (a quarter of a blocked line's time on the uniform stream)."""
    unsafe = raw.translate(None, _SAFE_IN_QUERY)
    if not unsafe:
        return raw
    if not unsafe.translate(None, _COMMON_UNSAFE_CHARS):  # only the common few
        for char, escaped in _COMMON_UNSAFE:
            raw = raw.replace(char, escaped)  # returns raw itself when char is absent
        return raw
    return _UNSAFE_IN_QUERY.sub(_percent, raw)


def _percent(m: re.Match[bytes]) -> bytes:
    return b"%%%02X" % m.group()[0]


_K = TypeVar("_K")
_V = TypeVar("_V")


def _remember(table: dict[_K, _V], key: _K, value: _V, size: int) -> None:
    """``table[key] = value`` in a table bounded to ``size``: when full, the older half goes (dict order is
    insertion order); what is hot comes straight back."""
    if len(table) >= size:
        for old in list(itertools.islice(table, size // 2)):
            del table[old]
    table[key] = value


class Helper:
    """Turns request lines into reply lines; :meth:`answer` is the whole protocol for one line."""

    def __init__(
        self,
        policy: Policy,
        group: str | None = None,
        mode: str = "rewrite",
        channels: str = "auto",
        loader: Callable[[], Policy] | None = None,
        reload_interval: float = 5.0,
    ) -> None:
        if mode not in ("rewrite", "acl"):
            raise ValueError("mode must be 'rewrite' or 'acl'")
        if channels not in ("auto", "yes", "no"):
            raise ValueError("channels must be 'auto', 'yes' or 'no'")
        if group is not None and group not in policy.groups:
            raise PolicyError(f"no group {group!r} in the policy")
        self.policy = policy
        self.group = group
        self.acl = mode == "acl"
        self.channels = channels
        self.loader = loader
        self.reload_interval = reload_interval
        self._signature = _signature(policy)
        self._checked = time.monotonic()
        self.reloads = 0
        # Why the lists could not be loaded (the helper then answers by each group's ``lists_missing``).
        self.degraded: str | None = None
        self._reset_lanes()

    def _reset_lanes(self) -> None:
        self._lanes = self._lane_groups()
        self._prefixes: dict[tuple[str, str], bytes] = {}
        self._entries: dict[tuple[str, str, bool], _LaneEntry] = {}
        self._verdicts: dict[str, Callable[[bytes, bool], HostVerdict] | None] = {}
        regex_set = self.policy.lists.expression_set()
        # The pybind object under google-re2's Python wrapper, when it has one: the same Match without a
        # Python call per line (it returns a list, empty when nothing matched).
        self._expressions = getattr(regex_set, "_set", regex_set)
        line_set = self.policy.lists.expression_line_set() if regex_set is not None else None
        self._line_expressions = getattr(line_set, "_set", line_set)
        self._known: dict[bytes, bytes] = {}  # URL -> reply (without the channel), see _KNOWN_SIZE

    def answer(self, line: bytes) -> bytes:
        """The reply (without newline) to one request line (without newline)."""
        if line.endswith(b"\r"):
            line = line[:-1]
        tokens = line.split(None, 4)  # at most: channel, URL, client, user, the rest (unused)
        channel = b""
        if self.channels == "auto" and tokens:
            # Decided once, from the first line that has a token, and kept: Squid either prefixes every line
            # with a channel ID (concurrency > 0) or none, and never sends a bare number as a URL. Deciding per
            # line answered "3 " (an ID and an empty request) without its ID and desynchronised Squid.
            self.channels = "yes" if tokens[0].isdigit() else "no"
        if tokens and self.channels == "yes" and tokens[0].isdigit():
            channel = tokens.pop(0) + b" "
        try:
            return channel + self._reply(tokens)
        except Exception as exc:  # noqa: BLE001 - one bad line must cost one BH reply, never the helper or the framing
            detail = quote(f"{type(exc).__name__}: {exc}"[:200], safe=" ")
            return channel + b'BH message="' + detail.encode() + b'"'

    def answer_lines(self, lines: list[bytes]) -> list[bytes]:
        """:meth:`answer` for each line (all the lines already waiting, as :meth:`serve` reads them).

        With a fixed ``--group`` served by the fast lane, the usual Squid line (``[ID ]URL extras`` with an
        already-canonical URL naming a host) is matched by one regular expression and answered in this loop
        from the per-host table, without the per-line tokenising and group selection of :meth:`answer`; any
        other line goes through :meth:`answer` (via the lane's slower entry for IPv4 forms and upper case).
        Where expressions must run they run once over the block's URLs (see :meth:`_expression_hits`). The
        replies are the same (property tests compare them with decide()).
        """
        group = self.policy.groups[self.group] if self.group is not None else None
        replies: list[bytes] = []
        answer = self.answer
        start = 0
        while self.channels == "auto" and start < len(lines):
            replies.append(answer(lines[start]))  # decides the channels from the first line with a token
            start += 1
        if group is None or group.name not in self._lanes or self.acl or self.degraded is not None:
            replies += [answer(line) for line in lines[start:]]
            return replies
        lane = self._lanes[group.name]
        lane_get, new_entry, other = lane.get, self._new_entry, self._other_line
        url_prefix, quote = self._url_prefix, _quote_url
        expressions, line_expressions = self._expressions, self._line_expressions
        channels = self.channels == "yes"
        match = (_LANE_LINE_CHANNEL if channels else _LANE_LINE).match
        append = replies.append
        texts: list[bytes] = []  # what the expressions must be run on, and the index of each text's reply
        text_at: list[int] = []
        for line in lines[start:] if start else lines:
            try:
                m = match(line)
                if m is None:
                    append(other(group, line))
                    continue
                channel, url, host_path, host, address, path, connect_host = m.groups()
                if host is None:
                    host = connect_host
                    host_path = host + b"/"
                    path = b"/"
                entry = lane_get(host)
                if entry is None:
                    entry = new_entry(group, lane, host, address is not None)
                    if entry is None:
                        append(answer(line))
                        continue
                prefix, check_expressions, verdict = entry
                if check_expressions and expressions is not None:
                    if line_expressions is None:
                        if expressions.Match(host_path):
                            append(answer(line))  # an expression matches: decide() says what it means
                            continue
                    else:
                        texts.append(host_path)  # run on the block's texts at once, below
                        text_at.append(len(replies))
                if verdict is not None:
                    prefix = url_prefix(group, verdict, path)
                if prefix is None:
                    append(channel + b"ERR")
                else:
                    append(channel + prefix + quote(url[:_MAX_URL_IN_REDIRECT]) + b'"')
            except Exception:  # noqa: BLE001 (answer() turns whatever went wrong into one BH reply)
                append(answer(line))
        if texts:
            for t in self._expression_hits(texts):
                i = text_at[t]
                replies[i] = answer(lines[i])  # an expression matches: decide() says what it means
        return replies

    def _expression_hits(self, texts: list[bytes]) -> list[int]:
        """The indexes of the ``texts`` (``host/path?query`` of the lane's URLs) some expression matches.

        The texts are searched in groups, joined by newlines, with the multi-line copy of the expressions
        (:meth:`Lists.expression_line_set`): a group none of them matches needs no more, and the texts of a
        group that matches are asked about one by one, as each line was before. One search of a group costs
        what one text cost (the call into RE2, not the scan, was most of a search)."""
        found: list[int] = []
        assert self._expressions is not None and self._line_expressions is not None  # texts were collected
        search, line_search = self._expressions.Match, self._line_expressions.Match
        for lo in range(0, len(texts), _EXPRESSION_GROUP):
            group = texts[lo : lo + _EXPRESSION_GROUP]
            if line_search(b"\n".join(group)):
                found += [lo + j for j, text in enumerate(group) if search(text)]
        return found

    def _other_line(self, group: Group, line: bytes) -> bytes:
        """One line the lane's regular expression did not take: the lane's slower entry, else :meth:`answer`."""
        channels = self.channels == "yes"
        reply = None
        if channels:
            sp = line.find(b" ")
            channel, rest = line[: sp + 1], line[sp + 1 :]
            if sp <= 0 or not channel[:-1].isdigit():
                channel = b""  # answer() decides what this line is
        else:
            channel, rest = b"", line
        if (channel or not channels) and not rest.endswith(b"\r") and rest[:1] not in _SPACE:
            sp = rest.find(b" ")
            url = rest[:sp] if sp >= 0 else rest
            known = self._known
            reply = known.get(url)
            if reply is None:
                try:
                    reply = self._fast_reply(group, url)
                except Exception:  # noqa: BLE001 (answer() turns whatever went wrong into one BH reply)
                    reply = None
                if reply is not None and len(url) <= _KNOWN_URL_MAX:
                    _remember(known, url, reply, _KNOWN_SIZE)
        return self.answer(line) if reply is None else channel + reply

    def _reply(self, tokens: list[bytes]) -> bytes:
        policy = self.policy
        raw = tokens[0] if tokens else b""
        if self.group is not None:
            group: Group | None = policy.groups[self.group]
        else:
            client = tokens[1].decode("utf-8", "surrogateescape").split("/", 1)[0] if len(tokens) > 1 else ""
            user = tokens[2].decode("utf-8", "surrogateescape") if len(tokens) > 2 else ""
            if "%" in user:
                user = unquote(user, errors="surrogateescape")
            if self.acl and "%" in client:
                client = unquote(client)
            group = policy.group_for(client, user)  # url_rewrite sends "ip/fqdn"
        if self.degraded is not None and group is not None and group.lists_missing == "block":
            # Fail closed: without its lists the filter cannot tell what a request is.
            url = raw.decode("utf-8", "surrogateescape")
            return self._format(Decision(False, "unavailable", url, group.name))
        if group is not None and not (self.acl and raw.find(b"%") >= 0):
            fast = self._fast_reply(group, raw)
            if fast is not None:
                return fast
        url = raw.decode("utf-8", "surrogateescape")
        if self.acl and "%" in url:
            url = unquote(url, errors="surrogateescape")  # external ACL tokens are URL-escaped
        if group is None:
            decision = Decision(False, "no-group", url, "-")
        else:
            try:
                parsed = parse_url(url)
            except URLError:
                decision = decide(policy, url, group=group.name)
            else:
                decision = decide_parsed(policy, group, parsed)
        return self._format(decision)

    def _format(self, decision: Decision) -> bytes:
        if decision.allowed:
            if decision.rewrite is not None and not self.acl:
                return b'OK rewrite-url="' + decision.rewrite.encode("ascii", "backslashreplace") + b'"'
            return b"ERR"
        target = block_url(self.policy, decision).encode("ascii")
        if self.acl:
            return b"OK tag=" + quote_param(decision.category).encode() + b' message="' + target + b'"'
        return b'OK status=302 url="' + target + b'"'

    # The fast lane. For most hosts the decision does not depend on the path (no URL-list entry for the host,
    # and the group has no host/path allow or deny entries, no time windows and no safe-search rewrites), and
    # for the others only through the host's URL-list entries. For a request already in canonical form (what
    # Squid sends nearly always) the lane answers from the list structures (host_decision() and
    # path_category(), which follow decide_parsed() step for step) without parsing the URL or building a
    # Decision, and remembers the reply's fixed part per host in a bounded table, so that a repeated host costs
    # a regular-expression match and a dict lookup and a new host a few hash probes. Expressions are
    # path-dependent, so where decide() would reach them they run on every line, and a match takes the full
    # path.

    def _lane_groups(self) -> dict[str, dict[bytes, _LaneEntry]]:
        return {
            name: {}
            for name, g in self.policy.groups.items()
            if not (g.allow.prefixes or g.deny.prefixes or g.windows or g.safe_search)
        }

    def _fast_reply(self, group: Group, raw: bytes) -> bytes | None:
        lane = self._lanes.get(group.name)
        if lane is None:
            return None
        url = raw
        is_ip = False
        m = _FAST_URL.match(raw)
        if m is not None:
            host, path = m.group(2), m.group(3)
            if path.find(b"/.") >= 0 or path.split(b"?", 1)[0].find(b"//") >= 0:
                return None
            host_path = raw[m.end(1) + 3 :]
            tunnel = False
        elif (m := _FAST_CONNECT.match(raw)) is not None:
            host, port = m.group(1), m.group(2)
            if int(port) > 65535:
                return None
            host_path = host + b"/"
            path = b"/"
            tunnel = True
        elif (m := _OTHER_URL.match(raw)) is not None:
            path = m.group(3)
            if path.find(b"/.") >= 0 or path.split(b"?", 1)[0].find(b"//") >= 0:
                return None
            found = self._canonical_host(m.group(2))
            if found is None:
                return None
            host, is_ip = found
            host_path = host + path
            url = m.group(1) + b"://" + host_path
            tunnel = False
        elif (m := _OTHER_CONNECT.match(raw)) is not None:
            found = self._canonical_host(m.group(1))
            if found is None or int(m.group(2)) > 65535:
                return None
            host, is_ip = found
            host_path = host + b"/"
            path = b"/"
            url = host + b":" + m.group(2)
            tunnel = True
        else:
            return None
        if tunnel and is_ip and group.block_ip_literals:
            return None  # "connect-ip" rather than "ip-literal": the full path says which
        entry = lane.get(host)
        if entry is None:
            entry = self._new_entry(group, lane, host, is_ip)
            if entry is None:
                return None
        prefix, expressions_may_match, verdict = entry
        if expressions_may_match and self._expressions is not None and self._expressions.Match(host_path):
            return None
        if verdict is not None:
            prefix = self._url_prefix(group, verdict, path)
        if prefix is None:
            return b"ERR"
        return prefix + _quote_url(url[:_MAX_URL_IN_REDIRECT]) + b'"'

    def _new_entry(
        self, group: Group, lane: dict[bytes, _LaneEntry], host: bytes, is_ip: bool
    ) -> _LaneEntry | None:
        """The lane's entry for a host not in its table (remembered), or ``None``: decide the full way."""
        # partition(), not find(): find() parses its arguments the slow way (1,000 instructions a call).
        if host.partition(b"xn--")[1] and not is_ip and self._canonical_host(host) is None:
            return None  # checks the punycode, as parse_url() does
        verdict_of = self._verdicts.get(group.name)
        if verdict_of is None:
            verdict_of = self._verdicts[group.name] = host_verdict_function(self.policy, group)
            if verdict_of is None:
                return None
        verdict = verdict_of(host, is_ip)
        if verdict.url_entry >= 0:
            entry: _LaneEntry = (self._prefix(group, verdict.category), verdict.expressions, verdict)
        else:
            # Hosts without URL-list entries share one entry per (category, expressions) and group.
            shared = (group.name, verdict.category, verdict.expressions)
            found = self._entries.get(shared)
            if found is None:
                found = self._entries[shared] = (
                    self._prefix(group, verdict.category),
                    verdict.expressions,
                    None,
                )
            entry = found
        _remember(lane, host, entry, _LANE_SIZE)
        return entry

    def _url_prefix(self, group: Group, verdict: HostVerdict, path: bytes) -> bytes | None:
        return self._prefix(group, path_category(self.policy, group, verdict, path.lower()))

    def _prefix(self, group: Group, category: str) -> bytes | None:
        """The fixed part of the reply blocking ``category`` for ``group`` (``None`` for allowed)."""
        if category == "-":
            return None
        key = (group.name, category)
        prefix = self._prefixes.get(key)
        if prefix is None:
            head = block_url(self.policy, Decision(False, category, "", group.name))
            if self.acl:
                prefix = b"OK tag=" + quote_param(category).encode() + b' message="' + head.encode()
            else:
                prefix = b'OK status=302 url="' + head.encode()
            self._prefixes[key] = prefix
        return prefix

    @staticmethod
    def _canonical_host(raw: bytes) -> tuple[bytes, bool] | None:
        try:
            host, host_type = canonical_host(raw.decode("ascii"))
        except URLError:
            return None
        return (host.encode("ascii"), host_type == "ipv4") if host_type != "ipv6" else None

    def maybe_reload(self, force: bool = False) -> None:
        """Reload policy and lists if their files changed; on error keep answering with the old ones."""
        if self.loader is None:
            return
        now = time.monotonic()
        if not force and now - self._checked < self.reload_interval:
            return
        self._checked = now
        try:
            signature = _signature(self.policy)
            if signature == self._signature and not force:
                return
            policy = self.loader()
            if self.group is not None and self.group not in policy.groups:
                raise PolicyError(f"no group {self.group!r} in the reloaded policy")
        except Exception as exc:  # noqa: BLE001 (whatever the files hold, a reload must never stop the helper)
            print(f"esafety filter helper: reload failed, keeping the old policy: {exc}", file=sys.stderr)
            return
        self.degraded = None
        self.policy = policy
        self._signature = _signature(policy)
        self._reset_lanes()
        self.reloads += 1

    def serve(self, fd_in: int = 0, fd_out: int = 1) -> None:
        """Answer request lines from ``fd_in`` until end of input."""
        pending: list[bytes] = []
        answer = self.answer
        while True:
            chunk = os.read(fd_in, 1 << 18)
            if not chunk:
                if pending:
                    _write_all(fd_out, answer(b"".join(pending)) + b"\n")
                return
            nl = chunk.rfind(b"\n")
            if nl < 0:
                pending.append(chunk)
                continue
            data = chunk[:nl]
            if pending:
                data = b"".join(pending) + data
            pending = [chunk[nl + 1 :]] if nl + 1 < len(chunk) else []
            self.maybe_reload()
            replies = self.answer_lines(data.split(b"\n"))
            replies.append(b"")
            _write_all(fd_out, b"\n".join(replies))


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        n = os.write(fd, view)
        view = view[n:]


def _signature(policy: Policy) -> tuple[object, ...]:
    parts: list[object] = []
    if policy.path is not None:
        try:
            st = os.stat(policy.path)
            parts.append((st.st_mtime_ns, st.st_size, st.st_ino))
        except OSError:
            parts.append(None)
    if policy.lists_dir is not None:
        try:
            parts.append(lists_signature(policy.lists_dir))
        except OSError:
            parts.append(None)
    return tuple(parts)


def _without_lists(path: Path, cache_dir: str | None) -> Policy | None:
    """The policy without its lists, when only the lists fail to load (``None`` if the policy itself fails)."""
    import tomllib

    from ._policy import parse_policy

    try:
        with open(path, "rb") as fh:
            data = tomllib.load(fh)
        if not isinstance(data, dict) or "lists" not in data:
            return None
        lists = data.pop("lists")
        policy = parse_policy(data, path.resolve().parent, cache_dir, path=path)
    except (OSError, ValueError):
        return None
    if isinstance(lists, str):
        policy.lists_dir = (path.resolve().parent / lists).resolve()
    return policy


def run_helper(
    policy_path: str | os.PathLike[str],
    group: str | None = None,
    mode: str = "rewrite",
    channels: str = "auto",
    cache_dir: str | None = None,
    reload_interval: float = 5.0,
) -> int:
    """Run the helper on stdin/stdout; the exit status for the command line."""

    def loader() -> Policy:
        return load_policy(Path(policy_path), cache_dir)

    degraded = None
    try:
        try:
            policy = loader()
        except PolicyError as exc:
            fallback = _without_lists(Path(policy_path), cache_dir)
            if fallback is None:
                raise
            policy = fallback
            # The policy is readable but its lists are missing or unreadable: answer by each group's
            # lists_missing (fail closed by default), and pick the lists up when they appear.
            degraded = str(exc)
            print(f"esafety filter helper: {exc}; answering by each group's lists_missing", file=sys.stderr)
        if not policy.block_page:
            raise PolicyError("the helper needs block_page in the policy")
        helper = Helper(policy, group, mode, channels, loader, reload_interval)
        helper.degraded = degraded
        if degraded is not None:
            helper._signature = ()  # any readable lists make the next check reload
    except (OSError, PolicyError) as exc:
        # Exiting (rather than answering) makes Squid refuse to run with a broken filter: it fails closed.
        print(f"esafety filter helper: {exc}", file=sys.stderr)
        return 2
    for warning in policy.warnings:
        print(f"esafety filter helper: warning: {warning}", file=sys.stderr)
    with contextlib.suppress(BrokenPipeError, KeyboardInterrupt):
        helper.serve()
    return 0
