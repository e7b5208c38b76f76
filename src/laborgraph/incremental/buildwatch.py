"""`laborgraph build --watch`: rebuild the outputs each time a mapping or text file is saved.

An edit's `laborgraph build` at 10,000 articles spends more than its own article's work on
learning what changed: every article's key (``held``), the registry parsed again, the split
layout's index read again. A build process that stays up is told by the operating system
which files changed (``watchfiles``: inotify on Linux) and keeps the rest in memory
(``held.Held``), so a rebuild maps, validates and writes what changed, and the corpus rules
are evaluated where the change reaches, as any incremental build does. The outputs are
those a fresh `laborgraph build` of the same data writes, byte for byte, written the same way
(``layout.commit``); a rebuild with SHACL violations writes nothing, as build does.

Files are sorted out as `check --watch` does (``watch.sort_changes``, ``watch.TextReaders``):
a mapping names its article; another file in ``articles/`` names the mappings that read it
(an editor's swap file names none, and no rebuild follows); a registry change rebuilds, and
the shared inputs' new fingerprint makes every key be computed again (as does a change to
the ontology or the shapes, which a rebuild also notices). The caches' lock is taken per
rebuild, never while waiting: a `laborgraph build` or `check` in between is noticed (the
cache's index files or the outputs' index changed) and the next rebuild computes every
key once. Bad input is reported and the watch goes on.
"""

from __future__ import annotations

import gc
import os
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from ..errors import LaborgraphError, NotConforming
from ..formats import Layout
from ..load import ARTICLES_DIR
from .check import index_stamp
from .held import Held
from .job import BuildResult, build
from .layout import SPLIT_DIR
from .lock import locked
from .watch import Event, Ready, TextReaders, sort_changes, watched


@dataclass(frozen=True)
class Rebuilt:
    """One rebuild after a change (or the first, when the watch starts): what build returned, or why not."""

    result: BuildResult | None  # None: ``error`` says why (nothing was written)
    error: str  # the bad input or the SHACL violations `laborgraph build` would exit 2 or 1 with, or ""
    violations: int  # SHACL violations that kept the outputs as they were (``error`` says so too)
    changed: tuple[str, ...]  # the mappings (names in ``articles/``) the watcher named; () for the first
    seconds: float  # wall time of the rebuild
    cpu: float  # this process's CPU time in it
    rescanned: bool  # every article's key was computed from its files (first rebuild, build in between ...)


@dataclass(frozen=True)
class Options:
    """``job.build``'s options, for every rebuild."""

    jobs: int | None = None
    layout: Layout | str = Layout.AUTO
    allow_empty: bool = False
    reference: bool = False


def watch_builds(data_dir: Path, out_dir: Path, *, cache_dir: Path | None = None, options: Options | None = None,
                 stop_event: Event | None = None, ready: Ready | None = None) -> Iterator[Rebuilt]:
    """Build ``data_dir`` into ``out_dir`` once, then again after each batch of changes under ``data_dir``.

    ``options`` are ``job.build``'s. Runs until ``stop_event`` is set (checked every ``TIMEOUT_MS``)
    or the generator is closed; ``ready`` is told once changes are being watched (the first build
    follows, so no save is missed while it runs). What the process keeps is frozen for Python's cycle
    collector between rebuilds (``_settle``), until the watch ends: all the process's objects, a
    notebook's own included (they are still freed as usual when no longer referenced).
    """
    data, out = Path(data_dir).resolve(), Path(out_dir).resolve()
    cache = Path(cache_dir).resolve() if cache_dir is not None else out / ".cache"
    options = options or Options()
    held, texts = Held(), TextReaders(data / ARTICLES_DIR)
    try:
        for changes in watched(data, stop_event, ready):
            if changes is None:
                yield rebuild(data, out, cache, held, options, settle=True)
            else:
                yield from _changed(changes, data, out, cache, held, texts, options)
    finally:
        gc.unfreeze()


def _changed(paths: list[str], data: Path, out: Path, cache: Path, held: Held, texts: TextReaders,
             options: Options) -> Iterator[Rebuilt]:
    """The rebuild one batch of changes calls for, if any."""
    batch = sort_changes(paths, data, cache)
    texts.changed(batch.mappings)
    found = set().union(*(texts.readers(t) for t in batch.texts))
    texts.changed(found - batch.mappings)  # a text that is a link may point elsewhere now
    mappings = batch.mappings | found
    if not mappings and not batch.others:
        return  # a file no build reads (an editor's swap file, one outside articles/)
    held.changed |= mappings
    if batch.rescan:
        held.forget()
    yield rebuild(data, out, cache, held, options, settle=True)


def rebuild(data_dir: Path, out_dir: Path, cache_dir: Path, held: Held, options: Options = Options(), *,
            settle: bool = False) -> Rebuilt:
    """``job.build`` with what ``held`` kept, timed; bad input and violations are answered, not raised.

    The lock is held across the check that nothing else wrote the cache or the outputs since the last
    rebuild (``stamp``), the build, and the new stamp. ``settle``: ``_settle`` after it (a watch's).
    """
    wall, cpu = time.perf_counter(), time.process_time()
    changed = tuple(sorted(held.changed))
    result, error, violations = None, "", 0
    with locked(cache_dir, out_dir):
        if held.stamp != stamp(cache_dir, out_dir):
            held.forget()  # another command wrote to the cache or the outputs
        try:
            result = build(data_dir, out_dir, cache_dir=cache_dir, jobs=options.jobs, layout=options.layout,
                           allow_empty=options.allow_empty, reference=options.reference, held=held)
        except NotConforming as exc:  # the cache is up to date; the outputs are as they were
            error, violations = str(exc), exc.violations
        except LaborgraphError as exc:  # a mapping being typed is often invalid for a while: the watch goes on
            error = str(exc)
            held.forget()  # the rebuild stopped half-way: every key is computed again next time
        except BaseException:
            held.forget()
            raise
        held.stamp = stamp(cache_dir, out_dir)  # every connection to the index is closed by now
    if settle:
        _settle(full=held.rescanned or held.entries is None)
    return Rebuilt(result, error, violations, changed, time.perf_counter() - wall, time.process_time() - cpu,
                   held.rescanned or held.entries is None)


def _settle(full: bool) -> None:
    """Collect a rebuild's garbage, then freeze what lives on (``gc.freeze``).

    A process that keeps 10,000 entries has Python's cycle collector traverse them again and again
    as a rebuild allocates (0.05 s of an edit at 10,000 articles); frozen, they are left alone (their
    memory is still freed by reference counting). A collection then traverses only what was made
    since the last freeze. After a rebuild that computed every key, everything is unfrozen and
    collected first, so no garbage cycle stays frozen for long; the watch unfreezes when it ends.
    """
    if full:
        gc.unfreeze()
    gc.collect()
    gc.freeze()


def stamp(cache_dir: Path, out_dir: Path) -> tuple[object, ...]:
    """The cache's index files, the outputs' split index and their folder: a write by another command, or
    an output file deleted or added by hand, changes one of them (the next rebuild then checks every file)."""
    split: list[tuple[int, int, int] | None] = []
    for path in (out_dir / SPLIT_DIR / "index.json", out_dir / SPLIT_DIR):
        try:
            st = os.stat(path)
            split.append((st.st_size, st.st_mtime_ns, st.st_ino))
        except OSError:
            split.append(None)
    return (*index_stamp(cache_dir), *split)


__all__ = ["Options", "Rebuilt", "rebuild", "stamp", "watch_builds"]
