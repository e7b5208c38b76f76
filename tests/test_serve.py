"""The read-only SPARQL endpoint: protocol, content negotiation, limits, concurrency, clean stop."""

import json
import os
import signal
import subprocess
import sys
import threading
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import quote, urlencode

import pytest

from laborgraph.query import oxigraph_store
from laborgraph.query.serve import ServeOptions, make_server

from .conftest import DATA, ROOT
from .servers import free_port, stop, wait_for

SLOW = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"


@pytest.fixture(scope="module")
def endpoint(dataset):
    lines = []
    server = make_server(oxigraph_store(dataset), ServeOptions(port=0, timeout=1.0, max_results=50), lines.append)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}", lines
    server.shutdown()
    server.server_close()


def get(url, accept="application/sparql-results+json"):
    request = urllib.request.Request(url, headers={"Accept": accept})
    try:
        with urllib.request.urlopen(request, timeout=30) as r:
            return r.status, r.headers.get("Content-Type"), r.read().decode()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.headers.get("Content-Type"), exc.read().decode()


def post(url, body, content_type, accept="application/sparql-results+json"):
    request = urllib.request.Request(url, data=body.encode(), method="POST",
                                     headers={"Content-Type": content_type, "Accept": accept})
    try:
        with urllib.request.urlopen(request, timeout=30) as r:
            return r.status, r.headers.get("Content-Type"), r.read().decode()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.headers.get("Content-Type"), exc.read().decode()


CLAIMS = "SELECT (COUNT(*) AS ?n) WHERE { ?c a lg:Claim }"


def test_get_with_predeclared_prefixes_gives_sparql_json(endpoint):
    base, _ = endpoint
    status, kind, body = get(f"{base}/sparql?query={quote(CLAIMS)}")
    assert (status, kind) == (200, "application/sparql-results+json")
    assert json.loads(body)["results"]["bindings"][0]["n"]["value"] == "33"


@pytest.mark.parametrize(("accept", "kind", "check"), [
    ("text/csv", "text/csv; charset=utf-8", lambda b: b.splitlines()[:2] == ["n", "33"]),
    ("text/tab-separated-values", "text/tab-separated-values; charset=utf-8", lambda b: b.startswith("?n\n")),
    ("application/sparql-results+xml", "application/sparql-results+xml", lambda b: "<binding name=\"n\">" in b),
])
def test_post_form_and_content_negotiation(endpoint, accept, kind, check):
    base, _ = endpoint
    status, got, body = post(f"{base}/sparql", urlencode({"query": CLAIMS}), "application/x-www-form-urlencoded",
                             accept)
    assert (status, got) == (200, kind)
    assert check(body)


def test_construct_gives_rdf(endpoint):
    base, _ = endpoint
    q = "CONSTRUCT { ?c lg:quote ?q } WHERE { ?c lg:claimId 'publication' ; lg:quote ?q }"
    status, kind, body = post(f"{base}/sparql", q, "application/sparql-query", "application/n-triples")
    assert (status, kind) == (200, "application/n-triples")
    assert body.count(" .\n") == 1 and "July 15, 2024" in body


@pytest.mark.parametrize(("query", "status", "words"), [
    ("SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }", 400, "SERVICE is refused"),
    ("SELECT * FROM <http://127.0.0.1:9/g> WHERE { ?s ?p ?o }", 400, "FROM / FROM NAMED are refused"),
    ("INSERT DATA { <urn:a> <urn:b> <urn:c> }", 400, "updates"),
    ("SELECT ?s WHERE { ?s ", 400, "syntax error"),
    ("SELECT ?s WHERE { ?s ?p ?o }", 400, "more than 50 rows"),
    (SLOW, 503, "stopped after 1 s"),
])
def test_refusals_and_limits_are_clear_and_the_server_keeps_serving(endpoint, query, status, words):
    base, _ = endpoint
    got, _, body = post(f"{base}/sparql", query, "application/sparql-query")
    assert got == status and words in body
    assert get(f"{base}/sparql?query={quote(CLAIMS)}")[0] == 200


