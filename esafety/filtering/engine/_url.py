"""URL parsing and canonicalisation, the way browsers do it (WHATWG URL Standard).

A filter is only as good as its agreement with the browser about which host a URL names: every known bypass of
squidGuard (decimal, hex and octal IPv4, IPv4-mapped IPv6, ``host.:80``, ``bad\\@good``, Unicode host names,
``/x/../path``) is a place where the filter and the browser parse the same text differently. So this module
follows the WHATWG host parser step by step for the parts that decide the host, and normalises the path so that
URL lists compare equal however the path was spelled.

It depends on the stdlib only; ``idna`` is imported lazily, on the first non-ASCII host name, because helper
start-up time matters (Squid starts many helpers).
"""

from __future__ import annotations

import ipaddress
import re
from typing import NamedTuple

__all__ = ["ParsedURL", "URLError", "canonical_host", "parse_url"]

SPECIAL_SCHEMES = {"http": 80, "https": 443, "ws": 80, "wss": 443, "ftp": 21}


class URLError(ValueError):
    """The text is not a URL a browser would fetch (no host, a forbidden character, a bad port or IP...)."""


class ParsedURL(NamedTuple):
    """A canonical URL.

    ``scheme`` is ``""`` for a scheme-less request (a bare host or Squid's ``host:port`` for CONNECT).
    ``host`` is lowercase ASCII (punycode), a dotted-quad IPv4 address or a compressed IPv6 address without
    brackets; ``host_type`` says which. ``port`` is ``None`` when absent or the scheme's default. ``path`` starts
    with ``/`` (or is empty for a scheme-less request without one); ``query`` excludes the ``?``. A named tuple
    rather than a dataclass because the helper builds one per request and tuples are several times cheaper.
    """

    scheme: str
    host: str
    host_type: str  # "domain", "ipv4" or "ipv6"
    port: int | None
    path: str
    query: str | None

    @property
    def is_ip(self) -> bool:
        return self.host_type != "domain"

    @property
    def url(self) -> str:
        """The canonical text; ``parse_url(p.url) == p`` for every parsed ``p``."""
        host = f"[{self.host}]" if self.host_type == "ipv6" else self.host
        port = "" if self.port is None else f":{self.port}"
        query = "" if self.query is None else "?" + self.query
        prefix = f"{self.scheme}://" if self.scheme else ""
        return f"{prefix}{host}{port}{self.path}{query}"

    @property
    def path_query(self) -> str:
        """The path (``/`` if empty) and query, as URL-list prefixes are compared against."""
        return (self.path or "/") + ("" if self.query is None else "?" + self.query)

    @property
    def host_path(self) -> str:
        """``host/path?query`` without scheme or port: what squidGuard-style URL lists and expressions match."""
        host = f"[{self.host}]" if self.host_type == "ipv6" else self.host
        query = "" if self.query is None else "?" + self.query
        return f"{host}{self.path or '/'}{query}"


