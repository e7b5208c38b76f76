"""Time from saving an edit to `laborgraph check --watch`'s report (or `build --watch`'s outputs), on a built corpus.

    python benchmarks/watch_bench.py --data D --out O [--cli laborgraph] [--repeat 5] [--build]

Starts `laborgraph check --watch` as a subprocess on D (its cache in O/.cache, built by
`laborgraph build --data D --out O`), waits until it is watching, then edits one mapping
(a label toggled, so the article is rebuilt, validated and its corpus rules re-evaluated)
and waits for the report's timing line, ``repeat`` times after one warm-up edit (the first
check computes every article's key). Each sample: wall time from the save to the line, the
check's own wall and CPU time as the watcher prints them, and the watcher process's CPU
time over the same span (from /proc: the watch loop included). ``watch_row`` gives
run.py's row for it; `laborgraph check FILE` through the CLI, timed on the same edit, is
its baseline; the goal is issue 15's "well under a second". Edits one mapping and puts its label back.
``build_watch_row``: the same for `laborgraph build --watch` (its first build waited for; each sample
from the save to the rebuild's line, printed once the outputs are written), against run.py's in-process
build of a 1-article corpus (issue 18: <= 2x).
"""

from __future__ import annotations

import argparse
import json
import os
import queue
import re
import signal
import statistics
import subprocess
import threading
import time
from pathlib import Path
from typing import Any

LINE = re.compile(r"^checked \S+ in ([0-9.]+) s \(CPU ([0-9.]+) s, (fast|full refresh)")
BUILT = re.compile(r"^rebuilt in ([0-9.]+) s \(CPU ([0-9.]+) s, (?:start|[0-9]+ changed)((?:, every key)?)\)")
TICKS = os.sysconf("SC_CLK_TCK")


def _cpu(pid: int) -> float:
    """User and system CPU seconds of process ``pid`` so far (Linux /proc; clock ticks)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICKS


def _toggle(mapping: Path) -> None:
    text = mapping.read_text(encoding="utf-8")
    mapping.write_text(text.replace('label: "SYNTHETIC', 'label: "SYNTHETIC watched', 1)
                       if "SYNTHETIC watched" not in text else text.replace("SYNTHETIC watched", "SYNTHETIC", 1),
                       encoding="utf-8")


def _lines(stream: Any, out: queue.Queue[str]) -> None:
    for line in stream:
        out.put(line)
    out.put("")  # the process ended


def watch_samples(data: Path, cache: Path, cli: list[str], repeat: int = 5, timeout: float = 300.0,
                  mapping: Path | None = None) -> dict[str, Any]:
    """Samples of one `check --watch` session: ``first`` (the warm-up edit) and one list per measure."""
    mapping = mapping or sorted((data / "articles").glob("*.yaml"))[-1]
    return _session([*cli, "check", "--watch", "--data", str(data), "--cache", str(cache)], mapping, LINE,
                    repeat, timeout, started=False)


def build_watch_samples(data: Path, out: Path, cli: list[str], repeat: int = 5, timeout: float = 300.0,
                        mapping: Path | None = None) -> dict[str, Any]:
    """Samples of one `build --watch` session (after its first build): save to outputs written."""
    mapping = mapping or sorted((data / "articles").glob("*.yaml"))[-1]
    return _session([*cli, "build", "--watch", "--data", str(data), "--out", str(out)], mapping, BUILT,
                    repeat, timeout, started=True)


def _session(cmd: list[str], mapping: Path, line: re.Pattern[str], repeat: int, timeout: float,
             started: bool) -> dict[str, Any]:
    """Edit ``mapping`` ``repeat`` + 1 times under the watcher ``cmd`` and time each save to its ``line``.

    ``started``: the watcher first prints one such line of its own (a build at the start), waited for.
    An edit's line that says the slow path ran (a full refresh, every key) fails the session.
    """
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    out: queue.Queue[str] = queue.Queue()
    err: queue.Queue[str] = queue.Queue()
    for stream, q in ((proc.stdout, out), (proc.stderr, err)):
        threading.Thread(target=_lines, args=(stream, q), daemon=True).start()
    samples: dict[str, Any] = {"save_to_report_s": [], "check_s": [], "check_cpu_s": [], "process_cpu_s": []}
    try:
        began = time.perf_counter()
        while "watching" not in err.get(timeout=timeout):
            pass
        while started and not line.match(out.get(timeout=timeout)):
            pass
        samples["start_s"] = time.perf_counter() - began
        idle = _cpu(proc.pid)
        time.sleep(2.0)
        samples["idle_cpu_per_s"] = (_cpu(proc.pid) - idle) / 2.0
        for i in range(repeat + 1):
            cpu, saved = _cpu(proc.pid), time.perf_counter()
            _toggle(mapping)
            while not (found := line.match(out.get(timeout=timeout))):
                pass
            row = (time.perf_counter() - saved, float(found[1]), float(found[2]), _cpu(proc.pid) - cpu)
            if found[3] not in ("fast", ""):
                raise RuntimeError(f"the watcher fell back to the slow path: {found[0]}")
            if i == 0:
                samples["first"] = row
            else:
                for key, value in zip(("save_to_report_s", "check_s", "check_cpu_s", "process_cpu_s"), row,
                                      strict=True):
                    samples[key].append(value)
            time.sleep(0.5)  # an analyst does not save twice within a batch
        proc.send_signal(signal.SIGTERM)  # not SIGINT: a benchmark started in the background has it ignored
        samples["exit_code"] = proc.wait(30)
    finally:
        if proc.poll() is None:
            proc.kill()
    return samples


def _fmt(samples: list[float]) -> str:
    med = statistics.median(samples)
    return f"{med:.3f}" if len(samples) == 1 else f"{med:.3f} ({min(samples):.3f}-{max(samples):.3f})"


def watch_row(data: Path, out: Path, n: int, cli: str, repeat: int = 5) -> dict[str, Any]:
    """run.py's row: save-to-report time of `laborgraph check --watch` against `laborgraph check FILE` (CLI)."""
    cache = out / ".cache"
    mapping = sorted((data / "articles").glob("*.yaml"))[-1]
    samples = watch_samples(data, cache, [cli], repeat, mapping=mapping)
    base = []
    for _ in range(3):
        _toggle(mapping)
        start = time.perf_counter()
        subprocess.run([cli, "check", str(mapping), "--cache", str(cache)], capture_output=True)
        base.append(time.perf_counter() - start)
    if "SYNTHETIC watched" in mapping.read_text(encoding="utf-8"):
        _toggle(mapping)  # the label as it was (the cache catches up at the next build or check)
    ours = samples["save_to_report_s"]
    med = statistics.median(ours)
    return {"target": f"`laborgraph check --watch`: save to report, one edited article (CPU of the check "
                      f"{_fmt(samples['check_cpu_s'])} s; of the watcher {_fmt(samples['process_cpu_s'])} s)",
            "articles": n, "laborgraph_s": _fmt(ours), "baseline": "`laborgraph check FILE` (CLI)",
            "baseline_s": _fmt(base), "ratio": f"{med / statistics.median(base):.2f}x", "goal": "< 1 s",
            "met": "yes" if med < 1 else "NO", "samples": samples}


