"""laborgraph: news reports on overseas labor -> a verifiable knowledge graph.

The library API, for notebooks and scripts; the ``laborgraph`` command is a
thin layer over these functions::

    from pathlib import Path
    import laborgraph

    corpus = laborgraph.load_corpus(Path("data"))          # stage 1: mapping files -> model
    dataset = laborgraph.build_dataset(corpus)             # stage 2: model -> RDF
    report = laborgraph.validate_dataset(dataset)          # stage 3: RDF -> findings
    text = laborgraph.serialize(dataset, laborgraph.Format.TURTLE)   # stage 4: outputs
    result = laborgraph.build_project(Path("data"), Path("build"))  # all four, incrementally

The package is layered; a module imports only from its own layer or those
below it (``tests/test_architecture.py`` checks this)::

    base         errors, formats, vocab, resources, model, ontology, rdfinput, tables, progress, triples, lazy
    load         load/         mapping files -> model
    build        build         model -> rdflib Dataset
    validate     validate, findings, checks
    export       export/       RDF syntaxes, networks, the deployment view, counts
    authoring    authoring/    tools for writing mappings (scaffold, entity search, hints)
    query        query/        SPARQL safety, engines, results, library, endpoint, push
    incremental  incremental/  cache, workers, corpus rules on Oxigraph, output layouts
    interface    cli (the only module importing click), this file

Names are imported on first use, so ``laborgraph --help`` does not pay for
rdflib, pySHACL or networkx.
"""

from __future__ import annotations

import importlib
from typing import Any

__version__ = "0.1.0"

_API = {
    "ExitCode": "errors", "LaborgraphError": "errors", "MappingError": "errors", "NotConforming": "errors",
    "Format": "formats", "Layout": "formats", "Severity": "formats",
    "load_article": "load", "load_corpus": "load", "load_registry": "load",
    "build_dataset": "build", "load_and_build": "build",
    "validate_dataset": "validate",
    "serialize": "export", "write_atomic": "export",
    "corpus_stats": "export.stats", "deployment_network": "export.network",
    "run_query": "query",
    "build_project": "incremental",
}
_RENAMED = {"build_project": "build"}  # the job keeps its short name inside incremental/

__all__ = sorted(_API)


def __getattr__(name: str) -> Any:
    if name in _API:
        module = importlib.import_module(f".{_API[name]}", __name__)
        return getattr(module, _RENAMED.get(name, name))
    raise AttributeError(f"module 'laborgraph' has no attribute {name!r}")
