"""``esafety monitor scan``: scan messages from standard input (or files), one JSON line out per message.

Input is JSON lines ``{"id": ..., "text": ...}`` or, with ``--format text``, one message per line (its id is
the line number). Output, in input order: ``{"id": ..., "alerts": [{"category", "severity", "rule",
"evidence", "start", "end"}]}``; a line that cannot be read gives ``{"id": ..., "error": "..."}`` instead, and
scanning carries on. Exit status: 0, or 2 for bad arguments or lexicon files.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterable, Iterator
from typing import IO, Any

from esafety.monitoring.scanner._evaluate import (
    EVALUATION_SETS,
    SETS_WITH_MISSES,
    evaluate,
    format_misses,
    load_evaluation_set,
)
from esafety.monitoring.scanner._lexicon import LexiconError, load_lexicon
from esafety.monitoring.scanner._matcher import available_backends
from esafety.monitoring.scanner._scan import DEFAULT_THRESHOLD, Scanner

__all__ = ["main"]

# Messages are scanned in batches: one matcher pass per batch is what makes large inputs fast, and the
# batch is small enough that output keeps flowing for a pipe.
_BATCH = 2000


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="esafety monitor", description="Risk scanner for school messages.")
    commands = parser.add_subparsers(dest="command", required=True)
    scan = commands.add_parser("scan", help="scan messages and print alerts as JSON lines")
    scan.add_argument("files", nargs="*", help="input files (default: standard input)")
    scan.add_argument("--format", choices=["jsonl", "text"], default="jsonl", help="input format")
    scan.add_argument(
        "--lexicon", action="append", default=[], metavar="FILE", help="extra lexicon file (TOML)"
    )
    scan.add_argument("--no-shipped", action="store_true", help="use only the --lexicon files")
    scan.add_argument("--threshold", type=int, default=DEFAULT_THRESHOLD, choices=range(1, 6), metavar="1-5")
    scan.add_argument("--group", action="append", default=[], help="author's group, for suppressions")
    scan.add_argument("--backend", choices=available_backends(), default=None)
    scan.add_argument("--context", action="store_true", help="include the text around each hit")
    ev = commands.add_parser("evaluate", help="recall and false alerts on the shipped evaluation sets")
    ev.add_argument(
        "--set",
        action="append",
        choices=EVALUATION_SETS,
        default=[],
        dest="sets",
        help="evaluation set to report (default: every one, each on its own; with --show-misses: "
        + " and ".join(SETS_WITH_MISSES)
        + "). dev reads evaluation/dev/*.jsonl, or the files matching the glob in $ESAFETY_DEV_SET",
    )
    ev.add_argument(
        "--show-misses",
        action="store_true",
        help="also print the missed risky messages and the false alerts (original and dev sets only; refused "
        "for heldout, whose messages nobody tuning the lexicon may see)",
    )
    ev.add_argument("--lexicon", action="append", default=[], metavar="FILE")
    ev.add_argument("--threshold", type=int, default=1, choices=range(1, 6), metavar="1-5")
    ev.add_argument("--backend", choices=available_backends(), default=None)
    return parser


def _lines(files: list[str], stdin: IO[str]) -> Iterator[str]:
    if not files:
        yield from stdin
        return
    for name in files:
        with open(name, encoding="utf-8", errors="replace") as handle:
            yield from handle


def _records(lines: Iterable[str], fmt: str) -> Iterator[tuple[Any, str | None, str | None]]:
    """(id, text, error) for each input line; blank lines are skipped in JSON lines input."""
    for number, line in enumerate(lines, 1):
        line = line.rstrip("\r\n")
        if fmt == "text":
            yield number, line, None
            continue
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except (ValueError, RecursionError) as exc:  # RecursionError: absurdly deep nesting
            yield number, None, f"line {number}: not JSON ({exc})"
            continue
        if not isinstance(record, dict):
            yield number, None, f"line {number}: expected an object with id and text"
            continue
        ident = record.get("id", number)
        text = record.get("text")
        if not isinstance(text, str):
            yield ident, None, f"line {number}: text must be a string"
            continue
        yield ident, text, None


def _write_batch(
    scanner: Scanner, batch: list[tuple[Any, str | None, str | None]], args: argparse.Namespace, out: IO[str]
) -> None:
    texts = [text for _, text, _ in batch if text is not None]
    results = iter(scanner.scan_many(texts, threshold=args.threshold, groups=args.group))
    for ident, text, error in batch:
        if text is None:
            out.write(json.dumps({"id": ident, "error": error}, ensure_ascii=False) + "\n")
            continue
        alerts = []
        for hit in next(results):
            alert: dict[str, Any] = {
                "category": hit.category,
                "severity": hit.severity,
                "rule": hit.rule,
                "evidence": hit.evidence,
                "start": hit.start,
                "end": hit.end,
            }
            if args.context:
                alert["context"] = hit.context
            alerts.append(alert)
        out.write(json.dumps({"id": ident, "alerts": alerts}, ensure_ascii=False) + "\n")


def main(argv: list[str], stdin: IO[str] | None = None, stdout: IO[str] | None = None) -> int:
    parser = _parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:
        return int(exc.code or 0)
    out = stdout or sys.stdout
    if args.command == "evaluate" and args.show_misses:
        refused = [n for n in args.sets if n not in SETS_WITH_MISSES]
        if refused:
            print(
                f"esafety monitor: --show-misses is refused for the {', '.join(refused)} set: its messages stay "
                "out of sight of whoever tunes the lexicon (only its aggregate figures are ever shown)",
                file=sys.stderr,
            )
            return 2
    try:
        lexicon = load_lexicon(args.lexicon, shipped=not getattr(args, "no_shipped", False))
    except (LexiconError, OSError) as exc:
        print(f"esafety monitor: {exc}", file=sys.stderr)
        return 2
    scanner = Scanner(lexicon, backend=args.backend)
    if args.command == "evaluate":
        # Only aggregate figures for the held-out set: its messages stay out of sight of whoever tunes the
        # lexicon. Misses are printed for the other sets only (and --show-misses alone never touches heldout).
        names = args.sets or (SETS_WITH_MISSES if args.show_misses else EVALUATION_SETS)
        blocks = []
        for name in dict.fromkeys(names):
            messages = load_evaluation_set(name)
            report = evaluate(scanner, messages, threshold=args.threshold, name=name)
            blocks.append(report.format())
            if args.show_misses and messages:
                blocks.append(format_misses(scanner, report, messages, threshold=args.threshold))
        out.write("\n\n".join(blocks) + "\n")
        return 0
    batch: list[tuple[Any, str | None, str | None]] = []
    try:
        for record in _records(_lines(args.files, stdin or sys.stdin), args.format):
            batch.append(record)
            if len(batch) >= _BATCH:
                _write_batch(scanner, batch, args, out)
                batch = []
        _write_batch(scanner, batch, args, out)
    except OSError as exc:
        print(f"esafety monitor: {exc}", file=sys.stderr)
        return 2
    out.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