# The common case (an already-canonical http(s) URL as Squid sends it) is matched by one regular expression so
# that the helper spends microseconds per line; anything unusual falls through to the full parser below. The
# last host label must start with a letter, so a host that "ends in a number" (an IPv4 form) never takes it.
_FAST = re.compile(
    r"(https?)://((?:[a-z0-9_-]+\.)*[a-z][a-z0-9_-]*)(?::([0-9]{1,5}))?"
    r"(/[^%\\#\x00-\x20\"<>`{}\x7f-\U0010ffff]*)?\Z"
)
_SCHEME = re.compile(r"([A-Za-z][A-Za-z0-9+.-]*):")
# Squid's CONNECT form and hosts typed without a scheme: "host:port", "host", "host/path", "[v6]:port".
_AUTHORITY_FORM = re.compile(r"[^/\\?#:@\[\]]*:[0-9]+(?:[/\\?#]|\Z)")
_C0_OR_SPACE = "".join(map(chr, range(0x21)))
# WHATWG "forbidden domain code points" (after percent-decoding and IDNA mapping).
_FORBIDDEN_DOMAIN = frozenset("\x00\t\n\r #/:<>?@[\\]^|%\x7f" + "".join(map(chr, range(0x20))))
_ASCII_HOST_OK = re.compile(r"[a-z0-9_.-]*\Z")
_UNRESERVED = frozenset(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")
# Bytes kept literally in paths and queries; everything else is percent-encoded (controls, space, quotes, angle
# brackets, backtick, braces, non-ASCII), matching the WHATWG path percent-encode set.
_KEEP = frozenset(range(0x21, 0x7F)) - frozenset(b'"<>`{}%#')
_HEX = "0123456789ABCDEF"
_ESCAPE = re.compile(rb"%([0-9A-Fa-f]{2})")


def parse_url(text: str) -> ParsedURL:
    """Parse ``text`` (a URL, a bare host, ``host/path`` or ``host:port``) into its canonical form.

    Raises :class:`URLError` for anything a browser would refuse or that names no host; never anything else.
    """
    m = _FAST.match(text)
    if m is not None:
        scheme, host, port_s, path = m.groups()
        if "xn--" not in host and ".." not in host and not host.endswith("."):
            path = path or "/"
            if "/." not in path and "//" not in path.split("?", 1)[0]:
                port = None
                if port_s is not None:
                    port = int(port_s)
                    if port > 65535:
                        raise URLError("port out of range")
                    if port == SPECIAL_SCHEMES[scheme]:
                        port = None
                path, _, query = path.partition("?")
                return ParsedURL(scheme, host, "domain", port, path, query if _ else None)
    try:
        return _parse_slow(text)
    except URLError:
        raise
    except (ValueError, UnicodeError, IndexError) as exc:  # defensive: a parser bug must not crash a helper
        raise URLError(f"unparseable: {exc}") from None


def _parse_slow(text: str) -> ParsedURL:
    # Browsers strip leading/trailing C0 controls and spaces and remove tabs and newlines anywhere.
    text = text.strip(_C0_OR_SPACE)
    if "\t" in text or "\n" in text or "\r" in text:
        text = text.replace("\t", "").replace("\n", "").replace("\r", "")
    if not text:
        raise URLError("empty")
    m = _SCHEME.match(text)
    scheme = ""
    rest = text
    if m is not None and not _AUTHORITY_FORM.match(text):
        scheme = m.group(1).lower()
        rest = text[m.end() :]
        if scheme in SPECIAL_SCHEMES:
            rest = rest.lstrip("/\\")  # "http:\\\\host", "http:host" and "http:////host" all name host
        elif rest.startswith("//"):
            rest = rest[2:]
        else:
            raise URLError(f"no host in {scheme}: URL")
    elif text.startswith(("//", "\\\\")):
        scheme = "http"
        rest = text.lstrip("/\\")
    special = scheme in SPECIAL_SCHEMES or not scheme
    # The authority ends at the first "/", "?" or "#" (and "\" for special schemes: the "bad\@good" hole).
    end = len(rest)
    for ch in "/?#\\" if special else "/?#":
        i = rest.find(ch)
        if 0 <= i < end:
            end = i
    authority, tail = rest[:end], rest[end:]
    at = authority.rfind("@")
    if at >= 0:
        authority = authority[at + 1 :]  # userinfo never names the host
    host_text, port = _split_port(authority)
    host, host_type = canonical_host(host_text)
    if port is not None and scheme in SPECIAL_SCHEMES and port == SPECIAL_SCHEMES[scheme]:
        port = None
    tail, _, _fragment = tail.partition("#")
    path_text, qmark, query_text = tail.partition("?")
    path = _canonical_path(path_text, special)
    if scheme and not path:
        path = "/"
    query = _canonical_component(query_text) if qmark else None
    return ParsedURL(scheme, host, host_type, port, path, query)


def _split_port(authority: str) -> tuple[str, int | None]:
    if authority.startswith("["):
        close = authority.find("]")
        if close < 0:
            raise URLError("unclosed IPv6 bracket")
        host, after = authority[: close + 1], authority[close + 1 :]
        if after and not after.startswith(":"):
            raise URLError("junk after IPv6 address")
        port_text = after[1:] if after else ""
    else:
        host, colon, port_text = authority.partition(":")
        if not colon:
            port_text = ""
    if not port_text:
        return host, None
    if not port_text.isascii() or not port_text.isdigit():
        raise URLError("bad port")
    port = int(port_text)
    if port > 65535:
        raise URLError("port out of range")
    return host, port


def canonical_host(text: str) -> tuple[str, str]:
    """Canonicalise a host as the WHATWG host parser does; return ``(host, host_type)``.

    Also used for list entries, so that ``Bücher.example``, ``xn--bcher-kva.example``, ``BÜCHER.example.`` and
    ``%62ücher.example`` are one host, and ``0x7f.1``, ``2130706433`` and ``::ffff:127.0.0.1`` are ``127.0.0.1``.
    """
    found = _HOST_CACHE.get(text)
    if found is None:
        found = _canonical_host(text)  # raises URLError, which is not cached: bad hosts are rare and cheap
        if len(_HOST_CACHE) >= 16384:
            _HOST_CACHE.clear()
        _HOST_CACHE[text] = found
    return found


# Hosts that took the slow path (IP forms, IDN, upper case...) recur like any other host; caching their
# canonical form keeps a stream of decimal-IP requests from costing ten times a plain one.
_HOST_CACHE: dict[str, tuple[str, str]] = {}


def _canonical_host(text: str) -> tuple[str, str]:
    if text.startswith("["):
        if not text.endswith("]"):
            raise URLError("unclosed IPv6 bracket")
        return _ipv6(text[1:-1])
    if "%" in text:
        raw = _ESCAPE.sub(lambda m: bytes([int(m.group(1), 16)]), text.encode("utf-8", "surrogateescape"))
        text = raw.decode("utf-8", "replace")
    host = text.lower() if text.isascii() else _to_ascii(text)
    # One trailing dot is the DNS root; resolvers treat "host." as "host", so it must not dodge the lists.
    host = host.rstrip(".")
    if not host:
        raise URLError("empty host")
    if not _ASCII_HOST_OK.match(host) and any(ch in _FORBIDDEN_DOMAIN for ch in host):
        raise URLError("forbidden character in host")
    if ":" not in host and _ends_in_number(host):
        return _ipv4(host), "ipv4"
    if "xn--" in host:
        _check_punycode(host)
    return host, "domain"


def _to_ascii(text: str) -> str:
    import idna  # lazily: only non-ASCII hosts need the UTS 46 tables

    try:
        mapped = idna.uts46_remap(text, std3_rules=False, transitional=False)
    except (idna.IDNAError, UnicodeError) as exc:
        raise URLError(f"bad IDN host: {exc}") from None
    labels = []
    for label in mapped.split("."):
        if label.isascii():
            labels.append(label)
            continue
        try:
            # Browsers punycode-encode any UTS 46 "valid" label (emoji included), so encode rather than run
            # the stricter IDNA 2008 checks that would refuse names the browser happily visits.
            labels.append("xn--" + label.encode("punycode").decode("ascii"))
        except UnicodeError as exc:
            raise URLError(f"bad IDN label: {exc}") from None
    return ".".join(labels)


def _check_punycode(host: str) -> None:
    for label in host.split("."):
        if label.startswith("xn--"):
            try:
                decoded = label[4:].encode("ascii").decode("punycode")
            except (UnicodeError, ValueError, IndexError):
                raise URLError("bad punycode label") from None
            if not decoded or decoded.isascii():
                raise URLError("punycode label decodes to ASCII")


def _ends_in_number(host: str) -> bool:
    last = host.rsplit(".", 1)[-1]
    if last.isdigit() and last.isascii():
        return True
    return last[:2] == "0x" and all(c in "0123456789abcdef" for c in last[2:])


def _ipv4_part(part: str) -> int:
    if not part:
        raise URLError("empty IPv4 part")
    if part[:2] in ("0x", "0X"):
        digits, base = part[2:], 16
        if not digits:
            return 0
    elif len(part) > 1 and part[0] == "0":
        digits, base = part[1:], 8
    else:
        digits, base = part, 10
    if not digits.isascii() or not digits.isalnum():
        raise URLError("bad IPv4 part")
    try:
        return int(digits, base)
    except ValueError:
        raise URLError("bad IPv4 part") from None


def _ipv4(host: str) -> str:
    parts = host.split(".")
    if len(parts) > 4:
        raise URLError("too many IPv4 parts")
    numbers = [_ipv4_part(p) for p in parts]
    if any(n > 255 for n in numbers[:-1]) or numbers[-1] >= 256 ** (5 - len(numbers)):
        raise URLError("IPv4 part out of range")
    value = numbers[-1]
    for i, n in enumerate(numbers[:-1]):
        value += n << (8 * (3 - i))
    return f"{value >> 24}.{(value >> 16) & 255}.{(value >> 8) & 255}.{value & 255}"


def _ipv6(text: str) -> tuple[str, str]:
    if "%" in text or not text.isascii():
        raise URLError("bad IPv6 address")  # zone IDs are not allowed in URLs
    try:
        addr = ipaddress.IPv6Address(text)
    except ValueError:
        raise URLError("bad IPv6 address") from None
    mapped = addr.ipv4_mapped
    if mapped is not None:
        # ::ffff:a.b.c.d reaches the IPv4 host a.b.c.d, so it must meet the IPv4 lists.
        return str(mapped), "ipv4"
    return addr.compressed, "ipv6"


def _pct(byte: int) -> str:
    return "%" + _HEX[byte >> 4] + _HEX[byte & 15]


def _canonical_component(text: str) -> str:
    """Decode escapes of unreserved characters, upper-case the hex of the others, encode unsafe bytes."""
    if text.isascii() and "%" not in text and all(ord(c) in _KEEP for c in text):
        return text
    raw = text.encode("utf-8", "surrogateescape")
    out: list[str] = []
    i, n = 0, len(raw)
    while i < n:
        b = raw[i]
        if b == 0x25 and i + 2 < n and _is_hex(raw[i + 1]) and _is_hex(raw[i + 2]):
            value = int(raw[i + 1 : i + 3], 16)
            out.append(chr(value) if value in _UNRESERVED else _pct(value))
            i += 3
            continue
        out.append(chr(b) if b in _KEEP else _pct(b))
        i += 1
    return "".join(out)


def _is_hex(b: int) -> bool:
    return 48 <= b <= 57 or 65 <= b <= 70 or 97 <= b <= 102


_DOT = frozenset({".", "%2e", "%2E"})
_DOTDOT = frozenset({"..", ".%2e", ".%2E", "%2e.", "%2E.", "%2e%2e", "%2E%2E", "%2e%2E", "%2E%2e"})


def _canonical_path(text: str, special: bool) -> str:
    """Resolve dot segments (also percent-encoded ones), collapse empty segments, normalise escapes."""
    if not text:
        return ""
    if special:
        text = text.replace("\\", "/")
    segments: list[str] = []
    raw_segments = text.split("/")
    last = len(raw_segments) - 1
    trailing_slash = False
    for i, seg in enumerate(raw_segments):
        if seg in _DOT:
            trailing_slash = i == last
            continue
        if seg in _DOTDOT:
            if segments:
                segments.pop()
            trailing_slash = i == last
            continue
        if not seg:
            # "//" is collapsed: servers treat "a//b" as "a/b", so a list entry must match either spelling.
            trailing_slash = i == last and i > 0
            continue
        segments.append(_canonical_component(seg))
        trailing_slash = False
    path = "/" + "/".join(segments)
    if trailing_slash and segments:
        path += "/"
    return path
