"""Drill: Hypothesis fuzzing of everything that reads bytes from outside (atheris builds no wheel for this Python).

The MIS CSV importer, the Squid and e2guardian log parsers, the e-mail and document extractors and the upload
sniffer get generated and mutated input, each example bounded to one second: no exception but the documented
refusals, no hang. Inputs mix structure (a real header row, log fields, MIME headers, PDF and zip magic) with
arbitrary bytes, so the fuzzing reaches past the first check of each parser.
"""

from __future__ import annotations

import signal
import string
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase as HypothesisTestCase

from esafety.filtering.engine import parse_e2guardian_log, parse_squid_log
from esafety.incidents.evidence import EvidenceRejected, clean_upload, pdf_has_javascript, sniff
from esafety.monitoring.documents import parse_email, text_from_file, text_from_html
from esafety.people.actions import import_people
from esafety.people.importer import COLUMNS, ImportRejected
from esafety.people.models import Person, School, Trust

LIMIT_SECONDS = 1.0
FUZZ = settings(
    max_examples=200,
    deadline=None,  # the hard one-second bound below replaces Hypothesis' soft deadline
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    derandomize=True,  # the same inputs in CI every run; a failure reproduces exactly
    database=None,
)


class Hang(AssertionError):
    pass


@contextmanager
def bounded() -> Iterator[None]:
    """Fail the example if it runs longer than a second: a parser that hangs on hostile input is a DoS."""

    def expired(signum: int, frame: Any) -> None:
        raise Hang(f"a parser took longer than {LIMIT_SECONDS} s on one input")

    previous = signal.signal(signal.SIGALRM, expired)
    signal.setitimer(signal.ITIMER_REAL, LIMIT_SECONDS)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


TRICKY = st.sampled_from(
    [
        "",
        " ",
        "\x00",
        "'",
        '"',
        "=1+1",
        "'=1+1",
        "+44 7700 900123",
        "-",
        "@SUM(A1)",
        "\ufeff",
        "\r",
        "\n",
        ";",
    ]
)
CELL = st.one_of(
    TRICKY, st.text(max_size=80), st.text(alphabet=string.ascii_letters + "=+-@'; ", max_size=120)
)
KINDS = st.sampled_from([*Person.Kind.values, "Pupil", "wizard", ""])


@st.composite
def mis_csv(draw: Callable[..., Any]) -> bytes:
    header = draw(st.lists(st.sampled_from([*COLUMNS, "unknown", ""]), min_size=1, max_size=16))
    if draw(st.booleans()):
        header = ["mis_id", "kind", "first_name", "last_name", *header]
    rows = []
    for _ in range(draw(st.integers(0, 6))):
        cells = [draw(KINDS) if name == "kind" else draw(CELL) for name in header]
        cells += draw(st.lists(CELL, max_size=2))  # sometimes more cells than the header
        rows.append(cells)
    text = "\n".join(",".join(_quote(cell, draw) for cell in row) for row in [header, *rows])
    data = text.encode("utf-8", "surrogatepass")
    if draw(st.booleans()):
        data = b"\xef\xbb\xbf" + data
    return draw(st.sampled_from([data, data[: draw(st.integers(0, len(data)))]]))


def _quote(cell: str, draw: Callable[..., Any]) -> str:
    return '"' + cell.replace('"', '""') + '"' if draw(st.booleans()) else cell


SQUID_LINE = st.builds(
    lambda t, e, c, r, b, m, u, user, h, ty: f"{t} {e} {c} {r} {b} {m} {u} {user} {h} {ty}",
    st.one_of(st.floats(allow_nan=True, allow_infinity=True).map(str), st.text(max_size=12)),
    st.integers(-5, 10**12).map(str),
    st.one_of(st.ip_addresses().map(str), st.text(max_size=20)),
    st.sampled_from(["TCP_MISS/200", "TCP_DENIED/403", "NONE/000", "x/y/z", "/", ""]),
    st.integers(-1, 10**15).map(str),
    st.sampled_from(["GET", "CONNECT", "POST", "", "\x00"]),
    st.one_of(
        st.sampled_from(
            [
                "http://exa mple.com/",
                "example.com:443",
                "http://[::1]:99999/",
                "http://xn--/",
                "https://例え.テスト/",
            ]
        ),
        st.text(max_size=60),
    ),
    st.sampled_from(["-", "ava", "", "%00"]),
    st.sampled_from(["HIER_DIRECT/1.2.3.4", "-", "/"]),
    st.sampled_from(["text/html", "-", ""]),
)
E2_LINE = st.builds(
    lambda fields, sep: sep.join(fields),
    st.lists(
        st.one_of(st.text(max_size=30), st.sampled_from(["2026.3.2", "10:15:02", "*DENIED*", "http://x/"])),
        max_size=24,
    ),
    st.sampled_from(["\t", " "]),
)
LOG_LINES = st.lists(
    st.one_of(SQUID_LINE, E2_LINE, st.text(max_size=200), st.binary(max_size=200)), max_size=20
)

