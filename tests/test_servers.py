"""Push to real triple stores (Oxigraph's server, OpenLink Virtuoso) and ask them the library's questions."""

import re
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from laborgraph.cli import main
from laborgraph.query import query_dataset
from laborgraph.query.push import PushError, Target, push, target_for

from .servers import free_port, oxigraph_server, stop, virtuoso_server, wait_for

pytestmark = pytest.mark.slow  # real servers or a real browser: minutes, not seconds

ROOT = Path(__file__).resolve().parents[1]
# The whole library, sent as written: each .rq declares its own prefixes.
QUERIES = sorted((ROOT / "queries").glob("*/*.rq"))
COUNT = """SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o }
           FILTER (STRSTARTS(STR(?g), "https://w3id.org/laborgraph/id/graph/")) }"""


@pytest.fixture(scope="module")
def servers(tmp_path_factory, dataset):
    """Both servers, started once for this module, each loaded by one push."""
    with oxigraph_server(tmp_path_factory.mktemp("oxigraph")) as ox, \
            virtuoso_server(tmp_path_factory.mktemp("virtuoso")) as vt:
        yield {srv.name: (srv, push(dataset, target_for(None, srv.graph_store, srv.user, srv.password)))
               for srv in (ox, vt)}


@pytest.fixture(params=["oxigraph", "virtuoso"])
def server(request, servers):
    return servers[request.param]


def _cell(value: str) -> tuple[str, ...]:
    """Order-free form of a cell: GROUP_CONCAT's order is unspecified; numbers compared as numbers,
    and booleans as 1/0 (Virtuoso returns xsd:boolean true as 1)."""
    parts = re.split(r"; |, ", {"true": "1", "false": "0"}.get(value, value))
    out = []
    for p in parts:
        try:
            out.append(repr(float(p)))
        except ValueError:
            out.append(p)
    return tuple(sorted(out))


def _normal(rows):
    return sorted(tuple(sorted((k, _cell(v)) for k, v in r.items() if v != "")) for r in rows)


@pytest.mark.parametrize("path", QUERIES, ids=lambda p: p.stem.split("-")[0])
def test_library_answers_match_the_local_graph(server, path, dataset):
    srv, _ = server
    text = path.read_text(encoding="utf-8")
    remote = [{k: b[k]["value"] for k in b} for b in srv.select(text)["results"]["bindings"]]
    result = query_dataset(dataset).query(text)
    local = [{str(v): ("" if r[i] is None else str(r[i])) for i, v in enumerate(result.vars)} for r in result]
    assert _normal(remote) == _normal(local)


def test_push_reports_graphs_and_a_second_push_changes_nothing(server, dataset):
    srv, report = server
    names = {g for g, _ in report.graphs}
    assert any("/graph/article/" in g for g in names)
    assert {"https://w3id.org/laborgraph/id/graph/registry", "https://w3id.org/laborgraph/id/graph/ontology"} <= names
    before = int(srv.select(COUNT)["results"]["bindings"][0]["n"]["value"])
    assert before == report.triples
    again = push(dataset, target_for(None, srv.graph_store, srv.user, srv.password))
    after = int(srv.select(COUNT)["results"]["bindings"][0]["n"]["value"])
    assert after == before == again.triples


def test_push_command_with_credentials(server):
    srv, report = server
    args = ["push", "--graph-store", srv.graph_store]
    if srv.user:
        args += ["--user", srv.user, "--password", srv.password]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    assert f"pushed {len(report.graphs)} graph(s), {report.triples} triples" in result.output
    # the CLI sends the build cache's Turtle: the store ends up with the same triples
    assert int(srv.select(COUNT)["results"]["bindings"][0]["n"]["value"]) == report.triples
    ask = "PREFIX lg: <https://w3id.org/laborgraph/ns#> ASK { GRAPH ?g { ?c lg:quote ?q ; lg:mappingLine ?l } }"
    assert srv.select(ask)["boolean"] in (True, 1)


def test_wrong_password_fails_cleanly(servers):
    srv, _ = servers["virtuoso"]
    result = CliRunner().invoke(main, ["push", "--graph-store", srv.graph_store, "--user", srv.user,
                                       "--password", "not-the-password"])
    assert result.exit_code == 2
    assert "authentication failed" in result.stderr
    assert "\n" not in result.stderr.strip()


def test_unreachable_store_is_retried_then_reported(dataset):
    waits = []
    target = Target(f"http://127.0.0.1:{free_port()}/store", retries=3, backoff=0.25)
    with pytest.raises(PushError, match=r"unreachable .*gave up after 4 attempts"):
        push(dataset, target, sleep=waits.append)
    assert waits == [0.25, 0.5, 1.0]


def test_dry_run_sends_nothing():
    result = CliRunner().invoke(main, ["push", "--endpoint", f"http://127.0.0.1:{free_port()}/query", "--dry-run"])
    assert result.exit_code == 0
    assert "would push 3 graph(s)" in result.output


def test_read_only_store_rejects_the_data(tmp_path, dataset):
    import shutil
    import sys

    exe = shutil.which("oxigraph") or str(Path(sys.executable).parent / "oxigraph")
    port = free_port()
    (tmp_path / "db").mkdir()
    subprocess.run([exe, "load", "--location", str(tmp_path / "db"), "--file", "/dev/null", "--format", "nq"],
                   capture_output=True)
    proc = subprocess.Popen([exe, "serve-read-only", "--location", str(tmp_path / "db"), "--bind",
                             f"127.0.0.1:{port}"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_for(f"http://127.0.0.1:{port}/query?query=ASK%7B%7D", 30, proc)
        with pytest.raises(PushError, match=r"rejected graph .* \(HTTP 403 .*The server is read-only"):
            push(dataset, Target(f"http://127.0.0.1:{port}/store", retries=0))
    finally:
        stop(proc)


def test_graph_store_url_is_derived_from_the_endpoint():
    assert target_for("http://h:7878/query", None, None, None).graph_store == "http://h:7878/store"
    virtuoso = target_for("http://h:8890/sparql", None, "dba", "pw")
    assert (virtuoso.graph_store, virtuoso.graph_param) == ("http://h:8890/sparql-graph-crud-auth", "graph-uri")
    assert virtuoso.url_for("https://x/g 1") == "http://h:8890/sparql-graph-crud-auth?graph-uri=https%3A%2F%2Fx%2Fg%201"
