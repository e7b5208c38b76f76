"""The query store: the built graph in an embedded pyoxigraph Store.

rdflib builds the graph; Oxigraph answers queries (far faster on large graphs).
The Store is loaded from the same deterministic N-Quads the build writes.
"""

from __future__ import annotations

from typing import Any

from rdflib import Dataset

from .export import nquads


def oxigraph_store(ds: Dataset) -> Any:
    """A pyoxigraph Store holding every named graph of ``ds``."""
    import pyoxigraph

    store = pyoxigraph.Store()
    store.load(nquads(ds).encode("utf-8"), format=pyoxigraph.RdfFormat.N_QUADS)
    return store


def oxigraph_store_from_chunks(graphs: Any) -> Any:
    """A Store from (graph IRI, N-Triples text) pairs, each loaded into its named graph."""
    import pyoxigraph

    store = pyoxigraph.Store()
    for name, text in graphs:
        store.load(text.encode("utf-8"), format=pyoxigraph.RdfFormat.N_TRIPLES, to_graph=pyoxigraph.NamedNode(name))
    return store
