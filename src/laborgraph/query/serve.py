"""A read-only SPARQL 1.1 Protocol endpoint over the built graph.

Safe to expose on a team network: every query passes the same gate as
``laborgraph query`` (updates, SERVICE, FROM refused from the parsed form),
runs in a forked worker without network that is killed at the time limit, and
its result is capped while it is evaluated; a bad request gets a 4xx answer
with a one-line reason and never stops the server. Queries run on an embedded
Oxigraph store; every named graph is visible without GRAPH (union default graph).

``GET /sparql`` without a query answers a SPARQL 1.1 Service Description,
``GET /queries`` the query library as JSON. CORS headers are sent only for
the origin given with ``--cors``.
"""

from __future__ import annotations

import contextlib
import json
import signal
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

from ..errors import LaborgraphError
from ..resources import asset
from .describe import Description
from .library import library
from .results import TooManyResults, boolean_bytes, capped, solutions
from .safety import check_query, init_ns
from .sandbox import QueryTimeout, run_forked

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
DESCRIPTION_TYPES = {"text/turtle": "turtle", "application/ld+json": "json-ld"}


@dataclass(frozen=True)
class ServeOptions:
    host: str = "127.0.0.1"
    port: int = 8000
    timeout: float = 10.0
    max_results: int = 10_000
    cors: str | None = None  # an origin allowed to query from a browser, or None: no CORS headers


class BadRequest(Exception):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


def pick(accept: str, table: dict[str, str], default: str) -> tuple[str, str]:
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
    """Run one checked query on the Store; (status, content type, body). Results are capped while
    they stream from the engine: a cartesian CONSTRUCT stops at ``max_results + 1`` triples."""
    import pyoxigraph

    result = store.query(text, prefixes=init_ns(), use_default_graph_as_union=True)
    try:
        if isinstance(result, pyoxigraph.QueryBoolean | bool):
            media, _ = pick(accept, SOLUTION_TYPES, "application/sparql-results+json")
            return 200, media, boolean_bytes(bool(result), media)
        if isinstance(result, pyoxigraph.QuerySolutions):
            rows = capped(result, max_results, "rows")
            media, fmt = pick(accept, SOLUTION_TYPES, "application/sparql-results+json")
            return 200, media, solutions([v.value for v in result.variables], rows, fmt)
        triples = capped(result, max_results, "triples")
    except TooManyResults as exc:
        return 400, "text/plain", str(exc).encode()
    media, fmt = pick(accept, GRAPH_TYPES, "text/turtle")
    return 200, media, pyoxigraph.serialize(triples, format=getattr(pyoxigraph.RdfFormat, fmt)) or b""


def run_limited(store: Any, text: str, accept: str, options: ServeOptions) -> tuple[int, str, bytes]:
    """Check the query, then run it in the network-less worker that is killed at the time limit."""
    from .engines import store_syntax_error

    try:
        checked = check_query(text)
        status, payload = run_forked(_execute, (store, checked.text, accept, options.max_results),
                                     options.timeout)
    except QueryTimeout:
        return 503, "text/plain", f"query stopped after {options.timeout:g} s (time limit)".encode()
    except LaborgraphError as exc:
        return 400, "text/plain", str(exc).encode()
    if status == "syntax":
        return 400, "text/plain", str(store_syntax_error(checked.text, payload)).encode()
    if status in ("error", "refused"):
        return 400, "text/plain", f"query failed: {payload}".encode()
    answer: tuple[int, str, bytes] = payload
    return answer


def _page() -> bytes:
    return asset("query.html")


def body_length(header: str | None) -> int:
    """Content-Length checked: a number from 0 to MAX_BODY, or BadRequest (400, or 413 when too large).

    >>> body_length("12")
    12
    >>> body_length("-1")
    Traceback (most recent call last):
    ...
    laborgraph.query.serve.BadRequest: Content-Length must be a whole number of bytes, got '-1'
    """
    if header is None or not header.strip():
        return 0
    value = header.strip()
    if not value.isdigit() or not value.isascii():
        raise BadRequest(400, f"Content-Length must be a whole number of bytes, got {value[:40]!r}")
    if int(value) > MAX_BODY:
        raise BadRequest(413, f"query too large: more than {MAX_BODY:,} bytes")
    return int(value)


