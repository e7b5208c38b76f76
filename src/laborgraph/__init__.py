"""laborgraph: news reports on overseas labor -> a verifiable knowledge graph.

The library API, for notebooks and scripts; the ``laborgraph`` command is a
thin layer over these functions::

    from pathlib import Path
    import laborgraph

    corpus = laborgraph.load_corpus(Path("data"))
    dataset = laborgraph.build_dataset(corpus)
    print(laborgraph.serialize(dataset, laborgraph.Format.TURTLE)[:200])

Names are imported on first use, so ``laborgraph --help`` does not pay for
rdflib, pySHACL or networkx.
"""

from __future__ import annotations

import importlib
from typing import Any

__version__ = "0.1.0"

_API = {
    "Format": "export", "serialize": "export", "write_atomic": "export",
    "LaborgraphError": "errors", "MappingError": "errors",
    "build": "pipeline", "build_dataset": "build", "corpus_stats": "stats",
    "load_article": "load", "load_corpus": "load", "load_registry": "load",
    "validate_dataset": "validate", "deployment_network": "network", "run_query": "query",
}

__all__ = sorted(_API)


def __getattr__(name: str) -> Any:
    if name in _API:
        return getattr(importlib.import_module(f".{_API[name]}", __name__), name)
    raise AttributeError(f"module 'laborgraph' has no attribute {name!r}")
