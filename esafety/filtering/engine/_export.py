"""Exports of one group's rules for other filters: Squid ACLs, squidGuard, e2guardian, an Unbound/BIND RPZ
zone and a hosts file.

Only what each format can express is exported: the group's blocked categories (domains and, where the format
has them, host/path URL entries), its deny list and its allow list. Time windows and expressions are not
exported (the comment header says so). Since in esafety ``allow`` beats every block, blocked entries at or under
an allowed domain are dropped, so that a filter with other precedence rules cannot block what esafety allows.
"""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from ._lists import parent_listed
from ._policy import (
    BING_HOSTS,
    BING_SAFE,
    DUCKDUCKGO_HOSTS,
    DUCKDUCKGO_SAFE,
    GOOGLE_DOMAINS,
    GOOGLE_SAFE,
    YOUTUBE_HOSTS,
    YOUTUBE_SAFE,
    Policy,
)

if TYPE_CHECKING:
    from collections.abc import Iterable

__all__ = ["FORMATS", "ExportData", "collect", "export"]

FORMATS = ("squid-acl", "squidguard", "e2guardian", "rpz", "hosts")
_DNS_LABEL = re.compile(r"[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?\Z")


@dataclass
class ExportData:
    """One group's rules, flattened: sorted, de-duplicated, minimal (no entry under another blocked entry)."""

    group: str
    categories: list[str]
    domains: dict[str, list[str]]  # category (or "deny") -> domains, IP literals excluded
    ips: dict[str, list[str]]  # category (or "deny") -> IPv4/IPv6 literals
    urls: dict[str, list[str]]  # category (or "deny") -> "host/path" entries
    allow: list[str]  # allowed domains and IPs
    allow_urls: list[str]
    safe_search: dict[str, str]  # host -> safe host (CNAME target)
    skipped: int  # blocked entries dropped because an allowed domain covers them


def _is_ip(host: str) -> bool:
    return ":" in host or host.replace(".", "").isdigit()


def _covered(host: str, domains: set[str]) -> bool:
    """``host`` or one of its parent domains is in ``domains``."""
    return host in domains or parent_listed(host, domains)


def collect(policy: Policy, group_name: str) -> ExportData:
    """Gather the entries :func:`export` writes for ``group_name``."""
    group = policy.groups[group_name]
    lists = policy.lists
    blocked = [c for c in group.blocked if c in lists.categories]
    allow = set(group.allow.hosts)
    allow_names = {h for h in allow if not _is_ip(h)}
    order = {c: i for i, c in enumerate(blocked)}
    bits = {c: lists.category_mask([c]) for c in blocked}
    mask = lists.category_mask(blocked)
    owner: dict[str, str] = {}
    skipped = 0
    for host, found in lists.iter_domains():
        if found & mask:
            if _covered(host, allow_names) or host in allow:
                skipped += 1
                continue
            # A domain in several blocked categories is exported once, under the policy's first category.
            owner[host] = min((c for c in blocked if bits[c] & found), key=order.__getitem__)
    for host in group.deny.hosts:
        if not (_covered(host, allow_names) or host in allow):
            owner[host] = "deny"
    names = {h for h in owner if not _is_ip(h)}
    domains: dict[str, list[str]] = {}
    ips: dict[str, list[str]] = {}
    for host, category in owner.items():
        if _is_ip(host):
            ips.setdefault(category, []).append(host)
        elif not parent_listed(host, names):  # "sub.x.com" adds nothing under "x.com"
            domains.setdefault(category, []).append(host)
    urls: dict[str, list[str]] = {}
    for host, prefix, found in lists.iter_urls():
        if found & mask and not _covered(host, allow_names) and not _covered(host, names):
            category = min((c for c in blocked if bits[c] & found), key=order.__getitem__)
            urls.setdefault(category, []).append(host + prefix)
    for host, prefixes in group.deny.prefixes.items():
        urls.setdefault("deny", []).extend(host + p for p in prefixes)
    safe: dict[str, str] = {}
    if group.safe_search:
        for domain in GOOGLE_DOMAINS:
            safe[domain] = safe[f"www.{domain}"] = GOOGLE_SAFE
        if group.youtube in YOUTUBE_SAFE:
            safe.update(dict.fromkeys(YOUTUBE_HOSTS, YOUTUBE_SAFE[group.youtube]))
        safe.update(dict.fromkeys(BING_HOSTS, BING_SAFE))
        safe.update(dict.fromkeys(DUCKDUCKGO_HOSTS, DUCKDUCKGO_SAFE))
    return ExportData(
        group=group_name,
        categories=blocked,
        domains={k: sorted(v) for k, v in sorted(domains.items())},
        ips={k: sorted(v) for k, v in sorted(ips.items())},
        urls={k: sorted(set(v)) for k, v in sorted(urls.items())},
        allow=sorted(allow),
        allow_urls=sorted(h + p for h, ps in group.allow.prefixes.items() for p in ps),
        safe_search=safe,
        skipped=skipped,
    )


