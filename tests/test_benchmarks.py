"""benchmarks/run.py runs to the end on a tiny corpus (so the script cannot silently break again), and its
validation row, growth table and plot work (timings are never asserted)."""

from __future__ import annotations

import importlib.util
import json
import shutil
import subprocess
import sys

import pytest

from .conftest import ROOT

pytestmark = pytest.mark.slow


def test_full_benchmark_runs_to_the_end_on_tiny_corpora():
    """`--full --sizes` with the slow baselines capped: every row kind, at every size, including the push rows
    against the real servers (a row saying "not run" is a failure here: the test machine has both)."""
    run = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "run.py"), "--full", "--sizes", "3,5,6",
                          "--rdflib-cap", "5", "--push-graphs", "4", "--growth-only-from", "6"],
                         capture_output=True, text=True, timeout=1800, cwd=ROOT)
    assert run.returncode == 0, run.stderr[-2000:]
    rows = [json.loads(line) for line in run.stdout.splitlines() if line.startswith("{")]
    for size in (3, 5):
        targets = {r["target"] for r in rows if r["articles"] == size}
        for kind in ("full build + validate", "peak memory", "edit one article, rebuild (in-process)",
                     "edit one article, rebuild (`laborgraph build`", "), default path: refresh",
                     "), `--store disk`", "one library query through the CLI",
                     "`push` to Oxigraph server", "`push` to Virtuoso", "export", "`laborgraph check --watch`",
                     "edit one article, `build --watch`", "against the bare store's queries alone"):
            assert any(kind in t for t in targets), (size, kind)
    (alone,) = [r for r in rows if " alone (" in r["target"]]  # cq14, timed apart at the first size
    assert alone["articles"] == 3 and alone["target"].startswith("cq14")
    pushes = [r for r in rows if r["target"].startswith("`push`")]
    assert len(pushes) == 4 and all(r["laborgraph_s"].startswith("4 graphs") for r in pushes), pushes
    growth_only = {r["target"] for r in rows if r["articles"] == 6}  # --growth-only-from: the curve's columns only
    assert len(growth_only) == 7, growth_only
    for kind in ("peak memory", "edit one article, rebuild (in-process)",
                 "edit one article, rebuild (`laborgraph build`", "`laborgraph check` of", "`laborgraph check --watch`",
                 "edit one article, `build --watch`", "default path (growth curve only)"):
        assert any(kind in t for t in growth_only), kind
    assert all(r["articles"] in ("-", 3, 5, 6) for r in rows)
    assert "| articles | cold build s |" in run.stdout  # the growth table
    assert "| 6 | " in run.stdout.split("| articles | cold build s |")[1]


@pytest.fixture(scope="module")
def run():
    sys.path.insert(0, str(ROOT / "benchmarks"))
    try:
        spec = importlib.util.spec_from_file_location("run", ROOT / "benchmarks" / "run.py")
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        yield module
    finally:
        sys.path.remove(str(ROOT / "benchmarks"))


def test_validation_engines_compare_on_a_tiny_corpus(run, tmp_path):
    run.synth.generate(4, 2, tmp_path / "corpus")
    fast, reference = run.validation_engines(tmp_path / "corpus")  # raises if the findings differ
    assert len(fast) == 3 and len(reference) == 1


CURVE = [{"articles": 10, "build_s": 1.5, "peak_mb": 120.0, "edit_s": 0.2, "query_s": 0.3},
         {"articles": 100, "build_s": 4.0, "peak_mb": 180.0, "edit_s": 0.25, "query_s": 0.9}]


def test_growth_table_and_plot_go_into_the_docs(run, tmp_path, monkeypatch):
    docs = tmp_path / "docs"
    docs.mkdir()
    shutil.copy(ROOT / "docs" / "performance.md", docs / "performance.md")
    monkeypatch.setattr(run, "ROOT", tmp_path)
    run.write_docs("| results |\n", CURVE, "--full")
    text = (docs / "performance.md").read_text()
    assert "| 100 | 4.0 | 40.0 | 0.250 | 0.90 | 180 |" in text and "![growth curve](performance-growth.png)" in text
    assert text.count("<!-- growth -->") == 1 and text.count("<!-- /results -->") == 1
    assert (docs / "performance-growth.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
