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

