"""Benchmark: ingest 1,000,000 Squid access-log lines into the database with ``filtering_ingest_log``.

Not a test (timings never belong in tests). Run from the repository root:

    .venv/bin/python bench/filter_ingest/run.py [--lines 1000000]

Writes a Squid native log of ``--lines`` lines (5% blocked, 1% malformed, 400 pupils with network accounts, a
week of school days), then in the same run times ``wc -l`` and a plain ``awk`` field split of the same file as
anchors, and the full ingestion into a fresh SQLite database (parse with the engine, attribute each visit, count
per person/category/day, store blocked events, raise items). Search terms are not sent to the scanner here
(``--no-searches``): that is the monitoring benchmark's subject.
"""

from __future__ import annotations

import argparse
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def write_log(path: Path, lines: int, rng: random.Random) -> None:
    chat = (ROOT / "esafety/filtering/demo_lists/chat/domains").read_text().split()
    ordinary = ["www.bbc.co.uk/bitesize/topics", "www.topmarks.co.uk/maths", "en.wikipedia.org/wiki/Volcano"]
    start = 1796032800.0
    with open(path, "w", encoding="utf-8") as fh:
        for i in range(lines):
            at = start + i * 0.6
            user = f"pupil{rng.randrange(400)}"
            if i % 100 == 99:
                fh.write("garbage line\n")
            elif rng.random() < 0.05:
                fh.write(
                    f"{at:.3f}      0 10.10.4.{i % 250} TCP_REDIRECT/302 310 GET http://{rng.choice(chat)}/ {user} HIER_NONE/- text/html\n"
                )
            else:
                fh.write(
                    f"{at:.3f}     12 10.10.4.{i % 250} TCP_MISS/200 2048 GET http://{rng.choice(ordinary)} {user} HIER_DIRECT/203.0.113.6 text/html\n"
                )


def timed(cmd: list[str], env: dict[str, str] | None = None) -> float:
    began = time.perf_counter()
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, env=env, cwd=ROOT)
    return time.perf_counter() - began


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--lines", type=int, default=1_000_000)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="esafety-bench-ingest-"))
    log = work / "access.log"
    write_log(log, args.lines, random.Random(7))
    env = {
        **os.environ,
        "DEBUG": "1",
        "DATABASE_URL": f"sqlite:///{work}/bench.sqlite3",
        "ESAFETY_VAR_DIR": str(work),
    }
    manage = [sys.executable, "-m", "esafety.cli"]
    subprocess.run([*manage, "migrate", "-v", "0"], check=True, env=env, cwd=ROOT)
    setup = (
        "from esafety.people.models import Trust, School, Person;"
        "from esafety.filtering.models import NetworkAccount;"
        "t = Trust.objects.create(name='Bench', slug='bench');"
        "s = School.objects.create(trust=t, name='Bench Primary', slug='bench');"
        "[NetworkAccount.objects.create(school=s, username=f'pupil{i}', person=Person.objects.create("
        "school=s, kind='pupil', first_name='P', last_name=str(i), class_name=f'C{i % 14}')) for i in range(400)]"
    )
    subprocess.run([*manage, "shell", "-c", setup], check=True, env=env, cwd=ROOT)
    wc = timed(["wc", "-l", str(log)])
    awk = timed(["awk", "{n[$3]++} END {for (k in n) print k, n[k]}", str(log)])
    ingest = timed([*manage, "filtering_ingest_log", "--school", "bench", "--no-searches", str(log)], env)
    size = log.stat().st_size / 1e6
    print(f"{args.lines:,} lines ({size:.0f} MB)")
    for name, seconds in (("wc -l", wc), ("awk field split", awk), ("filtering_ingest_log", ingest)):
        print(f"{name:22} {seconds:8.2f} s {args.lines / seconds:12,.0f} lines/s")
    print(f"ingest / awk: {ingest / awk:.1f}x the time")


if __name__ == "__main__":
    main()