MAGIC = st.sampled_from(
    [
        b"",
        b"%PDF-1.7\n",
        b"PK\x03\x04",
        b"\x89PNG\r\n\x1a\n",
        b"\xff\xd8\xff",
        b"GIF89a",
        b"RIFF\x00\x00\x00\x00WEBP",
    ]
)
BLOB = st.builds(lambda magic, rest: magic + rest, MAGIC, st.binary(max_size=4096))
HEADERS = st.lists(
    st.tuples(
        st.sampled_from(
            ["From", "To", "Subject", "Date", "Message-ID", "Content-Type", "Content-Transfer-Encoding", "X"]
        ),
        st.text(max_size=60),
    ),
    max_size=8,
)
EMAIL = st.builds(
    lambda headers, body, tail: (
        ("\r\n".join(f"{name}: {value}" for name, value in headers) + "\r\n\r\n" + body).encode(
            "utf-8", "surrogatepass"
        )
        + tail
    ),
    HEADERS,
    st.text(max_size=400),
    st.binary(max_size=200),
)
NAMES = st.sampled_from(["a.txt", "a.eml", "a.docx", "a.pdf", "page.html", "noext", "a.exe", ""])


class FuzzParsersTests(HypothesisTestCase):
    @FUZZ
    @given(data=st.one_of(mis_csv(), st.binary(max_size=2048)))
    def test_it_imports_or_refuses_any_csv_and_stores_only_valid_people(self, data: bytes) -> None:
        trust, _ = Trust.objects.get_or_create(name="Fuzz Trust", slug="fuzz")
        school, _ = School.objects.get_or_create(trust=trust, name="Fuzz Primary", slug="fuzz")
        with bounded():
            try:
                import_people(school, data)
            except ImportRejected as rejected:
                self.assertTrue(rejected.report.errors)
        for person in Person.objects.filter(school=school):
            person.full_clean()  # whatever was stored, the directory's own form can edit

    @FUZZ
    @given(lines=LOG_LINES)
    def test_it_parses_any_squid_log(self, lines: list[str | bytes]) -> None:
        with bounded():
            result = parse_squid_log(lines)
        self.assertLessEqual(len(result.records), len(lines))

    @FUZZ
    @given(lines=LOG_LINES)
    def test_it_parses_any_e2guardian_log(self, lines: list[str | bytes]) -> None:
        with bounded():
            result = parse_e2guardian_log(lines)
        self.assertLessEqual(len(result.records), len(lines))

    @FUZZ
    @given(raw=st.one_of(EMAIL, st.binary(max_size=2048)))
    def test_it_extracts_any_email(self, raw: bytes) -> None:
        with bounded():
            message = parse_email(raw)
        self.assertIsInstance(message.text, str)

    @FUZZ
    @given(name=NAMES, data=BLOB)
    def test_it_extracts_text_from_any_document(self, name: str, data: bytes) -> None:
        with bounded():
            text = text_from_file(name, data)
            html = text_from_html(data.decode("utf-8", "replace"))
        self.assertIsInstance(text, str | None)
        self.assertIsInstance(html, str)

    @FUZZ
    @given(name=NAMES, data=BLOB)
    def test_it_sniffs_and_cleans_any_upload(self, name: str, data: bytes) -> None:
        with bounded():
            kind = sniff(data)
            try:
                clean = clean_upload(name, data)
            except EvidenceRejected as rejected:
                self.assertTrue(str(rejected))
            else:
                self.assertIsNotNone(kind)
                self.assertEqual(sniff(clean.content)[0] if clean.content else None, clean.content_type)
            if data.startswith(b"%PDF-"):
                pdf_has_javascript(data)
