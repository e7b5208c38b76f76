"""The incremental build: bring the cache up to date, then write the outputs.

Each article's graph, in every output syntax, and its validation findings are
cached (``cache.py``); a build re-maps and re-validates only the articles whose
inputs changed (``workers.py``), runs the corpus-wide rules on an Oxigraph store
(``corpus.py``) and streams the outputs from the per-graph chunks (``layout.py``).
The same inputs give byte-identical files whether they came from the cache or not.

>>> import tempfile
>>> from pathlib import Path
>>> out = Path(tempfile.mkdtemp())
>>> result = build(Path("tests/fixtures/seed"), out)
>>> sorted(p.name for p in result.written)[:2]
['laborgraph.jsonld', 'laborgraph.nt']
"""

from __future__ import annotations

import gc
import hashlib
import operator
import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from rdflib import Graph

from .. import shaclfast
from ..build import registry_graph
from ..checks import default_checks_dir
from ..errors import LaborgraphError, NotConforming
from ..export.stats import Stats
from ..formats import Layout
from ..load import REGISTRY_FILE, article_names, load_corpus
from ..load.context import ARTICLES_DIR
from ..model import Registry
from ..ontology import default_ontology_dir, load_terms, ontology_graph
from ..validate import Finding, Report, default_shapes_dir, shapes_graph, validate_file, validate_graph
from ..vocab import ONTOLOGY_GRAPH, REGISTRY_GRAPH
from .cache import BulkFeed, Cache, Entry, StoreState, damaged_notice, inputs_fingerprint, notice
from .corpus import affected, ontology_subset, run_checks, run_constraints
from .fullpass import full_findings
from .held import Held, Parsed, find_all, find_changed, forget_stale_inputs
from .index import LazyReport
from .layout import SplitIndex, choose_layout, recover, write_combined, write_split
from .lock import locked
from .lookalike import cached_findings
from .workers import WORKER_INPUTS, build_changed, graph_chunks

T = TypeVar("T")


@dataclass(frozen=True)
class BuildResult:
    stats: Stats
    report: Report
    written: list[Path] = field(default_factory=list)
    layout: Layout = Layout.COMBINED
    cache_hits: int = 0
    cache_misses: int = 0
    corpus_focus: int | None = None  # nodes the corpus rules were re-evaluated for; None: all of them
    lookalikes: list[Finding] = field(default_factory=list)  # the look-alike entity warnings (in ``report`` too)


def build(data_dir: Path, out_dir: Path, *, cache_dir: Path | None = None, jobs: int | None = None,
          layout: Layout | str = Layout.AUTO, allow_empty: bool = False,
          progress: Callable[[int, int], None] | None = None,
          reference: bool = False, held: Held | None = None) -> BuildResult:
    """Build the graph from the mappings in ``data_dir`` into ``out_dir`` in four syntaxes.

    ``layout`` "combined" writes ``laborgraph.{trig,ttl,jsonld,nt}``; "split" writes
    one file per named graph and syntax under ``graphs/`` and rewrites only the
    changed ones; "auto" (default) picks combined while the corpus is small (see
    ``layout.SPLIT_ABOVE``). Input errors and SHACL violations leave earlier outputs
    untouched: nothing is renamed into place until every article has been built
    and the corpus checked, and then the whole set is replaced at once (see
    ``layout.commit``). A data folder without articles is refused unless
    ``allow_empty``: it would silently replace the outputs with an empty graph. ``reference``
    validates articles with pySHACL instead of the compiled shapes (same findings, several times slower).
    ``held``: what a build that stays up kept from its last build (``buildwatch``); the same outputs.
    """
    layout = Layout(layout)
    cache_dir = cache_dir or out_dir / ".cache"
    if not allow_empty and (data_dir / REGISTRY_FILE).is_file() and not _has_articles(data_dir):
        raise LaborgraphError(f"{data_dir / ARTICLES_DIR}: no article mappings (*.yaml); refusing to replace "
                              "the outputs with an empty graph (use --allow-empty to build one anyway)")
    with locked(cache_dir, out_dir):
        recover(out_dir, temps=held is None or held.split.known is None)
        checked = refresh(data_dir, cache_dir=cache_dir, jobs=jobs, progress=progress, reference=reference, held=held)
        lookalikes = cached_findings(data_dir, cache_dir, checked.signatures,
                                     only=checked.signatures if checked.partial else None)
        report = _with_lookalikes(checked.report, lookalikes)
        if not report.conforms:
            raise NotConforming(report.counts["Violation"])
        chosen = choose_layout(layout, checked.ordered)
        if chosen is Layout.SPLIT:
            written = write_split(out_dir, checked.ordered, None if held is None else held.split)
        else:
            written = write_combined(out_dir, checked.ordered)
            if held is not None:  # write_combined removed graphs/: nothing of it is as the held index says
                held.split = SplitIndex()
    return BuildResult(checked.stats, report, written, chosen, checked.hits, checked.misses,
                       checked.corpus_focus, lookalikes)