def _header(data: ExportData, comment: str, fmt: str) -> list[str]:
    return [
        f"{comment} esafety filter export: group {data.group}, format {fmt}",
        f"{comment} categories: {', '.join(data.categories) or '(none)'}; plus the group's deny and allow lists",
        f"{comment} not exported: time windows, expressions; {data.skipped} entries dropped as covered by allow",
        f"{comment} category lists may derive from UT1 (Universite Toulouse Capitole), CC BY-SA 4.0",
    ]


def _chunks(items: list[str], n: int) -> Iterable[list[str]]:
    for i in range(0, len(items), n):
        yield items[i : i + n]


def _acl_name(data: ExportData, suffix: str) -> str:
    return re.sub(r"[^A-Za-z0-9_]", "_", f"esafety_{data.group}_{suffix}")


def _squid_regex(entry: str) -> str:
    host, _, path = entry.partition("/")
    host = host[4:] if host.startswith("www.") else host
    return r"^[a-z]+://(www[0-9]*\.)?" + _posix_escape(host) + "(:[0-9]+)?/" + _posix_escape(path)


def _posix_escape(text: str) -> str:
    return re.sub(r"([.^$*+?()\[\]{}|\\])", r"\\\1", text)


def squid_acl(data: ExportData) -> str:
    """A squid.conf fragment (``include`` it before the ``http_access allow`` rules)."""
    out = _header(data, "#", "squid-acl")
    allow, block, urls, ips = (_acl_name(data, s) for s in ("allow", "block", "urls", "block_ip"))
    names = [h for h in data.allow if not _is_ip(h)]
    for chunk in _chunks(["." + h for h in names] + [h for h in data.allow if _is_ip(h)], 50):
        out.append(f"acl {allow} dstdomain {' '.join(chunk)}")
    every = sorted({h for v in data.domains.values() for h in v})
    for chunk in _chunks(["." + h for h in every], 50):
        out.append(f"acl {block} dstdomain {' '.join(chunk)}")
    every_ip = sorted({h for v in data.ips.values() for h in v})
    for chunk in _chunks(every_ip, 50):
        out.append(f"acl {ips} dst {' '.join(chunk)}")
    for entry in sorted({u for v in data.urls.values() for u in v}):
        out.append(f"acl {urls} url_regex -i {_squid_regex(entry)}")
    exceptions = f" !{allow}" if names or data.allow else ""
    for name, present in ((block, every), (ips, every_ip), (urls, data.urls)):
        if present:
            out.append(f"http_access deny {name}{exceptions}")
    return "\n".join(out) + "\n"


def rpz(data: ExportData, origin: str = "rpz.esafety.") -> str:
    """An RPZ zone: NXDOMAIN for blocked names and their subdomains, passthru for allowed ones."""
    out = [f";{line[1:]}" for line in _header(data, "#", "rpz")]
    out += [
        "$TTL 300",
        f"$ORIGIN {origin}",
        "@ IN SOA localhost. hostmaster.localhost. 1 3600 600 86400 300",
        "@ IN NS localhost.",
    ]
    skipped = 0

    def fits(name: str) -> bool:
        # Zone owner names must be valid DNS labels and, with "*." and the origin, at most 253 characters.
        return len(name) + len(origin) + 3 <= 253 and all(_DNS_LABEL.match(lbl) for lbl in name.split("."))

    for host in data.allow:
        if _is_ip(host):
            continue
        if fits(host):
            out += [f"{host} CNAME rpz-passthru.", f"*.{host} CNAME rpz-passthru."]
    for host, target in sorted(data.safe_search.items()):
        out.append(f"{host} CNAME {target}.")
    for category, hosts in data.domains.items():
        out.append(f"; {category}")
        for host in hosts:
            if host in data.safe_search:
                continue
            if fits(host):
                out += [f"{host} CNAME .", f"*.{host} CNAME ."]
            else:
                skipped += 1
    out.append(f"; {skipped} names skipped: not valid DNS names; IP literals are not expressible here")
    return "\n".join(out) + "\n"