def test_updates_are_refused(endpoint):
    base, _ = endpoint
    status, _, body = post(f"{base}/sparql", urlencode({"update": "CLEAR ALL"}), "application/x-www-form-urlencoded")
    assert status == 403 and "read-only" in body
    assert post(f"{base}/sparql", "CLEAR ALL", "application/sparql-update")[0] == 403


def test_concurrent_clients(dataset):
    """Its own server with a generous time limit: on a loaded machine a 1 s limit would time out, not fail."""
    server = make_server(oxigraph_store(dataset), ServeOptions(port=0, timeout=30.0), lambda _: None)
    threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        with ThreadPoolExecutor(max_workers=8) as pool:
            results = list(pool.map(lambda _: get(f"{base}/sparql?query={quote(CLAIMS)}"), range(24)))
    finally:
        server.shutdown()
        server.server_close()
    assert {r[0] for r in results} == {200}, {r[2] for r in results}


def test_query_page_works_offline(endpoint):
    base, _ = endpoint
    status, kind, body = get(f"{base}/", "text/html")
    assert (status, kind) == (200, "text/html; charset=utf-8")
    assert "fetch(\"/sparql\"" in body and "connect-src 'self'" in body
    assert "http://" not in body and "https://" not in body


def test_one_log_line_per_request(endpoint):
    import time

    base, lines = endpoint
    time.sleep(0.3)  # the server logs just after it answers: let earlier tests' lines land
    before = len(lines)
    get(f"{base}/sparql?query={quote(CLAIMS)}")
    time.sleep(0.3)
    assert len(lines) == before + 1
    assert lines[-1].startswith('127.0.0.1 "GET /sparql" 200 ')


def test_serve_command_starts_and_stops_gracefully(tmp_path):
    port = free_port()
    command = [sys.executable, "-m", "laborgraph.cli", "serve", "--data", str(DATA), "--port", str(port)]
    proc = subprocess.Popen(command, cwd=ROOT,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env={**os.environ, "PYTHONUNBUFFERED": "1"})
    try:
        wait_for(f"http://127.0.0.1:{port}/", 60, proc)
        assert get(f"http://127.0.0.1:{port}/sparql?query={quote(CLAIMS)}")[0] == 200
        proc.send_signal(signal.SIGTERM)
        _, err = proc.communicate(timeout=20)
    finally:
        if proc.poll() is None:
            stop(proc)
    assert proc.returncode == 0
    assert f"on http://127.0.0.1:{port}/sparql" in err and "stopping" in err


def test_ask_over_the_protocol(endpoint):
    base, _ = endpoint
    ask = quote("ASK { ?c a lg:Claim }")
    status, kind, body = get(f"{base}/sparql?query={ask}")
    assert kind == "application/sparql-results+json"
    assert (status, json.loads(body)) == (200, {"head": {}, "boolean": True})


# ---------------------------------------------------------------- hostile requests (issue 11)

def raw(base, request: bytes) -> str:
    """Send bytes as they are (http.client would fix a bad Content-Length); the answer's status line."""
    import socket
    from urllib.parse import urlsplit

    url = urlsplit(base)
    with socket.create_connection((url.hostname, url.port), timeout=30) as s:
        s.sendall(request)
        data = b""
        while chunk := s.recv(65536):
            data += chunk
    return data.decode("utf-8", "replace")


@pytest.mark.parametrize(("length", "status", "words"), [
    ("-1", 400, "whole number of bytes"),
    ("abc", 400, "whole number of bytes"),
    ("1e3", 400, "whole number of bytes"),
    ("99999999999", 413, "query too large"),
])
def test_bad_content_length_is_refused_without_reading(endpoint, length, status, words):
    base, _ = endpoint
    answer = raw(base, (f"POST /sparql HTTP/1.1\r\nHost: x\r\nContent-Type: application/sparql-query\r\n"
                        f"Content-Length: {length}\r\n\r\nASK {{}}").encode())
    assert answer.startswith(f"HTTP/1.0 {status} ") and words in answer
    assert get(f"{base}/sparql?query={quote(CLAIMS)}")[0] == 200


