"""The main job: load mappings, build, validate, write every export; incremental.

Each article's graph, in every output syntax, and its validation findings are
cached (``cache.py``); a build re-maps and re-validates only the articles whose
inputs changed, in batches across processes, then runs the corpus-wide rules
once on an Oxigraph store and streams the outputs from the per-graph chunks.
The same inputs give byte-identical files whether they came from the cache or not.

>>> import tempfile
>>> from pathlib import Path
>>> out = Path(tempfile.mkdtemp())
>>> result = build(Path("data"), out)
>>> sorted(p.name for p in result.written)[:2]
['laborgraph.jsonld', 'laborgraph.nt']
"""

from __future__ import annotations

import functools
import gc
import json
import os
import shutil
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from multiprocessing import get_context
from pathlib import Path
from typing import Any, TypeVar

from rdflib import Dataset, Graph, URIRef

from .build import article_graph, build_dataset, registry_graph
from .cache import Cache, Entry, StoreState, inputs_fingerprint
from .checks import default_checks_dir
from .errors import LaborgraphError
from .export import jsonld, jsonld_context, ntriples, temp_beside, write_atomic
from .load import REGISTRY_FILE, article_paths, load_article, load_corpus
from .model import Article, Corpus, Registry
from .ontology import default_ontology_dir, load_terms, ontology_graph
from .stats import Stats
from .validate import Finding, Report, default_shapes_dir, shapes_graph, validate_graph
from .vocab import ONTOLOGY_GRAPH, PREFIXES, REGISTRY_GRAPH, article_graph_iri

T = TypeVar("T")
BUILD_NAME = "laborgraph"
BATCH = 24  # articles validated per pySHACL call
SUFFIX = {"trig": ".trig", "ttl": ".ttl", "nt": ".nt", "jsonld": ".jsonld"}
LAYOUTS = ("auto", "combined", "split")
# "auto" splits once the combined N-Triples would pass 50 MB: files that size are slow to
# rewrite after every edit, clumsy to diff, and GitHub warns at 50 MB and refuses 100 MB.
SPLIT_ABOVE = 50 * 2**20


class NotConforming(Exception):
    """The built graph has SHACL violations, so nothing was written."""

    def __init__(self, report: Report) -> None:
        self.report = report
        n = report.counts["Violation"]
        super().__init__(f"{n} SHACL violation(s); nothing was written. Run `laborgraph validate` for "
                         "the list, with file, line and fix for each")


@dataclass(frozen=True)
class BuildResult:
    stats: Stats
    report: Report
    written: list[Path] = field(default_factory=list)
    layout: str = "combined"
    cache_hits: int = 0
    cache_misses: int = 0
    corpus_focus: int | None = None  # nodes the corpus rules were re-evaluated for; None: all of them


def load_and_build(data_dir: Path) -> tuple[Corpus, Dataset]:
    """Everything in memory at once (for export, query, network and the tests)."""
    corpus = load_corpus(data_dir)
    return corpus, build_dataset(corpus)


# ---------------------------------------------------------------- per-graph chunks

# Prefixes Turtle chunks abbreviate with: not lgid:, whose local names hold "/" and would
# need escapes (``lgid:a\/b``) that rdflib's parser does not undo.
_TURTLE_PREFIXES = {p: str(ns) for p, ns in PREFIXES.items() if p != "lgid"}


def graph_chunks(graph: Graph, name: str) -> dict[str, str]:
    """One named graph in each output syntax, ready to be concatenated.

    Turtle comes from pyoxigraph's writer fed the sorted N-Triples (about 20x
    rdflib's Turtle writer here), so subjects and predicates stay grouped and ordered.
    """
    import pyoxigraph

    nt = ntriples(graph)
    turtle = pyoxigraph.serialize(pyoxigraph.parse(nt.encode("utf-8"), format=pyoxigraph.RdfFormat.N_TRIPLES),
                                  format=pyoxigraph.RdfFormat.TURTLE, prefixes=_TURTLE_PREFIXES).decode("utf-8")
    # a blank line between subjects, four-space indents (pyoxigraph escapes newlines in strings)
    lines = [ln.replace("\t", "    ") for ln in turtle.splitlines() if ln and not ln.startswith("@prefix")]
    body = "".join(("\n" if i and not ln.startswith(" ") else "") + ln + "\n" for i, ln in enumerate(lines))
    nodes = json.loads(jsonld(graph))["@graph"]
    return {
        "trig": f"\n<{name}> {{\n{body}}}\n",
        "ttl": "\n" + body,
        "nt": nt,
        "jsonld": ",\n".join(json.dumps(n, indent=2, ensure_ascii=False, sort_keys=True) for n in nodes),
    }