def hosts(data: ExportData) -> str:
    """A hosts file: each blocked name to 0.0.0.0 (hosts files cannot block subdomains)."""
    out = _header(data, "#", "hosts")
    out.append("# hosts files match exact names only: subdomains of these names are not blocked")
    for category, names in data.domains.items():
        out.append(f"# {category}")
        out += [f"0.0.0.0 {h}" for h in names]
    return "\n".join(out) + "\n"


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


def squidguard(data: ExportData, folder: Path, block_page: str) -> None:
    """``squidGuard.conf`` plus a ``db/`` of plain-text lists (build the .db files with ``squidGuard -C all``)."""
    db = folder / "db"
    dests = []
    for category in [*data.categories, "deny"]:
        domains = data.domains.get(category, []) + data.ips.get(category, [])
        urls = data.urls.get(category, [])
        if not domains and not urls:
            continue
        name = re.sub(r"[^A-Za-z0-9_]", "_", "esafety_" + category)
        dest = [f"dest {name} {{"]
        if domains:
            _write(db / name / "domains", "\n".join(domains) + "\n")
            dest.append(f"    domainlist {name}/domains")
        if urls:
            _write(db / name / "urls", "\n".join(urls) + "\n")
            dest.append(f"    urllist {name}/urls")
        dests.append((name, dest + ["}"]))
    lines = _header(data, "#", "squidguard") + [f"dbhome {db}", f"logdir {folder / 'log'}", ""]
    passes = []
    if data.allow or data.allow_urls:
        _write(db / "esafety_allow" / "domains", "\n".join(data.allow) + "\n")
        lines += ["dest esafety_allow {", "    domainlist esafety_allow/domains"]
        if data.allow_urls:
            _write(db / "esafety_allow" / "urls", "\n".join(data.allow_urls) + "\n")
            lines.append("    urllist esafety_allow/urls")
        lines.append("}")
        passes.append("esafety_allow")
    for name, dest in dests:
        lines += dest
        passes.append(f"!{name}")
    passes.append("all")
    (folder / "log").mkdir(parents=True, exist_ok=True)
    sep = "&" if "?" in block_page else "?"
    redirect = (
        f"{block_page}{sep}category=%t&group={data.group}&url=%u" if block_page else "http://localhost/"
    )
    lines += [
        "",
        "acl {",
        "    default {",
        f"        pass {' '.join(passes)}",
        f"        redirect {redirect}",
        "    }",
        "}",
    ]
    _write(folder / "squidGuard.conf", "\n".join(lines) + "\n")


def e2guardian(data: ExportData, folder: Path) -> None:
    """e2guardian list files: bannedsitelist, bannedsiteiplist, bannedurllist, exceptionsitelist."""
    header = "\n".join(_header(data, "#", "e2guardian")) + "\n"
    sites = sorted({h for v in data.domains.values() for h in v})
    site_ips = sorted({h for v in data.ips.values() for h in v})
    urls = sorted({u for v in data.urls.values() for u in v})
    _write(folder / "bannedsitelist", header + "\n".join(sites) + "\n")
    _write(folder / "bannedsiteiplist", header + "\n".join(site_ips) + "\n")
    _write(folder / "bannedurllist", header + "\n".join(urls) + "\n")
    _write(folder / "exceptionsitelist", header + "\n".join(h for h in data.allow if not _is_ip(h)) + "\n")
    _write(folder / "exceptionurllist", header + "\n".join(data.allow_urls) + "\n")


def export(policy: Policy, group: str, fmt: str, output: str | os.PathLike[str] | None = None) -> None:
    """Write ``group``'s rules in format ``fmt`` to ``output`` (a file, ``None`` for stdout, or a folder for
    ``squidguard`` and ``e2guardian``)."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}; one of {', '.join(FORMATS)}")
    data = collect(policy, group)
    if fmt in ("squidguard", "e2guardian"):
        if output is None:
            raise ValueError(f"--output FOLDER is needed for {fmt}")
        folder = Path(output)
        if fmt == "squidguard":
            squidguard(data, folder, policy.block_page)
        else:
            e2guardian(data, folder)
        return
    writers: dict[str, Callable[[ExportData], str]] = {"squid-acl": squid_acl, "rpz": rpz, "hosts": hosts}
    text = writers[fmt](data)
    if output is None or str(output) == "-":
        sys.stdout.write(text)
        sys.stdout.flush()
    else:
        _write(Path(output), text)
