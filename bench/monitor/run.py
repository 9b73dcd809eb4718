"""Benchmark the risk scanner against ``grep -F -i -c -f`` on the same text (not a test).

    python bench/monitor/run.py [--mb 50] [--backend hyperscan|ahocorasick]

Generates realistic school messages deterministically into a temporary directory (about 0.3% of them
concerning, with some evasion), scans the file end to end as ``esafety monitor scan`` does (read, normalise,
match, apply context rules, build hits), then times GNU grep over the same file with as many fixed-string
patterns as the lexicon has phrases. Prints MB/s for both and the ratio.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from esafety.monitoring.scanner import Scanner, shipped_lexicon
from esafety.monitoring.scanner.evaluation import build

_CHAT = [
    "lol",
    "omg",
    "haha",
    "tbh",
    "ngl",
    "fr",
    "!!",
    "??",
    "😂",
    "😭",
    "❤️",
    "👍",
    "xx",
    "idk",
    "btw",
    "pls",
]
_BATCH = 2000


def generate(path: Path, megabytes: float, seed: int = 7) -> int:
    """Write about ``megabytes`` MB of messages, one per line; returns the number of lines."""
    rnd = random.Random(seed)
    concerning = [t for texts in build.CONCERNING.values() for t in texts]
    evasions = [t for texts in build.EVASIONS.values() for t in texts]
    hard = build.HARD_NEGATIVES
    fields = {
        "name": build.NAMES,
        "subject": build.SUBJECTS,
        "day": build.DAYS,
        "thing": build.THINGS,
        "place": build.PLACES,
        "activity": build.ACTIVITIES,
        "feeling": build.FEELINGS,
        "food": build.FOODS,
        "show": build.SHOWS,
    }
    target = int(megabytes * 1_000_000)
    size = lines = 0
    with path.open("w", encoding="utf-8") as out:
        while size < target:
            roll = rnd.random()
            if roll < 0.002:
                text = rnd.choice(concerning)
            elif roll < 0.003:
                text = rnd.choice(evasions)
            elif roll < 0.05:
                text = rnd.choice(hard)
            else:
                parts = []
                for _ in range(rnd.choice((1, 1, 2, 2, 3))):
                    parts.append(
                        rnd.choice(build.TEMPLATES).format(**{k: rnd.choice(v) for k, v in fields.items()})
                    )
                text = " ".join(parts)
            if rnd.random() < 0.3:
                text = f"{text} {rnd.choice(_CHAT)}"
            if rnd.random() < 0.1:
                text = text.capitalize()
            line = text.replace("\n", " ") + "\n"
            out.write(line)
            size += len(line.encode())
            lines += 1
    return lines


def scan_file(scanner: Scanner, path: Path) -> tuple[int, int]:
    """Scan every line as the CLI does; returns (messages with alerts, alerts)."""
    flagged = alerts = 0
    with path.open(encoding="utf-8") as handle:
        batch: list[str] = []
        for line in handle:
            batch.append(line.rstrip("\n"))
            if len(batch) >= _BATCH:
                for hits in scanner.scan_many(batch):
                    flagged += bool(hits)
                    alerts += len(hits)
                batch = []
        for hits in scanner.scan_many(batch):
            flagged += bool(hits)
            alerts += len(hits)
    return flagged, alerts


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mb", type=float, default=50.0, help="megabytes of text to generate (default 50)")
    parser.add_argument("--backend", default=None, help="hyperscan or ahocorasick (default: fastest)")
    args = parser.parse_args()
    grep = shutil.which("grep")
    with tempfile.TemporaryDirectory(prefix="esafety-bench-") as tmp:
        text_path = Path(tmp) / "messages.txt"
        started = time.perf_counter()
        lines = generate(text_path, args.mb)
        megabytes = text_path.stat().st_size / 1_000_000
        print(f"generated {megabytes:.1f} MB, {lines:,} messages in {time.perf_counter() - started:.1f} s")

        lexicon = shipped_lexicon()
        started = time.perf_counter()
        scanner = Scanner(lexicon, backend=args.backend)
        print(f"built the {scanner.backend} matcher in {time.perf_counter() - started:.2f} s")
        started = time.perf_counter()
        flagged, alerts = scan_file(scanner, text_path)
        scan_seconds = time.perf_counter() - started
        scan_rate = megabytes / scan_seconds
        print(
            f"scanner: {scan_seconds:.2f} s, {scan_rate:.1f} MB/s ({flagged:,} messages flagged, {alerts:,} alerts)"
        )

        phrases = sorted({p.strip("*").lower() for e in lexicon.entries for p in e.phrases})
        patterns_path = Path(tmp) / "patterns.txt"
        patterns_path.write_text("\n".join(phrases) + "\n", encoding="utf-8")
        if grep is None:
            print("grep not found: no comparison")
            return 0
        env = dict(os.environ, LC_ALL=os.environ.get("LC_ALL", "C.UTF-8"))
        started = time.perf_counter()
        done = subprocess.run(
            [grep, "-F", "-i", "-c", "-f", str(patterns_path), str(text_path)],
            capture_output=True,
            text=True,
            env=env,
            check=False,
        )
        grep_seconds = time.perf_counter() - started
        grep_rate = megabytes / grep_seconds
        print(
            f"grep -F -i -c -f ({len(phrases)} patterns, {env['LC_ALL']}): {grep_seconds:.2f} s, "
            f"{grep_rate:.1f} MB/s ({done.stdout.strip()} matching lines)"
        )
        print(f"ratio: the scanner runs at {scan_rate / grep_rate:.2f}x grep's speed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