def _article_stats(article: Article, triples: int) -> dict[str, int]:
    return {"claims": len(article.claims), "quotes": sum(len(c.quotes) for c in article.claims),
            "sources": len(article.sources), "entities": len(article.entities),
            "facts": sum(len(c.statements) for c in article.claims), "triples": triples}


# ---------------------------------------------------------------- changed articles

_SHARED: dict[str, Any] = {}  # inherited by forked build workers


@dataclass(frozen=True)
class Built:
    """One changed article, mapped, validated and serialized (what a worker sends back)."""

    slug: str
    key: str
    graph: str
    findings: list[Finding]
    stats: dict[str, int]
    chunks: dict[str, str]


def _build_batch(items: list[tuple[Path, str]]) -> list[Built]:
    """Map, validate (one pySHACL call for the batch) and serialize a batch of articles."""
    registry, terms, data_dir = _SHARED["registry"], _SHARED["terms"], _SHARED["data_dir"]
    articles = {path.stem: (key, load_article(path, registry, data_dir, terms)) for path, key in items}
    graphs = {slug: article_graph(article) for slug, (_, article) in articles.items()}
    found = _validate_batch(graphs)
    out = []
    for slug, (key, article) in articles.items():
        name = str(article_graph_iri(slug))
        out.append(Built(slug, key, name, found[slug], _article_stats(article, len(graphs[slug])),
                         graph_chunks(graphs[slug], name)))
    return out


def _validate_batch(graphs: dict[str, Graph]) -> dict[str, list[Finding]]:
    data = Graph()
    for part in [_SHARED["reg_graph"], _SHARED["onto"], *graphs.values()]:
        for triple in part:
            data.add(triple)
    findings = validate_graph(data, with_ontology=False).findings
    by_slug: dict[str, list[Finding]] = {s: [] for s in graphs}
    for f in findings:
        for s in graphs:
            if f"/article/{s}/" in f.focus or f.focus.endswith(f"/article/{s}") or f.file == f"articles/{s}.yaml":
                by_slug[s].append(f)
                break
    return by_slug


def _build_changed(items: list[tuple[Path, str]], jobs: int) -> Iterable[Built]:
    """Batches of changed articles across ``jobs`` forked processes, in order.

    The first input error (in article order) is raised as it would be in one process.
    """
    batches = [items[i:i + BATCH] for i in range(0, len(items), BATCH)]
    if jobs > 1 and len(batches) > 1:
        with ProcessPoolExecutor(max_workers=jobs, mp_context=get_context("fork")) as pool:
            for part in pool.map(_build_batch, batches):
                yield from part
    else:
        for batch in batches:
            yield from _build_batch(batch)


# ---------------------------------------------------------------- outputs

@functools.lru_cache(maxsize=1)
def _headers() -> dict[str, str]:
    """Each syntax's document header (cached: a split build writes 40,000 documents at 10,000 articles)."""
    prefixes = "".join(f"@prefix {p}: <{ns}> .\n" for p, ns in sorted(PREFIXES.items()))
    context = json.dumps(jsonld_context(), indent=2, ensure_ascii=False, sort_keys=True)
    return {"trig": prefixes, "ttl": prefixes, "nt": "",
            "jsonld": '{\n"@context": ' + context + ',\n"@graph": [\n'}