def build_watch_row(data: Path, out: Path, n: int, cli: str, one_build: list[float], repeat: int = 5) -> dict[str, Any]:
    """run.py's row: save-to-outputs-written time of `laborgraph build --watch` against ``one_build``
    (run.py's in-process build of a 1-article corpus)."""
    mapping = sorted((data / "articles").glob("*.yaml"))[-1]
    samples = build_watch_samples(data, out, [cli], repeat, mapping=mapping)
    if "SYNTHETIC watched" in mapping.read_text(encoding="utf-8"):
        _toggle(mapping)  # the label as it was (the next build catches up)
    ours = samples["save_to_report_s"]
    ratio = statistics.median(ours) / statistics.median(one_build)
    return {"target": f"edit one article, `build --watch` (save to outputs written; CPU of the rebuild "
                      f"{_fmt(samples['check_cpu_s'])} s, of the watcher {_fmt(samples['process_cpu_s'])} s)",
            "articles": n, "laborgraph_s": _fmt(ours), "baseline": "build of a 1-article corpus",
            "baseline_s": _fmt(one_build), "ratio": f"{ratio:.2f}x", "goal": "<= 2x",
            "met": "yes" if ratio <= 2 else "NO", "samples": samples}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, required=True)
    parser.add_argument("--out", type=Path, required=True, help="the build's output folder (its cache: OUT/.cache)")
    parser.add_argument("--cli", default="laborgraph", help="the laborgraph command (a path, or a name on PATH)")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--build", action="store_true",
                        help="time `build --watch` (save to outputs written) instead of `check --watch`")
    args = parser.parse_args()
    n = len(list((args.data / "articles").glob("*.yaml")))
    cli = args.cli.split()  # a path, a name, or a command with its arguments
    if args.build:
        print(json.dumps(build_watch_samples(args.data, args.out, cli, args.repeat)))
    else:
        print(json.dumps(watch_row(args.data, args.out, n, args.cli, args.repeat)))


if __name__ == "__main__":
    main()
