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
    from datetime import datetime

    from ._policy import Group, Policy

__all__ = ["Decision", "decide", "decide_parsed"]


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
        return Decision(False, "ip-literal", parsed.url, name)
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


def _safe_search(policy: Policy, group: Group, parsed: ParsedURL) -> str | None:
    if not group.safe_search or parsed.is_ip:
        return None
    target = policy.safe_search_host(group, parsed.host)
    if target is None:
        return None
    return parsed._replace(host=target, host_type="domain").url