def make_handler(store: Any, options: ServeOptions, log: Callable[[str], None]) -> type[BaseHTTPRequestHandler]:
    description = Description(store)

    class Handler(BaseHTTPRequestHandler):
        server_version = "laborgraph"
        sys_version = ""
        timeout = 60  # a client that stops sending mid-request frees its thread after this
        protocol_version = "HTTP/1.0"

        def log_message(self, format: str, *args: Any) -> None:
            pass  # one line per request is written by _send instead

        def _cors_headers(self) -> None:
            if options.cors is not None:
                self.send_header("Access-Control-Allow-Origin", options.cors)
                self.send_header("Vary", "Origin")

        def _send(self, status: int, media: str, body: bytes, started: float) -> None:
            self.send_response(status)
            self.send_header("Content-Type", f"{media}; charset=utf-8" if media.startswith("text/") else media)
            self.send_header("Content-Length", str(len(body)))
            self.send_header("X-Content-Type-Options", "nosniff")
            self._cors_headers()
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(body)
            ms = (time.perf_counter() - started) * 1000
            log(f'{self.client_address[0]} "{self.command} {urlsplit(self.path).path}" {status} '
                f"{len(body)}B {ms:.1f}ms")

        def _answer(self, work: Callable[[], tuple[int, str, bytes]]) -> None:
            """Whatever goes wrong in ``work`` becomes an HTTP answer, never a dropped connection."""
            started = time.perf_counter()
            try:
                status, media, body = work()
            except BadRequest as exc:
                status, media, body = exc.status, "text/plain", str(exc).encode()
            except Exception as exc:  # a bug of ours: say so, keep serving
                status, media = 500, "text/plain"
                body = f"internal error ({type(exc).__name__}); please report it".encode()
            with contextlib.suppress(OSError):  # the client went away
                self._send(status, media, body, started)

        def _query(self, text: str | None) -> tuple[int, str, bytes]:
            if not text:
                raise BadRequest(400, "missing query: pass ?query=... or POST a query")
            return run_limited(store, text, self.headers.get("Accept", ""), options)

        def _describe(self) -> tuple[int, str, bytes]:
            media, _ = pick(self.headers.get("Accept", ""), DESCRIPTION_TYPES, "text/turtle")
            host = self.headers.get("Host") or f"{options.host}:{options.port}"
            return 200, media, description.document(f"http://{host}/sparql", media)

        def _get(self) -> tuple[int, str, bytes]:
            url = urlsplit(self.path)
            if url.path in ("/", "/index.html"):
                return 200, "text/html", _page()
            if url.path == "/queries":
                return 200, "application/json", json.dumps([q.as_dict() for q in library()], indent=2).encode()
            if url.path == "/sparql":
                params = parse_qs(url.query)
                if "query" not in params:
                    return self._describe()
                return self._query(params["query"][0])
            return 404, "text/plain", b"not found: use /sparql, /queries or /"

        def _post(self) -> tuple[int, str, bytes]:
            if urlsplit(self.path).path != "/sparql":
                raise BadRequest(404, "not found: POST queries to /sparql")
            if self.headers.get("Transfer-Encoding"):
                raise BadRequest(411, "send the query with a Content-Length, not chunked")
            body = self.rfile.read(body_length(self.headers.get("Content-Length"))).decode("utf-8", "replace")
            kind = self.headers.get("Content-Type", "").split(";")[0].strip().lower()
            if kind == "application/sparql-query":
                return self._query(body)
            if kind == "application/x-www-form-urlencoded":
                form = parse_qs(body)
                if "update" in form:
                    raise BadRequest(403, "updates are refused: this endpoint is read-only")
                return self._query(form.get("query", [None])[0])
            if kind == "application/sparql-update":
                raise BadRequest(403, "updates are refused: this endpoint is read-only")
            raise BadRequest(415, "POST application/sparql-query or a form with query=")

        def do_GET(self) -> None:
            self._answer(self._get)

        do_HEAD = do_GET

        def do_POST(self) -> None:
            self._answer(self._post)

        def do_OPTIONS(self) -> None:
            """A CORS preflight: allowed for the --cors origin only (GET and POST queries)."""
            started = time.perf_counter()
            self.send_response(204 if options.cors is not None else 405)
            if options.cors is not None:
                self._cors_headers()
                self.send_header("Access-Control-Allow-Methods", "GET, POST, OPTIONS")
                self.send_header("Access-Control-Allow-Headers", "Content-Type, Accept")
                self.send_header("Access-Control-Max-Age", "600")
            else:
                self.send_header("Allow", "GET, POST, HEAD")
            self.send_header("Content-Length", "0")
            self.end_headers()
            log(f'{self.client_address[0]} "OPTIONS {urlsplit(self.path).path}" '
                f"{204 if options.cors is not None else 405} 0B {(time.perf_counter() - started) * 1000:.1f}ms")

        def do_PUT(self) -> None:
            self._answer(lambda: (405, "text/plain", b"read-only endpoint"))

        do_DELETE = do_PUT
        do_PATCH = do_PUT

    return Handler


class Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 128  # the listen backlog: 20+ clients connecting at once are queued, not reset


def make_server(store: Any, options: ServeOptions, log: Callable[[str], None] = print) -> ThreadingHTTPServer:
    return Server((options.host, options.port), make_handler(store, options, log))


def serve_forever(store: Any, options: ServeOptions, log: Callable[[str], None]) -> None:
    """Serve until SIGINT or SIGTERM, then finish the requests in flight and stop."""
    try:
        server = make_server(store, options, log)
    except OSError as exc:
        raise LaborgraphError(f"cannot listen on {options.host}:{options.port}: {exc.strerror or exc}") from None
    host, port = options.host, server.server_address[1]
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


__all__ = ["ServeOptions", "body_length", "make_server", "run_limited", "serve_forever"]