def _has_articles(data_dir: Path) -> bool:
    """``bool(article_names(data_dir))``, stopping at the first mapping (no list of 10,000 names to sort)."""
    try:
        with os.scandir(data_dir / ARTICLES_DIR) as found:
            return any(e.name.endswith(".yaml") and not e.name.startswith(".") for e in found)
    except OSError:
        return False


def _with_lookalikes(report: Report, lookalikes: list[Finding]) -> Report:
    """``report`` with the look-alike entity warnings (``lookalike.cached_findings``): what ``build`` and
    ``validate`` show."""
    if isinstance(report, LazyReport):
        return report.extended(lookalikes)
    return Report(report.findings + lookalikes, report.raw)


def validate_paths(paths: list[Path], cache_dir: Path = Path("build/.cache"), *, reference: bool = False,
                   progress: Callable[[int, int], None] | None = None) -> Report:
    """Validate mapping folders (incrementally, through the build cache) and RDF files.

    ``progress(done, total)`` is called as changed articles are validated (the CLI's counter).
    """
    report = Report()
    for path in paths:
        if path.is_dir():
            checked = refresh(path, cache_dir=cache_dir, reference=reference, progress=progress)
            part = _with_lookalikes(checked.report, cached_findings(path, cache_dir, checked.signatures))
        elif path.is_file():
            part = validate_file(path)
        else:
            raise LaborgraphError(f"{path}: no such file or folder")
        report.findings += part.findings
        report.raw += part.raw
    return report


@dataclass
class Checked:
    """Everything a build knows before it writes: cached graphs, findings, counts."""

    ordered: list[tuple[str, Entry]]
    report: Report
    stats: Stats
    hits: int
    misses: int
    corpus_focus: int | None = None
    signatures: dict[str, list[int] | None] | None = None  # each mapping file's size, mtime, inode as looked at
    partial: bool = False  # ``signatures`` covers only the mappings a file watcher named (``held.Held``)


def with_corpus_store(data_dir: Path, fn: Callable[[Any], T], *, cache_dir: Path, jobs: int | None = None) -> T:
    """``fn(store)`` on the cache's on-disk Oxigraph store, brought up to date with ``data_dir`` first.

    The store holds every graph a build writes (articles, registry, ontology), whether
    or not they conform. It is locked while ``fn`` runs and released after, also when
    ``fn`` fails with an input error (whose traceback would otherwise keep it open).
    """
    with locked(cache_dir):
        holder: list[Any] = []
        refresh(data_dir, cache_dir=cache_dir, jobs=jobs, keep_store=holder)
        failure: LaborgraphError | None = None
        try:
            return fn(holder[0])
        except LaborgraphError as exc:
            failure = exc.with_traceback(None)
            failure.__context__ = failure.__cause__ = None  # their tracebacks hold the store too
        finally:
            holder.clear()
            gc.collect()
        raise failure


def with_entries(data_dir: Path, fn: Callable[[list[tuple[str, Entry]]], T], *, cache_dir: Path,
                 jobs: int | None = None, progress: Callable[[int, int], None] | None = None) -> T:
    """``fn(entries)`` on the cache's entries (graph IRI, entry), with the cache locked until it returns.

    ``export`` and ``push`` stream the cached chunks: a concurrent build must not
    replace or prune an entry while it is being read.
    """
    with locked(cache_dir):
        return fn(refresh(data_dir, cache_dir=cache_dir, jobs=jobs, progress=progress).ordered)


FEED_FROM = 250  # changed articles from which a new store is loaded while they are built (``BulkFeed``)


