"""Query results as text: one formatter for ``laborgraph query`` and ``laborgraph serve``.

SPARQL results JSON, XML, CSV and TSV are written here rather than by the
engines so that a row cap applies before anything is serialised, and so that
rdflib's and Oxigraph's answers come out the same.
"""

from __future__ import annotations

import csv
import enum
import io
import json
import shutil
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ..tables import format_table, prefixed

if TYPE_CHECKING:
    from rdflib import Graph

# rdflib is imported where an rdflib result or graph is handled, never at import: `laborgraph query` on
# Oxigraph with CSV, TSV, JSON or a table imports no rdflib (about 0.08 s of its start-up).

XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"


class ResultFormat(enum.Enum):
    TABLE = "table"
    CSV = "csv"
    TSV = "tsv"
    JSON = "json"
    TURTLE = "turtle"


@dataclass(frozen=True)
class QueryResult:
    kind: str  # SELECT, ASK, CONSTRUCT, DESCRIBE
    text: str


class TooManyResults(Exception):
    """More rows or triples than the caller's cap (raised while evaluating, before anything is kept)."""


def capped(items: Any, limit: int | None, what: str) -> list[Any]:
    """The first ``limit`` items of a lazy result; raises as soon as one more arrives."""
    out: list[Any] = []
    for item in items:
        if limit is not None and len(out) >= limit:
            raise TooManyResults(f"the result has more than {limit} {what}; add LIMIT or narrow the query")
        out.append(item)
    return out


def display(value: Any) -> str:
    """A term as a person reads it: prefixed names where a prefix fits, plain literal text."""
    from rdflib.term import URIRef

    if value is None:
        return ""
    if isinstance(value, URIRef):
        return prefixed(str(value))  # lgid:article/... too: for reading, not for pasting
    return str(value)


def table(header: list[str], rows: list[list[str]]) -> str:
    """A plain-text table fitted to the terminal (laborgraph.tables: middle cut, one line per row)."""
    return format_table(header, rows, shutil.get_terminal_size().columns)


def boolean(value: bool, fmt: ResultFormat) -> QueryResult:
    if fmt is ResultFormat.JSON:
        return QueryResult("ASK", json.dumps({"head": {}, "boolean": value}) + "\n")
    return QueryResult("ASK", ("yes" if value else "no") + "\n")


def graph_text(graph: Graph, fmt: ResultFormat, kind: str = "CONSTRUCT") -> QueryResult:
    """A CONSTRUCT/DESCRIBE graph as Turtle, or JSON-LD for ``json``, with the project's prefixes."""
    from ..vocab import bind_prefixes

    bind_prefixes(graph)
    if fmt is ResultFormat.JSON:
        from ..export import jsonld

        return QueryResult(kind, jsonld(graph))
    return QueryResult(kind, graph.serialize(format="turtle"))


# ---------------------------------------------------------------- rdflib results

def _n3(value: Any) -> str:
    from rdflib.term import BNode, Literal, URIRef

    if value is None:
        return ""
    if isinstance(value, URIRef | BNode | Literal):
        return value.n3()
    return str(value)


def format_result(result: Any, fmt: ResultFormat) -> QueryResult:
    """An rdflib query result in ``fmt``."""
    kind = result.type
    if kind == "ASK":
        return boolean(bool(result.askAnswer), fmt)
    if kind in ("CONSTRUCT", "DESCRIBE"):
        return graph_text(result.graph, fmt, kind)
    names = [str(v) for v in result.vars]
    rows = list(result)
    if fmt is ResultFormat.JSON:
        return QueryResult(kind, result.serialize(format="json").decode("utf-8") + "\n")
    if fmt is ResultFormat.TSV:
        lines = ["\t".join(f"?{n}" for n in names)]
        lines += ["\t".join(_n3(row[i]) for i in range(len(names))) for row in rows]
        return QueryResult(kind, "\n".join(lines) + "\n")
    if fmt is ResultFormat.CSV:
        buf = io.StringIO()
        writer = csv.writer(buf, lineterminator="\r\n")
        writer.writerow(names)
        writer.writerows([["" if row[i] is None else str(row[i]) for i in range(len(names))] for row in rows])
        return QueryResult(kind, buf.getvalue())
    return QueryResult(kind, table(names, [[display(row[i]) for i in range(len(names))] for row in rows]))


# ---------------------------------------------------------------- Oxigraph results

def term_json(term: Any) -> dict[str, str]:
    """A pyoxigraph term in SPARQL 1.1 results JSON."""
    import pyoxigraph

    if isinstance(term, pyoxigraph.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, pyoxigraph.BlankNode):
        return {"type": "bnode", "value": term.value}
    out = {"type": "literal", "value": term.value}
    if term.language:
        out["xml:lang"] = term.language
    elif term.datatype.value != XSD_STRING:
        out["datatype"] = term.datatype.value
    return out


