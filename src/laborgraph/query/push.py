"""Load the build into a remote triple store with the SPARQL 1.1 Graph Store HTTP Protocol.

One named graph per article, one for the shared registry, one for the
ontology; each is sent with PUT, which replaces the graph, so pushing again
never duplicates triples. Transient failures (connection refused or reset,
HTTP 5xx, 429) are retried with exponential backoff; an authentication
failure or a store that rejects the data stops at once with a clear message.

Time is bounded twice: each request must be answered in full within
``Target.timeout`` (a watchdog shuts the socket, so a server that trickles one
byte every few seconds cannot hold it; a socket timeout alone restarts at every
byte), and the whole push within ``Target.total``.
"""

from __future__ import annotations

import contextlib
import functools
import http.client
import socket
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote, urlsplit

from rdflib import Dataset, Graph

from ..errors import LaborgraphError
from ..vocab import bind_prefixes


class PushError(LaborgraphError):
    """The store could not be reached, refused our credentials, or rejected the data."""


@dataclass(frozen=True)
class Target:
    graph_store: str  # e.g. http://127.0.0.1:7878/store or .../sparql-graph-crud-auth
    graph_param: str = "graph"  # Virtuoso's crud endpoints take graph-uri
    user: str | None = None
    password: str | None = None
    retries: int = 4
    backoff: float = 0.5
    timeout: float = 60.0  # seconds for one request, from connecting to the last byte of the answer
    total: float = 300.0  # seconds for the whole push

    def url_for(self, graph: str) -> str:
        sep = "&" if "?" in self.graph_store else "?"
        return f"{self.graph_store}{sep}{self.graph_param}={quote(graph, safe='')}"


def target_for(endpoint: str | None, graph_store: str | None, user: str | None, password: str | None,
               graph_param: str | None = None, *, timeout: float = 300.0) -> Target:
    """Work out the Graph Store URL from what the user gave (Oxigraph's /store, Virtuoso's crud)."""
    try:
        return _target(endpoint, graph_store, user, password, graph_param, timeout)
    except ValueError as exc:  # urlsplit on a malformed address (an unclosed IPv6 bracket, a bad port)
        raise PushError(f"not a usable URL: {exc}") from None


def _target(endpoint: str | None, graph_store: str | None, user: str | None, password: str | None,
            graph_param: str | None, timeout: float) -> Target:
    url = graph_store
    if url is None:
        if endpoint is None:
            raise PushError("give --endpoint (the SPARQL endpoint) or --graph-store (the Graph Store URL)")
        parts = urlsplit(endpoint)
        path = parts.path.rstrip("/")
        if path.endswith("/sparql"):
            store_path = path + ("-graph-crud-auth" if user else "-graph-crud")
        elif path.endswith("/query"):
            store_path = path[: -len("/query")] + "/store"
        else:
            store_path = path + "/store"
        url = f"{parts.scheme}://{parts.netloc}{store_path}"
    parts = urlsplit(url)
    _ = parts.port  # raises ValueError for a port that is not a number from 0 to 65535
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise PushError(f"'{url}' is not an http(s) URL")
    param = graph_param or ("graph-uri" if "sparql-graph-crud" in url else "graph")
    if not timeout > 0:
        raise PushError(f"--timeout must be a positive number of seconds, got {timeout:g}")
    return Target(url, param, user, password, timeout=min(60.0, timeout), total=timeout)


@dataclass
class PushReport:
    graphs: list[tuple[str, int]] = field(default_factory=list)

    @property
    def triples(self) -> int:
        return sum(n for _, n in self.graphs)

    def as_text(self, dry_run: bool = False) -> str:
        verb = "would push" if dry_run else "pushed"
        lines = [f"  {n:>7} triples  {g}" for g, n in self.graphs]
        return "\n".join([*lines, f"{verb} {len(self.graphs)} graph(s), {self.triples} triples"]) + "\n"


class Watchdog:
    """Shuts every socket it watches once ``seconds`` have passed: a hard deadline for one request."""

    def __init__(self, seconds: float) -> None:
        self.fired = False
        self._socks: list[socket.socket] = []
        self._lock = threading.Lock()
        self._timer = threading.Timer(max(seconds, 0.0), self._fire)
        self._timer.daemon = True
        self._timer.start()

    def watch(self, sock: socket.socket) -> None:
        with self._lock:
            self._socks.append(sock)
            if self.fired:
                _shut(sock)

    def _fire(self) -> None:
        with self._lock:
            self.fired = True
            for sock in self._socks:
                _shut(sock)

    def cancel(self) -> None:
        self._timer.cancel()


def _shut(sock: socket.socket) -> None:
    with contextlib.suppress(OSError):  # already closed
        sock.shutdown(socket.SHUT_RDWR)


