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

from .conftest import ROOT
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


def test_concurrent_clients(endpoint):
    base, _ = endpoint
    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(lambda _: get(f"{base}/sparql?query={quote(CLAIMS)}"), range(24)))
    assert {r[0] for r in results} == {200}


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
    proc = subprocess.Popen([sys.executable, "-m", "laborgraph.cli", "serve", "--port", str(port)], cwd=ROOT,
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
