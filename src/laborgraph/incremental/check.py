"""`laborgraph check FILE`: one article against the build cache, in a fraction of a second.

A full ``refresh`` costs seconds on a corpus of hundreds of articles even when one file
changed: it parses the registry, the ontology and the shapes, and checks every cached
entry's files. Checking the article being edited needs none of that when the cache
already describes every other article: its store manifest names each graph's key, and
those keys are recomputed from file signatures alone (``Cache.key``). So this path

1. reads the parsed registry, ontology subset and compiled shapes from one pickle in the
   cache folder, keyed by the shared inputs' fingerprint (written atomically, with its
   SHA-256 checked before it is trusted; a stale or damaged one is rebuilt);
2. maps, builds and validates the one article exactly as a build's worker does
   (``workers._build_batch``), stores it as a cache entry, and swaps its graph in the
   corpus store;
3. re-evaluates the corpus rules only for the nodes that graph touches (``corpus.affected``)
   and records the corpus findings, as a build would.

Whenever the cache does not describe the rest of the corpus (no build yet, another article
or the registry changed, a ``--reference`` build), it falls back to ``refresh``: slower,
never different. The cache is a trusted local folder, like ``.venv``: the pickle is only
read from it after its checksum matches.

A checker that stays up (``watch``, `laborgraph check --watch`) passes a ``Kept``: the
parsed shared inputs stay in memory, and since the file watcher names the mappings that
changed, only those get a new key; every other article keeps the key the last check
computed (a key is a function of the files and the shared inputs alone).
"""

from __future__ import annotations

import gc
import hashlib
import os
import pickle
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import Graph

from .. import shaclfast
from ..authoring.check import mapping_file
from ..build import registry_graph
from ..checks import default_checks_dir
from ..export import ntriples, write_atomic_bytes
from ..load import ARTICLES_DIR, REGISTRY_FILE, article_names, load_corpus
from ..model import Registry
from ..ontology import Terms, default_ontology_dir, load_terms, ontology_graph, use_parsed_ontology
from ..validate import Finding, Report, default_shapes_dir, shapes_graph
from ..vocab import ONTOLOGY_GRAPH, REGISTRY_GRAPH, article_graph_iri
from .cache import Cache, Entry, article_key, content_digest, inputs_fingerprint
from .corpus import affected, merge, ontology_subset, run_checks, run_constraints
from .index import NAME
from .lock import locked
from .lookalike import check_warnings
from .workers import WORKER_INPUTS, _build_batch

SHARED = "check-shared.pickle"


@dataclass(frozen=True)
class Shared:
    """What every article's validation needs, parsed once per change of the shared inputs."""

    inputs: str
    registry: Registry
    terms: Terms
    reg_graph: Graph
    ontology: Graph  # the whole ontology (the JSON-LD context is made from it)
    onto: Graph  # the subset of the ontology validation reads (corpus.ontology_subset)
    shared_nt: bytes  # registry and ontology subset as N-Triples (a worker's validation store)
    shapes: shaclfast.CompiledShapes
    corpus_shapes: Graph


@dataclass(frozen=True)
class Checked:
    """The findings a full refresh gives, as far as one article is concerned.

    ``report`` holds that article's own findings and the corpus-wide findings located in it
    (a full refresh's report, when ``fast`` is False); other findings may be missing.
    """

    report: Report
    fast: bool  # False: the cache did not describe the rest of the corpus, so a full refresh ran
    warnings: list[str]  # the mapping's look-alike entities (``authoring.entities.duplicate_warnings``)


@dataclass
class Kept:
    """What a checker that stays up keeps from one check to the next of one data folder (``watch``).

    The caller adds to ``changed`` the name (in ``articles/``) of every mapping whose files
    may have changed since the last check, and sets ``keys`` to None when it cannot say
    which did. Every other article keeps its key in ``keys``: a key depends on the files and
    the shared inputs alone, and the shared inputs' fingerprint is computed anew each check.
    When the cache's index files are not as the last check left them (``stamp``: a build
    ran in between), every key is computed again once, from the files: cheap insurance
    against a change the watcher did not report.
    """

    shared: Shared | None = None
    keys: dict[str, str] | None = None  # graph IRI -> key, for ``inputs``, as of the last check
    inputs: str = ""
    stamp: tuple[tuple[int, int, int] | None, ...] | None = None
    changed: set[str] = field(default_factory=set)
    names: list[str] | None = None  # the mappings' names in ``articles/`` at the last check
    rescanned: bool = True  # the last check computed every article's key from its files


