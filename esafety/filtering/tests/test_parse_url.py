"""parse_url(): the browser's reading of a URL, golden cases for every known filter bypass plus properties."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from esafety.filtering.engine import URLError, parse_url

# (input, canonical URL, host type): each row is a spelling a filter must not mistake for another host.
GOLDEN = [
    # userinfo never names the host; the last "@" before the path ends it
    ("http://good.example@bad.example/", "http://bad.example/", "domain"),
    ("http://a:b@c@bad.example/x", "http://bad.example/x", "domain"),
    # backslash is a slash in special URLs: "bad\@good" goes to bad, not good (squidGuard reads good)
    ("http://bad.example\\@good.example/", "http://bad.example/@good.example/", "domain"),
    ("http:\\\\bad.example\\x", "http://bad.example/x", "domain"),
    ("http:bad.example/x", "http://bad.example/x", "domain"),
    ("HTTP:////bad.example", "http://bad.example/", "domain"),
    # case, trailing root dot, default and explicit ports
    ("HTTP://BAD.Example/Path", "http://bad.example/Path", "domain"),
    ("http://bad.example.:80/", "http://bad.example/", "domain"),
    ("http://bad.example..:8080/", "http://bad.example:8080/", "domain"),
    ("https://bad.example:443/", "https://bad.example/", "domain"),
    ("https://bad.example:80/", "https://bad.example:80/", "domain"),
    # percent-encoded and Unicode host names: UTS 46 mapping to punycode
    ("http://%62ad.example/", "http://bad.example/", "domain"),
    ("http://b%C3%BCcher.example/", "http://xn--bcher-kva.example/", "domain"),
    ("http://Bücher.example/", "http://xn--bcher-kva.example/", "domain"),
    ("http://BÜCHER.EXAMPLE/", "http://xn--bcher-kva.example/", "domain"),
    ("http://ｂａｄ．ｅｘａｍｐｌｅ/", "http://bad.example/", "domain"),
    ("http://bad。example/", "http://bad.example/", "domain"),
    ("http://xn--bcher-kva.example/", "http://xn--bcher-kva.example/", "domain"),
    # IPv4 in every form browsers accept
    ("http://2130706433/", "http://127.0.0.1/", "ipv4"),
    ("http://0x7f000001/", "http://127.0.0.1/", "ipv4"),
    ("http://0x7F.0.0.1/", "http://127.0.0.1/", "ipv4"),
    ("http://0177.0.0.1/", "http://127.0.0.1/", "ipv4"),
    ("http://0177.0.0.01/", "http://127.0.0.1/", "ipv4"),
    ("http://127.1/", "http://127.0.0.1/", "ipv4"),
    ("http://127.0.1/", "http://127.0.0.1/", "ipv4"),
    ("http://0x7f.1/", "http://127.0.0.1/", "ipv4"),
    ("http://127.0.0.1./", "http://127.0.0.1/", "ipv4"),
    ("http://%31%32%37.0.0.1/", "http://127.0.0.1/", "ipv4"),
    # IPv6: compressed, and IPv4-mapped addresses are their IPv4 host
    ("http://[::ffff:127.0.0.1]/", "http://127.0.0.1/", "ipv4"),
    ("http://[::FFFF:7f00:1]:80/", "http://127.0.0.1/", "ipv4"),
    ("http://[2001:DB8:0:0:0:0:0:BAD]/", "http://[2001:db8::bad]/", "ipv6"),
    # paths: dot segments (also encoded), "//" collapsed, unreserved escapes decoded, others upper-cased
    ("http://a.example/x/../path", "http://a.example/path", "domain"),
    ("http://a.example/x/%2e%2E/path", "http://a.example/path", "domain"),
    ("http://a.example/./a//b///c/", "http://a.example/a/b/c/", "domain"),
    ("http://a.example/../../etc", "http://a.example/etc", "domain"),
    ("http://a.example/%7euser/%41%2f%3a", "http://a.example/~user/A%2F%3A", "domain"),
    ('http://a.example/a b"<>', "http://a.example/a%20b%22%3C%3E", "domain"),
    ("http://a.example/é", "http://a.example/%C3%A9", "domain"),
    # query and fragment never decide the host
    ("http://a.example/?u=http://bad.example/", "http://a.example/?u=http://bad.example/", "domain"),
    ("http://a.example#@bad.example/", "http://a.example/", "domain"),
    ("http://a.example?@bad.example/", "http://a.example/?@bad.example/", "domain"),
    # CONNECT authority form and bare hosts
    ("bad.example:443", "bad.example:443", "domain"),
    ("BAD.example.:443", "bad.example:443", "domain"),
    ("[::ffff:7f00:1]:443", "127.0.0.1:443", "ipv4"),
    ("2130706433:443", "127.0.0.1:443", "ipv4"),
    ("bad.example", "bad.example", "domain"),
    ("bad.example/x/../y", "bad.example/y", "domain"),
    ("//bad.example/x", "http://bad.example/x", "domain"),
    # whitespace and controls browsers strip
    ("  http://bad.example/\n", "http://bad.example/", "domain"),
    ("http://bad.exa\tmple/", "http://bad.example/", "domain"),
    # other schemes keep their host
    ("ftp://Bad.example/file", "ftp://bad.example/file", "domain"),
    ("wss://bad.example/socket", "wss://bad.example/socket", "domain"),
]

INVALID = [
    "",
    "   ",
    "data:text/html,<script>",
    "javascript:alert(1)",
    "mailto:someone@example.org",
    "file:///etc/passwd",
    "http://",
    "http://bad.example:99999/",
    "http://bad.example:80x/",
    "http://1.2.3.4.5/",
    "http://256.0.0.1/",
    "http://0x100000000/",
    "http://09.0.0.1/",
    "http://bad.123/",
    "http://[::1/",
    "http://[fe80::1%25eth0]/",
    "http://bad%2525.example/",
    "http://bad%00.example/",
    "http://bad<.example/",
    "http://xn--zz.example/",
    "http://xn--abc-.example/",
    "http://\udcff.example/",
]


@pytest.mark.parametrize(("text", "canonical", "host_type"), GOLDEN)
def test_it_reads_urls_as_browsers_do(text: str, canonical: str, host_type: str) -> None:
    parsed = parse_url(text)
    assert (parsed.url, parsed.host_type) == (canonical, host_type)


@pytest.mark.parametrize("text", INVALID)
def test_it_refuses_what_browsers_refuse(text: str) -> None:
    with pytest.raises(URLError):
        parse_url(text)


@pytest.mark.parametrize(("text", "canonical", "host_type"), GOLDEN)
def test_it_is_idempotent_on_golden_urls(text: str, canonical: str, host_type: str) -> None:
    parsed = parse_url(text)
    assert parse_url(parsed.url) == parsed


_hosts = st.one_of(
    st.from_regex(r"[a-zA-Z0-9_-]{1,12}(\.[a-zA-Z0-9_-]{1,12}){0,3}\.?", fullmatch=True),
    st.integers(0, 2**32 - 1).map(str),
    st.integers(0, 2**32 - 1).map(hex),
    st.ip_addresses(v=6).map(lambda a: f"[{a}]"),
    st.text(min_size=1, max_size=15),
)
_urls = st.one_of(
    st.text(max_size=60),
    st.builds(
        lambda scheme, user, host, port, path, query: f"{scheme}{user}{host}{port}{path}{query}",
        st.sampled_from(["http://", "https://", "HTTP:\\\\", "ftp://", "", "//", "ws:"]),
        st.sampled_from(["", "user@", "a:b@", "good.example\\@"]),
        _hosts,
        st.sampled_from(["", ":80", ":443", ":8080", ":", ":99999"]),
        st.text(alphabet="/.%2eE\\abc é?#", max_size=20).map(lambda p: "/" + p),
        st.sampled_from(["", "?q=1", "?a=%41", "#frag"]),
    ),
)


@settings(max_examples=400, deadline=None)
@given(_urls)
def test_it_never_crashes_and_is_idempotent(text: str) -> None:
    try:
        parsed = parse_url(text)
    except URLError:
        return
    assert parse_url(parsed.url) == parsed
    assert parsed.host == parsed.host.lower()
    assert parsed.host.isascii()
    assert "@" not in parsed.host and "/" not in parsed.host
