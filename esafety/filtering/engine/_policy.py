"""The policy file (TOML): which categories each group blocks, when, for whom, and what else it enforces.

Every key is documented in docs/filtering-engine.md. Unknown keys are an error rather than ignored: a typo such as
``blok = [...]`` in a filtering policy must not silently unblock a category.
"""

from __future__ import annotations

import ipaddress
import os
import time
import tomllib
from dataclasses import dataclass, field
from fnmatch import fnmatchcase
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ._lists import (
    Lists,
    _Compiled,
    _serialise,
    canonical_domain_entry,
    canonical_url_entry,
    load_lists,
    parent_listed,
    strip_www,
)
from ._url import URLError

if TYPE_CHECKING:
    from datetime import datetime

    from ._url import ParsedURL

__all__ = ["Group", "HostSet", "Policy", "PolicyError", "Window", "load_policy", "parse_policy"]

IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network

DAYS = {"mon": 0, "tue": 1, "wed": 2, "thu": 3, "fri": 4, "sat": 5, "sun": 6}

# Safe-search enforcement: the same host names the search engines document for DNS-based enforcement. The
# helper rewrites requests for these hosts to the "safe" host (with ``url_rewrite_host_header off`` Squid then
# connects there but keeps the original Host header, exactly as a DNS CNAME would); the RPZ export emits CNAMEs.
GOOGLE_SAFE = "forcesafesearch.google.com"
GOOGLE_DOMAINS = (
    "google.com",
    "google.co.uk",
    "google.ie",
    "google.fr",
    "google.de",
    "google.es",
    "google.it",
    "google.nl",
    "google.be",
    "google.ca",
    "google.com.au",
    "google.co.nz",
    "google.co.in",
    "google.pl",
    "google.pt",
)
YOUTUBE_HOSTS = (
    "www.youtube.com",
    "m.youtube.com",
    "youtubei.googleapis.com",
    "youtube.googleapis.com",
    "www.youtube-nocookie.com",
)
YOUTUBE_SAFE = {"strict": "restrict.youtube.com", "moderate": "restrictmoderate.youtube.com"}
BING_HOSTS = ("www.bing.com", "bing.com")
BING_SAFE = "strict.bing.com"
DUCKDUCKGO_HOSTS = ("duckduckgo.com", "www.duckduckgo.com")
DUCKDUCKGO_SAFE = "safe.duckduckgo.com"


# Bounds for the per-host caches: a school's working set of hosts is a few thousand, and a stream of new
# hosts (a scan) must not grow a helper past its memory budget (issue 17: peak RSS under 64 MB).
_CACHE_SIZE = 8192

# Categories of proxies, VPNs and DNS-over-HTTPS resolvers (UT1's names): each is a way round the filter, so
# a group with ``block_bypass`` (the default) blocks whichever of them the lists carry.
BYPASS_CATEGORIES = ("vpn", "redirector", "doh")


class PolicyError(ValueError):
    """The policy file is missing, not TOML, or has a wrong or unknown key; the message names the key."""


@dataclass(frozen=True)
class HostSet:
    """Hosts (with their subdomains) and ``host/path`` prefixes, as in ``allow`` and ``deny``."""

    hosts: frozenset[str] = frozenset()
    prefixes: dict[str, tuple[str, ...]] = field(default_factory=dict)  # host without www -> path prefixes

    @classmethod
    def parse(cls, entries: list[str], where: str) -> HostSet:
        hosts: set[str] = set()
        prefixes: dict[str, list[str]] = {}
        for entry in entries:
            try:
                if "/" in entry.split("://", 1)[-1]:
                    host, prefix = canonical_url_entry(entry)
                    prefixes.setdefault(host, []).append(prefix)
                else:
                    hosts.add(canonical_domain_entry(entry.split("://", 1)[-1]))
            except URLError as exc:
                raise PolicyError(f"{where}: {entry!r} is not a host name or host/path ({exc})") from None
        return cls(frozenset(hosts), {h: tuple(p) for h, p in prefixes.items()})

    def __bool__(self) -> bool:
        return bool(self.hosts or self.prefixes)

    def matches(self, url: ParsedURL) -> bool:
        return self.matches_host(url.host, url.is_ip) or (bool(self.prefixes) and self.matches_prefix(url))

    def matches_host(self, host: str, is_ip: bool = False) -> bool:
        """``host`` or (for a domain) one of its parent domains is listed."""
        hosts = self.hosts
        if not hosts:
            return False
        return host in hosts or (not is_ip and parent_listed(host, hosts))

    def matches_prefix(self, url: ParsedURL) -> bool:
        """A ``host/path`` entry matches (squidGuard URL-list rules)."""
        found = self.prefixes.get(strip_www(url.host))
        if not found:
            return False
        lowered = url.path_query.lower()
        return any(lowered.startswith(p) for p in found)


