"""Run a checked query on rdflib or on Oxigraph, in the network-less worker, with a time limit.

Every entry point here passes the text through :func:`.safety.check_query`
first and gives the engine the checked (canonical) text, never the original.

rdflib's SPARQL package (its parser and evaluator, about 0.1 s of CPU to import) is
imported only by the rdflib engine: ``laborgraph query`` on Oxigraph with a library
query never needs it.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import LaborgraphError
from .results import QueryResult, ResultFormat, TooManyResults, format_ox, format_result
from .safety import QuerySyntaxError, check_query, init_ns, located_error
from .sandbox import run_forked

if TYPE_CHECKING:
    from rdflib import Dataset, Graph

DEFAULT_TIMEOUT = 10.0


def _no_remote_graphs() -> None:
    """Never let rdflib fetch FROM graphs (belt and braces: the gate refuses FROM already)."""
    from rdflib.plugins import sparql as rdflib_sparql

    rdflib_sparql.SPARQL_LOAD_GRAPHS = False


def query_dataset(ds: Dataset) -> Dataset:
    """Let queries without GRAPH see every named graph."""
    _no_remote_graphs()
    ds.default_union = True
    return ds


def _evaluate(graph: Graph, query: Any, fmt: ResultFormat) -> QueryResult:
    _no_remote_graphs()
    return format_result(graph.query(query), fmt)


def run_query(graph: Graph, text: str, *, fmt: ResultFormat = ResultFormat.TABLE,
              timeout: float | None = DEFAULT_TIMEOUT) -> QueryResult:
    """Check and run ``text`` over an rdflib graph; stop it after ``timeout`` seconds.

    With ``timeout=None`` the query runs in this process, without the network
    wall (for callers that enforce their own limits).
    """
    checked = check_query(text)
    if timeout is None:
        return _evaluate(graph, checked.algebra, fmt)
    result: QueryResult = _payload(run_forked(_evaluate, (graph, checked.algebra, fmt), timeout), checked.text)
    return result


def ox_evaluate(store: Any, text: str, fmt: ResultFormat, limit: int | None = None) -> QueryResult:
    """Evaluate ``text`` on a pyoxigraph Store, unchecked: callers pass checked text only."""
    try:
        result = store.query(text, prefixes=init_ns(), use_default_graph_as_union=True)
        return format_ox(result, fmt, limit)
    except TooManyResults as exc:
        raise LaborgraphError(str(exc)) from None


def run_store_query(store: Any, text: str, *, fmt: ResultFormat = ResultFormat.TABLE,
                    timeout: float | None = DEFAULT_TIMEOUT, limit: int | None = None) -> QueryResult:
    """Like :func:`run_query`, on a pyoxigraph Store (the faster engine for large graphs)."""
    checked = check_query(text)
    if timeout is None:
        try:
            return ox_evaluate(store, checked.text, fmt, limit)
        except SyntaxError as exc:
            raise store_syntax_error(checked.text, str(exc)) from None
    result: QueryResult = _payload(run_forked(ox_evaluate, (store, checked.text, fmt, limit), timeout), checked.text)
    return result


def _payload(answer: tuple[str, Any], text: str) -> Any:
    status, payload = answer
    if status == "ok":
        return payload
    if status == "syntax":
        raise store_syntax_error(text, payload)
    if status == "refused":
        raise LaborgraphError(payload)
    raise LaborgraphError(f"query failed: {payload}")


def store_syntax_error(text: str, message: str) -> QuerySyntaxError:
    """Oxigraph's syntax error (``error at L:C: ...``), located in the user's text."""
    import re

    m = re.match(r"error at (\d+):(\d+): (.*)", message, re.S)
    if not m:
        return QuerySyntaxError(f"query: syntax error: {' '.join(message.split())[:300]}")
    return located_error(text, int(m.group(1)), int(m.group(2)), m.group(3))


# ---------------------------------------------------------------- stores

def oxigraph_store(ds: Dataset) -> Any:
    """A pyoxigraph Store holding every named graph of ``ds`` (loaded from deterministic N-Quads)."""
    import pyoxigraph

    from ..export import nquads

    store = pyoxigraph.Store()
    store.load(nquads(ds).encode("utf-8"), format=pyoxigraph.RdfFormat.N_QUADS)
    return store


def store_from_file(path: Path) -> Any:
    """Load a built file straight into Oxigraph (fast); JSON-LD goes through the safe reader.

    A folder (a split build's ``graphs/``) loads every TriG file in it.
    """
    import pyoxigraph

    formats = {".trig": pyoxigraph.RdfFormat.TRIG, ".nq": pyoxigraph.RdfFormat.N_QUADS,
               ".nt": pyoxigraph.RdfFormat.N_TRIPLES, ".ttl": pyoxigraph.RdfFormat.TURTLE}
    if path.is_dir():
        files = sorted(path.glob("*.trig"))
        if not files:
            raise LaborgraphError(f"{path}: no .trig files in this folder")
    elif path.suffix.lower() in formats:
        if not path.is_file():
            raise LaborgraphError(f"{path}: not a regular file" if path.exists() else f"{path}: no such file")
        files = [path]
    else:
        from ..rdfinput import read_rdf

        return oxigraph_store(read_rdf(path))
    store = pyoxigraph.Store()
    for file in files:
        try:
            store.load(path=str(file), format=formats[file.suffix.lower()])
        except (OSError, SyntaxError, ValueError) as exc:
            raise LaborgraphError(f"{file}: cannot parse: {' '.join(str(exc).split())[:300]}") from None
    return store
