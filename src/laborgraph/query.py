"""SPARQL over the built graph, safely: no network, no updates, a time limit.

rdflib would happily fetch ``SERVICE`` endpoints and ``FROM`` graphs over the
network and has no timeout, so queries are parsed and checked first (updates,
SERVICE, FROM and FROM NAMED are refused) and evaluated in a forked worker that
is killed when the time limit passes. The project's prefixes are predeclared.

>>> check_query("SELECT * WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } }")
Traceback (most recent call last):
...
laborgraph.query.QueryRefused: SERVICE is refused: laborgraph never sends queries over the network
"""

from __future__ import annotations

import csv
import enum
import io
import json
import multiprocessing
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rdflib import BNode, Dataset, Graph, Literal, URIRef
from rdflib.plugins import sparql as rdflib_sparql

from .errors import LaborgraphError
from .vocab import PREFIXES

rdflib_sparql.SPARQL_LOAD_GRAPHS = False  # never fetch FROM graphs (belt and braces)
DEFAULT_TIMEOUT = 10.0


class QuerySyntaxError(LaborgraphError):
    """A SPARQL syntax error, located by line and column with a caret under the spot."""


class QueryRefused(LaborgraphError):
    """A query laborgraph will not run (it would reach the network or change the graph)."""


class QueryTimeout(LaborgraphError):
    """The query ran past its time limit and was stopped."""


class ResultFormat(enum.Enum):
    TABLE = "table"
    CSV = "csv"
    TSV = "tsv"
    JSON = "json"
    TURTLE = "turtle"


def init_ns() -> dict[str, str]:
    return {prefix: str(ns) for prefix, ns in PREFIXES.items()}


def prefix_header() -> str:
    """The project's prefixes as SPARQL PREFIX lines, for stores that take no initNs."""
    return "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in sorted(init_ns().items()))


def _syntax_error(text: str, exc: Any) -> QuerySyntaxError:
    line, col = getattr(exc, "lineno", None), getattr(exc, "col", None)
    if not line:
        return QuerySyntaxError(f"query: syntax error: {exc}")
    src = text.splitlines()[line - 1] if line <= len(text.splitlines()) else ""
    detail = str(getattr(exc, "msg", "")) or str(exc).split("(at char")[0]
    return QuerySyntaxError(f"query:{line}:{col}: syntax error: {detail.strip()}\n  {src}\n  {' ' * (col - 1)}^")


def _walk(node: Any) -> Iterable[Any]:
    yield node
    if isinstance(node, dict):
        for value in node.values():
            yield from _walk(value)
    elif isinstance(node, list | tuple):
        for value in node:
            yield from _walk(value)


def check_query(text: str) -> Any:
    """Parse, refuse what must never run, and return the translated query."""
    from rdflib.plugins.sparql.algebra import translateQuery
    from rdflib.plugins.sparql.parser import parseQuery, parseUpdate

    try:
        parsed = parseQuery(text)
    except Exception as exc:
        try:
            parseUpdate(text)
        except Exception:
            raise _syntax_error(text, exc) from None
        finally:
            _forget_parse_failures()
        raise QueryRefused("updates (INSERT, DELETE, LOAD, CLEAR ...) are refused: the graph is read-only") from None
    query = translateQuery(parsed, initNs=init_ns())
    for node in _walk(query.algebra):
        name = getattr(node, "name", "")
        if name == "ServiceGraphPattern":
            raise QueryRefused("SERVICE is refused: laborgraph never sends queries over the network")
        if name == "DatasetClause":
            raise QueryRefused("FROM / FROM NAMED are refused (they would load graphs from elsewhere); "
                               "use GRAPH <iri> { ... } over the built graph instead")
    return query


def _forget_parse_failures() -> None:
    """Empty pyparsing's packrat cache: its cached exceptions' tracebacks reach the caller's
    frames and would keep whatever they hold (an open on-disk store) alive for the process."""
    import pyparsing

    pyparsing.ParserElement.reset_cache()


_LEXEMES = re.compile(r'''
    """(?:[^"\\]|\\.|"(?!""))*""" | \'\'\'(?:[^'\\]|\\.|'(?!''))*\'\'\' |  # long strings
    "(?:[^"\\\n]|\\.)*" | '(?:[^'\\\n]|\\.)*' |                              # strings
    <[^<>"{}|^`\\\s]*> |                                                   # IRIs
    \#[^\n]* |                                                             # comments
    [?$]\w+ |                                                              # variables
    [\w.-]*:[\w.%:-]* |                                                    # prefixed names
    \b[A-Za-z]+\b                                                          # bare words
''', re.VERBOSE)
_UPDATE_WORDS = {"INSERT", "DELETE", "LOAD", "CLEAR", "DROP", "CREATE", "ADD", "MOVE", "COPY", "WITH"}


