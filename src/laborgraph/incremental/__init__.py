"""The incremental engine, beside the stages: a cache per article, forked workers, corpus rules
on Oxigraph and output layouts. It calls the stages (load, build, validate, export) and is
never called by them; everything it produces equals what the plain stages produce.
"""

from .job import (
                  BuildResult,
                  build,
                  load_snapshot,
                  memory_store,
                  refresh,
                  validate_paths,
                  with_corpus_store,
                  with_entries,
                  with_query_store,
)
from .layout import graph_documents, stream_document, write_document

__all__ = ["BuildResult", "build", "graph_documents", "load_snapshot", "memory_store", "refresh", "stream_document",
           "validate_paths", "with_corpus_store", "with_entries", "with_query_store", "write_document"]
