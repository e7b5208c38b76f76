"""Every command, run as the user runs it, under bad inputs: one line, exit 2, never a traceback or a hang."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from laborgraph.errors import ExitCode

from .conftest import DATA, SEED

pytestmark = pytest.mark.slow

COMMANDS: dict[str, list[str]] = {
    "build": ["build", "--out", "{tmp}/out"],
    "validate": ["validate", "{data}"],
    "query": ["query", "SELECT * WHERE {{ ?s ?p ?o }} LIMIT 1"],
    "export": ["export", "--format", "nt", "-o", "{tmp}/x.nt"],
    "stats": ["stats"],
    "network": ["network", "-o", "{tmp}/n.graphml"],
    "analyze": ["analyze"],
    "viz": ["viz", "-o", "{tmp}/v.html"],
    "push": ["push", "--dry-run", "--endpoint", "http://127.0.0.1:9/sparql"],
}
DATA_LESS = {"validate"}  # takes the folder as its argument


def _mapping(data: Path) -> Path:
    return data / "articles" / f"{SEED}.yaml"


def _text(data: Path, name: str) -> None:
    path = _mapping(data)
    path.write_text(path.read_text().replace(f"text: {SEED}.txt", f"text: {name}"))


BAD: dict[str, Callable[[Path], object]] = {
    "deep YAML": lambda d: _mapping(d).write_text("article: " + "[" * 10_000 + "]" * 10_000 + "\n"),
    "folder named x.yaml": lambda d: (d / "articles" / "2024-07-16-dailynk-a-b.yaml").mkdir(),
    "FIFO named x.yaml": lambda d: os.mkfifo(d / "articles" / "2024-07-16-dailynk-a-b.yaml"),
    "link to /dev/zero": lambda d: (d / "articles" / "2024-07-16-dailynk-a-b.yaml").symlink_to("/dev/zero"),
    "absolute text path": lambda d: _text(d, "/dev/zero"),
    "escaping text path": lambda d: _text(d, "../entities.yaml"),
    "name ending in a newline": lambda d: _mapping(d).rename(d / "articles" / f"{SEED}\n.yaml"),
    "text over the limit": lambda d: {"LABORGRAPH_MAX_TEXT_BYTES": "1000"},
    "not UTF-8": lambda d: _mapping(d).write_bytes(b"article: \xff\xfe\n"),
    "no data folder": lambda d: shutil.rmtree(d),
}


def _run(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    try:
        return subprocess.run([sys.executable, "-m", "laborgraph.cli", *args], capture_output=True, text=True,
                              env=env, timeout=240)
    except subprocess.TimeoutExpired:
        return subprocess.CompletedProcess(args, -1, "", "hung (killed after 240 s)")


@pytest.mark.parametrize("bad", list(BAD))
def test_every_command_fails_cleanly(bad, tmp_path):
    data = tmp_path / "corpus"
    shutil.copytree(DATA, data)
    extra = BAD[bad](data)
    extra = extra if isinstance(extra, dict) else {}  # the other setups return whatever they return
    env = {**os.environ, "LABORGRAPH_CACHE": str(tmp_path / "cache"), **extra}
    runs = {}
    for name, template in COMMANDS.items():
        args = [a.format(tmp=tmp_path, data=data) for a in template]
        runs[name] = args if name in DATA_LESS else [*args, "--data", str(data)]
    with ThreadPoolExecutor(max_workers=3) as pool:
        results = dict(zip(runs, pool.map(lambda a: _run(a, env), runs.values()), strict=True))
    for name, run in results.items():
        assert "Traceback" not in run.stderr, (name, run.stderr)
        assert run.returncode == ExitCode.BAD_INPUT, (name, run.returncode, run.stderr)
        # commands sharing the cache may first say they wait for each other (the cache lock)
        lines = [ln for ln in run.stderr.splitlines() if not ln.startswith("waiting for another laborgraph")]
        assert len(lines) == 1 and lines[0].startswith("error: "), (name, run.stderr)
    assert not (tmp_path / "out" / "laborgraph.nt").exists()


def test_unwritable_output_is_bad_input_not_a_bug(tmp_path):
    (tmp_path / "taken").mkdir()
    (tmp_path / "taken" / "x").touch()
    run = _run(["ontology-docs", "-o", str(tmp_path / "taken")], dict(os.environ))
    assert run.returncode == ExitCode.BAD_INPUT, run.stderr
    assert "Traceback" not in run.stderr and str(tmp_path / "taken") in run.stderr