def refresh(data_dir: Path, *, cache_dir: Path, jobs: int | None = None,
            keep_store: list[Any] | None = None, progress: Callable[[int, int], None] | None = None,
            reference: bool = False, held: Held | None = None) -> Checked:
    """Bring the cache up to date with ``data_dir``: map, build and validate what changed; write nothing.

    ``keep_store``, when given, receives the corpus store instead of it being closed; the
    caller then holds the cache's lock (``lock.locked``) for as long as the store is open.
    ``progress(done, total)`` is called as changed articles are built (the CLI's counter).
    ``reference`` validates with pySHACL; its findings are cached under their own keys,
    so a reference run re-validates every article rather than trusting the fast path's.
    ``held``: what a build that stays up kept (``held.Held``): only the mappings it names are keyed again.
    """
    with locked(cache_dir):
        return _refresh(data_dir, cache_dir, jobs, keep_store, progress, reference, held)


def _refresh(data_dir: Path, cache_dir: Path, jobs: int | None, keep_store: list[Any] | None,
             progress: Callable[[int, int], None] | None, reference: bool, held: Held | None = None) -> Checked:
    inputs = inputs_fingerprint(data_dir / REGISTRY_FILE, default_ontology_dir(), default_shapes_dir(),
                                default_checks_dir())
    keyed = hashlib.sha256(f"pyshacl {inputs}".encode()).hexdigest() if reference else inputs
    parsed = _parsed(data_dir, keyed, held)
    watched = held is not None and held.usable(keyed)
    cache = Cache(cache_dir, whole_rows=not watched, rows=not watched,
                  kept=held.tables if held is not None and watched else None)
    if held is not None and watched:
        found = find_changed(held, cache, data_dir, keyed)
        gone: set[str] | None = set(held.entries or ()) - set(found.entries)
    else:
        found, gone = find_all(cache, data_dir, article_names(data_dir), keyed), None
    entries, misses = found.entries, found.misses
    # Changed articles are mapped, validated and serialized in batches by worker
    # processes; each result goes to the cache as it arrives, so memory stays bounded.
    WORKER_INPUTS.update(registry=parsed.registry, terms=parsed.terms, data_dir=data_dir, reg_graph=parsed.reg_graph,
                         onto=parsed.onto, reference=reference)
    jobs = jobs or os.cpu_count() or 1
    with cache.bulk_feed(jobs > 1 and len(misses) > FEED_FROM, len(misses)) as feed:
        try:
            for done, built in enumerate(build_changed(misses, jobs), 1):
                entry = cache.put(Entry(built.slug, built.key, built.graph, built.findings, built.stats,
                                        chunks=built.chunks))
                entries[built.slug] = entry
                feed.add(entry.graph, entry.key, entry.chunk_path("nt"))
                if progress is not None:
                    progress(done, len(misses))
        finally:
            WORKER_INPUTS.clear()
        cache.prune(set(entries) | {"_registry", "_ontology"}, gone)

        onto = ontology_graph()
        shared = [_shared_entry(cache, "registry", str(REGISTRY_GRAPH), parsed.reg_graph, keyed, reference),
                  _shared_entry(cache, "ontology", str(ONTOLOGY_GRAPH), onto, keyed, reference)]
        ordered = sorted([(e.graph, e) for e in entries.values()] + [(e.graph, e) for e in shared])
        cache.save_index([e for _, e in ordered])

        head = [f for e in entries.values() for f in e.findings] + shared[0].findings
        graphs = [(name, e.key, e.chunk_path("nt")) for name, e in ordered]
        corpus_findings, focus = _checked_store(cache, graphs, inputs, keep_store, jobs, feed)
    if cache.damaged:
        damaged_notice(cache.damaged, cache_dir)
    report = (Report(head + corpus_findings) if corpus_findings is not None
              else LazyReport(head, cache.index.recorded()))
    cache.close()  # on an error, the connection closes when collected (SQLite has rolled back what it began)
    if held is not None:
        held.kept(entries, found.names, keyed, rescanned=gone is None)
        held.tables = cache.index.tables()
    return Checked(ordered, report, _stats(entries.values(), parsed.registry, parsed.reg_graph, len(onto)),
                   len(entries) - len(misses), len(misses), focus, found.signatures, found.partial)


