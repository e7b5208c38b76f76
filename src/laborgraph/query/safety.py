"""Decide from a real SPARQL 1.1 parse whether a query may run: the one gate for every caller.

rdflib, pyoxigraph and Oxigraph's server all execute ``SERVICE`` over HTTP, and
rdflib fetches ``FROM`` graphs, so what a query does is decided from its parsed
form (rdflib's parser and algebra: prefixed names resolved, escapes, comments,
case and whitespace as the grammar has them), never from its spelling.

The engine must run exactly the text that was judged, read the same way. Two
places where rdflib and Oxigraph read text differently are removed before
either sees it: ``\\u``/``\\U`` escapes are expanded once here (SPARQL expands
them before parsing; Oxigraph only inside strings and IRIs, so the two could
disagree about where a string ends), and a lone CR is made a line end (rdflib's
comments run to LF only, Oxigraph's to CR or LF, so ``#x\\rSERVICE`` was a
comment to one and a SERVICE call to the other). Whatever rdflib cannot parse
is refused, even if Oxigraph would accept it (fail closed).

>>> check_query("SELECT * WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } }")
Traceback (most recent call last):
...
laborgraph.query.safety.QueryRefused: SERVICE is refused: laborgraph never sends queries over the network
>>> check_query("ASK { ?c a lg:Claim }").form
'ASK'
"""

from __future__ import annotations

import functools
import hashlib
import json
import re
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from importlib import resources
from typing import Any

from ..errors import LaborgraphError
from ..vocab import NAMESPACE_IRIS


class QuerySyntaxError(LaborgraphError):
    """A SPARQL syntax error, located by line and column with a caret under the spot."""


class QueryRefused(LaborgraphError):
    """A query laborgraph will not run (it would reach the network or change the graph)."""


SERVICE_REFUSED = "SERVICE is refused: laborgraph never sends queries over the network"
FROM_REFUSED = ("FROM / FROM NAMED are refused (they would load graphs from elsewhere); "
                "use GRAPH <iri> { ... } over the built graph instead")
UPDATE_REFUSED = "updates (INSERT, DELETE, LOAD, CLEAR ...) are refused: the graph is read-only"
MAX_QUERY_CHARS = 1_000_000
_ESCAPE = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")


def init_ns() -> dict[str, str]:
    """The project's prefixes, predeclared for every query."""
    return dict(NAMESPACE_IRIS)


def prefix_header() -> str:
    """The project's prefixes as SPARQL PREFIX lines, for stores that take no predeclared prefixes."""
    return "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in sorted(init_ns().items()))


@dataclass(frozen=True)
class CheckedQuery:
    """A query that passed the gate: the text engines must run, its form and rdflib's translation.

    The translation is made on first use when the verdict came from the library's
    recorded verdicts (only the rdflib engine needs it).
    """

    text: str
    form: str  # SELECT, ASK, CONSTRUCT, DESCRIBE
    translated: Any = field(default=None, repr=False, compare=False)

    @property
    def algebra(self) -> Any:
        if self.translated is not None:
            return self.translated
        with _PARSING:
            return _checked(self.text).translated  # the canonical text is its own canonical form


def canonical_text(text: str) -> str:
    """The query with codepoint escapes expanded and every line end an LF (see the module docstring).

    >>> canonical_text("SELECT * { #x\\rSERVICE <u> {} }")
    'SELECT * { #x\\nSERVICE <u> {} }'
    >>> canonical_text("\\\\u0053ERVICE")
    'SERVICE'
    """
    if len(text) > MAX_QUERY_CHARS:
        raise QueryRefused(f"the query has more than {MAX_QUERY_CHARS:,} characters")

    def expand(m: re.Match[str]) -> str:
        code = int(m.group(1) or m.group(2), 16)
        if code > 0x10FFFF or 0xD800 <= code <= 0xDFFF:
            raise QuerySyntaxError(f"query: invalid codepoint escape {m.group(0)}")
        return chr(code)

    out = _ESCAPE.sub(expand, text)
    if _ESCAPE.search(out):
        raise QueryRefused("a codepoint escape spells another escape (such as \\u005Cu0041); "
                           "write the character itself")
    return out.replace("\r\n", "\n").replace("\r", "\n")


