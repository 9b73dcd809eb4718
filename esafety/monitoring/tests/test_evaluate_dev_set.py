"""The development set: read from evaluation/dev or $ESAFETY_DEV_SET, reported beside the others, and the only
set besides the original whose misses may be printed."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from esafety.monitoring.scanner import Scanner, evaluate, load_evaluation_set, shipped_lexicon
from esafety.monitoring.scanner._evaluate import format_misses
from esafety.monitoring.scanner.cli import main

# Written for this test; an author of the dev set would write more of the same.
DEV = [
    {"id": "t-1", "text": "i want to kill myself tonight", "categories": ["self_harm"], "kind": "plain"},
    {"id": "t-2", "text": "the weather is lovely today", "categories": ["violence"], "kind": "plain"},
    {"id": "t-3", "text": "we read about the blitz in history", "categories": [], "kind": "hard_negative"},
    {"id": "t-4", "text": "i want to kill myself lol jk", "categories": [], "kind": "hard_negative"},
]


@pytest.fixture
def dev_set(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    for k, half in enumerate((DEV[:2], DEV[2:])):
        (tmp_path / f"author-{'cd'[k]}.jsonl").write_text(
            "\n".join(json.dumps(m) for m in half) + "\n", encoding="utf-8"
        )
    monkeypatch.setenv("ESAFETY_DEV_SET", str(tmp_path / "author-*.jsonl"))
    return tmp_path


def test_it_reads_every_file_the_glob_names_in_name_order(dev_set: Path) -> None:
    assert [m.id for m in load_evaluation_set("dev")] == ["t-1", "t-2", "t-3", "t-4"]


def test_it_reads_nothing_when_there_is_no_dev_set(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ESAFETY_DEV_SET", str(tmp_path / "none-*.jsonl"))
    assert load_evaluation_set("dev") == []
    report = evaluate(Scanner(shipped_lexicon()), [], name="dev")
    assert "no messages" in report.format()


def test_it_prints_the_dev_misses_and_false_alerts(dev_set: Path) -> None:
    out = io.StringIO()
    assert main(["evaluate", "--set", "dev", "--show-misses"], stdout=out) == 0
    text = out.getvalue()
    assert "dev set" in text and "macro recall" in text
    assert "MISSED violence t-2 [plain]: the weather is lovely today  -> nothing" in text
    assert "FALSE t-4 [hard_negative]: i want to kill myself lol jk  -> self_harm." in text
    assert "t-1" not in text and "t-3" not in text  # found, and rightly quiet
    assert "heldout" not in text  # --show-misses alone reports the original and dev sets only
    assert "original set" in main_output(["evaluate", "--show-misses"])


def main_output(argv: list[str]) -> str:
    out = io.StringIO()
    assert main(argv, stdout=out) == 0
    return out.getvalue()


def test_it_refuses_to_show_the_heldout_misses(capsys: pytest.CaptureFixture[str]) -> None:
    out = io.StringIO()
    assert main(["evaluate", "--set", "heldout", "--show-misses"], stdout=out) == 2
    assert out.getvalue() == ""
    assert "refused for the heldout set" in capsys.readouterr().err
    assert main(["evaluate", "--set", "dev", "--set", "heldout", "--show-misses"], stdout=out) == 2
    assert out.getvalue() == ""


def test_it_refuses_heldout_misses_in_the_library_too() -> None:
    scanner = Scanner(shipped_lexicon())
    report = evaluate(scanner, [], name="heldout")
    with pytest.raises(ValueError, match="never 'heldout'"):
        format_misses(scanner, report, [])
