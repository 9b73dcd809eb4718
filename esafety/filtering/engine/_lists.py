"""Category lists in the UT1/squidGuard folder layout, compiled once into a shared, memory-mapped cache.

Layout: ``<lists>/<category>/domains`` (a host and all its subdomains, or an IP address), ``urls`` (``host/path``
prefixes, squidGuard-compatible: the host compared without a leading ``www.``/``wwwN.``, the path+query compared
case-insensitively as a prefix) and ``expressions`` (regular expressions over ``host/path?query``).

Squid starts many helper processes. Loading half a million domains into a Python dict costs each of them tens of
megabytes of private memory and a second or two of start-up, so the lists are compiled into one binary file,
keyed by a hash of the list files' names, sizes, inodes and modification times, and every helper maps it
read-only: the pages are shared by the operating system and start-up is a header read. The file is an
open-addressing hash table (CRC-32, linear probing) over the canonical keys, so a lookup costs O(1) and a host is
matched in O(labels) by walking its suffixes, longest first, which is also what makes "most specific" cheap.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import mmap
import os
import re
import struct
import tempfile
from array import array
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any
from zlib import crc32

from ._url import URLError, _canonical_component, _canonical_path, canonical_host

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Iterator

__all__ = ["Lists", "load_lists", "lists_signature"]

_MAGIC = b"ESFLST04"
_LIST_FILES = ("domains", "urls", "expressions")
# Canonical already: lowercase ASCII labels, last one starting with a letter (so not an IPv4 form), no punycode
# to validate. Most UT1 lines take this path, which keeps a cold compile of 500,000 lines near a second.
_PLAIN_DOMAIN = re.compile(r"(?:[a-z0-9_-]+\.)*[a-z][a-z0-9_-]*\Z")
_WWW = re.compile(r"www[0-9]*\.")
_WWW_BYTES = re.compile(rb"www[0-9]*\.")
# Parent domains whose listed suffixes Lists.host_lookup() remembers ("example.org", "org", "ac.uk"): they
# recur across hosts, so a new host costs one probe of its own name. Bounded, as the helper's tables are.
_PARENT_MEMO_SIZE = 8192
# What could make an expression miss, among texts joined by newlines, what it matches in one of them alone (see
# Lists.expression_line_set()): the text-edge anchors \A and \z, and an inline flag group that turns a flag
# off ("(?-m)", "(?i-m:"). An escaped backslash before A or z is caught too, which only costs the batch search.
_JOIN_UNSAFE = re.compile(r"\\[Az]|\(\?[A-Za-z]*-")
# A host with more URL-list prefixes than this is matched by a dict over the prefixes' lengths rather than by
# comparing each prefix (docs.google.com has 956 in UT1); the dicts are remembered for this many hosts.
_PREFIX_TABLE_FROM = 8
_PREFIX_PLAN_SIZE = 256


def strip_www(host: str) -> str:
    """squidGuard ignores a leading ``www.`` or ``wwwN.`` when matching URL-list hosts."""
    if host.startswith("www"):
        m = _WWW.match(host)
        if m is not None and m.end() < len(host):
            return host[m.end() :]
    return host


def parent_listed(host: str, names: set[str] | frozenset[str]) -> bool:
    """One of ``host``'s parent domains (not ``host`` itself) is in ``names``: ``a.b.example`` checks
    ``b.example`` and ``example``. For policy host sets and exports; the compiled lists walk their own table."""
    dot = host.find(".")
    while dot >= 0:
        if host[dot + 1 :] in names:
            return True
        dot = host.find(".", dot + 1)
    return False


def canonical_domain_entry(line: str) -> str:
    """Canonicalise one ``domains`` line (or an allow/deny entry); raise URLError if it names no host."""
    entry = line.strip().lstrip("*").lstrip(".")  # UT1 has a few stray leading dots; "*.x" means x too
    if _PLAIN_DOMAIN.match(entry) and "xn--" not in entry:
        return entry
    if ":" in entry and not entry.startswith("["):
        entry = f"[{entry}]"  # a bare IPv6 address, as lists write them
    host, _ = canonical_host(entry)
    return host


def canonical_url_entry(line: str) -> tuple[str, str]:
    """Canonicalise one ``urls`` line into ``(host without www, lowercase path+query prefix)``."""
    # A fragment is never sent to a proxy, so "host/page#x" can only mean "host/page", as a URL would.
    entry = line.strip().split("#", 1)[0]
    if "://" in entry:
        entry = entry.split("://", 1)[1]
    cut = len(entry)
    for ch in "/?":
        i = entry.find(ch)
        if 0 <= i < cut:
            cut = i
    authority, rest = entry[:cut], entry[cut:]
    if authority.startswith("["):
        host_text = authority[: authority.find("]") + 1]
    else:
        host_text = authority.split(":", 1)[0]
    host, _ = canonical_host(host_text)
    path_text, qmark, query = rest.partition("?")
    prefix = _canonical_path(path_text, True) or "/"
    if qmark:
        prefix += "?" + _canonical_component(query)
    return strip_www(host), prefix.lower()


def _iter_lines(path: Path) -> Iterator[str]:
    with open(path, encoding="utf-8", errors="surrogateescape") as fh:
        for line in fh:
            line = line.strip()
            if line and not line.startswith("#"):
                yield line


def _list_files(lists_dir: Path) -> list[tuple[str, str, Path]]:
    found = []
    with os.scandir(lists_dir) as it:
        dirs = sorted(e.name for e in it if e.is_dir() and not e.name.startswith("."))
    for category in dirs:
        for kind in _LIST_FILES:
            path = lists_dir / category / kind
            if path.is_file():
                found.append((category, kind, path))
    return found


def lists_signature(lists_dir: str | os.PathLike[str]) -> str:
    """A hash that changes whenever a list file is added, removed, replaced or modified."""
    lists_dir = Path(lists_dir).resolve()
    h = hashlib.sha256(_MAGIC + os.fsencode(str(lists_dir)))
    for category, kind, path in _list_files(lists_dir):
        st = path.stat()
        h.update(f"\0{category}/{kind}\0{st.st_size}\0{st.st_mtime_ns}\0{st.st_ino}".encode())
    return h.hexdigest()[:32]


@dataclass
class _Compiled:
    categories: list[str]
    domains: dict[str, int] = field(default_factory=dict)  # host -> category bitmask
    urls: dict[str, dict[str, int]] = field(default_factory=dict)  # host -> prefix -> bitmask
    expressions: dict[str, list[str]] = field(default_factory=dict)
    skipped: Counter[str] = field(default_factory=Counter)
    entries: int = 0


def _compile_text(lists_dir: Path) -> _Compiled:
    files = _list_files(lists_dir)
    categories = sorted({c for c, _, _ in files})
    index = {c: i for i, c in enumerate(categories)}
    out = _Compiled(categories)
    for category, kind, path in files:
        bit = 1 << index[category]
        if kind == "domains":
            domains = out.domains
            for line in _iter_lines(path):
                try:
                    host = canonical_domain_entry(line)
                except URLError:
                    out.skipped[f"{category}/domains: not a host name"] += 1
                    continue
                domains[host] = domains.get(host, 0) | bit
                out.entries += 1
        elif kind == "urls":
            for line in _iter_lines(path):
                try:
                    host, prefix = canonical_url_entry(line)
                except URLError:
                    out.skipped[f"{category}/urls: not a host/path entry"] += 1
                    continue
                prefixes = out.urls.setdefault(host, {})
                prefixes[prefix] = prefixes.get(prefix, 0) | bit
                out.entries += 1
        else:
            patterns = []
            for line in _iter_lines(path):
                if _valid_expression(line):
                    patterns.append(line)
                    out.entries += 1
                else:
                    out.skipped[f"{category}/expressions: not a valid RE2 expression"] += 1
            if patterns:
                out.expressions[category] = patterns
    return out


def _valid_expression(pattern: str) -> bool:
    import re2  # google-re2: linear time, so a hostile list line cannot stall every helper

    try:
        re2.Set.SearchSet().Add(pattern)
    except Exception:  # noqa: BLE001 - re2.error, or TypeError/ValueError on odd input
        return False
    return True


def _compile_set(patterns: Iterable[str]) -> Any:
    import re2

    options = re2.Options()
    options.case_sensitive = False  # squidGuard compiles expressions with REG_ICASE
    # One RE2::Set over every pattern: a single linear-time pass per URL whatever the number of patterns.
    regex_set = re2.Set.SearchSet(options)
    for pattern in patterns:
        regex_set.Add(pattern)
    regex_set.Compile()
    return regex_set


class _TableWriter:
    """Serialises ``key -> (a, b)`` into an open-addressing table of uint32 slots plus parallel arrays."""

    def __init__(self, blob: bytearray) -> None:
        self.blob = blob
        self.key_offsets = array("I")
        self.a = array("I")
        self.b = array("I")

    def add(self, key: str, a: int, b: int) -> None:
        self.key_offsets.append(len(self.blob))
        self.blob += key.encode("ascii", "surrogateescape")
        self.a.append(a)
        self.b.append(b)

    def finish(self) -> None:
        self.key_offsets.append(len(self.blob))

    def slots(self) -> tuple[array[int], array[int]]:
        """The slot array (entry index + 1, 0 = empty) and, per slot, the key's full CRC-32 ("tag"): a lookup
        compares tags first, so a probe that meets another key rarely has to compare the key bytes."""
        n = len(self.a)
        size = 8
        while size < n * 2:  # load factor <= 0.5 keeps probe chains short
            size <<= 1
        slots = array("I", bytes(4 * size))
        tags = array("I", bytes(4 * size))
        mask = size - 1
        offsets = self.key_offsets  # ends with the sentinel appended by finish()
        blob = self.blob
        for i in range(n):
            crc = crc32(blob[offsets[i] : offsets[i + 1]])
            h = crc & mask
            while slots[h]:
                h = (h + 1) & mask
            slots[h] = i + 1
            tags[h] = crc
        return slots, tags


def _serialise(compiled: _Compiled) -> bytes:
    combos: dict[int, int] = {}

    def combo(mask: int) -> int:
        return combos.setdefault(mask, len(combos))

    blob = bytearray()
    domains = _TableWriter(blob)
    for host, mask in compiled.domains.items():
        domains.add(host, combo(mask), 0)
    domains.finish()
    urls = _TableWriter(blob)
    start = 0
    for host, prefixes in compiled.urls.items():
        urls.add(host, start, len(prefixes))
        start += len(prefixes)
    urls.finish()
    prefix_offsets = array("I")
    prefix_combos = array("I")
    for prefixes in compiled.urls.values():
        # Longest prefix first, so the first hit is the most specific one.
        for prefix in sorted(prefixes, key=len, reverse=True):
            prefix_offsets.append(len(blob))
            blob += prefix.encode("ascii", "surrogateescape")
            prefix_combos.append(combo(prefixes[prefix]))
    prefix_offsets.append(len(blob))
    d_slots, d_tags = domains.slots()
    u_slots, u_tags = urls.slots()
    arrays = {
        "d_slots": d_slots,
        "d_tags": d_tags,
        "d_keys": domains.key_offsets,
        "d_combo": domains.a,
        "u_slots": u_slots,
        "u_tags": u_tags,
        "u_keys": urls.key_offsets,
        "u_start": urls.a,
        "u_count": urls.b,
        "p_keys": prefix_offsets,
        "p_combo": prefix_combos,
    }
    layout: dict[str, list[int]] = {}
    body = bytearray()
    for name, arr in arrays.items():
        layout[name] = [len(body), len(arr)]
        body += arr.tobytes()
    layout["blob"] = [len(body), len(blob)]
    body += blob
    header = json.dumps(
        {
            "categories": compiled.categories,
            "combos": [str(m) for m, _ in sorted(combos.items(), key=lambda kv: kv[1])],
            "expressions": compiled.expressions,
            "skipped": dict(compiled.skipped),
            "entries": compiled.entries,
            "layout": layout,
        }
    ).encode()
    pad = (-(len(_MAGIC) + 4 + len(header))) % 8
    return _MAGIC + struct.pack("<I", len(header) + pad) + header + b" " * pad + bytes(body)


class Lists:
    """Read-only compiled lists; cheap to share (all state is in one buffer, usually an mmap)."""

    def __init__(self, buffer: bytes | mmap.mmap, source: str = "") -> None:
        if buffer[: len(_MAGIC)] != _MAGIC:
            raise ValueError("not an esafety lists cache")
        (hlen,) = struct.unpack_from("<I", buffer, len(_MAGIC))
        start = len(_MAGIC) + 4
        header: dict[str, Any] = json.loads(bytes(buffer[start : start + hlen]))
        base = start + hlen
        self.buffer = buffer
        self.source = source
        self.categories: tuple[str, ...] = tuple(header["categories"])
        self.combos: list[int] = [int(m) for m in header["combos"]]
        self.expression_patterns: dict[str, list[str]] = header["expressions"]
        self.skipped: dict[str, int] = header["skipped"]
        self.entries: int = header["entries"]
        view = memoryview(buffer)
        layout: dict[str, list[int]] = header["layout"]

        def arr(name: str) -> memoryview:
            off, n = layout[name]
            return view[base + off : base + off + 4 * n].cast("I")

        self._d_slots, self._d_keys, self._d_combo = arr("d_slots"), arr("d_keys"), arr("d_combo")
        self._d_tags, self._u_tags = arr("d_tags"), arr("u_tags")
        self._u_slots, self._u_keys = arr("u_slots"), arr("u_keys")
        self._u_start, self._u_count = arr("u_start"), arr("u_count")
        self._p_keys, self._p_combo = arr("p_keys"), arr("p_combo")
        self._d_mask = len(self._d_slots) - 1
        self._u_mask = len(self._u_slots) - 1
        boff, blen = layout["blob"]
        self._blob_base = base + boff
        self._expressions: tuple[Any, list[int]] | None = None
        self._line_set: tuple[Any] | None = None
        self._prefix_plans: dict[int, tuple[dict[bytes, int], tuple[int, ...]]] = {}
        self._parents: dict[bytes, tuple[tuple[int, int], ...]] = {}
        self._host_lookup = self.host_prober()

    @property
    def domain_count(self) -> int:
        return len(self._d_combo)

    def _find(self, slots: memoryview, tags: memoryview, mask: int, keys: memoryview, key: bytes) -> int:
        buf, base = self.buffer, self._blob_base
        crc = crc32(key)
        h = crc & mask
        while True:
            e = slots[h]
            if not e:
                return -1
            if tags[h] == crc:
                e -= 1
                if buf[base + keys[e] : base + keys[e + 1]] == key:
                    return e
            h = (h + 1) & mask

    def domain_mask(self, host: str) -> int:
        """Categories listing exactly ``host`` in ``domains`` (a bitmask over :attr:`categories`)."""
        key = host.encode("ascii", "surrogateescape")
        e = self._find(self._d_slots, self._d_tags, self._d_mask, self._d_keys, key)
        return 0 if e < 0 else self.combos[self._d_combo[e]]

    def domain_hits(self, host: str, is_ip: bool = False) -> list[tuple[int, int]]:
        """``(matched suffix length, category mask)`` for every listed suffix of ``host``, longest first."""
        if is_ip:  # an address matches only itself, never "its suffix"
            mask = self.domain_mask(host)
            return [(len(host), mask)] if mask else []
        # The probe loop is inlined: this is the innermost loop of the helper for every new host.
        key = host.encode("ascii", "surrogateescape")
        hits = []
        slots, tags, hmask, keys, combo = (
            self._d_slots,
            self._d_tags,
            self._d_mask,
            self._d_keys,
            self._d_combo,
        )
        buf, base, combos = self.buffer, self._blob_base, self.combos
        n = len(key)
        start = 0
        while True:
            part = key[start:] if start else key
            crc = crc32(part)
            h = crc & hmask
            while True:
                e = slots[h]
                if not e:
                    break
                if tags[h] == crc:
                    e -= 1
                    if buf[base + keys[e] : base + keys[e + 1]] == part:
                        hits.append((n - start, combos[combo[e]]))
                        break
                h = (h + 1) & hmask
            start = key.find(b".", start) + 1
            if not start:
                return hits

    def host_lookup(self, key: bytes, is_ip: bool = False) -> tuple[tuple[tuple[int, int], ...], int]:
        """:meth:`domain_hits` and :meth:`url_entry` of a host in one call, for the helper's fast lane.

        ``key`` is the canonical host as ASCII bytes. The listed suffixes of its parent domains are
        remembered (bounded), so a host not seen before usually costs two hash probes: its own name in the
        domain table and, without a leading ``www.``/``wwwN.``, in the URL-list table.
        """
        return self._host_lookup(key, is_ip)

    def host_prober(self) -> Callable[[bytes, bool], tuple[tuple[tuple[int, int], ...], int]]:
        """:meth:`host_lookup` as a closure over the tables, so that a call looks up no attributes: the helper
        calls it once for every host it has not seen, which on a stream of new hosts is most of a line's cost."""
        buf, base, combos = self.buffer, self._blob_base, self.combos
        u_slots, u_tags, u_keys, u_mask = self._u_slots, self._u_tags, self._u_keys, self._u_mask
        d_slots, d_tags, d_keys, d_mask = self._d_slots, self._d_tags, self._d_keys, self._d_mask
        d_combo = self._d_combo
        www = _WWW_BYTES.match
        memo = self._parents  # _parent_hits() clears this dict in place, never replaces it
        memo_get = memo.get
        parent_hits = self._parent_hits

        def lookup(key: bytes, is_ip: bool = False) -> tuple[tuple[tuple[int, int], ...], int]:
            ukey = key
            if key and key[0] == 119 and key[:3] == b"www":  # "w": most hosts cost an index, not a slice
                m = www(key)
                if m is not None and m.end() < len(key):
                    ukey = key[m.end() :]
            # The two probes of _find(), inlined.
            crc = crc32(ukey)
            h = crc & u_mask
            url_entry = -1
            while e := u_slots[h]:
                if u_tags[h] == crc and buf[base + u_keys[e - 1] : base + u_keys[e]] == ukey:
                    url_entry = e - 1
                    break
                h = (h + 1) & u_mask
            if ukey is not key:
                crc = crc32(key)
            h = crc & d_mask
            own: tuple[tuple[int, int], ...] = ()
            while e := d_slots[h]:
                if d_tags[h] == crc and buf[base + d_keys[e - 1] : base + d_keys[e]] == key:
                    own = ((len(key), combos[d_combo[e - 1]]),)
                    break
                h = (h + 1) & d_mask
            if is_ip:  # an address matches only itself, never "its suffix"
                return own, url_entry
            # partition(), not find() and a slice: find() parses its arguments the slow way (1,000 instructions).
            _, dot, parent = key.partition(b".")
            if not dot:
                return own, url_entry
            parents = memo_get(parent)
            if parents is None:
                # A parent not seen yet ("shop.example" of a listed "x.shop.example", or a top-level domain
                # after the memo was cleared) whose own parent is remembered: one probe, inlined, as above.
                cut = parent.find(b".")
                grand = memo_get(parent[cut + 1 :]) if cut >= 0 else ()
                if grand is None:
                    parents = parent_hits(parent)
                else:
                    parents = grand
                    crc = crc32(parent)
                    h = crc & d_mask
                    while e := d_slots[h]:
                        if d_tags[h] == crc and buf[base + d_keys[e - 1] : base + d_keys[e]] == parent:
                            parents = ((len(parent), combos[d_combo[e - 1]]), *grand)
                            break
                        h = (h + 1) & d_mask
                    if len(memo) >= _PARENT_MEMO_SIZE:
                        memo.clear()
                    memo[parent] = parents
            return (own + parents if own else parents), url_entry

        return lookup

    def _parent_hits(self, key: bytes) -> tuple[tuple[int, int], ...]:
        """The listed suffixes of ``key`` (itself included), longest first, remembered per key."""
        memo = self._parents
        found = memo.get(key)
        if found is not None:
            return found
        chain = [key]  # the suffixes not remembered yet, longest first (a loop: names may have many labels)
        while True:
            dot = chain[-1].find(b".")
            if dot < 0:
                found = ()
                break
            suffix = chain[-1][dot + 1 :]
            found = memo.get(suffix)
            if found is not None:
                break
            chain.append(suffix)
        if len(memo) + len(chain) > _PARENT_MEMO_SIZE:
            memo.clear()
        slots, tags, mask, keys, combo = (
            self._d_slots,
            self._d_tags,
            self._d_mask,
            self._d_keys,
            self._d_combo,
        )
        for suffix in reversed(chain):
            e = self._find(slots, tags, mask, keys, suffix)
            if e >= 0:
                found = ((len(suffix), self.combos[combo[e]]), *found)
            memo[suffix] = found
        return found

    def url_entry(self, host: str) -> int:
        """An opaque handle to the URL-list entries for ``host`` (``-1`` if it has none)."""
        key = strip_www(host).encode("ascii", "surrogateescape")
        return self._find(self._u_slots, self._u_tags, self._u_mask, self._u_keys, key)

    def url_hits(self, host: str, path: str, entry: int | None = None) -> list[tuple[int, int]]:
        """``(prefix length, category mask)`` for URL-list entries matching ``host`` and ``path``.

        ``path`` is the canonical path+query; longest prefix first. ``entry`` is :meth:`url_entry` if known.
        """
        e = self.url_entry(host) if entry is None else entry
        if e < 0:
            return []
        return self.url_prefix_hits(e, path.lower().encode("ascii", "surrogateescape"))

    def url_prefix_hits(self, entry: int, lowered: bytes) -> list[tuple[int, int]]:
        """:meth:`url_hits` for a URL-list handle and the lower-cased path+query as bytes."""
        count = self._u_count[entry]
        if count > _PREFIX_TABLE_FROM:
            # Many prefixes (docs.google.com has 956 in UT1): at most one of each length can match, so probe
            # a remembered dict with one slice per length, longest first, instead of comparing every prefix.
            plan = self._prefix_plans.get(entry)
            if plan is None:
                plan = self._prefix_plan(entry)
            table, lengths = plan
            n = len(lowered)
            return [(k, m) for k in lengths if k <= n and (m := table.get(lowered[:k])) is not None]
        buf, base, pkeys, pcombo = self.buffer, self._blob_base, self._p_keys, self._p_combo
        hits = []
        first = self._u_start[entry]
        for i in range(first, first + count):
            prefix = buf[base + pkeys[i] : base + pkeys[i + 1]]
            if lowered.startswith(prefix):
                hits.append((len(prefix), self.combos[pcombo[i]]))
        return hits

    def _prefix_plan(self, entry: int) -> tuple[dict[bytes, int], tuple[int, ...]]:
        """A host's URL-list prefixes with their category masks, and their distinct lengths, longest first;
        remembered (bounded)."""
        buf, base, pkeys, pcombo = self.buffer, self._blob_base, self._p_keys, self._p_combo
        first = self._u_start[entry]
        items = range(first, first + self._u_count[entry])
        table = {bytes(buf[base + pkeys[i] : base + pkeys[i + 1]]): self.combos[pcombo[i]] for i in items}
        lengths = tuple(sorted({len(p) for p in table}, reverse=True))
        plans = self._prefix_plans
        if len(plans) >= _PREFIX_PLAN_SIZE:
            plans.clear()
        plans[entry] = plan = (table, lengths)
        return plan

    @property
    def expression_categories(self) -> int:
        """The mask of categories that have expressions."""
        return self.category_mask(self.expression_patterns)

    def expression_set(self) -> Any:
        """The compiled ``re2.Set`` of every expression (``None`` if there are none)."""
        if self._expressions is None:
            self._expressions = self._compile_expressions()
        return self._expressions[0]

    def expression_mask(self, text: str, wanted: int) -> int:
        """Categories in ``wanted`` whose expressions match ``text`` (``host/path?query``)."""
        if self._expressions is None:
            self._expressions = self._compile_expressions()
        regex_set, bits = self._expressions
        if regex_set is None:
            return 0
        found = regex_set.Match(text.encode("utf-8", "surrogateescape"))
        mask = 0
        if found:
            for i in found:
                mask |= bits[i]
        return mask & wanted

    def expression_line_set(self) -> Any:
        """Every expression in multi-line mode, for a search over many texts joined by ``"\\n"`` at once
        (``None`` if there are none, or if one could miss there what it matches alone).

        A text that one expression matches alone is matched by this set within the joined texts, as long as no
        text holds a newline: its characters are the same, ``^`` and ``$`` match at each text's edges in
        multi-line mode, and a newline is, like a text's edge, no word character for ``\\b``. Only ``\\A``,
        ``\\z`` and an inline flag that turns multi-line mode off would tell the joined texts apart; with one
        of those the set is not built. The reverse does not hold (an expression may match across the joins),
        so a match here says only that one of the texts may match: the caller then asks :meth:`expression_set`
        about each."""
        if self._line_set is None:
            patterns = [p for ps in self.expression_patterns.values() for p in ps]
            line_set = None
            if patterns and not any(_JOIN_UNSAFE.search(p) for p in patterns):
                with contextlib.suppress(Exception):  # then each text is searched alone, as before
                    line_set = _compile_set("(?m)" + p for p in patterns)
            self._line_set = (line_set,)
        return self._line_set[0]

    def _compile_expressions(self) -> tuple[Any, list[int]]:
        if not self.expression_patterns:
            return None, []
        bits = []
        for category, patterns in self.expression_patterns.items():
            bit = self.category_mask([category])
            bits += [bit] * len(patterns)
        return _compile_set(p for ps in self.expression_patterns.values() for p in ps), bits

    def category_mask(self, names: Iterable[str]) -> int:
        mask = 0
        for name in names:
            if name in self.categories:
                mask |= 1 << self.categories.index(name)
        return mask

    def iter_domains(self) -> Iterator[tuple[str, int]]:
        """Every ``(domain entry, category mask)``; used by the exporters."""
        buf, base, keys = self.buffer, self._blob_base, self._d_keys
        for e in range(len(self._d_combo)):
            yield (
                bytes(buf[base + keys[e] : base + keys[e + 1]]).decode("ascii", "surrogateescape"),
                self.combos[self._d_combo[e]],
            )

    def iter_urls(self) -> Iterator[tuple[str, str, int]]:
        """Every ``(host, path prefix, category mask)`` from the URL lists."""
        buf, base = self.buffer, self._blob_base
        for e in range(len(self._u_start)):
            host = bytes(buf[base + self._u_keys[e] : base + self._u_keys[e + 1]]).decode(
                "ascii", "surrogateescape"
            )
            first = self._u_start[e]
            for i in range(first, first + self._u_count[e]):
                prefix = bytes(buf[base + self._p_keys[i] : base + self._p_keys[i + 1]])
                yield host, prefix.decode("ascii", "surrogateescape"), self.combos[self._p_combo[i]]