def _stream(fh: Any, name: str, entries: Iterable[Entry]) -> None:
    """One syntax's document: header, then the cached chunks as bytes (no decoding, no corpus in memory)."""
    fh.write(_headers()[name].encode("utf-8"))
    first = True
    for entry in entries:
        path = entry.chunk_path(name)
        if name == "jsonld":
            if os.stat(path).st_size == 0:
                continue
            if not first:
                fh.write(b",\n")
            first = False
        with open(path, "rb") as chunk:
            shutil.copyfileobj(chunk, fh, 1 << 20)
    if name == "jsonld":
        fh.write(b"\n]\n}\n")


def stream_document(fh: Any, syntax: str, entries: list[tuple[str, Entry]]) -> None:
    """One complete document in ``syntax`` (a key of ``SUFFIX``) into a binary stream."""
    _stream(fh, syntax, (e for _, e in entries))


def _document_temp(path: Path, syntax: str, entries: list[tuple[str, Entry]]) -> Path:
    return temp_beside(path, lambda fh: stream_document(fh, syntax, entries))


def write_document(path: Path, syntax: str, entries: list[tuple[str, Entry]]) -> Path:
    """One complete document in ``syntax`` (a key of ``SUFFIX``) at ``path``, written atomically."""
    os.replace(_document_temp(path, syntax, entries), path)
    return path


def _write_outputs(out_dir: Path, entries: list[tuple[str, Entry]]) -> list[Path]:
    """Stream each syntax's chunks into a temporary file, then rename them all into place."""
    targets = {name: out_dir / f"{BUILD_NAME}{ext}" for name, ext in SUFFIX.items()}
    temps: list[Path] = []
    try:
        for name, target in targets.items():
            temps.append(_document_temp(target, name, entries))
        for tmp, target in zip(temps, targets.values(), strict=True):
            os.replace(tmp, target)
        shutil.rmtree(out_dir / SPLIT_DIR, ignore_errors=True)  # never leave the other layout behind, stale
        return sorted(targets.values())
    finally:
        for tmp in temps:
            tmp.unlink(missing_ok=True)


SPLIT_DIR = "graphs"


def _write_split(out_dir: Path, entries: list[tuple[str, Entry]]) -> list[Path]:
    """One document per named graph and syntax in ``out_dir/graphs/``; only changed graphs are rewritten.

    ``graphs/index.json`` lists each graph's IRI, files and cache key; it is written
    last, so after an interruption the next build rewrites what it cannot vouch for.
    """
    folder = out_dir / SPLIT_DIR
    folder.mkdir(parents=True, exist_ok=True)
    index_path = folder / "index.json"
    try:
        known = json.loads(index_path.read_text(encoding="utf-8"))["graphs"]
    except (OSError, ValueError, KeyError, TypeError):
        known = {}
    present = set(os.listdir(folder))
    written, current = [], {}
    for name, entry in entries:
        files = {syntax: f"{entry.slug}{ext}" for syntax, ext in SUFFIX.items()}
        current[entry.slug] = {"graph": name, "key": entry.key, "files": files}
        if known.get(entry.slug) == current[entry.slug] and all(f in present for f in files.values()):
            continue
        index_path.unlink(missing_ok=True)
        for syntax, file in files.items():
            written.append(write_document(folder / file, syntax, [(name, entry)]))
    for slug in sorted(set(known) - set(current)):
        for file in known[slug].get("files", {}).values():
            (folder / file).unlink(missing_ok=True)
    if current != known or not index_path.is_file():
        write_atomic(index_path, json.dumps({"graphs": current}, sort_keys=True) + "\n")  # no indent: C encoder
    for ext in SUFFIX.values():  # never leave the other layout behind, stale
        (out_dir / f"{BUILD_NAME}{ext}").unlink(missing_ok=True)
    return written


def choose_layout(layout: str, entries: list[tuple[str, Entry]]) -> str:
    """``auto`` means combined files until their N-Triples would pass ``SPLIT_ABOVE`` bytes."""
    if layout != "auto":
        return layout
    size = 0
    for _, entry in entries:
        size += os.stat(entry.chunk_path("nt")).st_size
        if size > SPLIT_ABOVE:
            return "split"
    return "combined"


