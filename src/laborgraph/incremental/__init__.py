"""The incremental engine, beside the stages: a cache per article, forked workers, corpus rules
on Oxigraph and output layouts. It calls the stages (load, build, validate, export) and is
never called by them; everything it produces equals what the plain stages produce.

Names are imported on first use (PEP 562): `laborgraph check` imports ``incremental.check``
alone and should not pay for the build job's and the layouts' modules.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..lazy import lazy_names

if TYPE_CHECKING:
    from .buildwatch import watch_builds
    from .job import BuildResult, build, refresh, validate_paths, with_corpus_store, with_entries
    from .layout import graph_documents, stream_document, write_document
    from .snapshot import load_snapshot, memory_store, with_query_store

_HOME = {**dict.fromkeys(("BuildResult", "build", "refresh", "validate_paths", "with_corpus_store", "with_entries"),
                         "job"),
         **dict.fromkeys(("load_snapshot", "memory_store", "with_query_store"), "snapshot"),
         **dict.fromkeys(("graph_documents", "stream_document", "write_document"), "layout"),
         "watch_builds": "buildwatch"}


__getattr__ = lazy_names(__name__, _HOME)


__all__ = ["BuildResult", "build", "graph_documents", "load_snapshot", "memory_store", "refresh", "stream_document",
           "validate_paths", "watch_builds", "with_corpus_store", "with_entries", "with_query_store", "write_document"]