@dataclass(frozen=True)
class Window:
    """During ``days`` between ``start`` and ``end`` (local time), also block ``block`` and deny ``deny``."""

    days: frozenset[int]
    start: int  # minutes after midnight
    end: int  # minutes after midnight; a window with end <= start runs past midnight
    block: tuple[str, ...]
    deny: HostSet

    def active(self, weekday: int, minute: int) -> bool:
        if self.start < self.end:
            return weekday in self.days and self.start <= minute < self.end
        # Past midnight: the part after midnight belongs to the previous day's window.
        if minute >= self.start:
            return weekday in self.days
        return minute < self.end and (weekday - 1) % 7 in self.days


@dataclass(frozen=True)
class Group:
    name: str
    block: tuple[str, ...] = ()
    allow: HostSet = field(default_factory=HostSet)
    deny: HostSet = field(default_factory=HostSet)
    default: str = "allow"
    safe_search: bool = False
    youtube: str = "strict"
    block_ip_literals: bool = False
    block_invalid: bool = False
    windows: tuple[Window, ...] = ()
    clients: tuple[IPNetwork, ...] = ()
    users: tuple[str, ...] = ()
    block_bypass: bool = True
    lists_missing: str = (
        "block"  # what the helper answers while the lists cannot be loaded: "block" or "allow"
    )

    @property
    def blocked(self) -> tuple[str, ...]:
        """``block`` plus, with ``block_bypass``, the proxy/VPN/DoH categories it does not already name."""
        if not self.block_bypass:
            return self.block
        return self.block + tuple(c for c in BYPASS_CATEGORIES if c not in self.block)


_TOP_KEYS = {"lists", "block_page", "timezone", "default_group", "cache_dir", "groups", "always_block"}
_GROUP_KEYS = {
    "block",
    "allow",
    "deny",
    "default",
    "safe_search",
    "youtube",
    "block_ip_literals",
    "block_invalid",
    "block_bypass",
    "lists_missing",
    "windows",
    "clients",
    "users",
}
_WINDOW_KEYS = {"days", "start", "end", "block", "deny"}