def check_article(mapping: Path, data_dir: Path, *, cache_dir: Path, kept: Kept | None = None) -> Checked:
    """The findings of ``mapping`` (and every corpus finding) as ``refresh(data_dir).report`` would give them.

    ``kept``: what a previous check kept (see ``Kept``); the answer is the same without it.
    """
    from .job import refresh

    with locked(cache_dir):
        if kept is not None and kept.stamp != index_stamp(cache_dir):
            kept.keys = None  # another command wrote to the cache
        changed = set(kept.changed) if kept is not None and kept.keys is not None else None
        report = _fast(mapping, data_dir, cache_dir, kept)
        fast = report is not None
        if report is None:
            if kept is not None:
                kept.keys, kept.rescanned = None, True
            report = refresh(data_dir, cache_dir=cache_dir).report
        if kept is None or kept.rescanned:
            changed = None  # the look-alike tables too are brought up to date from every file's signature
        checked = Checked(report, fast, check_warnings(mapping, data_dir, cache_dir, changed))
        if kept is not None:
            kept.stamp = index_stamp(cache_dir)  # every connection to the index is closed by now
        return checked


def index_stamp(cache_dir: Path) -> tuple[tuple[int, int, int] | None, ...]:
    """The cache index's files' size, mtime and inode: a write by another command changes one of them."""
    out: list[tuple[int, int, int] | None] = []
    for suffix in ("", "-wal"):
        try:
            st = os.stat(cache_dir / f"{NAME}{suffix}")
        except OSError:
            out.append(None)
        else:
            out.append((st.st_size, st.st_mtime_ns, st.st_ino))
    return tuple(out)


def _fast(mapping: Path, data_dir: Path, cache_dir: Path, kept: Kept | None = None) -> Report | None:
    """The one-article path, or None when only a full refresh can answer exactly."""
    names = _names(data_dir, kept)
    mine = data_dir / ARTICLES_DIR / mapping.name
    if mapping.name not in names or mine.resolve() != mapping.resolve() or not (cache_dir / "store").is_dir():
        return None
    cache = Cache(cache_dir, whole_rows=False)
    try:
        return _recorded(cache, mine, names, data_dir, cache_dir, kept)
    finally:
        cache.close()


def _names(data_dir: Path, kept: Kept | None) -> list[str]:
    """``article_names``; with ``kept`` keys, the last check's names with the changed ones added or dropped
    (listing 10,000 names costs 0.05 s)."""
    if kept is None or kept.keys is None or kept.names is None:
        names = article_names(data_dir)
    else:
        folder, now = os.path.join(data_dir, ARTICLES_DIR), set(kept.names)
        for n in kept.changed:
            if n.endswith(".yaml") and not n.startswith(".") and os.path.lexists(os.path.join(folder, n)):
                now.add(n)
            else:
                now.discard(n)
        names = sorted(now)
    if kept is not None:
        kept.names = names
    return names


def _recorded(cache: Cache, mine: Path, names: list[str], data_dir: Path, cache_dir: Path,
              kept: Kept | None = None) -> Report | None:
    """The fast path on the cache's index, when its manifest and corpus findings describe the store."""
    index = cache.index
    inputs = inputs_fingerprint(data_dir / REGISTRY_FILE, default_ontology_dir(), default_shapes_dir(),
                                default_checks_dir())
    if not cache.describes_store(inputs):
        return None
    held = index.held
    wanted = _wanted(cache, names, data_dir, inputs, kept)
    name = str(article_graph_iri(mine.stem))
    if {n for n in set(held) | set(wanted) if held.get(n) != wanted.get(n)} - {name}:
        return None  # something besides this article changed since the last build
    file = mapping_file(mine, data_dir)  # the file its findings name
    recorded = index.findings_in(file)  # before the store changes: the rows of the last build
    if recorded is None:
        return None
    if held.get(name) == wanted[name]:
        entry = cache.get(mine.stem, wanted[name])
        if entry is not None:
            return Report(entry.findings + recorded)
    return _rebuild_one(cache, mine, wanted, inputs, _shared(cache_dir, data_dir, inputs, kept), (file, recorded))


def _wanted(cache: Cache, names: list[str], data_dir: Path, inputs: str, kept: Kept | None) -> dict[str, str]:
    """Every graph's key as the files give it; with ``kept`` keys, computed only for the mappings it names."""
    prior = kept.keys if kept is not None and kept.inputs == inputs else None
    if prior is None:
        wanted = cache.graph_keys(data_dir, names, inputs)
    else:
        assert kept is not None
        graph, folder = str(article_graph_iri("")), os.path.join(data_dir, ARTICLES_DIR)
        wanted = {}
        for n in names:
            iri = f"{graph}{n[:-5]}"
            known = None if n in kept.changed else prior.get(iri)  # a mapping added since: not known
            # a changed file is hashed: ``cache.key`` would first decode every index row to find that out
            wanted[iri] = known if known is not None else article_key(inputs, content_digest(Path(folder, n))[0])
        wanted[str(REGISTRY_GRAPH)] = wanted[str(ONTOLOGY_GRAPH)] = inputs[:32]
    if kept is not None:
        kept.keys, kept.inputs, kept.rescanned = wanted, inputs, prior is None
        kept.changed.clear()
    return wanted


