"""SPARQL over the built graph, safely: no network, no updates, a time limit.

- :mod:`.safety` decides from a real parse what a query may do (the one gate);
- :mod:`.sandbox` evaluates in a forked worker without network, killed at the limit;
- :mod:`.engines` runs checked queries on rdflib or Oxigraph;
- :mod:`.results` formats answers for ``query`` and ``serve`` alike;
- :mod:`.library` holds the analyst queries; :mod:`.serve` and :mod:`.push` talk HTTP.
"""

from ..resources import rq_header
from .engines import DEFAULT_TIMEOUT, oxigraph_store, query_dataset, run_query, run_store_query, store_from_file
from .library import LibraryQuery, default_library_dir, library, resolve_query
from .results import QueryResult, ResultFormat, format_result
from .safety import CheckedQuery, QueryRefused, QuerySyntaxError, check_query, init_ns, prefix_header
from .sandbox import QueryTimeout, network_wall, run_forked

__all__ = [
    "DEFAULT_TIMEOUT", "CheckedQuery", "LibraryQuery", "QueryRefused", "QueryResult", "QuerySyntaxError",
    "QueryTimeout", "ResultFormat", "check_query", "default_library_dir", "format_result", "init_ns", "library",
    "network_wall", "oxigraph_store", "prefix_header", "query_dataset", "resolve_query", "rq_header", "run_forked",
    "run_query", "run_store_query", "store_from_file",
]
