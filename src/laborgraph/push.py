"""Load the build into a remote triple store with the SPARQL 1.1 Graph Store HTTP Protocol.

One named graph per article, one for the shared registry, one for the
ontology; each is sent with PUT, which replaces the graph, so pushing again
never duplicates triples. Transient failures (connection refused or reset,
HTTP 5xx, 429) are retried with exponential backoff; an authentication
failure or a store that rejects the data stops at once with a clear message.
"""

from __future__ import annotations

import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from urllib.parse import quote, urlsplit

from rdflib import Dataset, Graph

from .build import bind_prefixes
from .errors import LaborgraphError


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
    timeout: float = 60.0

    def url_for(self, graph: str) -> str:
        sep = "&" if "?" in self.graph_store else "?"
        return f"{self.graph_store}{sep}{self.graph_param}={quote(graph, safe='')}"


def target_for(endpoint: str | None, graph_store: str | None, user: str | None, password: str | None,
               graph_param: str | None = None) -> Target:
    """Work out the Graph Store URL from what the user gave (Oxigraph's /store, Virtuoso's crud)."""
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
    if urlsplit(url).scheme not in ("http", "https"):
        raise PushError(f"'{url}' is not an http(s) URL")
    param = graph_param or ("graph-uri" if "sparql-graph-crud" in url else "graph")
    return Target(url, param, user, password)


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


def _opener(target: Target) -> urllib.request.OpenerDirector:
    handlers: list[urllib.request.BaseHandler] = []
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


def put_graph(target: Target, name: str, body: bytes, *, sleep: Callable[[float], None] = time.sleep) -> None:
    opener = _opener(target)
    url = target.url_for(name)
    for attempt in range(target.retries + 1):
        request = urllib.request.Request(url, data=body, method="PUT",
                                         headers={"Content-Type": "text/turtle; charset=utf-8"})
        try:
            with opener.open(request, timeout=target.timeout) as response:
                response.read()
                return
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
            problem = f"HTTP {exc.code}: {detail}"
        except (urllib.error.URLError, ConnectionError, TimeoutError) as exc:
            reason = getattr(exc, "reason", exc)
            problem = f"unreachable ({reason})"
        if attempt == target.retries:
            raise PushError(f"{target.graph_store}: {problem}; gave up after {target.retries + 1} attempts")
        sleep(target.backoff * 2 ** attempt)


def push_documents(documents: Iterable[tuple[str, bytes, int]], target: Target, *, dry_run: bool = False,
                   sleep: Callable[[float], None] = time.sleep) -> PushReport:
    """PUT each (graph IRI, Turtle document, triple count), e.g. from ``pipeline.graph_documents``."""
    report = PushReport()
    for name, body, count in documents:
        if not dry_run:
            put_graph(target, name, body, sleep=sleep)
        report.graphs.append((name, count))
    return report


def push(ds: Dataset, target: Target, *, dry_run: bool = False,
         sleep: Callable[[float], None] = time.sleep) -> PushReport:
    """PUT every non-empty named graph of ``ds``; returns what was (or would be) pushed."""
    graphs = sorted((g for g in ds.graphs() if len(g) and str(g.identifier) != "urn:x-rdflib:default"),
                    key=lambda g: str(g.identifier))
    documents = ((str(g.identifier), b"" if dry_run else _turtle(g), len(g)) for g in graphs)
    return push_documents(documents, target, dry_run=dry_run, sleep=sleep)
