"""benchmarks/run.py runs to the end (on a tiny corpus), so the script cannot silently break again."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from .conftest import ROOT

pytestmark = pytest.mark.slow


def test_quick_benchmark_runs_to_the_end_on_a_tiny_corpus():
    run = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "run.py"), "--quick", "--sizes", "3"],
                         capture_output=True, text=True, timeout=1800, cwd=ROOT)
    assert run.returncode == 0, run.stderr[-2000:]
    rows = [json.loads(line) for line in run.stdout.splitlines() if line.startswith("{")]
    targets = {r["target"] for r in rows}
    assert any(t.startswith("query library, in-memory snapshot") for t in targets)  # the step that crashed
    assert any(t.startswith("export") for t in targets)  # the last step
    assert all(r["articles"] in ("-", 3) for r in rows)