def test_a_cartesian_construct_stops_at_the_cap_not_the_time_limit(endpoint):
    """Triples are counted as they stream from the engine: the answer comes long before the 1 s limit."""
    import time

    base, _ = endpoint
    q = "CONSTRUCT { ?a ?b ?c . ?d ?e ?f } WHERE { ?a ?b ?c . ?d ?e ?f }"
    started = time.monotonic()
    status, _, body = post(f"{base}/sparql", q, "application/sparql-query", "application/n-triples")
    assert (status, body) == (400, "the result has more than 50 triples; add LIMIT or narrow the query")
    assert time.monotonic() - started < 1.0


def test_twenty_clients_connecting_at_once_are_queued_not_refused(dataset):
    """The clients connect before the server accepts anything: a listen backlog of 5 would drop most."""
    import socket
    import time

    server = make_server(oxigraph_store(dataset), ServeOptions(port=0, timeout=10.0), lambda _: None)
    port = server.server_address[1]
    request = f"GET /sparql?query={quote(CLAIMS)} HTTP/1.0\r\nHost: x\r\n\r\n".encode()

    def client(_):
        try:
            s = socket.create_connection(("127.0.0.1", port), timeout=1.5)
        except OSError as exc:
            return f"connect: {exc}"
        with s:
            s.settimeout(60)
            s.sendall(request)
            data = b""
            while chunk := s.recv(65536):
                data += chunk
            return data.split(b"\r\n", 1)[0].decode()

    with ThreadPoolExecutor(max_workers=20) as pool:
        futures = [pool.submit(client, i) for i in range(20)]
        time.sleep(2.0)  # every connect has completed or timed out by now
        thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True)
        thread.start()
        answers = [f.result() for f in futures]
    server.shutdown()
    server.server_close()
    assert answers == ["HTTP/1.0 200 OK"] * 20


def test_unexpected_failures_answer_500_and_the_server_keeps_serving(dataset):
    class Broken:
        def query(self, *args, **kwargs):
            raise RuntimeError("boom")

    lines = []
    server = make_server(Broken(), ServeOptions(port=0), lines.append)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        status, _, body = get(f"{base}/sparql", "text/turtle")  # the service description queries the store
        assert status == 500 and "internal error (RuntimeError)" in body
        assert get(f"{base}/", "text/html")[0] == 200
    finally:
        server.shutdown()
        server.server_close()


# ---------------------------------------------------------------- a describable, reachable endpoint (issue 16)

def test_service_description_on_get_without_a_query(endpoint, dataset):
    from rdflib import Graph, Literal, Namespace, URIRef
    from rdflib.namespace import RDF, VOID, XSD

    sd = Namespace("http://www.w3.org/ns/sparql-service-description#")
    base, _ = endpoint
    status, kind, body = get(f"{base}/sparql", "text/turtle")
    assert (status, kind) == (200, "text/turtle; charset=utf-8")
    g = Graph().parse(data=body, format="turtle")
    service = URIRef(f"{base}/sparql")
    assert (service, RDF.type, sd.Service) in g and (service, sd.endpoint, service) in g
    assert (service, sd.supportedLanguage, sd.SPARQL11Query) in g
    assert (service, sd.resultFormat, URIRef("http://www.w3.org/ns/formats/SPARQL_Results_JSON")) in g
    dataset_node = g.value(service, sd.defaultDataset)
    total = sum(len(graph) for graph in dataset.graphs())
    assert g.value(dataset_node, VOID.triples) == Literal(total, datatype=XSD.integer)
    names = {str(g.value(n, sd.name)) for n in g.objects(dataset_node, sd.namedGraph)}
    assert names == {str(graph.identifier) for graph in dataset.graphs() if len(graph)
                     and str(graph.identifier) != "urn:x-rdflib:default"}
    claims = [p for p in g.objects(dataset_node, VOID.classPartition)
              if str(g.value(p, VOID["class"])) == "https://w3id.org/laborgraph/ns#Claim"]
    assert [int(g.value(p, VOID.entities)) for p in claims] == [33]
    status, kind, body = get(f"{base}/sparql", "application/ld+json")
    assert (status, kind) == (200, "application/ld+json")
    assert len(Graph().parse(data=body, format="json-ld")) == len(g)