class Policy:
    """A loaded policy: groups plus the compiled lists they refer to. Decide with :func:`decide`."""

    def __init__(
        self,
        groups: dict[str, Group],
        lists: Lists,
        block_page: str = "",
        timezone: str = "Europe/London",
        default_group: str | None = None,
        path: Path | None = None,
        lists_dir: Path | None = None,
        always_block: tuple[str, ...] = (),
    ) -> None:
        self.groups = groups
        self.always_block = always_block
        self.lists = lists
        self.block_page = block_page
        self.timezone = timezone
        self.default_group = default_group
        self.path = path
        self.lists_dir = lists_dir
        self.warnings: list[str] = []
        for group in groups.values():
            names = set(group.block).union(always_block, *(w.block for w in group.windows))
            for name in sorted(names - set(lists.categories)):
                self.warnings.append(f"group {group.name}: category {name!r} has no list")
        # Per group: the ordered (bit, name) pairs used to report a category when several match; the policy
        # author's order decides among categories listing the very same entry.
        self._order: dict[str, tuple[tuple[int, str], ...]] = {}
        self.base_mask: dict[str, int] = {}
        for name, group in groups.items():
            ordered: list[str] = []
            for cat in (*always_block, *group.blocked, *(c for w in group.windows for c in w.block)):
                if cat not in ordered:
                    ordered.append(cat)
            self._order[name] = tuple((lists.category_mask([c]), c) for c in ordered if c in lists.categories)
            self.base_mask[name] = lists.category_mask([*always_block, *group.blocked])
        self._minute_cache: tuple[int, dict[str, tuple[int, tuple[HostSet, ...]]]] = (-1, {})
        self._group_cache: dict[tuple[str, str], Group | None] = {}
        self._names: dict[tuple[str, int], str] = {}
        self._zone: Any = None
        # Listed-suffix hits per host (they depend on the lists only, not on the group): proxies see the same
        # hosts over and over, so this saves most of the hash-table probes.
        # Per host: its listed suffixes with their category masks, its URL-list handle, and which groups' allow
        # (bit 2g) and deny (bit 2g+1) host lists match it. One walk over the host's suffixes fills all three,
        # and proxies see the same hosts over and over, so most requests cost a single dict lookup here.
        self.host_cache: dict[str, tuple[list[tuple[int, int]], int, int]] = {}
        self.group_bits: dict[str, tuple[int, int]] = {}
        self._special: dict[str, int] = {}
        self._suffix_cache: dict[str, int] = {}
        for i, (name, group) in enumerate(groups.items()):
            self.group_bits[name] = (1 << (2 * i), 1 << (2 * i + 1))
            for host in group.allow.hosts:
                self._special[host] = self._special.get(host, 0) | (1 << (2 * i))
            for host in group.deny.hosts:
                self._special[host] = self._special.get(host, 0) | (1 << (2 * i + 1))
        self._special_bytes = {k.encode("ascii", "surrogateescape"): v for k, v in self._special.items()}
        self.has_special = bool(self._special)
        # Per group, what the helper's fast lane needs of it (filled by _decide.host_verdict()).
        self.lane_plans: dict[str, Any] = {}
        self.expression_categories = lists.expression_categories
        # Categories nobody may unblock or allow around (illegal content): checked before a group's allow list.
        self.always_mask = lists.category_mask(always_block)

    def host_info(self, host: str, is_ip: bool) -> tuple[list[tuple[int, int]], int, int]:
        """``(listed suffixes with category masks, longest first; URL-list handle; allow/deny group bits)``."""
        info = self.host_cache.get(host)
        if info is not None:
            return info
        lists = self.lists
        special = self._special
        if is_ip:
            mask = lists.domain_mask(host)
            hits = [(len(host), mask)] if mask else []
            bits = special.get(host, 0)
        else:
            # Parent domains ("example.org", "org") recur across hosts, so each suffix's own lookup is cached
            # too: a new host usually costs one or two hash-table probes, not one per label.
            suffixes = self._suffix_cache
            if len(suffixes) >= _CACHE_SIZE:
                suffixes.clear()
            hits = []
            bits = 0
            start = 0
            while True:
                part = host[start:] if start else host
                cached = suffixes.get(part)
                if cached is None:
                    cached = suffixes[part] = lists.domain_mask(part)
                if cached:
                    hits.append((len(part), cached))
                if special:
                    bits |= special.get(part, 0)
                start = host.find(".", start) + 1
                if not start:
                    break
        info = (hits, lists.url_entry(host), bits)
        if len(self.host_cache) >= _CACHE_SIZE:
            self.host_cache.clear()  # crude but bounded; a proxy's working set of hosts is much smaller
        self.host_cache[host] = info
        return info

    def special_bits_of(self, key: bytes, is_ip: bool) -> int:
        """:meth:`special_bits` for a host as ASCII bytes (the helper's fast lane)."""
        special = self._special_bytes
        if not special:
            return 0
        if is_ip:
            return special.get(key, 0)
        bits = 0
        start = 0
        while True:
            bits |= special.get(key[start:] if start else key, 0)
            start = key.find(b".", start) + 1
            if not start:
                return bits

    def special_bits(self, host: str, is_ip: bool) -> int:
        """Which groups' allow (bit 2g) and deny (bit 2g+1) host lists match ``host`` or a parent domain."""
        special = self._special
        if not special:
            return 0
        if is_ip:
            return special.get(host, 0)
        bits = 0
        start = 0
        while True:
            bits |= special.get(host[start:] if start else host, 0)
            start = host.find(".", start) + 1
            if not start:
                return bits

    def category_name(self, group: Group, mask: int) -> str:
        key = (group.name, mask)
        found = self._names.get(key)
        if found is None:
            found = next((name for bit, name in self._order[group.name] if bit & mask), "-")
            if len(self._names) < _CACHE_SIZE:  # masks are combinations of listed categories: few in practice
                self._names[key] = found
        return found

    def active(self, group: Group, when: datetime | None = None) -> tuple[int, tuple[HostSet, ...]]:
        """The category mask and extra deny sets in force for ``group`` at ``when`` (default: now)."""
        if not group.windows:
            return self.base_mask[group.name], ()
        if when is None:
            minute_key = int(time.time() // 60)
            cached_minute, cache = self._minute_cache
            if cached_minute != minute_key:
                cache = {}
                self._minute_cache = (minute_key, cache)
            if group.name not in cache:
                cache[group.name] = self._active_at(group, None)
            return cache[group.name]
        return self._active_at(group, when)

    def _active_at(self, group: Group, when: datetime | None) -> tuple[int, tuple[HostSet, ...]]:
        from datetime import datetime as dt

        if self._zone is None:
            from zoneinfo import ZoneInfo

            self._zone = ZoneInfo(self.timezone)
        if when is None:
            local = dt.now(self._zone)
        elif when.tzinfo is None:
            local = when  # a naive time is taken to be the policy's local time
        else:
            local = when.astimezone(self._zone)
        mask = self.base_mask[group.name]
        denies = []
        minute = local.hour * 60 + local.minute
        for window in group.windows:
            if window.active(local.weekday(), minute):
                mask |= self.lists.category_mask(window.block)
                if window.deny:
                    denies.append(window.deny)
        return mask, tuple(denies)

    def group_for(self, client: str | None = None, user: str | None = None) -> Group | None:
        """The group a request belongs to: by user name first, then the most specific client network, then
        ``default_group``; ``None`` when nothing matches (the request is then refused)."""
        key = (client or "", user or "")
        cached = self._group_cache.get(key, False)
        if cached is not False:
            return cached  # type: ignore[return-value]
        found = self._select(client, user)
        if len(self._group_cache) > 10000:
            self._group_cache.clear()
        self._group_cache[key] = found
        return found

    def _select(self, client: str | None, user: str | None) -> Group | None:
        if user and user != "-":
            name = user.lower()
            for group in self.groups.values():
                if any(fnmatchcase(name, pattern) for pattern in group.users):
                    return group
        if client and client != "-":
            try:
                addr = ipaddress.ip_address(client.split("/", 1)[0].split("%", 1)[0])
            except ValueError:
                addr = None
            if addr is not None:
                if isinstance(addr, ipaddress.IPv6Address) and addr.ipv4_mapped is not None:
                    addr = addr.ipv4_mapped
                best: tuple[int, Group] | None = None
                for group in self.groups.values():
                    for net in group.clients:
                        more_specific = best is None or net.prefixlen > best[0]
                        if addr.version == net.version and addr in net and more_specific:
                            best = (net.prefixlen, group)
                if best is not None:
                    return best[1]
        if self.default_group is not None:
            return self.groups[self.default_group]
        return None

    def safe_search_host(self, group: Group, host: str) -> str | None:
        """The host a safe-search-enforcing group is sent to instead of ``host``, if any."""
        if not group.safe_search:
            return None
        bare = host[4:] if host.startswith("www.") else host
        if bare.startswith("google.") and (bare in GOOGLE_DOMAINS or _looks_like_google(bare)):
            return GOOGLE_SAFE
        if host in YOUTUBE_HOSTS and group.youtube in YOUTUBE_SAFE:
            return YOUTUBE_SAFE[group.youtube]
        if host in BING_HOSTS:
            return BING_SAFE
        if host in DUCKDUCKGO_HOSTS:
            return DUCKDUCKGO_SAFE
        return None


def _looks_like_google(bare: str) -> bool:
    # google.<cc>, google.co.<cc>, google.com.<cc>: Google's own list of search domains follows these shapes.
    parts = bare.split(".")
    if len(parts) == 2:
        return len(parts[1]) == 2
    return len(parts) == 3 and parts[1] in ("co", "com") and len(parts[2]) == 2


def _expect(value: Any, kind: type | tuple[type, ...], where: str) -> Any:
    if not isinstance(value, kind):
        raise PolicyError(f"{where} has the wrong type ({type(value).__name__})")
    return value


def _str_list(value: Any, where: str) -> list[str]:
    _expect(value, list, where)
    for item in value:
        _expect(item, str, where + " item")
    return list(value)


def _check_keys(table: dict[str, Any], allowed: set[str], where: str) -> None:
    unknown = sorted(set(table) - allowed)
    if unknown:
        raise PolicyError(f"{where}: unknown key(s) {', '.join(unknown)}")


def _minutes(value: Any, where: str) -> int:
    text = str(value)
    try:
        hh, mm = text.split(":")
        h, m = int(hh), int(mm)
    except ValueError:
        raise PolicyError(f"{where} must be HH:MM, not {text!r}") from None
    if not (0 <= h <= 24 and 0 <= m < 60) or h * 60 + m > 1440:
        raise PolicyError(f"{where} must be HH:MM, not {text!r}")
    return h * 60 + m


def _parse_window(table: Any, where: str) -> Window:
    _expect(table, dict, where)
    _check_keys(table, _WINDOW_KEYS, where)
    days_list = _str_list(table.get("days", list(DAYS)), where + ".days")
    days = set()
    for day in days_list:
        key = day.lower()[:3]
        if key not in DAYS:
            raise PolicyError(f"{where}.days: {day!r} is not a day (mon..sun)")
        days.add(DAYS[key])
    if "start" not in table or "end" not in table:
        raise PolicyError(f"{where} needs start and end")
    return Window(
        days=frozenset(days),
        start=_minutes(table["start"], where + ".start"),
        end=_minutes(table["end"], where + ".end"),
        block=tuple(_str_list(table.get("block", []), where + ".block")),
        deny=HostSet.parse(_str_list(table.get("deny", []), where + ".deny"), where + ".deny"),
    )


def _parse_group(name: str, table: Any) -> Group:
    where = f"groups.{name}"
    _expect(table, dict, where)
    _check_keys(table, _GROUP_KEYS, where)
    default = table.get("default", "allow")
    if default not in ("allow", "block"):
        raise PolicyError(f'{where}.default must be "allow" or "block"')
    youtube = table.get("youtube", "strict")
    if youtube not in ("strict", "moderate", "off"):
        raise PolicyError(f'{where}.youtube must be "strict", "moderate" or "off"')
    clients = []
    for net in _str_list(table.get("clients", []), where + ".clients"):
        try:
            clients.append(ipaddress.ip_network(net, strict=False))
        except ValueError:
            raise PolicyError(f"{where}.clients: {net!r} is not an address or network") from None
    windows = table.get("windows", [])
    _expect(windows, list, where + ".windows")
    lists_missing = table.get("lists_missing", "block")
    if lists_missing not in ("block", "allow"):
        raise PolicyError(f'{where}.lists_missing must be "block" or "allow"')
    return Group(
        name=name,
        block=tuple(_str_list(table.get("block", []), where + ".block")),
        allow=HostSet.parse(_str_list(table.get("allow", []), where + ".allow"), where + ".allow"),
        deny=HostSet.parse(_str_list(table.get("deny", []), where + ".deny"), where + ".deny"),
        default=default,
        safe_search=_expect(table.get("safe_search", False), bool, where + ".safe_search"),
        youtube=youtube,
        block_ip_literals=_expect(table.get("block_ip_literals", False), bool, where + ".block_ip_literals"),
        # A walled garden must not be escaped through a request the engine cannot read.
        block_invalid=_expect(table.get("block_invalid", default == "block"), bool, where + ".block_invalid"),
        windows=tuple(_parse_window(w, f"{where}.windows[{i}]") for i, w in enumerate(windows)),
        block_bypass=_expect(table.get("block_bypass", True), bool, where + ".block_bypass"),
        lists_missing=lists_missing,
        clients=tuple(clients),
        users=tuple(u.lower() for u in _str_list(table.get("users", []), where + ".users")),
    )


def parse_policy(
    data: dict[str, Any],
    base: Path,
    cache_dir: str | os.PathLike[str] | None = None,
    path: Path | None = None,
) -> Policy:
    """Build a :class:`Policy` from already-parsed TOML ``data``; relative paths are taken from ``base``."""
    _check_keys(data, _TOP_KEYS, "policy")
    groups_table = _expect(data.get("groups", {}), dict, "groups")
    if not groups_table:
        raise PolicyError("policy: at least one [groups.NAME] table is needed")
    groups = {name: _parse_group(name, table) for name, table in groups_table.items()}
    default_group = data.get("default_group")
    if default_group is not None and default_group not in groups:
        raise PolicyError(f"default_group {default_group!r} is not a group")
    timezone = _expect(data.get("timezone", "Europe/London"), str, "timezone")
    block_page = _expect(data.get("block_page", ""), str, "block_page")
    always_block = tuple(_str_list(data.get("always_block", []), "always_block"))
    lists_dir = None
    if "lists" in data:
        lists_dir = (base / _expect(data["lists"], str, "lists")).resolve()
        if cache_dir is None and "cache_dir" in data:
            cache_dir = base / _expect(data["cache_dir"], str, "cache_dir")
        try:
            lists = load_lists(lists_dir, cache_dir)
        except FileNotFoundError as exc:
            raise PolicyError(str(exc)) from None
    else:
        lists = Lists(_serialise(_Compiled([])), source="empty")
    return Policy(groups, lists, block_page, timezone, default_group, path, lists_dir, always_block)


def load_policy(path: str | os.PathLike[str], cache_dir: str | os.PathLike[str] | None = None) -> Policy:
    """Load a policy TOML file and the lists it names (see the module docstring for the format)."""
    path = Path(path)
    try:
        with open(path, "rb") as fh:
            data = tomllib.load(fh)
    except OSError as exc:
        raise PolicyError(f"cannot read policy {path}: {exc.strerror}") from None
    except tomllib.TOMLDecodeError as exc:
        raise PolicyError(f"{path}: {exc}") from None
    return parse_policy(data, path.resolve().parent, cache_dir, path=path)