def solutions(variables: list[str], rows: list[Any], fmt: str) -> bytes:
    """Oxigraph solutions as SPARQL results: ``fmt`` is JSON, XML, CSV or TSV.

    ``variables`` are the result's own, in its order: a solution's terms come in that
    order (``tuple(row)``, several times faster than looking each up by name).
    """
    cells = [tuple(row) for row in rows]
    if fmt == "JSON":
        bindings = [{v: term_json(t) for v, t in zip(variables, r, strict=True) if t is not None} for r in cells]
        return json.dumps({"head": {"vars": variables}, "results": {"bindings": bindings}}).encode()
    if fmt == "CSV":
        buf = io.StringIO()
        w = csv.writer(buf, lineterminator="\r\n")
        w.writerow(variables)
        w.writerows([["" if t is None else t.value for t in r] for r in cells])
        return buf.getvalue().encode()
    if fmt == "TSV":
        lines = ["\t".join(f"?{v}" for v in variables)]
        lines += ["\t".join("" if t is None else str(t) for t in r) for r in cells]
        return ("\n".join(lines) + "\n").encode()
    return _solutions_xml(variables, cells)


def _solutions_xml(variables: list[str], cells: list[tuple[Any, ...]]) -> bytes:
    from xml.sax.saxutils import escape, quoteattr  # here: it imports urllib.request (about 0.02 s of `query`)

    out = ['<?xml version="1.0"?>', '<sparql xmlns="http://www.w3.org/2005/sparql-results#"><head>']
    out += [f"<variable name={quoteattr(v)}/>" for v in variables]
    out.append("</head><results>")
    for r in cells:
        out.append("<result>")
        for v, t in zip(variables, r, strict=True):
            if t is None:
                continue
            j = term_json(t)
            if j["type"] in ("uri", "bnode"):
                tag = "uri" if j["type"] == "uri" else "bnode"
                inner = f"<{tag}>{escape(j['value'])}</{tag}>"
            else:
                attrs = (f" xml:lang={quoteattr(j['xml:lang'])}" if "xml:lang" in j else
                         f" datatype={quoteattr(j['datatype'])}" if "datatype" in j else "")
                inner = f"<literal{attrs}>{escape(j['value'])}</literal>"
            out.append(f"<binding name={quoteattr(v)}>{inner}</binding>")
        out.append("</result>")
    out.append("</results></sparql>")
    return "".join(out).encode()


def boolean_bytes(value: bool, media: str) -> bytes:
    """An ASK answer in the SPARQL results type ``media``."""
    if media in ("text/csv", "text/tab-separated-values"):
        return b"true\n" if value else b"false\n"
    if "xml" in media:
        return ('<?xml version="1.0"?><sparql xmlns="http://www.w3.org/2005/sparql-results#"><head/>'
                f"<boolean>{'true' if value else 'false'}</boolean></sparql>").encode()
    return json.dumps({"head": {}, "boolean": value}).encode()


def _ox_cells(row: Any, named: type[Any]) -> list[str]:
    """:func:`display` of each term of a pyoxigraph solution (``named`` is ``pyoxigraph.NamedNode``).

    One call a row, not a cell: a table can have hundreds of thousands of cells.
    """
    return ["" if t is None else prefixed(t.value) if isinstance(t, named) else str(t.value) for t in row]


def format_ox(result: Any, fmt: ResultFormat, limit: int | None = None) -> QueryResult:
    """An Oxigraph query result in ``fmt``; more than ``limit`` rows or triples raises TooManyResults."""
    import pyoxigraph

    if isinstance(result, pyoxigraph.QueryBoolean | bool):
        return boolean(bool(result), fmt)
    if isinstance(result, pyoxigraph.QuerySolutions):
        names = [v.value for v in result.variables]
        rows = capped(result, limit, "rows")
        if fmt in (ResultFormat.JSON, ResultFormat.CSV, ResultFormat.TSV):
            text = solutions(names, rows, fmt.name).decode("utf-8")
            return QueryResult("SELECT", text if text.endswith("\n") else text + "\n")
        named = pyoxigraph.NamedNode
        return QueryResult("SELECT", table(names, [_ox_cells(r, named) for r in rows]))
    triples = capped(result, limit, "triples")
    data = pyoxigraph.serialize(triples, format=pyoxigraph.RdfFormat.N_TRIPLES) or b""
    from rdflib import Graph

    return graph_text(Graph().parse(data=data.decode("utf-8"), format="nt"), fmt)
