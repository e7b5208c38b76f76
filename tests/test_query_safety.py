"""The query gate refuses by meaning: SERVICE, FROM, LOAD and updates under any spelling, on every channel.

Hostile queries aim at the session's loopback tripwire (tests/conftest.py),
which must never be contacted; a private listener shows, where it matters,
that the same text really would reach the network without the gate.
"""

import json
import os
import subprocess
import sys
import threading
import urllib.error
import urllib.request
from urllib.parse import quote, urlencode

import pyoxigraph
import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from laborgraph.cli import main
from laborgraph.query import (
    QueryRefused,
    QuerySyntaxError,
    ResultFormat,
    check_query,
    oxigraph_store,
    query_dataset,
    run_query,
    run_store_query,
)
from laborgraph.query.serve import ServeOptions, make_server

from .conftest import ROOT
from .spellings import ODD, dataset_queries, hostile, service_queries, update_requests

REFUSED = (QueryRefused, QuerySyntaxError)
TINY = ROOT / "tests" / "fixtures" / "tiny.ttl"



# ---------------------------------------------------------------- the gate itself

@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_no_spelling_of_service_from_or_update_passes_the_gate(data, tripwire):
    query = data.draw(hostile(tripwire.url))
    with pytest.raises(REFUSED):
        check_query(query)


@settings(max_examples=150)
@given(data=st.data())
def test_spellings_the_grammar_reads_are_refused_for_what_they_do(data, tripwire):
    """Where rdflib parses the text, the reason names the operation, not a syntax error."""
    kind, strategy, words = data.draw(st.sampled_from([
        ("service", service_queries, "SERVICE is refused"),
        ("dataset", dataset_queries, "FROM / FROM NAMED are refused"),
        ("update", update_requests, "are refused"),
    ]))
    query = data.draw(strategy(tripwire.url))
    try:
        check_query(query)
    except QueryRefused as exc:
        unparsed = "run unchecked" in str(exc) and any(ch in query for ch in ODD)
        assert words in str(exc) or unparsed, (kind, query, str(exc))
    except QuerySyntaxError:
        assert any(ch in query for ch in ODD), query
    else:
        pytest.fail(f"passed the gate: {query!r}")


def test_a_comment_ended_by_cr_was_a_service_call_to_oxigraph(listener):
    """The issue's reproduction: Oxigraph ends comments at CR, rdflib did not; the gate now agrees with both."""
    query = f"SELECT * WHERE {{ #x\rSERVICE <{listener.url}> {{ ?s ?p ?o }}\n}}"
    with pytest.raises(OSError):  # Oxigraph fails on the listener's empty answer
        list(pyoxigraph.Store().query(query))
    assert len(listener.hits) == 1  # so the spelling is real
    with pytest.raises(QueryRefused, match="SERVICE is refused"):
        check_query(query)


def test_escapes_cannot_make_the_engine_read_what_the_gate_did_not(listener):
    """rdflib expands \\u escapes before parsing, Oxigraph only inside strings: here rdflib reads a comment
    where Oxigraph reads SERVICE. The engine gets the canonical text the gate judged."""
    query = (f'SELECT * WHERE {{ ?s ?p "a\\u0022 #" SERVICE <{listener.url}> {{ ?s ?p ?o }}\n'
             '. ?s ?p "\\u0022 } #" }')
    store = pyoxigraph.Store()
    s, p = pyoxigraph.NamedNode("urn:s"), pyoxigraph.NamedNode("urn:p")
    for text in ('a" #', '" } #', "a", ""):
        store.add(pyoxigraph.Quad(s, p, pyoxigraph.Literal(text)))
    with pytest.raises(OSError):  # the listener's empty answer
        list(store.query(query))
    assert len(listener.hits) == 1  # raw text: Oxigraph calls out
    checked = check_query(query)
    assert "\\u" not in checked.text
    run_store_query(store, query, timeout=None)  # in this process: no sandbox, only the gate
    assert len(listener.hits) == 1