# ---------------------------------------------------------------- the job

def build(data_dir: Path, out_dir: Path, *, cache_dir: Path | None = None, jobs: int | None = None,
          layout: str = "auto") -> BuildResult:
    """Build the graph from the mappings in ``data_dir`` into ``out_dir`` in four syntaxes.

    ``layout`` "combined" writes ``laborgraph.{trig,ttl,jsonld,nt}``; "split" writes
    one file per named graph and syntax under ``graphs/`` and rewrites only the
    changed ones; "auto" (default) picks combined while the corpus is small (see
    ``SPLIT_ABOVE``). Input errors and SHACL violations leave earlier outputs
    untouched: nothing is renamed into place until every article has been built
    and the corpus checked.
    """
    if layout not in LAYOUTS:
        raise ValueError(f"layout must be one of {', '.join(LAYOUTS)}")
    checked = check(data_dir, cache_dir=cache_dir or out_dir / ".cache", jobs=jobs)
    if not checked.report.conforms:
        raise NotConforming(checked.report)
    chosen = choose_layout(layout, checked.ordered)
    write = _write_split if chosen == "split" else _write_outputs
    written = write(out_dir, checked.ordered)
    return BuildResult(checked.stats, checked.report, written, chosen, checked.hits, checked.misses,
                       checked.corpus_focus)


@dataclass
class Checked:
    """Everything a build knows before it writes: cached graphs, findings, counts."""

    ordered: list[tuple[str, Entry]]
    report: Report
    stats: Stats
    hits: int
    misses: int
    corpus_focus: int | None = None


def with_corpus_store(data_dir: Path, fn: Callable[[Any], T], *, cache_dir: Path, jobs: int | None = None) -> T:
    """``fn(store)`` on the cache's on-disk Oxigraph store, brought up to date with ``data_dir`` first.

    The store holds every graph a build writes (articles, registry, ontology), whether
    or not they conform. It is locked while ``fn`` runs and released after, also when
    ``fn`` fails with an input error (whose traceback would otherwise keep it open).
    """
    holder: list[Any] = []
    check(data_dir, cache_dir=cache_dir, jobs=jobs, keep_store=holder)
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


def memory_store(data_dir: Path, *, cache_dir: Path, jobs: int | None = None) -> Any:
    """An in-memory Oxigraph store of everything a build writes, loaded from the cache's chunks."""
    import pyoxigraph

    store = pyoxigraph.Store()
    for name, entry in check(data_dir, cache_dir=cache_dir, jobs=jobs).ordered:
        store.load(path=entry.chunk_path("nt"), format=pyoxigraph.RdfFormat.N_TRIPLES,
                   to_graph=pyoxigraph.NamedNode(name))
    return store


def graph_documents(entries: list[tuple[str, Entry]]) -> Iterator[tuple[str, bytes, int]]:
    """Each named graph as a standalone Turtle document: (graph IRI, Turtle, triple count)."""
    header = _headers()["ttl"].encode("utf-8")
    for name, entry in entries:
        body = Path(entry.chunk_path("ttl")).read_bytes()
        if body.strip():
            with open(entry.chunk_path("nt"), "rb") as nt:
                count = sum(1 for line in nt if line.strip())
            yield name, header + body, count


