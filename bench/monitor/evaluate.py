"""Print recall per category and false alerts per 1,000 benign messages on the shipped evaluation set.

    python bench/monitor/evaluate.py [--threshold N] [--lexicon extra.toml ...] [--backend NAME]

The same as ``esafety monitor evaluate``; kept here next to the benchmark for people who look for it here.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from esafety.monitoring.scanner.cli import main

if __name__ == "__main__":
    sys.exit(main(["evaluate", *sys.argv[1:]]))
