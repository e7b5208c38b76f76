"""A read-only SPARQL 1.1 Protocol endpoint over the built graph.

Safe to expose on a team network: queries are checked before they run
(updates, SERVICE, FROM are refused, as in ``laborgraph query``), each runs in
a forked worker killed at the time limit, results are capped in size, and a
bad query never stops the server. Queries run on an embedded Oxigraph store;
every named graph is visible without GRAPH (union default graph).
"""

from __future__ import annotations

import json
import signal
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from importlib import resources
from typing import Any
from urllib.parse import parse_qs, urlsplit

from .errors import LaborgraphError
from .query import QueryTimeout, prefix_header, run_forked, screen_query, shifted_syntax_error

MAX_BODY = 1_000_000
SOLUTION_TYPES = {
    "application/sparql-results+json": "JSON", "application/json": "JSON",
    "application/sparql-results+xml": "XML", "application/xml": "XML",
    "text/csv": "CSV", "text/tab-separated-values": "TSV",
}
GRAPH_TYPES = {
    "text/turtle": "TURTLE", "application/n-triples": "N_TRIPLES", "application/rdf+xml": "RDF_XML",
    "application/n-quads": "N_QUADS", "application/trig": "TRIG",
}


@dataclass(frozen=True)
class ServeOptions:
    host: str = "127.0.0.1"
    port: int = 8000
    timeout: float = 10.0
    max_results: int = 10_000


def _pick(accept: str, table: dict[str, str], default: str) -> tuple[str, str]:
    """The first media type the client accepts (by q-value), or the default."""
    choices = []
    for i, part in enumerate(accept.split(",")):
        fields = [f.strip() for f in part.split(";")]
        q = 1.0
        for f in fields[1:]:
            if f.startswith("q="):
                try:
                    q = float(f[2:])
                except ValueError:
                    q = 0.0
        choices.append((-q, i, fields[0].lower()))
    for _, _, media in sorted(choices):
        if media in table:
            return media, table[media]
        if media in ("*/*", "application/*", "text/*"):
            break
    return default, table[default]


def _execute(store: Any, text: str, accept: str, max_results: int) -> tuple[int, str, bytes]:
    """Run one checked query on the Store; (status, content type, body)."""
    import pyoxigraph

    result = store.query(text, use_default_graph_as_union=True)
    if isinstance(result, pyoxigraph.QueryBoolean):
        result = bool(result)
    if isinstance(result, bool):
        media, _ = _pick(accept, SOLUTION_TYPES, "application/sparql-results+json")
        if media in ("text/csv", "text/tab-separated-values"):
            return 200, media, (b"true\n" if result else b"false\n")
        if "xml" in media:
            body = ('<?xml version="1.0"?><sparql xmlns="http://www.w3.org/2005/sparql-results#"><head/>'
                    f"<boolean>{'true' if result else 'false'}</boolean></sparql>")
            return 200, media, body.encode()
        return 200, media, json.dumps({"head": {}, "boolean": result}).encode()
    if isinstance(result, pyoxigraph.QuerySolutions):
        rows = []
        for i, row in enumerate(result):
            if i >= max_results:
                return 400, "text/plain", (f"the result has more than {max_results} rows; add LIMIT "
                                           "or narrow the query").encode()
            rows.append(row)
        media, fmt = _pick(accept, SOLUTION_TYPES, "application/sparql-results+json")
        variables = [v.value for v in result.variables]
        return 200, media, _solutions(variables, rows, fmt)
    triples = list(result)
    if len(triples) > max_results:
        return 400, "text/plain", f"the result has more than {max_results} triples; narrow the query".encode()
    media, fmt = _pick(accept, GRAPH_TYPES, "text/turtle")
    return 200, media, pyoxigraph.serialize(triples, format=getattr(pyoxigraph.RdfFormat, fmt)) or b""


def _term_json(term: Any) -> dict[str, str]:
    import pyoxigraph

    if isinstance(term, pyoxigraph.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, pyoxigraph.BlankNode):
        return {"type": "bnode", "value": term.value}
    out = {"type": "literal", "value": term.value}
    if term.language:
        out["xml:lang"] = term.language
    elif term.datatype.value != "http://www.w3.org/2001/XMLSchema#string":
        out["datatype"] = term.datatype.value
    return out


def _solutions(variables: list[str], rows: list[Any], fmt: str) -> bytes:
    """SPARQL results in JSON, XML, CSV or TSV (written here so the row cap applies first)."""
    from xml.sax.saxutils import escape, quoteattr

    cells = [[row[v] for v in variables] for row in rows]
    if fmt == "JSON":
        bindings = [{v: _term_json(t) for v, t in zip(variables, r, strict=True) if t is not None} for r in cells]
        return json.dumps({"head": {"vars": variables}, "results": {"bindings": bindings}}).encode()
    if fmt == "CSV":
        import csv
        import io

        buf = io.StringIO()
        w = csv.writer(buf, lineterminator="\r\n")
        w.writerow(variables)
        w.writerows([["" if t is None else t.value for t in r] for r in cells])
        return buf.getvalue().encode()
    if fmt == "TSV":
        lines = ["\t".join(f"?{v}" for v in variables)]
        lines += ["\t".join("" if t is None else str(t) for t in r) for r in cells]
        return ("\n".join(lines) + "\n").encode()
    out = ['<?xml version="1.0"?>', '<sparql xmlns="http://www.w3.org/2005/sparql-results#"><head>']
    out += [f"<variable name={quoteattr(v)}/>" for v in variables]
    out.append("</head><results>")
    for r in cells:
        out.append("<result>")
        for v, t in zip(variables, r, strict=True):
            if t is None:
                continue
            j = _term_json(t)
            if j["type"] == "uri":
                inner = f"<uri>{escape(j['value'])}</uri>"
            elif j["type"] == "bnode":
                inner = f"<bnode>{escape(j['value'])}</bnode>"
            else:
                attrs = (f" xml:lang={quoteattr(j['xml:lang'])}" if "xml:lang" in j else
                         f" datatype={quoteattr(j['datatype'])}" if "datatype" in j else "")
                inner = f"<literal{attrs}>{escape(j['value'])}</literal>"
            out.append(f"<binding name={quoteattr(v)}>{inner}</binding>")
        out.append("</result>")
    out.append("</results></sparql>")
    return "".join(out).encode()