def _parsed(data_dir: Path, keyed: str, held: Held | None) -> Parsed:
    """The registry, the terms and the graphs validation reads: parsed now, or as ``held`` keeps them."""
    if held is not None and held.parsed is not None and held.parsed.inputs == keyed:
        return held.parsed
    forget_stale_inputs(keyed)
    registry: Registry = load_corpus(data_dir, registry_only=True).registry
    parsed = Parsed(keyed, registry, load_terms(), registry_graph(registry), ontology_subset(ontology_graph()))
    if held is not None:
        held.parsed = parsed
    return parsed


def _checked_store(cache: Cache, graphs: list[tuple[str, str, str]], inputs: str, keep_store: list[Any] | None,
                   jobs: int, feed: BulkFeed) -> tuple[list[Finding] | None, int | None]:
    """Update the corpus store (taking over what ``feed`` loaded) and evaluate the corpus rules;
    a store found damaged on the way is rebuilt once. The corpus findings are None when they are
    what the index now records (an evaluation bound to what changed: ``index.Recorded`` reads them)."""
    for attempt in (1, 2):
        state, bare = None, False
        try:
            state = cache.store(graphs, inputs, fresh=attempt == 2, feed=feed, read_findings=False)
            corpus_findings, bound = _corpus_findings(state, [path for _, _, path in graphs],
                                                      cache.folder / "tmp" / "checkpoint", jobs)
            cache.save_findings(state, corpus_findings, bound)
            focus = None if bound is None else len(bound[0])
            if keep_store is not None:
                keep_store.append(state.store)
            # an edit's bound evaluation leaves ``state`` the store's only holder, as `check`'s does:
            # no full collection (0.07 s at 10,000 articles) is needed to close it
            bare = bound is not None
            return corpus_findings, focus
        except RuntimeError as exc:  # RocksDB "Corruption: ..." met while reading or writing
            if attempt == 2 or "corrupt" not in str(exc).lower():
                raise
            notice(f"the query store in {cache.folder} was damaged; rebuilt it (the cache is safe to delete)")
        finally:
            del state  # release the on-disk store's lock now, not at some later collection
            feed.close()
            if not bare:
                gc.collect()
    raise AssertionError("unreachable")


def _corpus_findings(state: StoreState, paths: list[str], scratch: Path,
                     jobs: int) -> tuple[list[Finding] | None, tuple[set[str], list[Finding]] | None]:
    """The corpus-wide rules and QC checks: in full (``fullpass``: on an in-memory copy when it fits,
    several times faster than the on-disk store, and across ``jobs`` processes), or only where the
    changed graphs reach: then the nodes re-evaluated and their fresh findings, and no list (the
    index's rows of the other nodes, kept, and the fresh ones are the findings, in ``merge``'s order)."""
    if state.touched is None or not state.recorded:
        return full_findings(paths, state.store, scratch, jobs), None
    shapes = shapes_graph(corpus=True)
    focus = affected(state.store, state.touched)
    fresh = run_constraints(state.store, shapes, focus) + run_checks(state.store, focus)
    return None, (focus, fresh)


def _shared_entry(cache: Cache, slug: str, name: str, graph: Graph, inputs: str, reference: bool) -> Entry:
    """The registry and ontology graphs, cached like articles under the shared inputs' key."""
    key = inputs[:32]
    hit = cache.get(f"_{slug}", key)
    if hit is not None:
        return hit
    check = validate_graph if reference else shaclfast.validate_graph
    findings = check(graph, default_file=REGISTRY_FILE).findings if slug == "registry" else []
    return cache.put(Entry(f"_{slug}", key, name, findings, {}, chunks=graph_chunks(graph, name)))


def _stats(entries: Iterable[Entry], registry: Registry, reg_graph: Graph, onto: int) -> Stats:
    rows = [e.stats for e in entries]
    keys = ("claims", "quotes", "sources", "entities", "facts", "triples")
    pick = operator.itemgetter(*keys)
    columns = zip(*map(pick, rows), strict=True) if rows else ((),) * len(keys)  # in C: 0.03 s less at 10,000
    total = dict(zip(keys, map(sum, columns), strict=True))
    return Stats(
        articles=len(rows), claims=total["claims"], quotes=total["quotes"], sources=total["sources"],
        registry_entities=len(registry.entities), article_entities=total["entities"],
        analyst_notes=len(registry.notes),
        stated_facts=total["facts"] + sum(len(n.statements) for n in registry.notes),
        triples=total["triples"] + len(reg_graph), ontology_triples=onto,
    )