def screen_query(text: str) -> None:
    """Refuse updates, SERVICE and FROM by their keywords, without a full parse.

    Strings, IRIs, comments, variables and prefixed names are skipped, so only
    real keywords count. Used before a store parses the query itself (rdflib's
    parser takes ~50 ms, more than many queries take to run on Oxigraph).

    >>> screen_query('SELECT ?from WHERE { ?s <http://x/SERVICE> "FROM" } # LOAD')
    >>> screen_query("select * where { service <http://x> { ?s ?p ?o } }")
    Traceback (most recent call last):
    ...
    laborgraph.query.QueryRefused: SERVICE is refused: laborgraph never sends queries over the network
    """
    words = {m.group(0).upper() for m in _LEXEMES.finditer(text)
             if m.group(0)[:1].isalpha() and ":" not in m.group(0)}
    if words & _UPDATE_WORDS:
        raise QueryRefused("updates (INSERT, DELETE, LOAD, CLEAR ...) are refused: the graph is read-only")
    if "SERVICE" in words:
        raise QueryRefused("SERVICE is refused: laborgraph never sends queries over the network")
    if "FROM" in words:
        raise QueryRefused("FROM / FROM NAMED are refused (they would load graphs from elsewhere); "
                           "use GRAPH <iri> { ... } over the built graph instead")


def syntax_error_from_store(text: str, exc: Exception) -> LaborgraphError:
    """A store's syntax error as ours: rdflib's located message, or the store's own line:column."""
    try:
        check_query(text)
    except LaborgraphError as ours:
        return ours
    m = re.match(r"error at (\d+):(\d+): (.*)", str(exc), re.S)
    if not m:
        return QuerySyntaxError(f"query: syntax error: {' '.join(str(exc).split())[:300]}")
    line, col, detail = int(m.group(1)), int(m.group(2)), " ".join(m.group(3).split())[:200]
    lines = text.splitlines()
    src = lines[line - 1] if line <= len(lines) else ""
    return QuerySyntaxError(f"query:{line}:{col}: syntax error: {detail}\n  {src}\n  {' ' * (col - 1)}^")


@dataclass(frozen=True)
class QueryResult:
    kind: str  # SELECT, ASK, CONSTRUCT, DESCRIBE
    text: str


def _term(value: Any) -> str:
    """A term as a person reads it: prefixed names where a prefix fits, plain literal text."""
    if value is None:
        return ""
    if isinstance(value, URIRef):
        text = str(value)
        for prefix, ns in sorted(PREFIXES.items(), key=lambda kv: -len(str(kv[1]))):
            if text.startswith(str(ns)) and "/" not in text[len(str(ns)):]:
                return f"{prefix}:{text[len(str(ns)):]}"
        return text
    return str(value)


def _table(header: list[str], rows: list[list[str]]) -> str:
    widths = [max([len(h), *(len(r[i]) for r in rows)]) for i, h in enumerate(header)]
    widths = [min(w, 80) for w in widths]

    def fmt(cells: list[str]) -> str:
        return " | ".join((c if len(c) <= w else c[: w - 1] + "…").ljust(w) for c, w in zip(cells, widths, strict=True))

    rule = "-+-".join("-" * w for w in widths)
    count = f"({len(rows)} row{'s' if len(rows) != 1 else ''})"
    return "\n".join([fmt(header), rule, *(fmt(r) for r in rows), count]) + "\n"


def _tsv_term(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, URIRef | BNode | Literal):
        return value.n3()
    return str(value)