def _default_cache_dirs(lists_dir: Path) -> list[Path]:
    return [
        lists_dir.parent / ".esafety-cache",
        Path(tempfile.gettempdir()) / f"esafety-cache-{os.getuid()}",
    ]


def load_lists(lists_dir: str | os.PathLike[str], cache_dir: str | os.PathLike[str] | None = None) -> Lists:
    """Load (compiling and caching if needed) the lists under ``lists_dir``.

    The compiled cache goes to ``cache_dir``, else ``<lists>/../.esafety-cache``, else a per-user temporary
    directory; if none is writable the lists are compiled in memory. Concurrent helpers take a file lock so
    that only one of them compiles while the others wait and then map the result.
    """
    lists_dir = Path(lists_dir).resolve()
    if not lists_dir.is_dir():
        raise FileNotFoundError(f"lists folder not found: {lists_dir}")
    signature = lists_signature(lists_dir)
    candidates = [Path(cache_dir)] if cache_dir is not None else _default_cache_dirs(lists_dir)
    # The folder's own hash prefixes the name so that two policies sharing a cache folder never delete each
    # other's caches when one of them recompiles.
    prefix = "lists-" + hashlib.sha256(os.fsencode(str(lists_dir))).hexdigest()[:12]
    for directory in candidates:
        path = directory / f"{prefix}-{signature}.bin"
        mapped = _map(path)
        if mapped is not None:
            return mapped
        with contextlib.suppress(OSError):
            directory.mkdir(parents=True, exist_ok=True)
            return _build_locked(lists_dir, directory, path)
    return Lists(_serialise(_compile_text(lists_dir)), source="memory")


