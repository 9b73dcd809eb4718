"""``esafety monitor scan``: JSON lines and text input, garbage lines, input order, options."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

from esafety.monitoring.scanner.cli import main


def run(argv: list[str], stdin: str) -> tuple[int, list[dict[str, object]]]:
    out = io.StringIO()
    code = main(argv, stdin=io.StringIO(stdin), stdout=out)
    return code, [json.loads(line) for line in out.getvalue().splitlines()]


def test_it_scans_json_lines_in_input_order() -> None:
    lines = [
        json.dumps({"id": i, "text": t}) for i, t in enumerate(["hello", "i want to k1ll myself", "see you"])
    ]
    code, out = run(["scan"], "\n".join(lines) + "\n")
    assert code == 0
    assert [o["id"] for o in out] == [0, 1, 2]
    assert out[0]["alerts"] == [] and out[2]["alerts"] == []
    [alert] = out[1]["alerts"]
    assert alert == {
        "category": "self_harm",
        "severity": 4,
        "rule": "self_harm.suicidal_intent",
        "evidence": "k1ll myself",
        "start": 10,
        "end": 21,
    }


def test_it_reports_garbage_lines_and_carries_on() -> None:
    stdin = '{"id": "a", "text": "kys"}\nnot json at all\n[1, 2]\n{"id": "b", "text": 5}\n\n{"id": "c", "text": "ok"}\n'
    code, out = run(["scan"], stdin)
    assert code == 0
    assert [o["id"] for o in out] == ["a", 2, 3, "b", "c"]
    assert out[0]["alerts"][0]["category"] == "bullying"
    assert all("error" in o for o in out[1:4])
    assert out[4] == {"id": "c", "alerts": []}


def test_it_reads_one_message_per_line_in_text_format() -> None:
    code, out = run(["scan", "--format", "text"], "nothing here\ngo back 2 ur country\n\n")
    assert code == 0
    assert [o["id"] for o in out] == [1, 2, 3]
    assert out[1]["alerts"][0]["evidence"] == "go back 2 ur country"


def test_it_keeps_order_across_batches() -> None:
    # Zero-padded: a bare number such as 1488 is an extremist code the lexicon flags on its own.
    texts = ["kys" if i % 997 == 0 else f"message {i:05d}" for i in range(4500)]
    code, out = run(["scan", "--format", "text"], "\n".join(texts) + "\n")
    assert [o["id"] for o in out] == list(range(1, 4501))
    assert [o["id"] for o in out if o["alerts"]] == [i + 1 for i in range(4500) if i % 997 == 0]


def test_it_uses_extra_lexicon_files_and_the_threshold(tmp_path: Path) -> None:
    extra = tmp_path / "school.toml"
    extra.write_text(
        'category = "bullying"\n[[entry]]\nid = "nickname"\nseverity = 2\nphrases = ["bogbrush"]\n'
    )
    code, out = run(["scan", "--format", "text", "--lexicon", str(extra)], "you bogbrush\n")
    assert out[0]["alerts"][0]["rule"] == "bullying.nickname"
    code, out = run(
        ["scan", "--format", "text", "--lexicon", str(extra), "--threshold", "3"], "you bogbrush\n"
    )
    assert out[0]["alerts"] == []


def test_it_fails_cleanly_on_a_bad_lexicon_file(tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text('category = "nope"\n')
    code, out = run(["scan", "--lexicon", str(bad)], "")
    assert code == 2 and out == []


def test_it_runs_as_esafety_monitor_scan() -> None:
    done = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys; from esafety.cli import main; sys.exit(main())",
            "monitor",
            "scan",
        ],
        input='{"id": 7, "text": "send nudes"}\n',
        capture_output=True,
        text=True,
        check=True,
    )
    assert json.loads(done.stdout)["alerts"][0]["category"] == "sexual"