def format_result(result: Any, fmt: ResultFormat) -> QueryResult:
    kind = result.type
    if kind == "ASK":
        if fmt is ResultFormat.JSON:
            return QueryResult(kind, json.dumps({"head": {}, "boolean": bool(result.askAnswer)}) + "\n")
        return QueryResult(kind, ("yes" if result.askAnswer else "no") + "\n")
    if kind in ("CONSTRUCT", "DESCRIBE"):
        graph: Graph = result.graph
        from .build import bind_prefixes

        bind_prefixes(graph)
        if fmt is ResultFormat.JSON:
            from .export import jsonld

            return QueryResult(kind, jsonld(graph))
        return QueryResult(kind, graph.serialize(format="turtle"))
    names = [str(v) for v in result.vars]
    rows = list(result)
    if fmt is ResultFormat.JSON:
        return QueryResult(kind, result.serialize(format="json").decode("utf-8") + "\n")
    if fmt is ResultFormat.TSV:
        lines = ["\t".join(f"?{n}" for n in names)]
        lines += ["\t".join(_tsv_term(row[i]) for i in range(len(names))) for row in rows]
        return QueryResult(kind, "\n".join(lines) + "\n")
    if fmt is ResultFormat.CSV:
        buf = io.StringIO()
        writer = csv.writer(buf, lineterminator="\r\n")
        writer.writerow(names)
        writer.writerows([["" if row[i] is None else str(row[i]) for i in range(len(names))] for row in rows])
        return QueryResult(kind, buf.getvalue())
    return QueryResult(kind, _table(names, [[_term(row[i]) for i in range(len(names))] for row in rows]))


def _evaluate(graph: Graph, query: Any, fmt: ResultFormat) -> QueryResult:
    return format_result(graph.query(query), fmt)


def _call(conn: Any, fn: Any, args: tuple[Any, ...]) -> None:
    try:
        conn.send(("ok", fn(*args)))
    except SyntaxError as exc:
        conn.send(("syntax", str(exc)))
    except Exception as exc:  # reported to the parent as a clean error
        conn.send(("error", f"{type(exc).__name__}: {exc}"))
    finally:
        conn.close()


def run_forked(fn: Any, args: tuple[Any, ...], timeout: float) -> tuple[str, Any]:
    """``fn(*args)`` in a forked process killed after ``timeout`` s: ("ok" | "syntax" | "error", payload).

    rdflib has no query timeout and Oxigraph's Python API none either, so a
    runaway query is stopped by ending the process that runs it.
    """
    ctx = multiprocessing.get_context("fork")
    parent, child = ctx.Pipe(duplex=False)
    proc = ctx.Process(target=_call, args=(child, fn, args), daemon=True)
    proc.start()
    child.close()
    try:
        if not parent.poll(timeout):
            proc.kill()
            raise QueryTimeout(f"query stopped after {timeout:g} s (raise --timeout, or narrow the query)")
        try:
            return parent.recv()
        except EOFError:
            return "error", "the query worker ended without an answer"
    finally:
        proc.join(timeout=5)
        parent.close()


def run_query(graph: Graph, text: str, *, fmt: ResultFormat = ResultFormat.TABLE,
              timeout: float | None = DEFAULT_TIMEOUT) -> QueryResult:
    """Check and run ``text`` over ``graph``; stop it after ``timeout`` seconds.

    With ``timeout=None`` the query runs in this process (for callers that
    enforce their own limits).
    """
    query = check_query(text)
    if timeout is None:
        return _evaluate(graph, query, fmt)
    status, payload = run_forked(_evaluate, (graph, query, fmt), timeout)
    if status != "ok":
        raise LaborgraphError(f"query failed: {payload}")
    return payload


def query_dataset(ds: Dataset) -> Dataset:
    """Let queries without GRAPH see every named graph."""
    ds.default_union = True
    return ds


# ---------------------------------------------------------------- the query library

def default_library_dir() -> Path:
    return Path(__file__).resolve().parents[2] / "queries" / "reports"


@dataclass(frozen=True)
class LibraryQuery:
    name: str
    title: str
    question: str
    columns: str
    path: Path

    @property
    def text(self) -> str:
        return self.path.read_text(encoding="utf-8")


def rq_header(text: str, key: str) -> str:
    """A ``# key: value`` line from the comment header of a .rq file."""
    m = re.search(rf"^# {key}:\s*(.+)$", text, re.M)
    return m.group(1).strip() if m else ""


def library(folder: Path | None = None) -> list[LibraryQuery]:
    out = []
    for path in sorted((folder or default_library_dir()).glob("cq*.rq")):
        text = path.read_text(encoding="utf-8")
        out.append(LibraryQuery(path.stem, rq_header(text, "title"), rq_header(text, "question"),
                                rq_header(text, "columns"), path))
    return out


def resolve_query(arg: str, folder: Path | None = None) -> str:
    """A file path, a library name (``cq01`` or ``cq01-deployments``), or the query text itself."""
    path = Path(arg)
    if len(arg) < 4096 and "\n" not in arg and path.is_file():
        return path.read_text(encoding="utf-8")
    for q in library(folder):
        if arg in (q.name, q.name.split("-", 1)[0]):
            return q.text
    return arg


