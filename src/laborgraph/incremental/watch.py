"""`laborgraph check --watch`: re-check an article each time its mapping or text file is saved.

`laborgraph check FILE` spends most of a second at 10,000 articles on what does not change
between two saves: importing rdflib, loading the parsed shared inputs, and computing every
article's key to confirm no other article changed (20,000 file signatures, and 10,000 more
for the look-alike tables). A process that stays up keeps the parsed inputs (``check.Kept``),
and the operating system's file events (``watchfiles``: inotify on Linux) name the files
that changed, so only those are read again.

Each check is ``check_article`` with what was kept: the same answer, and the same fallback
to a full refresh when the cache does not describe the rest of the corpus (a registry edit,
another article changed, no build yet). The cache's lock is taken per check, never while
waiting, so `laborgraph build` can run in between; a build in between is noticed by
``check_article`` (the cache index's files changed) and every key is computed again once.

A change to a mapping (``articles/*.yaml``) names its article. A change to any other file
in ``articles/`` names the mappings whose ``article: text:`` is that file (``TextReaders``:
every mapping's text name, read once on the first such change, 0.4 s at 10,000, then kept
up to date from the mappings' own changes); a file no mapping reads (an editor's swap or
backup file) concerns nothing. A registry change, or one to ``articles/`` itself (every
key is computed again then), re-checks the articles in view (the named FILEs, or the
ones checked last). Files elsewhere in the data folder are not read by a build and are
ignored. No change is filtered out by name before this (``watch_filter=None``): a text
file may be called anything.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from ..errors import LaborgraphError
from ..load import ARTICLES_DIR, REGISTRY_FILE, article_names
from ..load.mapping import mapping_text_name
from .check import Checked, Kept, check_article

# a batch of changes is reported once no new change came for one step (watchfiles' default): an editor's save
# takes a millisecond, but a busy machine may pause it between truncating and writing; 50-100 ms of latency
STEP_MS = 50
TIMEOUT_MS = 200  # how often the watch loop looks up from waiting (``ready``, the stop event)


class Event(Protocol):
    """What stops the watch: ``threading.Event`` or anything with ``is_set``."""

    def is_set(self) -> bool: ...


class Ready(Protocol):
    """Told once the watcher is watching: a change from then on is seen (``threading.Event``)."""

    def set(self) -> None: ...


@dataclass(frozen=True)
class Rechecked:
    """One article checked after a change: ``check_article``'s answer (or the bad input it refused), and its cost."""

    mapping: Path
    checked: Checked | None  # None: ``error`` says why
    error: str  # the bad input (``LaborgraphError``) that `laborgraph check FILE` would exit 2 with, or ""
    seconds: float  # wall time of the check
    cpu: float  # this process's CPU time in the check
    rescanned: bool  # every article's key was computed from its files (first check, build in between ...)


@dataclass(frozen=True)
class Batch:
    """One batch of file changes, sorted out."""

    mappings: set[str]  # names in articles/ of the mappings that changed (perhaps deleted)
    texts: set[str]  # names in articles/ of the other files that changed (text files, or nothing read)
    rescan: bool  # the articles folder itself changed: every key is computed again
    others: bool  # a change that concerns every article (the registry, the articles folder itself)


def sort_changes(paths: Iterable[str], data_dir: Path, cache_dir: Path) -> Batch:
    """Which files in ``articles/`` the changed ``paths`` are, and whether some change concerns every article.

    >>> b = sort_changes(["/d/articles/a.yaml", "/d/articles/b.txt", "/d/README.md"], Path("/d"), Path("/c"))
    >>> sorted(b.mappings), sorted(b.texts), b.rescan, b.others
    (['a.yaml'], ['b.txt'], False, False)
    """
    data, cache = Path(data_dir).absolute(), Path(cache_dir).absolute()
    articles, registry = data / ARTICLES_DIR, data / REGISTRY_FILE
    mappings: set[str] = set()
    texts: set[str] = set()
    rescan = others = False
    for raw in paths:
        path = Path(raw)
        if path == cache or cache in path.parents:
            continue  # the cache's own writes
        if path.parent == articles:
            (mappings if path.suffix == ".yaml" and not path.name.startswith(".") else texts).add(path.name)
        elif path in (registry, articles, data):
            rescan = rescan or path != registry
            others = True
    return Batch(mappings, texts, rescan, others)


