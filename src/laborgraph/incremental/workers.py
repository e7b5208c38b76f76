"""Changed articles, mapped, validated and serialized in batches across forked processes.

A worker does an article's whole job (load -> build -> validate -> serialize)
and sends back what the cache keeps: the graph in every output syntax, the
findings and the counts. Batches validate with one call each: the shapes compiled
to Oxigraph and Python (``shaclfast``) by default, pySHACL with ``reference``.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import signal
from collections.abc import Iterable, Mapping
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from multiprocessing import get_context
from pathlib import Path
from typing import Any

from rdflib import Graph

from .. import shaclfast
from ..build import article_triples
from ..export import jsonld_chunk, ntriples
from ..load import load_article
from ..model import Article
from ..triples import Triples
from ..validate import Finding, validate_graph
from ..vocab import PREFIXES, article_graph_iri, article_slug_of
from .lock import forget_inherited

BATCH = 24  # articles validated per call


# Prefixes Turtle chunks abbreviate with: not lgid:, whose local names hold "/" and would
# need escapes (``lgid:a\/b``) that rdflib's parser does not undo.
_TURTLE_PREFIXES = {p: str(ns) for p, ns in PREFIXES.items() if p != "lgid"}


def graph_chunks(graph: Graph | Triples, name: str) -> dict[str, str]:
    """One named graph in each output syntax, ready to be concatenated.

    Turtle comes from pyoxigraph's writer fed the sorted N-Triples (about 20x
    rdflib's Turtle writer here), so subjects and predicates stay grouped and ordered.
    """
    import pyoxigraph

    nt = ntriples(graph)
    triples = pyoxigraph.parse(nt.encode("utf-8"), format=pyoxigraph.RdfFormat.N_TRIPLES)
    written = pyoxigraph.serialize(triples, format=pyoxigraph.RdfFormat.TURTLE, prefixes=_TURTLE_PREFIXES)
    turtle = (written or b"").decode("utf-8")
    # a blank line between subjects, four-space indents (pyoxigraph escapes newlines in strings)
    lines = [ln.replace("\t", "    ") for ln in turtle.splitlines() if ln and not ln.startswith("@prefix")]
    body = "".join(("\n" if i and not ln.startswith(" ") else "") + ln + "\n" for i, ln in enumerate(lines))
    return {
        "trig": f"\n<{name}> {{\n{body}}}\n",
        "ttl": "\n" + body,
        "nt": nt,
        "jsonld": jsonld_chunk(graph, name),
    }


def _article_stats(article: Article, triples: int) -> dict[str, int]:
    return {"claims": len(article.claims), "quotes": sum(len(c.quotes) for c in article.claims),
            "sources": len(article.sources), "entities": len(article.entities),
            "facts": sum(len(c.statements) for c in article.claims), "triples": triples}



WORKER_INPUTS: dict[str, Any] = {}  # set before forking: what every worker shares (registry, terms ...)


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
    registry, terms, data_dir = WORKER_INPUTS["registry"], WORKER_INPUTS["terms"], WORKER_INPUTS["data_dir"]
    articles = {path.stem: (key, load_article(path, registry, data_dir, terms)) for path, key in items}
    graphs = {slug: article_triples(article) for slug, (_, article) in articles.items()}
    chunks = {slug: graph_chunks(graphs[slug], str(article_graph_iri(slug))) for slug in graphs}
    found = _validate_batch(graphs, [c["nt"] for c in chunks.values()])
    return [Built(slug, key, str(article_graph_iri(slug)), found[slug], _article_stats(article, len(graphs[slug])),
                  chunks[slug]) for slug, (key, article) in articles.items()]


def _findings(graphs: Mapping[str, Graph | Triples], docs: list[str]) -> list[Finding]:
    """Per-article findings of a batch: the compiled shapes, or pySHACL with ``reference``.

    ``docs``: the graphs' N-Triples, each parsed strictly already (``graph_chunks``).
    """
    parts = [WORKER_INPUTS["reg_graph"], WORKER_INPUTS["onto"], *graphs.values()]
    if WORKER_INPUTS.get("reference"):
        data = Graph()
        for part in parts:
            for triple in part:
                data.add(triple)
        return validate_graph(data, with_ontology=False).findings
    if "shared_nt" not in WORKER_INPUTS:  # once per process: registry and ontology as N-Triples
        WORKER_INPUTS["shared_nt"] = (ntriples(WORKER_INPUTS["reg_graph"]) + ntriples(WORKER_INPUTS["onto"])).encode()
    return shaclfast.validate(parts, shaclfast.store_of([WORKER_INPUTS["shared_nt"]], parsed=docs),
                              shapes=WORKER_INPUTS.get("shapes")).findings  # `check` passes them unpickled


def _validate_batch(graphs: Mapping[str, Graph | Triples], docs: list[str]) -> dict[str, list[Finding]]:
    findings = _findings(graphs, docs)
    by_slug: dict[str, list[Finding]] = {s: [] for s in graphs}
    for f in findings:
        slug = article_slug_of(f.focus)
        if slug not in by_slug:
            slug = next((s for s in graphs if f.file == f"articles/{s}.yaml"), None)
        if slug is not None:
            by_slug[slug].append(f)
    return by_slug


def build_changed(items: list[tuple[Path, str]], jobs: int) -> Iterable[Built]:
    """Batches of changed articles across ``jobs`` forked processes, in order.

    The first input error (in article order) is raised as it would be in one process.
    """
    batches = [items[i:i + BATCH] for i in range(0, len(items), BATCH)]
    if jobs > 1 and len(batches) > 1:
        with ProcessPoolExecutor(max_workers=jobs, mp_context=get_context("fork"), initializer=start_worker,
                                 initargs=(os.getpid(),)) as pool:
            for part in pool.map(_build_batch, batches):
                yield from part
    else:
        for batch in batches:
            yield from _build_batch(batch)


PR_SET_PDEATHSIG = 1


def start_worker(parent: int) -> None:
    """Die with the parent (even when it is killed with SIGKILL) and let go of its cache lock.

    On Linux the kernel sends SIGKILL when the parent dies (prctl PR_SET_PDEATHSIG);
    if the parent died before that was set, the worker exits at once.
    """
    forget_inherited()
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    if os.getppid() != parent:
        os._exit(1)