def check_query(text: str) -> CheckedQuery:
    """Parse ``text``; refuse updates, SERVICE, FROM and FROM NAMED; return what engines may run.

    Used by ``laborgraph query`` (inline text and files), the Python API and
    ``laborgraph serve``, so all three refuse the same queries. Results are
    cached by text: rdflib's parser takes tens of milliseconds to seconds. The
    shipped library's texts were judged by this same gate when they were recorded
    (``verdicts.json``, kept equal to the gate's verdicts by tests/test_query_safety.py),
    so a library query is recognised by the SHA-256 of its exact canonical text.
    """
    canon = canonical_text(text)
    form = library_verdicts().get(hashlib.sha256(canon.encode("utf-8")).hexdigest())
    if form is not None:
        return CheckedQuery(canon, form)
    with _PARSING:
        return _checked(text)


VERDICTS = "verdicts.json"


@functools.cache
def library_verdicts() -> dict[str, str]:
    """SHA-256 of a library query's canonical text -> its form, as the gate decided when it was recorded."""
    try:
        data = json.loads(resources.files(__package__).joinpath(VERDICTS).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    forms = {"SELECT", "ASK", "CONSTRUCT", "DESCRIBE"}
    return {k: v for k, v in data.get("verdicts", {}).items() if v in forms} if isinstance(data, dict) else {}


def record_verdicts(texts: list[str]) -> str:
    """The ``verdicts.json`` text for ``texts``, each judged by the parsing gate (refused ones raise)."""
    rows = {}
    for text in texts:
        with _PARSING:
            checked = _checked(text)
        rows[hashlib.sha256(checked.text.encode("utf-8")).hexdigest()] = checked.form
    return json.dumps({"about": "query verdicts of the shipped library, by SHA-256 of the canonical text; "
                                "regenerate with `python scripts/record_query_verdicts.py`",
                       "verdicts": dict(sorted(rows.items()))}, indent=1) + "\n"


def stale_verdicts(texts: list[str], recorded: dict[str, str]) -> list[str]:
    """How ``recorded`` differs from the parsing gate's verdicts on ``texts`` now; empty when it is current.

    A recorded hash that no text has would let that text skip the parse, so extra rows
    are stale too, not only missing or changed ones.
    """
    now = json.loads(record_verdicts(texts))["verdicts"]
    problems = [f"{digest}: recorded {recorded.get(digest)}, the gate says {form}"
                for digest, form in now.items() if recorded.get(digest) != form]
    problems += [f"{digest}: recorded, but no library query has this text" for digest in recorded if digest not in now]
    return sorted(problems)


_PARSING = threading.Lock()  # rdflib's pyparsing grammar is shared state: concurrent parses misread queries


@functools.lru_cache(maxsize=256)
def _checked(text: str) -> CheckedQuery:
    from rdflib.plugins.sparql.algebra import translateQuery
    from rdflib.plugins.sparql.parser import parseQuery

    canon = canonical_text(text)
    try:
        parsed = parseQuery(canon)
    except Exception as exc:
        _refuse_if_update(canon)
        error = _syntax_error(canon, exc)
        if _oxigraph_reads(canon):
            raise QueryRefused(f"{UNCHECKABLE} The SPARQL 1.1 parser says: {str(error).splitlines()[0]}") from None
        raise error from None
    finally:
        _forget_parse_failures()
    _refuse_nodes(_walk(parsed))
    try:
        query = translateQuery(parsed, initNs=init_ns())
    except Exception as exc:
        raise _translate_error(exc) from None
    _refuse_nodes(_walk(query.algebra))
    return CheckedQuery(canon, _form(query.algebra), query)


UNCHECKABLE = ("query: Oxigraph reads this query but the SPARQL 1.1 parser laborgraph checks queries with "
               "cannot (an extension such as LATERAL, ADJUST or RDF-star?), so it is refused rather than run "
               "unchecked.")


def _oxigraph_reads(canon: str) -> bool:
    """Whether Oxigraph parses ``canon``: asked in the network-less worker, on an empty store, and only
    where that worker has a kernel network wall (the audit hook would not stop Oxigraph's SERVICE)."""
    from .sandbox import QueryTimeout, network_wall, run_forked

    if network_wall() == "audit-hook":
        return False
    try:
        status, _ = run_forked(_oxigraph_parses, (canon,), 5.0)
    except QueryTimeout:
        return True  # it parsed, then ran (on an empty store) past the limit
    return status != "syntax"


def _oxigraph_parses(canon: str) -> bool:
    import pyoxigraph

    pyoxigraph.Store().query(canon, prefixes=init_ns())  # raises SyntaxError if it cannot parse
    return True


def _refuse_if_update(canon: str) -> None:
    from rdflib.plugins.sparql.parser import parseUpdate

    try:
        parseUpdate(canon)
    except Exception:
        return
    finally:
        _forget_parse_failures()
    raise QueryRefused(UPDATE_REFUSED)


def _refuse_nodes(nodes: Iterator[Any]) -> None:
    for node in nodes:
        name = getattr(node, "name", "")
        if name in ("ServiceGraphPattern", "Service"):
            raise QueryRefused(SERVICE_REFUSED)
        if name in ("DatasetClause", "datasetClause") or (isinstance(node, dict) and dict.get(node, "datasetClause")):
            raise QueryRefused(FROM_REFUSED)


def _form(algebra: Any) -> str:
    return {"SelectQuery": "SELECT", "AskQuery": "ASK", "ConstructQuery": "CONSTRUCT",
            "DescribeQuery": "DESCRIBE"}.get(getattr(algebra, "name", ""), "SELECT")


def _walk(node: Any, depth: int = 0) -> Iterator[Any]:
    """Every node of a parse result or algebra tree (dicts, lists and pyparsing results)."""
    from pyparsing import ParseResults

    if depth > 2000:
        raise QueryRefused("the query is nested too deeply")
    yield node
    if isinstance(node, ParseResults):
        children: Any = list(node)  # named results are these same tokens: walking both would double each level
    elif isinstance(node, dict):
        children = node.values()
    elif isinstance(node, list | tuple):
        children = node
    else:
        return
    for child in children:
        yield from _walk(child, depth + 1)


def _forget_parse_failures() -> None:
    """Empty pyparsing's packrat cache: its cached exceptions' tracebacks reach the caller's
    frames and would keep whatever they hold (an open on-disk store) alive for the process."""
    import pyparsing

    pyparsing.ParserElement.reset_cache()


_SLASHED_NAME = re.compile(r"(?<![\w<:/])([A-Za-z][\w.-]*):([\w.-]+)/([^\s;,.{}()]+)")


def _syntax_error(text: str, exc: Any) -> QuerySyntaxError:
    hint = _slash_hint(text)
    if hint:
        return QuerySyntaxError(hint)
    line, col = getattr(exc, "lineno", None), getattr(exc, "col", None)
    if not line:
        return QuerySyntaxError(f"query: syntax error: {' '.join(str(exc).split())[:300]}")
    return located_error(text, line, col or 1, str(getattr(exc, "msg", "")) or str(exc).split("(at char")[0])


def located_error(text: str, line: int, col: int, detail: str) -> QuerySyntaxError:
    """``query:LINE:COL: syntax error: ...`` with the line and a caret under the spot."""
    lines = text.split("\n")  # the parsers count LF only (canonical text has no CR)
    src = lines[line - 1] if 0 < line <= len(lines) else ""
    detail = " ".join(detail.split())[:200]
    return QuerySyntaxError(f"query:{line}:{col}: syntax error: {detail}\n  {src}\n  {' ' * max(col - 1, 0)}^")


def _slash_hint(text: str) -> str:
    """A prefixed name with '/' in it (``lgid:entity/russia``) is the commonest mistake: say so."""
    for m in _SLASHED_NAME.finditer(text):
        prefix, local, rest = m.groups()
        if prefix in init_ns():
            full = f"<{init_ns()[prefix]}{local}/{rest}>"
            return (f"query: '{m.group(0)}': a '/' is not allowed in a prefixed name; write {full} "
                    f"(or {prefix}:{local}\\/{rest} on the default Oxigraph engine)")
    return ""


def _translate_error(exc: Exception) -> LaborgraphError:
    m = re.match(r"Unknown namespace prefix : (.*)", str(exc))
    if m:
        known = ", ".join(f"{p}:" for p in sorted(init_ns()))
        return QuerySyntaxError(f"query: unknown prefix '{m.group(1)}:'; declare it with "
                                f"PREFIX {m.group(1)}: <...>, or use a predeclared one: {known}")
    return QuerySyntaxError(f"query: {' '.join(str(exc).split())[:300]}")

