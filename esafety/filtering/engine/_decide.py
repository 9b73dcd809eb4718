"""The decision: one pure function from (policy, URL, who, when) to allow or block.

Precedence, as the issue fixes it: the policy's ``always_block`` categories (illegal content) beat everything,
the group's ``allow`` list included; then the group's ``allow`` list; then its ``deny`` list (and the
deny lists of active time windows); then the blocked categories, where the most specific match is reported (a
URL-list entry, then the longest listed domain suffix, then an expression); then ``block_ip_literals``; then the
group's ``default``. A request the parser refuses is blocked when the group's ``block_invalid`` is set (by default,
for walled gardens) and allowed otherwise: Squid itself refuses what no browser would send.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, NamedTuple

from ._url import ParsedURL, URLError, parse_url

if TYPE_CHECKING:
    from collections.abc import Callable
    from datetime import datetime

    from ._policy import Group, Policy

__all__ = [
    "Decision",
    "HostVerdict",
    "decide",
    "decide_parsed",
    "host_decision",
    "host_verdict",
    "host_verdict_function",
    "path_category",
]


class Decision(NamedTuple):
    """What to do with one request.

    ``category`` is ``"-"`` when allowed, else the blocked category's name, ``"deny"`` (deny list),
    ``"ip-literal"``, ``"default"`` (walled-garden refusal), ``"invalid"`` (unparseable request) or ``"no-group"``
    (no group matched the client or user). ``url`` is the canonical URL (the input text if unparseable).
    ``rewrite`` is the safe-search URL to send an allowed request to instead, if any.
    """

    allowed: bool
    category: str
    url: str
    group: str
    rewrite: str | None = None

    @property
    def verdict(self) -> str:
        return "ALLOW" if self.allowed else "BLOCK"


def decide(
    policy: Policy,
    url: str | ParsedURL,
    group: str | None = None,
    client: str | None = None,
    user: str | None = None,
    when: datetime | None = None,
) -> Decision:
    """Decide about ``url`` for ``group`` (or the group chosen by ``client`` address and ``user`` name).

    Never raises for any ``url`` text; raises ``KeyError`` only for a ``group`` name the policy lacks.
    ``when`` (default: now) selects the active time windows; a naive datetime is local policy time.
    """
    chosen = policy.groups[group] if group is not None else policy.group_for(client, user)
    text = url if isinstance(url, str) else url.url
    if chosen is None:
        return Decision(False, "no-group", text, "-")
    if isinstance(url, ParsedURL):
        parsed = url
    else:
        try:
            parsed = parse_url(url)
        except URLError:
            return Decision(
                not chosen.block_invalid, "invalid" if chosen.block_invalid else "-", text, chosen.name
            )
    return decide_parsed(policy, chosen, parsed, when)


def decide_parsed(policy: Policy, group: Group, parsed: ParsedURL, when: datetime | None = None) -> Decision:
    """:func:`decide` for an already parsed URL and a selected group (the helper's hot path)."""
    name = group.name
    host = parsed.host
    info = policy.host_cache.get(host)
    if info is None:
        info = policy.host_info(host, parsed.host_type != "domain")
    hits, url_entry, special = info
    allow_bit, deny_bit = policy.group_bits[name]
    always = policy.always_mask
    if always:
        found = _listed(policy, hits, url_entry, parsed, always)
        if found:
            return Decision(False, policy.category_name(group, found), parsed.url, name)
    if special & allow_bit or (group.allow.prefixes and group.allow.matches_prefix(parsed)):
        return Decision(True, "-", parsed.url, name, _safe_search(policy, group, parsed))
    if special & deny_bit or (group.deny.prefixes and group.deny.matches_prefix(parsed)):
        return Decision(False, "deny", parsed.url, name)
    if group.windows:
        mask, denies = policy.active(group, when)
        for deny in denies:
            if deny.matches(parsed):
                return Decision(False, "deny", parsed.url, name)
    else:
        mask = policy.base_mask[name]
    if mask:
        found = _listed(policy, hits, url_entry, parsed, mask)
        if found:
            return Decision(False, policy.category_name(group, found), parsed.url, name)
    if group.block_ip_literals and parsed.host_type != "domain":
        # A CONNECT tunnel ("host:port", no scheme) to an address hides the site's name from the filter
        # (ufdbGuard's enforce-https-with-hostname): its own category, so the block page can say so.
        tunnel = not parsed.scheme and parsed.port is not None
        return Decision(False, "connect-ip" if tunnel else "ip-literal", parsed.url, name)
    if group.default == "block":
        return Decision(False, "default", parsed.url, name)
    if group.safe_search:
        return Decision(True, "-", parsed.url, name, _safe_search(policy, group, parsed))
    return Decision(True, "-", parsed.url, name)


def _listed(policy: Policy, hits: list[tuple[int, int]], url_entry: int, parsed: ParsedURL, mask: int) -> int:
    """The categories of ``mask`` that list this URL (URL entries, domain suffixes, expressions), or 0."""
    if url_entry >= 0:
        for _, found in policy.lists.url_hits(parsed.host, parsed.path_query, url_entry):
            if found & mask:
                return found & mask
    for _, found in hits:
        if found & mask:
            return found & mask
    if mask & policy.expression_categories:
        return policy.lists.expression_mask(parsed.host_path, mask)
    return 0


class HostVerdict(NamedTuple):
    """:func:`host_decision`'s answer: what :func:`decide_parsed` decides from the host alone.

    ``category`` is ``"-"`` for allowed. ``expressions``: decide_parsed() would go on to the list expressions,
    which depend on the path, so a caller must run them on each URL and, when one matches, decide the full way.
    ``url_entry`` is the host's URL-list handle (``-1``: none); with one, :func:`path_category` gives the
    category for each path. ``url_wins``: a URL-list entry of a blocked category outranks ``category`` (which
    then came from the domain walk or the group's defaults, not from the allow, deny or always-block steps).
    """

    category: str
    expressions: bool
    url_entry: int = -1
    url_wins: bool = False


def host_decision(policy: Policy, group: Group, host: str, is_ip: bool) -> HostVerdict | None:
    """:func:`decide_parsed`'s answer as far as it depends on the host (see :class:`HostVerdict`).

    ``None`` when the path can matter in ways this does not follow (host/path allow or deny entries, time
    windows or safe search in the group): decide the full way then. The helper's fast lane answers from this
    without parsing or building a :class:`Decision`; it must follow decide_parsed() step for step (property
    tests in tests/test_answer_squid.py compare the two). The policy's ``always_block`` categories are followed
    as in decide_parsed(): a URL-list entry or a listed suffix in one of them wins before the allow list, and
    where they have expressions every answer asks for them.
    """
    return host_verdict(policy, group, host.encode("ascii", "surrogateescape"), is_ip)


def host_verdict(policy: Policy, group: Group, key: bytes, is_ip: bool) -> HostVerdict | None:
    """:func:`host_decision` for a canonical host as ASCII bytes (what the helper reads)."""
    verdict = host_verdict_function(policy, group)
    return None if verdict is None else verdict(key, is_ip)


def host_verdict_function(policy: Policy, group: Group) -> Callable[[bytes, bool], HostVerdict] | None:
    """:func:`host_verdict` for one group as a function of ``(key, is_ip)`` (``None``: the group is not served,
    see :func:`host_decision`), made once per policy and group: what the group's steps need is bound in the
    closure, so the helper pays no attribute lookups for each host it has not seen."""
    plans = policy.lane_plans
    if group.name in plans:
        found: Callable[[bytes, bool], HostVerdict] | None = plans[group.name]
        return found
    plan = _LanePlan.of(policy, group)
    plans[group.name] = verdict_of = _verdict_function(policy, group, plan) if plan.served else None
    return verdict_of


def _verdict_function(policy: Policy, group: Group, plan: _LanePlan) -> Callable[[bytes, bool], HostVerdict]:
    mask, always, always_expressions = plan.mask, plan.always, plan.always_expressions
    allow_bit, deny_bit = plan.allow_bit, plan.deny_bit
    ip_literal, otherwise = plan.ip_literal, plan.otherwise
    lookup = policy.lists.host_prober()
    special_bits = policy.special_bits_of if plan.special else None
    category_name = policy.category_name
    listed: dict[int, HostVerdict] = {}

    def verdict(key: bytes, is_ip: bool) -> HostVerdict:
        hits: tuple[tuple[int, int], ...] = ()
        url_entry = -1
        if mask:
            hits, url_entry = lookup(key, is_ip)
        # Step 1 of decide_parsed(): the always_block categories, before the allow list: URL-list entries (for
        # each path, in path_category()), then the longest listed suffix, then the expressions, which depend
        # on the path: from here on every answer must let the caller run them.
        if always:
            for _, found in hits:
                if found & always:
                    return HostVerdict(category_name(group, found & always), False, url_entry)
        if special_bits is not None:
            special = special_bits(key, is_ip)
            if special & allow_bit:
                return HostVerdict("-", always_expressions, url_entry)
            if special & deny_bit:
                return HostVerdict("deny", always_expressions, url_entry)
        for _, found in hits:
            if found & mask:
                if url_entry < 0:  # one verdict per listed combination of categories (a few hundred)
                    known = listed.get(found)
                    if known is None:
                        known = listed[found] = HostVerdict(
                            category_name(group, found & mask), always_expressions, -1, True
                        )
                    return known
                return HostVerdict(category_name(group, found & mask), always_expressions, url_entry, True)
        # The group's defaults: the same few verdicts for most hosts, made once.
        if url_entry < 0:
            return ip_literal if is_ip and ip_literal is not None else otherwise
        if is_ip and ip_literal is not None:
            return ip_literal._replace(url_entry=url_entry)
        return otherwise._replace(url_entry=url_entry)

    return verdict


class _LanePlan(NamedTuple):
    """What :func:`host_verdict` needs of a group, worked out once per policy and group."""

    served: bool  # no host/path entries, windows or safe search: the lane can follow decide_parsed()
    mask: int  # blocked categories, always_block included
    always: int
    always_expressions: bool  # always-blocked categories have expressions
    special: bool  # the policy has host allow or deny entries (for some group)
    allow_bit: int
    deny_bit: int
    ip_literal: HostVerdict | None  # for an address none of the above decided (None: not blocked as such)
    otherwise: HostVerdict  # for a host none of the above decided

    @classmethod
    def of(cls, policy: Policy, group: Group) -> _LanePlan:
        served = not (group.allow.prefixes or group.deny.prefixes or group.windows or group.safe_search)
        mask = policy.base_mask[group.name]
        always = policy.always_mask
        expressions = bool(mask & policy.expression_categories)
        allow_bit, deny_bit = policy.group_bits[group.name]
        ip_literal = HostVerdict("ip-literal", expressions, -1, True) if group.block_ip_literals else None
        otherwise = HostVerdict("default" if group.default == "block" else "-", expressions, -1, True)
        return cls(
            served,
            mask,
            always,
            bool(always & policy.expression_categories),
            policy.has_special,
            allow_bit,
            deny_bit,
            ip_literal,
            otherwise,
        )


def path_category(policy: Policy, group: Group, verdict: HostVerdict, lowered_path_query: bytes) -> str:
    """The category (``"-"``: allowed) for one path of a host with URL-list entries, as decide_parsed()
    finds it: an always-blocked URL entry first, then the host's own verdict unless a blocked URL entry
    outranks it. ``lowered_path_query`` is the canonical path and query, lower-cased (``/`` for CONNECT)."""
    hits = policy.lists.url_prefix_hits(verdict.url_entry, lowered_path_query)
    if hits:
        always = policy.always_mask
        if always:
            for _, found in hits:
                if found & always:
                    return policy.category_name(group, found & always)
        if verdict.url_wins:
            mask = policy.base_mask[group.name]
            for _, found in hits:
                if found & mask:
                    return policy.category_name(group, found & mask)
    return verdict.category


def _safe_search(policy: Policy, group: Group, parsed: ParsedURL) -> str | None:
    if not group.safe_search or parsed.is_ip:
        return None
    target = policy.safe_search_host(group, parsed.host)
    if target is None:
        return None
    return parsed._replace(host=target, host_type="domain").url