# ---------------------------------------------------------------- the Oxigraph engine

def _ox_display(term: Any) -> str:
    if term is None:
        return ""
    import pyoxigraph

    if isinstance(term, pyoxigraph.NamedNode):
        return _term(URIRef(term.value))
    return term.value


def _ox_format(result: Any, fmt: ResultFormat) -> QueryResult:
    import pyoxigraph

    from .serve import _solutions

    if isinstance(result, pyoxigraph.QueryBoolean):
        result = bool(result)
    if isinstance(result, bool):
        if fmt is ResultFormat.JSON:
            return QueryResult("ASK", json.dumps({"head": {}, "boolean": result}) + "\n")
        return QueryResult("ASK", ("yes" if result else "no") + "\n")
    if isinstance(result, pyoxigraph.QuerySolutions):
        names = [v.value for v in result.variables]
        rows = list(result)
        if fmt in (ResultFormat.JSON, ResultFormat.CSV, ResultFormat.TSV):
            text = _solutions(names, rows, fmt.name).decode("utf-8")
            return QueryResult("SELECT", text if text.endswith("\n") else text + "\n")
        return QueryResult("SELECT", _table(names, [[_ox_display(r[n]) for n in names] for r in rows]))
    data = pyoxigraph.serialize(list(result), format=pyoxigraph.RdfFormat.N_TRIPLES) or b""
    graph = Graph().parse(data=data.decode("utf-8"), format="nt")
    from .build import bind_prefixes

    bind_prefixes(graph)
    if fmt is ResultFormat.JSON:
        from .export import jsonld

        return QueryResult("CONSTRUCT", jsonld(graph))
    return QueryResult("CONSTRUCT", graph.serialize(format="turtle"))


def _ox_run(store: Any, text: str, fmt: ResultFormat) -> QueryResult:
    return _ox_format(store.query(text, use_default_graph_as_union=True), fmt)


def run_store_query(store: Any, text: str, *, fmt: ResultFormat = ResultFormat.TABLE,
                    timeout: float | None = DEFAULT_TIMEOUT) -> QueryResult:
    """Like :func:`run_query`, on a pyoxigraph Store (the faster engine for large graphs)."""
    screen_query(text)
    header = prefix_header()
    full = header + text
    if timeout is None:
        try:
            return _ox_run(store, full, fmt)
        except SyntaxError as exc:
            raise shifted_syntax_error(text, exc, header) from None
    status, payload = run_forked(_ox_run, (store, full, fmt), timeout)
    if status == "syntax":
        raise shifted_syntax_error(text, SyntaxError(payload), header)
    if status == "error":
        raise LaborgraphError(f"query failed: {payload}")
    return payload


def shifted_syntax_error(text: str, exc: SyntaxError, header: str) -> LaborgraphError:
    """Report a store's syntax error against the user's text, not the prefixed one."""
    lines = header.count("\n")
    message = re.sub(r"error at (\d+):", lambda m: f"error at {int(m.group(1)) - lines}:", str(exc), count=1)
    return syntax_error_from_store(text, SyntaxError(message))


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
        files = [path]
    else:
        from .rdfinput import read_rdf
        from .store import oxigraph_store

        return oxigraph_store(read_rdf(path))
    store = pyoxigraph.Store()
    for file in files:
        try:
            store.load(path=str(file), format=formats[file.suffix.lower()])
        except (OSError, SyntaxError, ValueError) as exc:
            raise LaborgraphError(f"{file}: cannot parse: {' '.join(str(exc).split())[:300]}") from None
    return store

    formats = {".trig": pyoxigraph.RdfFormat.TRIG, ".nq": pyoxigraph.RdfFormat.N_QUADS,
               ".nt": pyoxigraph.RdfFormat.N_TRIPLES, ".ttl": pyoxigraph.RdfFormat.TURTLE}
    fmt = formats.get(path.suffix.lower())
    if fmt is None:
        from .rdfinput import read_rdf
        from .store import oxigraph_store

        return oxigraph_store(read_rdf(path))
    store = pyoxigraph.Store()
    try:
        store.load(path=str(path), format=fmt)
    except (OSError, SyntaxError, ValueError) as exc:
        raise LaborgraphError(f"{path}: cannot parse: {' '.join(str(exc).split())[:300]}") from None
    return store