def test_an_escape_that_spells_an_escape_is_refused():
    with pytest.raises(QueryRefused, match="spells another escape"):
        check_query('SELECT * { ?s ?p "\\u005Cu0053" }')


def test_harmless_words_are_not_refused():
    check_query('SELECT ?service ?from WHERE { ?service <http://x/SERVICE> "FROM LOAD" } # SERVICE <http://x>')
    assert check_query("PREFIX service: <http://x/> ASK { service:load ?p ?o }").form == "ASK"


# ---------------------------------------------------------------- every channel

@pytest.fixture(scope="module")
def endpoint(dataset):
    server = make_server(oxigraph_store(dataset), ServeOptions(port=0, timeout=5.0, max_results=50), lambda _: None)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/sparql"
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="module")
def stores(dataset):
    return oxigraph_store(dataset), query_dataset(dataset)


def _http(request):
    try:
        with urllib.request.urlopen(request, timeout=30) as r:
            return r.status, r.read().decode()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode()


def _serve_requests(url, query):
    yield urllib.request.Request(f"{url}?query={quote(query)}")
    yield urllib.request.Request(url, data=urlencode({"query": query}).encode(), method="POST",
                                 headers={"Content-Type": "application/x-www-form-urlencoded"})
    yield urllib.request.Request(url, data=query.encode(), method="POST",
                                 headers={"Content-Type": "application/sparql-query"})


