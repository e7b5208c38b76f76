"""The corpus rules and QC checks in full, one rule a task, across forked processes.

A full evaluation (a cold build, or a change reaching much of the corpus) runs
every corpus rule and QC check over the whole corpus. The rules are independent
of each other, and pyoxigraph holds the GIL while it evaluates, so threads do not
help but processes do: at 10,000 synthetic articles the pass took 50 s of CPU
in one process, the two QC checks that read every reified statement 25 s of it.

Each process reads the corpus without copying it: an in-memory rules store built
before the fork is shared copy-on-write (the rules only read it); an on-disk store
is read through a RocksDB checkpoint (``Store.backup``: hard links, made in
milliseconds), which no compaction of the build's own store can change under
the readers.

Each rule runs in the form that reads the whole corpus fastest (``forms``): on the
on-disk checkpoint, sub-selects joined by hashing instead of a RocksDB lookup per row
(at 10,000 articles 68 -> 30 s of CPU for the pass, the same findings; peak PSS 550 -> 940 MB, so only
up to ``SCANS_UP_TO_BYTES`` of N-Triples).
"""

from __future__ import annotations

import os
import shutil
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_context
from pathlib import Path
from typing import Any

from ..checks import load_checks
from ..validate import Finding, shapes_graph
from .corpus import fits_in_memory, order, rules_store, run_checks, run_constraints, sparql_constraints
from .memory import release_memory
from .workers import start_worker

SCANS_UP_TO_BYTES = 1024 * 2**20  # N-Triples read by the scanning forms at most (about 13,000 synthetic articles)
PARALLEL_FROM = 200  # graphs: below this a pass takes well under a second, less than forking costs

# The longest tasks first, so that two processes finish together. CPU and peak RSS of each alone at 10,000
# synthetic articles on the on-disk checkpoint (in their ``forms``): SingleAnonymousSource 7.5 s / 265 MB,
# orphan-statement 6.9 s / 683 MB, fact-without-claim 5.8 s / 435 MB, hedgedSoleSupport 4.9 s / 365 MB and
# claim-quote 0.6 s / 120 MB: one process runs the first and the fourth, the other the second and the third
# (about 13 s of CPU each). Tasks not named here run last, in their own order.
LONGEST_FIRST = ("SingleAnonymousSource-uncorroborated", "orphan-statement-violation", "fact-without-claim-violation",
                 "Claim-hedgedSoleSupport", "claim-quote-violation")

_SHARED: dict[str, Any] = {}  # set before forking: the in-memory store or the checkpoint's folder, the shapes


def full_findings(paths: list[str], store: Any, scratch: Path, jobs: int) -> list[Finding]:
    """Every corpus finding of the graphs at ``paths`` (N-Triples files), also held by the on-disk ``store``.

    The graphs are loaded into memory when they fit (several times faster to query);
    otherwise ``store`` is read. With ``jobs`` > 1 and a corpus of ``PARALLEL_FROM``
    graphs or more, the rules are shared out one at a time among ``jobs`` processes;
    ``scratch`` is an empty folder's path for the on-disk store's checkpoint.
    """
    shapes = shapes_graph(corpus=True)
    memory = rules_store(paths) if fits_in_memory(paths) else None
    scans = memory is None and _scans_fit(paths)
    if jobs < 2 or len(paths) < PARALLEL_FROM:
        source = memory if memory is not None else store
        return order(run_constraints(source, shapes, on_disk=scans) + run_checks(source, on_disk=scans))
    tasks = _longest_first(shapes)
    if memory is None:
        shutil.rmtree(scratch, ignore_errors=True)
        scratch.parent.mkdir(parents=True, exist_ok=True)
        store.backup(str(scratch))
    _SHARED.update(memory=memory, checkpoint=scratch, shapes=shapes, scans=scans)
    try:
        with ProcessPoolExecutor(max_workers=min(jobs, len(tasks)), mp_context=get_context("fork"),
                                 initializer=start_worker, initargs=(os.getpid(),)) as pool:
            parts = list(pool.map(_task, tasks))
    finally:
        _SHARED.clear()
        shutil.rmtree(scratch, ignore_errors=True)
    return order(f for part in parts for f in part)


def _scans_fit(paths: list[str]) -> bool:
    """Whether the rules' scanning forms (``forms``) may read a corpus of these graphs on disk.

    They hold rows in memory that lookups would not: at 10,000 synthetic articles (782 MB
    of N-Triples) the pass's peak PSS rose from about 550 to 940 MB for 67 -> 30 s of CPU,
    and it grows with the corpus. Above ``SCANS_UP_TO_BYTES`` the rules run as written.
    """
    return sum(os.stat(path).st_size for path in paths) <= SCANS_UP_TO_BYTES


def _longest_first(shapes: Any) -> list[tuple[str, int]]:
    """Every rule and check as a task, in ``LONGEST_FIRST``'s order."""
    named = [(c.iri.rsplit("#", 1)[-1], ("rule", i)) for i, c in enumerate(sparql_constraints(shapes))]
    named += [(c.name, ("check", i)) for i, c in enumerate(load_checks())]
    rank = {name: i for i, name in enumerate(LONGEST_FIRST)}
    return [task for _, task in sorted(named, key=lambda item: rank.get(item[0], len(rank)))]


def _task(task: tuple[str, int]) -> list[Finding]:
    """One rule or check, in a worker process, on the shared store or the checkpoint."""
    kind, index = task
    store = _SHARED["memory"]
    if store is None:  # opened once per process, never the parent's handle (RocksDB does not survive a fork)
        if "opened" not in _SHARED:
            import pyoxigraph

            _SHARED["opened"] = pyoxigraph.Store.read_only(str(_SHARED["checkpoint"]))
        store = _SHARED["opened"]
    try:
        if kind == "rule":
            return run_constraints(store, _SHARED["shapes"], only=[index], on_disk=_SHARED["scans"])
        return run_checks(store, only=[index], on_disk=_SHARED["scans"])
    finally:
        release_memory()
