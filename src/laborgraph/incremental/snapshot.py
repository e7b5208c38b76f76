"""The store `laborgraph query` and `serve` run on: an in-memory snapshot of the cache's graphs.

The cache is brought up to date first. A full ``refresh`` imports the whole build and
parses the registry and the ontology (about 0.25 s of CPU before it does anything), yet
when nothing changed since the last refresh it changes nothing. The cache's index says
when that is so, as `laborgraph check` reads it (``check._recorded``): the shared inputs
are those of the store manifest, every article's key (recomputed from file signatures,
``Cache.key``) is the one the corpus store holds, no article came or went, and the corpus
findings are recorded for exactly that state. Then the entries are read from the index
(each chunk's checksum checked, as ``refresh`` checks it) and loaded; in every other case,
or when an entry is damaged, the full refresh runs, so the snapshot is always what a
refresh gives.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any, TypeVar

from ..formats import QueryStore
from ..load.files import REGISTRY_FILE, article_names
from ..resources import checks_dir, ontology_dir, shapes_dir
from ..vocab import ARTICLE_GRAPH_BASE, ONTOLOGY_GRAPH_IRI, REGISTRY_GRAPH_IRI
from .cache import Cache, Entry, damaged_notice, inputs_fingerprint
from .lock import locked

T = TypeVar("T")
MEMORY_QUERY_TRIPLES = 10_000_000  # above this, `query` stays on disk: the snapshot would need several GB
SHARED = {REGISTRY_GRAPH_IRI: "_registry", ONTOLOGY_GRAPH_IRI: "_ontology"}


def with_query_store(data_dir: Path, fn: Callable[[Any], T], *, cache_dir: Path,
                     store: QueryStore | str = QueryStore.AUTO, jobs: int | None = None) -> T:
    """``fn(store)`` on the store ``laborgraph query`` uses, the cache brought up to date first.

    "memory" loads an in-memory snapshot from the cache's chunks (about 1.5 s of CPU
    per million triples here) and queries it several times faster than the on-disk
    RocksDB store; "disk" queries the cache's on-disk store, which needs no load and
    no memory for the whole graph; "auto" picks memory up to ``MEMORY_QUERY_TRIPLES``.
    """
    store = QueryStore(store)
    if store is QueryStore.DISK:
        return _on_disk(data_dir, fn, cache_dir, jobs)
    with locked(cache_dir):
        current = current_entries(data_dir, cache_dir)
        if current is not None:
            ordered, triples = current
        else:
            from .job import refresh  # the whole build: imported only when something changed

            checked = refresh(data_dir, cache_dir=cache_dir, jobs=jobs)
            ordered, triples = checked.ordered, checked.stats.triples + checked.stats.ontology_triples
        if store is QueryStore.AUTO and triples > MEMORY_QUERY_TRIPLES:
            return _on_disk(data_dir, fn, cache_dir, jobs)
        snapshot = load_snapshot(ordered)
    return fn(snapshot)


def _on_disk(data_dir: Path, fn: Callable[[Any], T], cache_dir: Path, jobs: int | None) -> T:
    from .job import with_corpus_store

    return with_corpus_store(data_dir, fn, cache_dir=cache_dir, jobs=jobs)


def memory_store(data_dir: Path, *, cache_dir: Path, jobs: int | None = None) -> Any:
    """An in-memory Oxigraph store of everything a build writes, loaded from the cache's chunks.

    What ``serve`` runs on: the cache is brought up to date first, so an edit costs the
    rebuild of that article, and no snapshot file is kept that an edit would have to rewrite.
    """
    with locked(cache_dir):
        current = current_entries(data_dir, cache_dir)
        if current is not None:
            return load_snapshot(current[0])
        from .job import refresh

        return load_snapshot(refresh(data_dir, cache_dir=cache_dir, jobs=jobs).ordered)


def current_entries(data_dir: Path, cache_dir: Path) -> tuple[list[tuple[str, Entry]], int] | None:
    """The entries a refresh would return (graph IRI, entry; in its order) and their triples, read from
    the index when it shows that nothing changed since the last refresh; None otherwise.

    The caller holds the cache's lock. A damaged entry is removed and reported as a refresh
    reports it; the refresh that follows rebuilds it.
    """
    if not (cache_dir / "store").is_dir():
        return None
    cache = Cache(cache_dir)
    try:
        # the folders refresh fingerprints (``default_*_dir`` are these); read without importing rdflib
        inputs = inputs_fingerprint(data_dir / REGISTRY_FILE, ontology_dir(), shapes_dir(), checks_dir())
        if not cache.describes_store(inputs):
            return None
        names = article_names(data_dir)
        wanted = cache.graph_keys(data_dir, names, inputs)
        if wanted != cache.index.held:
            return None
        graph = ARTICLE_GRAPH_BASE
        slugs = {**{f"{graph}{name[:-5]}": name[:-5] for name in names}, **SHARED}
        ordered = [(iri, cache.get(slugs[iri], key)) for iri, key in sorted(wanted.items())]
        if cache.damaged:
            damaged_notice(cache.damaged, cache_dir)
            return None
        entries = [(iri, entry) for iri, entry in ordered if entry is not None]
        if len(entries) != len(ordered):
            return None  # an entry's folder is gone: the refresh rebuilds it, the snapshot never lacks a graph
        cache.save_index([entry for _, entry in entries])  # signatures hashed again, as a refresh records them
        return entries, _triples(entries)
    finally:
        cache.close()


def _triples(entries: list[tuple[str, Entry]]) -> int:
    """Triples of the snapshot: the articles' counts, and the shared graphs' N-Triples lines (one per triple)."""
    total = 0
    for iri, entry in entries:
        if iri in SHARED:
            with open(entry.chunk_path("nt"), "rb") as fh:
                total += sum(block.count(b"\n") for block in iter(lambda: fh.read(1 << 20), b""))
        else:
            total += entry.stats.get("triples", 0)
    return total


def load_snapshot(ordered: Iterable[tuple[str, Entry]]) -> Any:
    """A pyoxigraph in-memory Store of the entries' graphs, each N-Triples chunk loaded into its graph.

    The chunks are parsed leniently (IRIs and language tags not validated again):
    ``refresh`` has just loaded each of them, strictly, into the corpus store (or did
    when its key last changed), and the cache checked that its bytes are still those.
    Measured at 1,000 synthetic articles (422,000 quads): about 0.65 s of CPU (0.85 s
    parsed strictly); the same when the chunks are rewritten as one N-Quads stream
    (``bulk_load`` is slower), and no faster from two threads loading halves: parsing
    and inserting into the store's indexes is the cost, not the number of calls.
    """
    import pyoxigraph

    store = pyoxigraph.Store()
    for name, entry in ordered:
        store.load(path=entry.chunk_path("nt"), format=pyoxigraph.RdfFormat.N_TRIPLES,
                   to_graph=pyoxigraph.NamedNode(name), lenient=True)
    return store