def check(data_dir: Path, *, cache_dir: Path, jobs: int | None = None, keep_store: list[Any] | None = None) -> Checked:
    """Map, build and validate every article (from the cache where nothing changed).

    ``keep_store``, when given, receives the corpus store instead of it being closed.
    """
    terms = load_terms()
    registry_path = data_dir / REGISTRY_FILE
    registry: Registry = load_corpus(data_dir, registry_only=True).registry
    reg_graph = registry_graph(registry)
    cache = Cache(cache_dir)
    inputs = inputs_fingerprint(registry_path, default_ontology_dir(), default_shapes_dir(), default_checks_dir())
    entries: dict[str, Entry] = {}
    misses: list[tuple[Path, str]] = []
    for path in article_paths(data_dir):
        slug, key = path.stem, cache.key(path, inputs)
        hit = cache.get(slug, key)
        if hit is not None:
            entries[slug] = hit
        else:
            misses.append((path, key))
    # Changed articles are mapped, validated and serialized in batches by worker
    # processes; each result goes to the cache as it arrives, so memory stays bounded.
    from .corpus import ontology_subset

    _SHARED.update(registry=registry, terms=terms, data_dir=data_dir, reg_graph=reg_graph,
                   onto=ontology_subset(ontology_graph()))
    try:
        for built in _build_changed(misses, jobs or os.cpu_count() or 1):
            entries[built.slug] = cache.put(Entry(built.slug, built.key, built.graph, built.findings, built.stats,
                                                  chunks=built.chunks))
    finally:
        _SHARED.clear()
    cache.prune(set(entries) | {"_registry", "_ontology"})

    onto = ontology_graph()
    shared = [_shared_entry(cache, "registry", str(REGISTRY_GRAPH), reg_graph, inputs),
              _shared_entry(cache, "ontology", str(ONTOLOGY_GRAPH), onto, inputs)]
    ordered = sorted([(e.graph, e) for e in entries.values()] + [(e.graph, e) for e in shared])
    cache.save_index([e for _, e in ordered])

    report = Report([f for e in entries.values() for f in e.findings] + shared[0].findings)
    graphs = [(name, e.key, e.chunk_path("nt")) for name, e in ordered]
    state = cache.store(graphs, inputs)
    try:
        corpus_findings, focus = _corpus_findings(state)
        cache.save_findings(state, corpus_findings)
        if keep_store is not None:
            keep_store.append(state.store)
    finally:
        del state  # release the on-disk store's lock now, not at some later collection
        gc.collect()
    report.findings += corpus_findings
    return Checked(ordered, report, _stats(entries.values(), registry, reg_graph, len(onto)),
                   len(entries) - len(misses), len(misses), focus)


def _corpus_findings(state: StoreState) -> tuple[list[Finding], int | None]:
    """The corpus-wide rules and QC checks: in full, or only where the changed graphs reach."""
    from .corpus import affected, merge, order, run_checks, run_constraints

    shapes = shapes_graph(corpus=True)
    if state.touched is None or state.findings is None:
        return order(run_constraints(state.store, shapes) + run_checks(state.store)), None
    focus = affected(state.store, state.touched)
    kept = [f for f in state.findings if f.focus not in focus]
    fresh = run_constraints(state.store, shapes, focus) + run_checks(state.store, focus)
    return merge(kept, fresh), len(focus)


def _shared_entry(cache: Cache, slug: str, name: str, graph: Graph, inputs: str) -> Entry:
    """The registry and ontology graphs, cached like articles under the shared inputs' key."""
    key = inputs[:32]
    hit = cache.get(f"_{slug}", key)
    if hit is not None:
        return hit
    findings = validate_graph(graph, default_file=REGISTRY_FILE).findings if slug == "registry" else []
    return cache.put(Entry(f"_{slug}", key, name, findings, {}, chunks=graph_chunks(graph, name)))


def _stats(entries: Iterable[Entry], registry: Registry, reg_graph: Graph, onto: int) -> Stats:
    rows = [e.stats for e in entries]
    total = {k: sum(r[k] for r in rows) for k in ("claims", "quotes", "sources", "entities", "facts", "triples")}
    return Stats(
        articles=len(rows), claims=total["claims"], quotes=total["quotes"], sources=total["sources"],
        registry_entities=len(registry.entities), article_entities=total["entities"],
        analyst_notes=len(registry.notes),
        stated_facts=total["facts"] + sum(len(n.statements) for n in registry.notes),
        triples=total["triples"] + len(reg_graph), ontology_triples=onto,
    )


__all__ = ["LAYOUTS", "BuildResult", "NotConforming", "URIRef", "build", "check", "choose_layout", "graph_chunks",
           "graph_documents", "load_and_build", "memory_store", "stream_document", "with_corpus_store",
           "write_document"]