def run_limited(store: Any, text: str, accept: str, options: ServeOptions) -> tuple[int, str, bytes]:
    """Screen the query, then run it in a forked worker that is killed at the time limit."""
    try:
        screen_query(text)
        status, payload = run_forked(_execute, (store, prefix_header() + text, accept, options.max_results),
                                     options.timeout)
    except QueryTimeout:
        return 503, "text/plain", f"query stopped after {options.timeout:g} s (time limit)".encode()
    except LaborgraphError as exc:
        return 400, "text/plain", str(exc).encode()
    if status == "syntax":
        return 400, "text/plain", str(shifted_syntax_error(text, SyntaxError(payload), prefix_header())).encode()
    if status == "error":
        return 400, "text/plain", f"query failed: {payload}".encode()
    return payload


def _page() -> bytes:
    return resources.files("laborgraph").joinpath("resources", "query.html").read_bytes()


def make_handler(store: Any, options: ServeOptions, log: Callable[[str], None]) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        server_version = "laborgraph"
        sys_version = ""

        def log_message(self, format: str, *args: Any) -> None:
            pass  # one line per request is written by _send instead

        def _send(self, status: int, media: str, body: bytes, started: float) -> None:
            self.send_response(status)
            self.send_header("Content-Type", f"{media}; charset=utf-8" if media.startswith("text/") else media)
            self.send_header("Content-Length", str(len(body)))
            self.send_header("X-Content-Type-Options", "nosniff")
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(body)
            ms = (time.perf_counter() - started) * 1000
            log(f'{self.client_address[0]} "{self.command} {urlsplit(self.path).path}" {status} '
                f"{len(body)}B {ms:.1f}ms")

        def _query(self, text: str | None, started: float) -> None:
            if not text:
                self._send(400, "text/plain", b"missing query: pass ?query=... or POST a query", started)
                return
            status, media, body = run_limited(store, text, self.headers.get("Accept", ""), options)
            self._send(status, media, body, started)

        def do_GET(self) -> None:
            started = time.perf_counter()
            url = urlsplit(self.path)
            if url.path in ("/", "/index.html"):
                self._send(200, "text/html", _page(), started)
            elif url.path == "/sparql":
                self._query(parse_qs(url.query).get("query", [None])[0], started)
            else:
                self._send(404, "text/plain", b"not found: use /sparql or /", started)

        def do_POST(self) -> None:
            started = time.perf_counter()
            if urlsplit(self.path).path != "/sparql":
                self._send(404, "text/plain", b"not found: POST queries to /sparql", started)
                return
            length = int(self.headers.get("Content-Length") or 0)
            if length > MAX_BODY:
                self._send(413, "text/plain", b"query too large", started)
                return
            body = self.rfile.read(length).decode("utf-8", "replace")
            kind = self.headers.get("Content-Type", "").split(";")[0].strip().lower()
            if kind == "application/sparql-query":
                self._query(body, started)
            elif kind == "application/x-www-form-urlencoded":
                form = parse_qs(body)
                if "update" in form:
                    self._send(403, "text/plain", b"updates are refused: this endpoint is read-only", started)
                    return
                self._query(form.get("query", [None])[0], started)
            elif kind == "application/sparql-update":
                self._send(403, "text/plain", b"updates are refused: this endpoint is read-only", started)
            else:
                self._send(415, "text/plain", b"POST application/sparql-query or a form with query=", started)

        def do_PUT(self) -> None:
            self._send(405, "text/plain", b"read-only endpoint", time.perf_counter())

        do_DELETE = do_PUT
        do_PATCH = do_PUT

    return Handler


def make_server(store: Any, options: ServeOptions, log: Callable[[str], None] = print) -> ThreadingHTTPServer:
    server = ThreadingHTTPServer((options.host, options.port), make_handler(store, options, log))
    server.daemon_threads = True
    return server


def serve_forever(store: Any, options: ServeOptions, log: Callable[[str], None]) -> None:
    """Serve until SIGINT or SIGTERM, then finish the requests in flight and stop."""
    server = make_server(store, options, log)
    host, port = server.server_address[:2]
    log(f"laborgraph SPARQL endpoint on http://{host}:{port}/sparql (query page: http://{host}:{port}/); "
        "Ctrl-C stops it")

    def stop(signum: int, frame: Any) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, stop)
    try:
        server.serve_forever(poll_interval=0.2)
    except KeyboardInterrupt:
        log("stopping")
    finally:
        server.server_close()
        sys.stdout.flush()


__all__ = ["HTTPStatus", "ServeOptions", "make_server", "run_limited", "serve_forever"]
