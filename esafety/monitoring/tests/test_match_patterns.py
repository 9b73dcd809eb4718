"""The multi-pattern matcher: both backends give identical results, and the fast pre-filter never misses."""

from __future__ import annotations

import platform
import sys

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from esafety.monitoring.scanner import Scanner, available_backends, load_evaluation_set, shipped_lexicon

# The lock file installs Hyperscan wherever it builds (Linux x86_64); everywhere else only pyahocorasick runs.
HYPERSCAN_EXPECTED = sys.platform == "linux" and platform.machine() == "x86_64"


@pytest.fixture(scope="module")
def scanners() -> dict[str, Scanner]:
    return {name: Scanner(shipped_lexicon(), backend=name) for name in available_backends()}


def _evaluation_texts() -> list[str]:
    texts = [m.text for m in load_evaluation_set()]
    # Concerning messages glued to ordinary ones and to each other, so the batch holds hits mid-text too.
    return texts + [f"{a} and then {b}" for a, b in zip(texts[::7], texts[3::11], strict=False)]


def test_it_gives_identical_results_on_both_backends(scanners: dict[str, Scanner]) -> None:
    assert len(scanners) == (2 if HYPERSCAN_EXPECTED else 1)
    if len(scanners) < 2:
        return
    texts = _evaluation_texts()
    results = [s.scan_many(texts) for s in scanners.values()]
    assert results[0] == results[1]
    assert sum(1 for hits in results[0] if hits) > 250


@pytest.mark.parametrize("backend", available_backends())
def test_it_never_lets_the_prefilter_drop_a_hit(scanners: dict[str, Scanner], backend: str) -> None:
    scanner = scanners[backend]
    texts = _evaluation_texts()
    candidates = set(scanner._matcher.candidates(texts))
    exact = {i for i, text in enumerate(texts) if scanner._scan_exact(text, 1, ())}
    assert exact <= candidates


_TRICKY = st.sampled_from(
    [
        "kill",
        "myself",
        "k1ll",
        "mys3lf",
        "s u i c i d e",
        "nudes",
        "n00dz",
        "weed",
        "w e e d",
        "dieeee",
        "I",
        "im",
        "want",
        "to",
        "die",
        "!",
        "$",
        "@",
        "|",
        " ",
        "  ",
        ".",
        "-",
        "\u200b",
        "é",
        "ѕ",
        "ＫＩＬＬ",
        "your",
        "ur",
        "go",
        "back",
        "country",
        "\x00",
        "\n",
        "kys",
        "romeo",
        "stab",
        "you",
        "你好",
        "ж",
        "مرحبا",
        "🍑",
    ]
)


@settings(max_examples=150, deadline=None)
@given(st.lists(st.lists(_TRICKY, max_size=12).map("".join) | st.text(max_size=40), max_size=8))
def test_it_agrees_on_arbitrary_batches(scanners: dict[str, Scanner], texts: list[str]) -> None:
    results = [s.scan_many(texts) for s in scanners.values()]
    assert all(result == results[0] for result in results)
    exact = [scanners["ahocorasick"]._scan_exact(t, 1, ()) for t in texts]
    assert results[0] == exact