def test_the_description_carries_licence_and_sources_found_in_the_data():
    from rdflib import Graph, URIRef
    from rdflib.namespace import DCTERMS

    from laborgraph.query import store_from_file
    from laborgraph.query.describe import Description

    g = Graph().parse(data=Description(store_from_file(ROOT / "tests" / "fixtures" / "tiny.ttl"))
                      .document("http://h/sparql", "text/turtle"), format="turtle")
    assert set(g.objects(None, DCTERMS.license)) == {URIRef("https://creativecommons.org/licenses/by/4.0/")}
    assert set(g.objects(None, DCTERMS.source)) == {URIRef("https://news.example/x")}


def test_the_query_library_is_listed(endpoint):
    base, _ = endpoint
    status, kind, body = get(f"{base}/queries", "application/json")
    assert (status, kind) == (200, "application/json")
    listed = {q["name"]: q for q in json.loads(body)}
    assert "cq01-deployments" in listed and "SELECT" in listed["cq01-deployments"]["query"]


def _preflight(base):
    request = urllib.request.Request(f"{base}/sparql", method="OPTIONS", headers={
        "Origin": "http://yasgui.example", "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "content-type"})
    try:
        with urllib.request.urlopen(request, timeout=30) as r:
            return r.status, r.headers
    except urllib.error.HTTPError as exc:
        return exc.code, exc.headers


def test_no_cors_headers_without_the_option(endpoint):
    base, _ = endpoint
    status, headers = _preflight(base)
    assert status == 405 and not [h for h in headers if h.lower().startswith("access-control")]
    request = urllib.request.Request(f"{base}/sparql?query={quote(CLAIMS)}", headers={"Origin": "http://e.example"})
    with urllib.request.urlopen(request, timeout=30) as r:
        assert not [h for h in r.headers if h.lower().startswith("access-control")]


def test_cors_preflight_and_answers_with_the_option(dataset):
    server = make_server(oxigraph_store(dataset), ServeOptions(port=0, cors="http://yasgui.example"), lambda _: None)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        status, headers = _preflight(base)
        assert status == 204
        assert headers["Access-Control-Allow-Origin"] == "http://yasgui.example"
        assert "POST" in headers["Access-Control-Allow-Methods"] and "GET" in headers["Access-Control-Allow-Methods"]
        assert "content-type" in headers["Access-Control-Allow-Headers"].lower()
        status, _, _ = post(f"{base}/sparql", urlencode({"query": CLAIMS}), "application/x-www-form-urlencoded")
        request = urllib.request.Request(f"{base}/sparql?query={quote(CLAIMS)}",
                                         headers={"Origin": "http://yasgui.example"})
        with urllib.request.urlopen(request, timeout=30) as r:
            assert r.headers["Access-Control-Allow-Origin"] == "http://yasgui.example"
    finally:
        server.shutdown()
        server.server_close()


@pytest.mark.parametrize("method", ["GET", "POST"])
def test_sparqlwrapper_queries_the_endpoint(endpoint, method):
    from SPARQLWrapper import JSON, SPARQLWrapper

    base, _ = endpoint
    client = SPARQLWrapper(f"{base}/sparql")
    client.setQuery("PREFIX lg: <https://w3id.org/laborgraph/ns#> " + CLAIMS)
    client.setReturnFormat(JSON)
    client.setMethod(method)
    answer = client.queryAndConvert()
    assert answer["results"]["bindings"][0]["n"]["value"] == "33"


def test_a_port_in_use_is_one_clean_line(tmp_path):
    import socket

    from click.testing import CliRunner

    from laborgraph.cli import main

    with socket.create_server(("127.0.0.1", 0)) as taken:
        port = taken.getsockname()[1]
        result = CliRunner().invoke(main, ["serve", "--graph", str(ROOT / "tests" / "fixtures" / "tiny.ttl"),
                                           "--port", str(port)])
    assert result.exit_code == 2
    assert f"cannot listen on 127.0.0.1:{port}" in result.stderr and "Traceback" not in result.output