def _map(path: Path) -> Lists | None:
    try:
        with open(path, "rb") as fh:
            buf = mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ)
    except (OSError, ValueError):
        return None
    try:
        return Lists(buf, source=str(path))
    except (ValueError, KeyError, json.JSONDecodeError):
        return None


def _build_locked(lists_dir: Path, directory: Path, path: Path) -> Lists:
    import fcntl

    with open(directory / ".lock", "a+b") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            mapped = _map(path)  # another helper may have built it while we waited for the lock
            if mapped is not None:
                return mapped
            data = _serialise(_compile_text(lists_dir))
            fd, tmp = tempfile.mkstemp(dir=directory, prefix=".lists-")
            try:
                with os.fdopen(fd, "wb") as fh:
                    fh.write(data)
                os.chmod(tmp, 0o644)
                os.replace(tmp, path)  # atomic: a reader sees the whole file or none
            except BaseException:
                with contextlib.suppress(OSError):
                    os.unlink(tmp)
                raise
            # Old caches are unlinked; helpers still mapping them keep their pages until they reload.
            for old in directory.glob(path.name.rsplit("-", 1)[0] + "-*.bin"):
                if old != path:
                    with contextlib.suppress(OSError):
                        old.unlink()
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)
    mapped = _map(path)
    if mapped is None:
        raise OSError(f"could not map {path}")
    return mapped