@settings(max_examples=40, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_every_channel_refuses_and_nothing_is_contacted(data, tripwire, endpoint, stores, tmp_path):
    query = data.draw(hostile(tripwire.url))
    store, ds = stores
    with pytest.raises(REFUSED):
        run_store_query(store, query, fmt=ResultFormat.JSON)
    with pytest.raises(REFUSED):
        run_query(ds, query, fmt=ResultFormat.JSON)
    inline = CliRunner().invoke(main, ["query", "--graph", str(TINY), query])
    assert inline.exit_code == 2, inline.output
    assert "refused" in inline.stderr or "syntax error" in inline.stderr, inline.stderr
    path = tmp_path / f"q{abs(hash(query))}.rq"
    path.write_bytes(query.encode("utf-8"))
    from_file = CliRunner().invoke(main, ["query", "--graph", str(TINY), str(path)])
    assert from_file.exit_code == 2, from_file.output
    for request in _serve_requests(endpoint, query):
        status, body = _http(request)
        assert status == 400 and ("refused" in body or "syntax error" in body), (status, body)
    assert tripwire.hits == []


def test_the_api_refuses_before_touching_the_store(tripwire):
    class Untouchable:
        def query(self, *args, **kwargs):
            raise AssertionError("the store was queried")

    with pytest.raises(QueryRefused):
        run_store_query(Untouchable(), f"SELECT * {{ SERVICE <{tripwire.url}> {{ ?s ?p ?o }} }}", timeout=None)


# ---------------------------------------------------------------- errors a person can act on

def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


def test_unknown_prefix_is_one_line_naming_it_and_the_predeclared_ones():
    result = run("query", "--graph", TINY, "SELECT * {?s nope:x ?o}")
    assert result.exit_code == 2
    assert result.stderr.count("\n") == 1
    assert "unknown prefix 'nope:'" in result.stderr and "lgid:" in result.stderr and "Traceback" not in result.output


def test_slash_in_a_prefixed_name_says_how_to_write_it():
    result = run("query", "--graph", TINY, "SELECT * { lgid:entity/russia ?p ?o }")
    assert result.exit_code == 2
    assert "a '/' is not allowed in a prefixed name" in result.stderr
    assert "<https://w3id.org/laborgraph/id/entity/russia>" in result.stderr


def test_escaped_slash_works_on_oxigraph():
    out = run("query", "--graph", TINY, "--format", "csv", "SELECT ?o { lgid:entity\\/russia ?p ?o }")
    assert out.exit_code == 0, out.stderr
    assert "Russia" in out.output.splitlines()[1:]


def test_a_long_one_line_query_is_never_tried_as_a_file_name():
    long = "SELECT ?o WHERE { lgid:entity\\/russia ?p ?o " + " ".join(f"OPTIONAL {{ ?o ?p{i} ?x{i} }}"
                                                                     for i in range(40)) + " }"
    assert len(long) > 1000 and "\n" not in long
    result = run("query", "--graph", TINY, "--format", "csv", long)
    assert result.exit_code == 0, result.stderr
    assert "Russia" in result.output


def test_bad_query_file_names_give_one_clean_line(tmp_path):
    (tmp_path / "x.rq").mkdir()
    for arg, words in [(f"{tmp_path}/q.rq\n", "the name ends with a line break"),
                       (f"{tmp_path}/x.rq", "is a folder"),
                       (f"{tmp_path}/" + "a" * 300 + ".rq", "no such query file")]:
        result = run("query", "--graph", TINY, arg)
        assert result.exit_code == 2, (arg, result.output)
        assert words in result.stderr and "Traceback" not in result.output


def test_a_fifo_is_not_read(tmp_path):
    fifo = tmp_path / "q.rq"
    os.mkfifo(fifo)
    result = run("query", "--graph", TINY, fifo)
    assert result.exit_code == 2 and "not a regular file" in result.stderr


def test_bad_query_in_serve_is_a_400_with_the_message(endpoint):
    status, body = _http(urllib.request.Request(f"{endpoint}?query={quote('SELECT * {?s nope:x ?o}')}"))
    assert status == 400 and "unknown prefix 'nope:'" in body


def test_checked_json_is_standard(stores):
    store, _ = stores
    out = run_store_query(store, "ASK { ?c a lg:Claim }", fmt=ResultFormat.JSON)
    assert json.loads(out.text) == {"head": {}, "boolean": True}


@pytest.mark.parametrize("query", [
    "SELECT * { ?s ?p ?o LATERAL { SELECT ?x { ?x ?y ?z } LIMIT 1 } }",
    "SELECT * { << ?s ?p ?o >> ?q ?r }",
    "SELECT (ADJUST(?d, ?tz) AS ?x) {}",
])
def test_what_only_oxigraph_reads_is_refused_with_a_reason(query):
    """Fail closed: a query the gate cannot parse is never handed to the engine, and the message says why."""
    with pytest.raises(QueryRefused, match="refused rather than run unchecked"):
        check_query(query)


def test_a_plain_typo_is_still_a_located_syntax_error():
    with pytest.raises(QuerySyntaxError, match=r"query:1:\d+: syntax error"):
        check_query("SELECT ?s WHERE { ?s ?p }")


def test_concurrent_checks_read_every_query_right():
    """serve checks queries from many threads at once; rdflib's parser must not be entered concurrently."""
    from concurrent.futures import ThreadPoolExecutor

    from laborgraph.query import library

    texts = [q.text + "\n# read at the same time" for q in library()]
    with ThreadPoolExecutor(max_workers=16) as pool:
        forms = list(pool.map(lambda t: check_query(t).form, texts))
    assert set(forms) == {"SELECT"}


# ---------------------------------------------------------------- recorded verdicts of the shipped library

def test_recorded_library_verdicts_are_what_the_gate_decides_now():
    """verdicts.json lists exactly the library's texts, each with the form the parsing gate gives it today
    (after editing a library query: `python scripts/record_query_verdicts.py`)."""
    from laborgraph.query import library
    from laborgraph.query.safety import _checked, library_verdicts, record_verdicts, stale_verdicts

    texts = [q.text for q in library()]
    _checked.cache_clear()
    assert library_verdicts() and json.loads(record_verdicts(texts))["verdicts"] == library_verdicts()
    assert stale_verdicts(texts, library_verdicts()) == []


def test_a_stale_verdict_list_is_found_stale(tmp_path):
    """One character changed in a library query, a form recorded wrongly, or a row no query has:
    each makes the recorded list stale, so the test above (and `record_query_verdicts.py --check`) fails."""
    from laborgraph.query import library
    from laborgraph.query.safety import library_verdicts, stale_verdicts

    for q in library():
        (tmp_path / q.path.name).write_text(q.text, encoding="utf-8")
    first = library(tmp_path)[0]
    first.path.write_text(first.text.replace("SELECT", "SELECT DISTINCT", 1), encoding="utf-8")
    edited = [q.text for q in library(tmp_path)]
    recorded = library_verdicts()
    assert len(stale_verdicts(edited, recorded)) == 2  # the edited text is not recorded; its old row is extra

    texts = [q.text for q in library()]
    digest, form = next(iter(recorded.items()))
    wrong = "ASK" if form != "ASK" else "SELECT"
    assert stale_verdicts(texts, {**recorded, digest: wrong}) == [f"{digest}: recorded {wrong}, the gate says {form}"]
    assert stale_verdicts(texts, {**recorded, "0" * 64: "SELECT"}) == [
        f"{'0' * 64}: recorded, but no library query has this text"]
    script = ROOT / "scripts" / "record_query_verdicts.py"
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    ran = subprocess.run([sys.executable, str(script), "--check"], capture_output=True, text=True, env=env, check=False)
    assert (ran.returncode, ran.stdout) == (0, "verdicts.json is current\n")


# A fresh process runs the CLI and says whether rdflib's SPARQL parser was loaded, and how it exited.
_FRESH_CLI = """import sys
from laborgraph.cli import main
sys.argv[0] = "laborgraph"
try:
    main()
except SystemExit as exc:
    code = exc.code
print("parser" if "rdflib.plugins.sparql.parser" in sys.modules else "no parser", code, file=sys.stderr)
"""


def _fresh_cli(*args: str) -> tuple[str, str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    ran = subprocess.run([sys.executable, "-c", _FRESH_CLI, *args], capture_output=True, text=True, env=env,
                         timeout=120, check=False)
    return ran.stdout, ran.stderr


def test_a_library_query_through_the_cli_skips_the_parse():
    """`laborgraph query cq01` on Oxigraph is recognised by its recorded verdict: rdflib's parser is never loaded."""
    out, err = _fresh_cli("query", "--graph", str(TINY), "--format", "csv", "cq01")
    assert err.splitlines()[-1] == "no parser 0" and out.startswith("deployment,")


def test_a_library_query_with_one_change_through_the_cli_is_parsed_and_refused(tmp_path, tripwire):
    """The same text with a SERVICE call added is no longer the recorded text: parsed, refused, never sent."""
    from laborgraph.query import library

    text = library()[0].text
    hostile_text = text.replace("WHERE {", f"WHERE {{ service <{tripwire.url}> {{ ?x ?y ?z }}", 1)
    assert hostile_text != text
    (tmp_path / "cq01.rq").write_text(hostile_text, encoding="utf-8")
    _, err = _fresh_cli("query", "--graph", str(TINY), str(tmp_path / "cq01.rq"))
    assert "SERVICE is refused" in err and err.splitlines()[-1] == "parser 2"


def test_a_recorded_verdict_holds_only_for_the_exact_text(tripwire):
    """A library query with a SERVICE call added (or one character changed) is parsed and judged again."""
    from laborgraph.query import library
    from laborgraph.query.safety import _checked

    text = library()[0].text
    _checked.cache_clear()
    assert check_query(text).form == "SELECT" and _checked.cache_info().currsize == 0  # recognised, not parsed
    hostile_text = text.replace("WHERE {", f"WHERE {{ SERVICE <{tripwire.url}> {{ ?x ?y ?z }}", 1)
    assert hostile_text != text
    with pytest.raises(QueryRefused, match="SERVICE is refused"):
        check_query(hostile_text)
    assert check_query(text + " ").form == "SELECT" and _checked.cache_info().currsize == 1  # parsed


def test_a_recognised_library_query_still_runs_on_rdflib():
    """The translation the rdflib engine needs is made on first use."""
    from laborgraph.query import library

    checked = check_query(library()[0].text)
    assert checked.translated is None and checked.algebra.algebra.name == "SelectQuery"