def _rebuild_one(cache: Cache, path: Path, wanted: dict[str, str], inputs: str, shared: Shared,
                 located: tuple[str, list[Finding]]) -> Report | None:
    """Build, validate and store one article; update the corpus store and its findings for what it touches.

    ``located`` is the article's file as findings name it and the recorded corpus findings there.
    """
    WORKER_INPUTS.update(registry=shared.registry, terms=shared.terms, data_dir=path.parent.parent,
                         reg_graph=shared.reg_graph, onto=shared.onto, shared_nt=shared.shared_nt,
                         shapes=shared.shapes, reference=False)
    try:
        built = _build_batch([(path, wanted[str(article_graph_iri(path.stem))])])[0]
    finally:
        WORKER_INPUTS.clear()
    entry = cache.put(Entry(built.slug, built.key, built.graph, built.findings, built.stats, chunks=built.chunks))
    graphs = [(n, k, entry.chunk_path("nt") if n == built.graph else "") for n, k in sorted(wanted.items())]
    state = None
    try:
        state = cache.store(graphs, inputs, read_findings=False)
        file, recorded = located
        if state.touched is None or not state.recorded:
            return None  # the store could not be updated incrementally: a full refresh decides
        focus = affected(state.store, state.touched)
        fresh = run_constraints(state.store, shared.corpus_shapes, focus) + run_checks(state.store, focus)
        corpus = merge([f for f in recorded if f.focus not in focus], [f for f in fresh if f.file == file])
        cache.save_findings(state, None, (focus, fresh))
    except RuntimeError:  # a damaged store: the full refresh rebuilds it
        failed = True
    else:
        failed = False
    finally:
        del state  # the last reference: the on-disk store closes now
    if failed:
        gc.collect()  # the exception's traceback held the store too; a full collection (0.2 s) only then
        return None
    return Report(entry.findings + corpus)


def _shared(cache_dir: Path, data_dir: Path, inputs: str, kept: Kept | None = None) -> Shared:
    """The parsed shared inputs: those ``kept`` holds, else the cache's pickle, else parsed now and pickled.

    A process that stays up (`check --watch`) drops what it cached of the ontology and shapes when
    their fingerprint changes (``held.forget_stale_inputs``), so neither it nor the pickle keeps old ones.
    """
    from .held import forget_stale_inputs  # here: check's module is imported on the query path, held's not

    forget_stale_inputs(inputs)
    if kept is not None and kept.shared is not None and kept.shared.inputs == inputs:
        use_parsed_ontology(kept.shared.ontology)
        return kept.shared
    shared = _stored_shared(cache_dir, data_dir, inputs)
    if kept is not None:
        kept.shared = shared
    return shared


def _stored_shared(cache_dir: Path, data_dir: Path, inputs: str) -> Shared:
    """The parsed shared inputs from the cache's pickle, or parsed now and pickled for next time."""
    path = cache_dir / SHARED
    try:
        blob = path.read_bytes()
        digest, payload = blob[:64], blob[64:]
        if hashlib.sha256(payload).hexdigest().encode() == digest:
            found = pickle.loads(payload)  # our own file, its checksum verified
            if isinstance(found, Shared) and found.inputs == inputs:
                use_parsed_ontology(found.ontology)
                return found
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError, TypeError, ValueError):
        pass
    shared = _parse_shared(data_dir, inputs)
    payload = pickle.dumps(shared, protocol=pickle.HIGHEST_PROTOCOL)
    write_atomic_bytes(path, hashlib.sha256(payload).hexdigest().encode() + payload)
    return shared


def _parse_shared(data_dir: Path, inputs: str) -> Shared:
    terms = load_terms()
    registry = load_corpus(data_dir, terms, registry_only=True).registry
    reg_graph = registry_graph(registry)
    onto = ontology_subset(ontology_graph())
    shared_nt = (ntriples(reg_graph) + ntriples(onto)).encode()
    return Shared(inputs, registry, terms, reg_graph, ontology_graph(), onto, shared_nt, shaclfast.compiled(),
                  shapes_graph(corpus=True))


__all__ = ["Checked", "Kept", "check_article", "index_stamp"]
