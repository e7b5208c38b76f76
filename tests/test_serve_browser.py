"""The endpoint from a real headless Chromium: the query page, and CORS as browsers enforce it (issue 16)."""

import http.server
import os
import threading

import pytest
from playwright.sync_api import sync_playwright

from laborgraph.query import oxigraph_store
from laborgraph.query.serve import ServeOptions, make_server

from .test_viz import CHROMIUM, FLAGS

pytestmark = pytest.mark.slow  # real servers or a real browser: minutes, not seconds

FETCH = """async (url) => {
  try {
    const r = await fetch(url, {method: "POST", body: "SELECT (COUNT(*) AS ?n) WHERE { ?c a lg:Claim }",
      headers: {"Content-Type": "application/sparql-query", "Accept": "application/sparql-results+json"}});
    return (await r.json()).results.bindings[0].n.value;
  } catch (e) { return "blocked: " + e.name; }
}"""


def _start(server):
    threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True).start()
    return f"http://127.0.0.1:{server.server_address[1]}"


@pytest.fixture(scope="module")
def origin():
    """Another origin: a plain page on another loopback port, as YASGUI would be."""

    class Page(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            body = b"<!DOCTYPE html><title>other origin</title>"
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Page)
    yield _start(server)
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="module")
def endpoints(dataset, origin):
    store = oxigraph_store(dataset)
    servers = [make_server(store, ServeOptions(port=0, cors=cors), lambda _: None) for cors in (None, origin)]
    yield [_start(s) for s in servers]
    for s in servers:
        s.shutdown()
        s.server_close()


@pytest.fixture(scope="module")
def page():
    assert os.path.exists(CHROMIUM), "Chromium is missing: run ./dev test, which installs Debian's chromium"
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        yield browser.new_context().new_page()
        browser.close()


def test_cors_lets_only_the_named_origin_read_answers(page, origin, endpoints):
    closed, open_to_origin = endpoints
    page.goto(origin)
    assert page.evaluate(FETCH, f"{open_to_origin}/sparql") == "33"
    assert page.evaluate(FETCH, f"{closed}/sparql") == "blocked: TypeError"


def test_the_query_page_runs_a_library_query(page, endpoints):
    closed, _ = endpoints
    page.goto(f"{closed}/")
    page.wait_for_selector("#library option:nth-child(3)", state="attached")
    page.select_option("#library", index=1)
    assert "SELECT" in page.input_value("#q")
    page.click("#run")
    page.wait_for_selector("#out table tr:nth-child(2)")
    assert page.text_content("#status").startswith("200 ")
