"""Builds killed with SIGKILL at many points, and commands racing on one cache.

After a kill the outputs are the previous set or the new one, never a mix or a
half-written file; the next build equals a clean one and leaves no temporary
files; worker processes die with their parent.
"""

from __future__ import annotations

import json
import os
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pyoxigraph
import pytest

from laborgraph.incremental import build
from laborgraph.incremental.layout import JOURNAL, recover

from .conftest import DATA, ROOT, SEED

pytestmark = pytest.mark.slow

CLI = [sys.executable, "-m", "laborgraph.cli"]


def outputs(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.glob("laborgraph.*"))}


def parses(files: dict[str, bytes]) -> None:
    formats = {"laborgraph.nt": pyoxigraph.RdfFormat.N_TRIPLES, "laborgraph.ttl": pyoxigraph.RdfFormat.TURTLE,
               "laborgraph.trig": pyoxigraph.RdfFormat.TRIG}
    for name, fmt in formats.items():
        pyoxigraph.parse(files[name], format=fmt)
    json.loads(files["laborgraph.jsonld"])


def leftovers(out: Path) -> list[str]:
    found = [p.name for p in out.iterdir() if p.name.endswith(".tmp")]
    cache = out / ".cache"
    found += [p.name for p in cache.iterdir() if p.name.endswith(".tmp")] if cache.is_dir() else []
    return found + (["cache/tmp"] if (cache / "tmp").exists() and any((cache / "tmp").iterdir()) else [])


def _versions(data: Path) -> list[str]:
    mapping = (data / "articles" / f"{SEED}.yaml").read_text()
    edited = mapping.replace("label: \"Daily NK:", "label: \"Daily NK (edited):", 1)
    assert edited != mapping
    return [mapping, edited]


def _clean_builds(tmp_path: Path) -> tuple[Path, Path, list[str], list]:
    """A scratch corpus, its seed mapping, two versions of it, and each version's outputs built cleanly."""
    data = tmp_path / "corpus"
    shutil.copytree(DATA, data)
    mapping = data / "articles" / f"{SEED}.yaml"
    versions = _versions(data)
    clean = []
    for i, text in enumerate(versions):
        mapping.write_text(text)
        build(data, tmp_path / f"clean{i}", cache_dir=tmp_path / f"clean{i}-cache")
        clean.append(outputs(tmp_path / f"clean{i}"))
    return data, mapping, versions, clean


def test_killed_build_leaves_the_previous_or_the_new_set(tmp_path):
    data, mapping, versions, clean = _clean_builds(tmp_path)
    assert clean[0] != clean[1]

    out = tmp_path / "out"
    command = [*CLI, "build", "--data", str(data), "--out", str(out)]
    mapping.write_text(versions[0])
    started = time.monotonic()
    subprocess.run(command, check=True, capture_output=True, timeout=300)
    mapping.write_text(versions[1])
    subprocess.run(command, check=True, capture_output=True, timeout=300)  # a rebuild of one article
    took = time.monotonic() - started
    state = 1
    rng = random.Random(11)
    runs, kills, journals = 14, 0, 0
    for i in range(runs):
        target = 1 - state
        mapping.write_text(versions[target])
        proc = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(took / 2 * (0.15 + 0.9 * i / (runs - 1)) * rng.uniform(0.9, 1.1))
        kills += proc.poll() is None
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        if (out / JOURNAL).exists():  # killed between the first and last rename: the next command finishes it
            journals += 1
            recover(out)
            assert outputs(out) == clean[target]
        got = outputs(out)
        assert got in clean, f"run {i}: a mixed or damaged set of outputs"
        parses(got)
        state = clean.index(got)
    assert kills >= runs // 2  # most runs really were killed mid-way
    mapping.write_text(versions[0])
    subprocess.run(command, check=True, capture_output=True, timeout=300)
    assert outputs(out) == clean[0]
    assert leftovers(out) == []


def _children(pid: int) -> list[int]:
    kids = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                stat = Path(f"/proc/{entry}/stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                kids.append(int(entry))
    return kids


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def test_workers_die_with_a_killed_build(tmp_path):
    data = tmp_path / "corpus"
    subprocess.run([sys.executable, str(ROOT / "benchmarks" / "synth.py"), "--articles", "72", "--seed", "3",
                    "--out", str(data)], check=True, timeout=300)
    proc = subprocess.Popen([*CLI, "build", "--jobs", "2", "--data", str(data), "--out", str(tmp_path / "out")],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 240
    kids: list[int] = []
    while time.monotonic() < deadline and len(kids) < 2 and proc.poll() is None:
        time.sleep(0.2)
        kids = _children(proc.pid)
    assert len(kids) >= 2, "the build never started its workers"
    time.sleep(1.0)  # the workers are busy with their first batch
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline and any(_alive(k) for k in kids):
        time.sleep(0.1)
    assert not [k for k in kids if _alive(k)], "orphaned workers outlived the killed build"


def test_concurrent_commands_on_one_cache(tmp_path):
    data, mapping, versions, clean = _clean_builds(tmp_path)
    out, cache = tmp_path / "out", tmp_path / "out" / ".cache"
    env = {**os.environ, "LABORGRAPH_CACHE": str(cache)}
    common = ["--data", str(data)]
    commands = {
        "build": [*CLI, "build", *common, "--out", str(out)],
        "query": [*CLI, "query", "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }", *common],
        "export": [*CLI, "export", "--format", "nt", "-o", str(tmp_path / "export.nt"), *common],
        "push": [*CLI, "push", "--dry-run", "--endpoint", "http://127.0.0.1:9/sparql", *common],
    }
    for round_ in range(20):
        version = round_ % 2
        mapping.write_text(versions[version])
        procs = {name: subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
                 for name, cmd in commands.items()}
        for name, proc in procs.items():
            stdout, stderr = proc.communicate(timeout=600)
            assert proc.returncode == 0, (round_, name, stderr)
            assert "Traceback" not in stderr and "Corruption" not in stderr
            if name == "query":
                assert any(ch.isdigit() for ch in stdout), stdout
        assert outputs(out) == clean[version], f"round {round_}"
        assert (tmp_path / "export.nt").read_bytes() == clean[version]["laborgraph.nt"]
    assert leftovers(out) == []


def test_a_killed_worker_ends_the_build_with_one_line_and_no_output(tmp_path):
    data = tmp_path / "corpus"
    subprocess.run([sys.executable, str(ROOT / "benchmarks" / "synth.py"), "--articles", "240", "--seed", "4",
                    "--out", str(data)], check=True, timeout=300)
    proc = subprocess.Popen([*CLI, "build", "--jobs", "2", "--data", str(data), "--out", str(tmp_path / "out")],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 240
    kids: list[int] = []
    while time.monotonic() < deadline and not kids and proc.poll() is None:
        time.sleep(0.1)
        kids = _children(proc.pid)
    assert kids, "the build never started its workers"
    os.kill(kids[0], signal.SIGKILL)  # as the kernel's OOM killer would
    _, err = proc.communicate(timeout=240)
    assert proc.returncode != 0
    assert err.count("\n") == 1 and "a worker process was killed" in err and "Traceback" not in err
    assert not list((tmp_path / "out").glob("laborgraph.*")) and not (tmp_path / "out" / "graphs").exists()
