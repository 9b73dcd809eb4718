"""The engine stays framework-free: importing it (and running its command line) loads no Django."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]


def test_it_imports_no_django() -> None:
    code = (
        "import sys, esafety.filtering.engine, esafety.filtering.engine.cli, esafety.filtering.engine._helper;"
        "bad = sorted(m for m in sys.modules if m == 'django' or m.startswith('django.'));"
        "assert not bad, bad"
    )
    subprocess.run([sys.executable, "-c", code], check=True, cwd=ROOT, timeout=60)


def test_it_exposes_a_small_public_api() -> None:
    import esafety.filtering.engine as engine

    assert set(engine.__all__) >= {
        "parse_url",
        "load_policy",
        "Policy",
        "Decision",
        "decide",
        "export",
        "parse_squid_log",
        "parse_e2guardian_log",
    }
    assert all(hasattr(engine, name) for name in engine.__all__)