class _WatchedHTTP(http.client.HTTPConnection):
    def __init__(self, *args: Any, watchdog: Watchdog, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._watchdog = watchdog

    def connect(self) -> None:
        super().connect()
        self._watchdog.watch(self.sock)


class _WatchedHTTPS(http.client.HTTPSConnection):
    def __init__(self, *args: Any, watchdog: Watchdog, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._watchdog = watchdog

    def connect(self) -> None:
        super().connect()
        self._watchdog.watch(self.sock)


class _HTTPHandler(urllib.request.HTTPHandler):
    def __init__(self, watchdog: Watchdog) -> None:
        super().__init__()
        self.watchdog = watchdog

    def http_open(self, req: urllib.request.Request) -> Any:
        return self.do_open(functools.partial(_WatchedHTTP, watchdog=self.watchdog), req)


class _HTTPSHandler(urllib.request.HTTPSHandler):
    def __init__(self, watchdog: Watchdog) -> None:
        super().__init__()
        self.watchdog = watchdog

    def https_open(self, req: urllib.request.Request) -> Any:
        return self.do_open(functools.partial(_WatchedHTTPS, watchdog=self.watchdog), req,
                            context=getattr(self, "_context", None))


def _opener(target: Target, watchdog: Watchdog) -> urllib.request.OpenerDirector:
    handlers: list[urllib.request.BaseHandler] = [_HTTPHandler(watchdog), _HTTPSHandler(watchdog)]
    if target.user is not None:
        passwords = urllib.request.HTTPPasswordMgrWithDefaultRealm()
        passwords.add_password(None, target.graph_store, target.user, target.password or "")
        handlers += [urllib.request.HTTPDigestAuthHandler(passwords), urllib.request.HTTPBasicAuthHandler(passwords)]
    # never follow a proxy from the environment to somewhere else
    handlers.append(urllib.request.ProxyHandler({}))
    return urllib.request.build_opener(*handlers)


def _turtle(graph: Graph) -> bytes:
    g = Graph()
    bind_prefixes(g)
    for triple in graph:
        g.add(triple)
    return g.serialize(format="turtle").encode("utf-8")


def put_graph(target: Target, name: str, body: bytes, *, sleep: Callable[[float], None] = time.sleep,
              deadline: float | None = None) -> None:
    """PUT one graph, retrying transient failures; ``deadline`` (time.monotonic) ends the whole push."""
    deadline = time.monotonic() + target.total if deadline is None else deadline
    url = target.url_for(name)
    for attempt in range(target.retries + 1):
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise PushError(f"{target.graph_store}: push stopped after {target.total:g} s (--timeout); "
                            f"graph <{name}> was not sent")
        problem = _attempt(target, url, name, body, min(target.timeout, remaining))
        if problem is None:
            return
        if attempt == target.retries:
            raise PushError(f"{target.graph_store}: {problem}; gave up after {target.retries + 1} attempts")
        sleep(min(target.backoff * 2 ** attempt, max(deadline - time.monotonic(), 0.0)))
    raise AssertionError("unreachable")


def _attempt(target: Target, url: str, name: str, body: bytes, seconds: float) -> str | None:
    """One PUT within ``seconds``: None when stored, a transient problem to retry, or PushError."""
    watchdog = Watchdog(seconds)
    request = urllib.request.Request(url, data=body, method="PUT",
                                     headers={"Content-Type": "text/turtle; charset=utf-8"})
    try:
        with _opener(target, watchdog).open(request, timeout=seconds) as response:
            response.read()
            if not watchdog.fired:
                return None
    except urllib.error.HTTPError as exc:
        detail = exc.read()[:300].decode("utf-8", "replace").strip().replace("\n", " ")
        if exc.code == 401:
            raise PushError(f"{target.graph_store}: authentication failed (HTTP 401); check --user "
                            "and --password") from None
        if exc.code == 403:
            raise PushError(f"{target.graph_store}: the store rejected graph <{name}> (HTTP 403 forbidden: "
                            f"read-only, or the user may not write): {detail}") from None
        if exc.code < 500 and exc.code != 429:
            raise PushError(f"{target.graph_store}: the store rejected graph <{name}> (HTTP {exc.code}): "
                            f"{detail}") from None
        return f"HTTP {exc.code}: {detail}"
    except (urllib.error.URLError, http.client.HTTPException, OSError) as exc:
        if not watchdog.fired:
            return f"unreachable ({getattr(exc, 'reason', exc) or type(exc).__name__})"
    finally:
        watchdog.cancel()
    return f"no complete answer within {seconds:g} s (the transfer stalled or the store is too slow)"


def push_documents(documents: Iterable[tuple[str, bytes, int]], target: Target, *, dry_run: bool = False,
                   sleep: Callable[[float], None] = time.sleep, progress: Callable[[int, int], None] | None = None,
                   total: int | None = None) -> PushReport:
    """PUT each (graph IRI, Turtle document, triple count), e.g. from ``incremental.graph_documents``.

    ``progress(pushed, total)`` is called after each graph is stored (the CLI's counter);
    ``total`` is how many graphs there may be: once the documents run out, the rest were
    empty and had nothing to send, so the counter ends at ``total``.
    """
    report = PushReport()
    deadline = time.monotonic() + target.total
    for name, body, count in documents:
        if not dry_run:
            put_graph(target, name, body, sleep=sleep, deadline=deadline)
            if progress is not None:
                progress(len(report.graphs) + 1, max(total or 0, len(report.graphs) + 1))
        report.graphs.append((name, count))
    if progress is not None and not dry_run and total:
        progress(max(total, len(report.graphs)), max(total, len(report.graphs)))
    return report


def push(ds: Dataset, target: Target, *, dry_run: bool = False,
         sleep: Callable[[float], None] = time.sleep) -> PushReport:
    """PUT every non-empty named graph of ``ds``; returns what was (or would be) pushed."""
    graphs = sorted((g for g in ds.graphs() if len(g) and str(g.identifier) != "urn:x-rdflib:default"),
                    key=lambda g: str(g.identifier))
    documents = ((str(g.identifier), b"" if dry_run else _turtle(g), len(g)) for g in graphs)
    return push_documents(documents, target, dry_run=dry_run, sleep=sleep)