class TextReaders:
    """The mappings that read each text file in ``articles/``, by the mappings' ``article: text:``.

    Read from every mapping on first need (``readers``), then kept up to date by ``changed``,
    called with every mapping the watcher saw change: a mapping is the only place the name is.
    """

    def __init__(self, articles: Path) -> None:
        self.articles = articles
        self._of: dict[str, set[str]] | None = None  # mapping -> the names its text file goes by

    def _names(self, mapping: str) -> set[str]:
        """The text's name as written and, when that is a symbolic link, the name of the file it points to."""
        try:
            name = mapping_text_name((self.articles / mapping).read_bytes())
        except OSError:
            return set()
        if not name:
            return set()
        real = os.path.realpath(self.articles / name)
        return {name, os.path.basename(real)} if os.path.dirname(real) == str(self.articles) else {name}

    def changed(self, mappings: Iterable[str]) -> None:
        if self._of is not None:
            for m in mappings:
                self._of[m] = self._names(m)

    def readers(self, text: str) -> set[str]:
        if self._of is None:
            self._of = {m: self._names(m) for m in article_names(self.articles.parent)}
        return {m for m, names in self._of.items() if text in names}


def watched(data: Path, stop_event: Event | None, ready: Ready | None) -> Iterator[list[str] | None]:
    """The paths changed under ``data``, a batch at a time, once ``ready`` is told changes are watched;
    first None, when the watch has started (what a watcher does at its start follows it, so no save is
    missed while it runs). Ends when ``stop_event`` is set (looked at every ``TIMEOUT_MS``)."""
    import watchfiles  # here: a command that does not watch does not pay for it

    started = False
    for changes in watchfiles.watch(data, watch_filter=None, stop_event=stop_event, yield_on_timeout=True,
                                    rust_timeout=TIMEOUT_MS, step=STEP_MS, raise_interrupt=True):
        if ready is not None:
            ready.set()
        if not started:
            started = True
            yield None
        if changes:
            yield [p for _, p in changes]


def watch_checks(data_dir: Path, *, cache_dir: Path, files: Iterable[Path] = (), stop_event: Event | None = None,
                 ready: Ready | None = None) -> Iterator[Rechecked]:
    """Check the changed articles after each batch of changes under ``data_dir``.

    Given ``files``, only those are checked: once when the watch starts, then whenever one of
    them (its mapping or text) changes. Runs until ``stop_event`` is set (checked every
    ``TIMEOUT_MS``) or the generator is closed; ``ready`` is told once changes are being
    watched. The first check computes every key.
    """
    data, named = _absolute(data_dir), [_absolute(f) for f in files]
    cache = _absolute(cache_dir)
    articles = data / ARTICLES_DIR
    kept, view, texts = Kept(), list(named), TextReaders(articles)
    for changes in watched(data, stop_event, ready):
        if changes is None:
            for mapping in named:  # the state they are in when the watch starts
                yield _timed(mapping, data, cache, kept)
            continue
        batch = sort_changes(changes, data, cache)
        texts.changed(batch.mappings)
        found = set().union(*(texts.readers(t) for t in batch.texts))
        texts.changed(found - batch.mappings)  # a text that is a link may point elsewhere now: its target read again
        mappings = batch.mappings | found
        kept.changed |= mappings
        if batch.rescan:
            kept.keys = None
        touched = [articles / n for n in sorted(mappings) if (articles / n).is_file()]
        if named:
            targets = named if batch.others else [m for m in named if m.parent == articles and m.name in mappings]
        else:
            targets = touched or ([m for m in view if m.is_file()] if batch.others else [])
            view = targets or view
        for mapping in targets:
            yield _timed(mapping, data, cache, kept)


def _absolute(path: Path) -> Path:
    """The path made absolute as watchfiles reports paths (symlinks resolved, as inotify sees them)."""
    return Path(path).resolve()


def _timed(mapping: Path, data_dir: Path, cache_dir: Path, kept: Kept) -> Rechecked:
    wall, cpu = time.perf_counter(), time.process_time()
    checked, error = None, ""
    try:
        checked = check_article(mapping, data_dir, cache_dir=cache_dir, kept=kept)
    except LaborgraphError as exc:  # a mapping being typed is often invalid for a while: the watch goes on
        error, kept.keys = str(exc), None  # the check stopped half-way: every key is computed again next time
    return Rechecked(mapping, checked, error, time.perf_counter() - wall, time.process_time() - cpu, kept.rescanned)


__all__ = ["Batch", "Rechecked", "sort_changes", "watch_checks", "watched"]
