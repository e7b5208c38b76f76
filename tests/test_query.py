"""The query command and the library of analyst queries, with answers asserted on the seed."""

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from rdflib import Graph

from laborgraph.build import build_dataset
from laborgraph.cli import main
from laborgraph.load import load_corpus
from laborgraph.query import library, query_dataset, resolve_query

from .conftest import DATA, SEED

FIXTURES = Path(__file__).parent / "fixtures" / "corroboration"


def rows(ds, name):
    """The library query's rows as dicts of plain strings ('' for unbound)."""
    result = ds.query(resolve_query(name))
    return [{str(v): ("" if r[i] is None else str(r[i])) for i, v in enumerate(result.vars)} for r in result]


@pytest.fixture(scope="module")
def seed(dataset):
    return query_dataset(dataset)


@pytest.fixture(scope="module")
def corroboration(tmp_path_factory):
    """The seed plus two invented fixture articles (tests/fixtures/corroboration)."""
    data = tmp_path_factory.mktemp("corroboration") / "corpus"
    shutil.copytree(DATA, data)
    registry = data / "entities.yaml"
    extra = (FIXTURES / "entities-extra.yaml").read_text()
    registry.write_text(registry.read_text().replace("entities:\n", "entities:\n" + extra, 1))
    for path in (FIXTURES / "articles").iterdir():
        shutil.copy(path, data / "articles" / path.name)
    return query_dataset(build_dataset(load_corpus(data)))


def test_cq01_deployment_keeps_bounds_wording_and_claims(seed):
    (june,) = [r for r in rows(seed, "cq01") if "early June 2024" in r["deployment"]]
    assert june["sender"] == "North Korean authorities"
    assert june["destination"] == "Russia; Russian Far East"
    assert (june["earliest"], june["latest"], june["precision"]) == ("2024-06-01", "2024-06-10", "part of a month")
    assert (june["size_min"], june["size_max"], june["size_wording"]) == ("100", "", "hundreds")
    assert june["ahead_of"] == "Kim Jong Un - Vladimir Putin summit, June 2024"
    assert set(june["claims"].split(", ")) >= {"deployment-ahead-of-summit", "deployment-hundreds-early-june"}


def test_cq02_worker_profiles(seed):
    by_group = {r["group"]: r for r in rows(seed, "cq02")}
    new = by_group["New military construction workers sent to Russia in June 2024"]
    assert (new["rank"], new["age_band"], new["marital_status"], new["children"]) == (
        "sergeant", "mid-30s", "married", "at least one child")
    experienced = by_group["New workers who worked in Russia before January 2020"]
    assert experienced["share"] == "most"
    assert experienced["prior_deployment"] == "Earlier stint in Russia as conscript construction workers"
    assert experienced["prior_until"] == "2019-12-31"


def test_cq03_brokerage_links_companies_and_merchants(seed):
    links = {(r["relation"], r["other"]) for r in rows(seed, "cq03")
             if r["actor"] == "New workers who worked in Russia before January 2020"}
    assert {("links", "North Korean companies"), ("links", "Russian merchants"),
            ("manages", "Enlisted laborers managed by the new workers"),
            ("plays role", "freelance agent"), ("plays role", "manager")} <= links


def test_cq04_earnings_and_prices_are_approximate_usd(seed):
    found = {r["kind"]: r for r in rows(seed, "cq04")}
    assert (found["earnings"]["amount"], found["earnings"]["currency"], found["earnings"]["per"],
            found["earnings"]["approximate"]) == ("10000", "USD", "year", "true")
    assert found["earnings"]["contrasted_with"] == "Workers at the bottom"
    assert (found["price"]["who_or_what"], found["price"]["amount"]) == ("Used cell phone", "50")


def test_cq05_control_measures_in_stage_order(seed):
    result = rows(seed, "cq05")
    stages = [r["stage"] for r in result]
    assert stages == sorted(stages, key=["selection", "after selection", "at the destination"].index)
    assert ("selection", "ideological screening") in {(r["stage"], r["kind"]) for r in result}
    assert any(r["repetition"] == "several rounds" for r in result)


def test_cq06_internet_use_penalties(seed):
    penalties = {(r["penalty"], r["immediate"]) for r in rows(seed, "cq06") if r["behaviour"] == "Internet use"}
    assert {("confiscation of earnings", ""), ("forced return", "true")} <= penalties


def test_cq07_phones_at_trading_companies_with_russian_traders(seed):
    (row,) = rows(seed, "cq07")
    assert (row["behaviour"], row["with"]) == ("cell phone use", "Russian traders")


def test_cq08_media_and_phone_sources(seed):
    by = {r["behaviour"]: r for r in rows(seed, "cq08")}
    assert by["media consumption"]["media"] == "South Korean news; South Korean TV shows; South Korean pop music"
    assert by["obtaining a phone"]["from_places"] == "Russia; Uzbekistan"


def test_cq09_provenance_traces_a_fact_to_quote_source_and_outlet(seed):
    (row,) = [r for r in rows(seed, "cq09") if r["claim"] == "deployment-hundreds-early-june"
              and r["property"] == "size"]
    assert row["value"] == "hundreds"
    assert row["source"] == "Daily NK source in Russia (anonymous)"
    assert (row["source_kind"], row["told_to"], row["outlet"]) == ("anonymous informant", "Daily NK", "Daily NK")
    assert row["published"] == "2024-07-15"  # no zone in the text: the date only
    assert int(row["end"]) - int(row["start"]) == len(row["quote"])


def test_cq10_timeline_in_order_with_precision(seed):
    result = rows(seed, "cq10")
    assert [r["wording"] for r in result] == ["before January 2020", "January 2020", "early June", "Wednesday"]
    assert result[-1]["inferred"] == "true"


def ox_rows(ds, name):
    """A library query's rows on Oxigraph (the default engine; cq14 is too heavy for rdflib's evaluator)."""
    import pyoxigraph

    store = pyoxigraph.Store()
    store.load(ds.serialize(format="nquads").encode(), format=pyoxigraph.RdfFormat.N_QUADS)
    result = store.query(resolve_query(name), use_default_graph_as_union=True)
    names = [v.value for v in result.variables]
    return [{n: ("" if r[n] is None else r[n].value) for n in names} for r in result]


def test_cq11_lists_hedged_and_lone_anonymous_claims(seed):
    result = rows(seed, "cq11")
    reasons = {r["claim"]: r["reason"] for r in result}
    assert reasons["families-kept-as-hostages"] == "hedged"
    assert reasons["nothing-stops-phone-use"] == "single anonymous source"
    assert reasons["workers-eager-for-internet"] == "hedged; single anonymous source"
    # The outlet's own lede is the same chain as its informant: no corroboration (docs/analysis.md).
    assert reasons["deployment-hundreds-early-june"] == "single anonymous source"
    assert {(r["outlet"], r["published"], r["published_precision"]) for r in result} == {
        ("Daily NK", "2024-07-15", "day")}
    assert result == ox_rows(seed, "cq11")


def test_cq12_indicators_are_analyst_codings(seed):
    coded = {(r["indicator"], r["claim"]) for r in rows(seed, "cq12")}
    assert ("withholding of wages", "internet-use-punished") in coded
    assert ("intimidation and threats", "families-kept-as-hostages") in coded
    assert {r["coded_by"] for r in rows(seed, "cq12")} == {"laborgraph maintainers"}


def test_cq13_reports_work_abroad_after_un_deadlines(seed):
    result = rows(seed, "cq13")
    assert {r["provision"] for r in result} == {
        "UN Security Council resolution 2375 (2017), operative paragraph 17",
        "UN Security Council resolution 2397 (2017), operative paragraph 8"}
    assert {(r["place"], r["country"]) for r in result} >= {("Russian Far East", "Russia")}
    assert {r["wording"] for r in result} == {"early June"}
    assert {r["reported"] for r in result} == {"started after the date"}
    assert {r["outlet"] for r in result} == {"Daily NK"}
    header = next(q for q in library() if q.name.startswith("cq13"))
    assert "reports, not findings of violation" in header.question
    assert "article" in header.columns and "published_precision" in header.columns


def test_cq14_finds_corroboration_and_disagreement(corroboration):
    result = ox_rows(corroboration, "cq14")
    (far_east,) = [r for r in result if (r["row"], r["kind"], r["property"], r["value"], r["period"])
                   == ("fact", "deployment", "destination", "Russia", "2024-06")]
    assert set(far_east["places"].split("; ")) == {"Russian Far East", "Russia"}
    assert far_east["chains"] == "3"  # Daily NK, Fixture News, Fixture Wire
    (hostages,) = [r for r in result if r["value"] == "families kept as hostages"]
    assert (hostages["chains"], hostages["agreement"]) == ("2", "corroborated")
    pairs = {frozenset(w.strip() for w in r["figures"].split("|")): r for r in result if r["row"] == "comparison"}
    assert pairs[frozenset({"about 500", "1,000 to 1,200"})]["agreement"] == "disagree"
    assert pairs[frozenset({"hundreds", "1,000 to 1,200"})]["agreement"] == "agree"  # "hundreds": at least 100
    assert all(float(r["low"]) <= float(r["high"]) for r in pairs.values() if r["low"] and r["high"])


def test_every_library_query_has_a_header_and_a_test():
    names = [q.name for q in library()]
    assert [f"cq{i:02d}" for i in range(1, 20)] == [n.split("-")[0] for n in names]
    # cq15-cq19 (issue 13) are asserted on the labor fixture corpus in test_vocabulary.py
    source = Path(__file__).read_text() + (Path(__file__).parent / "test_vocabulary.py").read_text()
    for q in library():
        assert q.title and q.question and q.columns, q.name
        assert f"test_{q.name.split('-')[0]}_" in source


# ---------------------------------------------------------------- the command

def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


def test_select_as_standard_json():
    out = run("query", "--data", DATA, "--format", "json",
              "SELECT ?id WHERE { ?c lg:claimId ?id } ORDER BY ?id LIMIT 2")
    doc = json.loads(out.output)
    assert doc["head"]["vars"] == ["id"]
    assert doc["results"]["bindings"][0]["id"] == {"type": "literal", "value": "all-married-with-children"}


@pytest.mark.parametrize(("fmt", "header"), [("csv", "id"), ("tsv", "?id"), ("table", "id")])
def test_select_as_csv_tsv_and_table(fmt, header):
    out = run("query", "--format", fmt, "SELECT ?id WHERE { ?c lg:claimId ?id } ORDER BY DESC(?id) LIMIT 1").output
    assert out.splitlines()[0].strip() == header
    assert "workers-eager-for-internet" in out


def test_ask_and_construct():
    assert run("query", "ASK { ?c a lg:Claim }").output == "yes\n"
    out = run("query", "CONSTRUCT { ?c lg:quote ?q } WHERE { ?c lg:claimId 'publication' ; lg:quote ?q }").output
    assert len(Graph().parse(data=out, format="turtle")) == 1


def test_query_a_built_file(tmp_path):
    assert run("build", "--out", tmp_path).exit_code == 0
    out = run("query", "--graph", tmp_path / "laborgraph.trig", "--format", "csv",
              "SELECT (COUNT(*) AS ?n) WHERE { ?c a lg:Claim }").output
    assert out.splitlines()[1] == "33"


def test_query_a_split_build_folder(tmp_path):
    assert run("build", "--out", tmp_path, "--layout", "split").exit_code == 0
    count = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?c a lg:Claim } }"
    out = run("query", "--graph", tmp_path / "graphs", "--format", "csv", count).output
    assert out.splitlines()[1] == "33"
    empty = run("query", "--graph", tmp_path, count)
    assert empty.exit_code == 2 and "no .trig files" in empty.stderr


def test_syntax_error_has_line_column_and_caret():
    text = "SELECT ?s WHERE {\n  ?s lg:quote \n}"
    result = run("query", text)
    assert result.exit_code == 2
    first, src, caret = result.stderr.splitlines()
    where = re.match(r"error: query:(\d+):(\d+): syntax error", first)
    line, col = int(where.group(1)), int(where.group(2))
    assert src == "  " + text.splitlines()[line - 1]
    assert caret == "  " + " " * (col - 1) + "^"


@pytest.mark.parametrize(("text", "words"), [
    ("SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }", "SERVICE is refused"),
    ("SELECT * FROM <http://127.0.0.1:9/g.ttl> WHERE { ?s ?p ?o }", "FROM / FROM NAMED are refused"),
    ("SELECT * FROM NAMED <file:///etc/passwd> WHERE { GRAPH ?g { ?s ?p ?o } }", "FROM / FROM NAMED are refused"),
    ("LOAD <http://127.0.0.1:9/x.ttl>", "updates"),
    ("DELETE WHERE { ?s ?p ?o }", "updates"),
])
def test_hostile_queries_are_refused_before_evaluation(text, words, monkeypatch):
    import urllib.request

    def no_network(*args, **kwargs):
        raise AssertionError("the network was reached")

    monkeypatch.setattr(urllib.request, "urlopen", no_network)
    result = run("query", text)
    assert result.exit_code == 2
    assert words in result.stderr


def test_runaway_query_is_stopped():
    result = run("query", "--timeout", "0.5",
                 "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }")
    assert result.exit_code == 2
    assert "stopped after 0.5 s" in result.stderr


def test_queries_lists_the_library():
    out = run("queries").output
    assert "cq01-deployments" in out and "cq14-corroboration" in out
    assert "Who sent which workers where and when" in out


@pytest.mark.parametrize("query", library(), ids=lambda q: q.name.split("-")[0])
def test_oxigraph_engine_answers_like_rdflib(query, seed):
    """The query library gives the same rows on the Oxigraph store as on rdflib's graph."""
    from laborgraph.query import oxigraph_store

    from .test_servers import _normal

    store = oxigraph_store(seed)
    ox = store.query(query.text, use_default_graph_as_union=True)
    names = [v.value for v in ox.variables]
    remote = [{n: r[n].value for n in names if r[n] is not None} for r in ox]
    local = rows(seed, query.name)
    assert _normal(remote) == _normal(local)


def test_query_built_trig_with_oxigraph(tmp_path):
    assert run("build", "--out", tmp_path).exit_code == 0
    out = run("query", "--engine", "oxigraph", "--graph", tmp_path / "laborgraph.trig", "--format", "csv",
              "SELECT (COUNT(*) AS ?n) WHERE { ?c a lg:Claim }").output
    assert out.splitlines()[1] == "33"


def test_query_sees_an_edit_at_once_through_the_cache_store(tmp_path):
    data = tmp_path / "corpus"
    shutil.copytree(DATA, data)
    cache = tmp_path / "cache"
    ask = 'SELECT ?l WHERE { ?a a lg:Article ; rdfs:label ?l }'
    before = run("query", "--data", data, "--cache", cache, "--format", "csv", ask)
    assert before.exit_code == 0 and "Edited headline" not in before.output
    mapping = data / "articles" / f"{SEED}.yaml"
    text = mapping.read_text()
    label = re.search(r"^  label: (.*)$", text, re.M)
    mapping.write_text(text.replace(label.group(0), '  label: "Edited headline"', 1))
    after = run("query", "--data", data, "--cache", cache, "--format", "csv", ask)
    assert after.exit_code == 0 and after.output.splitlines()[1:] == ["Edited headline"]
    mapping.write_text(text.replace("claims:", "claims: [", 1))
    broken = run("query", "--data", data, "--cache", cache, ask)
    assert broken.exit_code == 2 and f"{SEED}.yaml:" in broken.stderr


# A fresh `laborgraph` process: the command's output, then on stderr's last line which of the modules
# a query on an up-to-date cache does without were imported by the end ("none" if none was).
_FRESH = """import sys
from laborgraph.cli import main
sys.argv[0] = "laborgraph"
try:
    main()
finally:
    heavy = ("rdflib", "pyshacl", "yaml", "laborgraph.load.mapping", "laborgraph.validate", "laborgraph.export")
    print(" ".join(m for m in heavy if m in sys.modules) or "none", file=sys.stderr)
"""


def _fresh(*args: object) -> tuple[str, str]:
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).parents[1] / "src")}
    ran = subprocess.run([sys.executable, "-c", _FRESH, *map(str, args)], capture_output=True, text=True, env=env,
                         timeout=300, check=False)
    assert ran.returncode == 0, ran.stderr
    return ran.stdout, ran.stderr.splitlines()[-1]


def test_a_library_query_on_an_up_to_date_cache_imports_no_rdflib(tmp_path):
    """`laborgraph query cq01` when nothing changed reads the cache's index and chunks without rdflib, the
    mapping loader or PyYAML (rdflib alone was about 0.08 s of the 0.29 s such a process took at 100
    articles); the answer is the one the refresh gave, and a changed mapping is still seen first."""
    data = tmp_path / "corpus"
    shutil.copytree(DATA, data)
    args = ("query", "--data", data, "--cache", tmp_path / "cache", "--format", "csv", "cq01")
    built, loaded = _fresh(*args)  # a cold cache: the refresh builds, with everything
    assert "rdflib" in loaded.split() and "laborgraph.load.mapping" in loaded.split()
    again, light = _fresh(*args)
    assert light == "none" and again == built and built.startswith("deployment,") and len(built.splitlines()) > 2
    mapping = data / "articles" / f"{SEED}.yaml"
    old = "label: Deployment of new workers to the Russian Far East, early June 2024"
    mapping.write_text(mapping.read_text().replace(old, "label: An edited deployment", 1))
    edited, reloaded = _fresh(*args)
    assert "laborgraph.load.mapping" in reloaded.split() and "An edited deployment" in edited
    assert edited == built.replace(f'"{old.removeprefix("label: ")}"', "An edited deployment")  # CSV quoted the comma


def test_memory_snapshot_answers_like_the_on_disk_store(tmp_path):
    """The default (an in-memory snapshot from the cache's chunks), --store memory/disk and the old --memory agree."""
    cache = tmp_path / "cache"
    quotes = "SELECT ?g ?c ?q WHERE { GRAPH ?g { ?c lg:quote ?q } } ORDER BY ?g ?c ?q"
    on_disk = run("query", "--cache", cache, "--format", "csv", "--store", "disk", quotes)
    answers = [run("query", "--cache", cache, "--format", "csv", *flags, quotes).output
               for flags in ((), ("--store", "memory"), ("--memory",))]
    assert on_disk.exit_code == 0 and answers == [on_disk.output] * 3 and len(on_disk.output.splitlines()) > 30



def test_oxigraph_table_reads_like_rdflib(seed, monkeypatch):
    """The table from Oxigraph's terms (read in solution order) is the one rdflib's terms give:
    prefixed IRIs, the text of plain, language-tagged and typed literals, blanks for unbound."""
    from laborgraph.query import oxigraph_store, run_query, run_store_query

    monkeypatch.setenv("COLUMNS", "150")
    text = ("SELECT ?s ?value ?none ?p WHERE { ?s ?p ?value "
            "OPTIONAL { ?s lg:noSuchProperty ?none } "
            "FILTER(isLiteral(?value) && (LANG(?value) = 'en' || DATATYPE(?value) = xsd:date "
            "|| CONTAINS(STR(?value), '\\n'))) } ORDER BY ?s ?p ?value")
    ox = run_store_query(oxigraph_store(seed), text, timeout=None).text
    assert ox == run_query(seed, text, timeout=None).text
    assert "lgid:article/" in ox and "rdfs:label" in ox and "⏎" in ox and "-01" in ox
    assert int(re.search(r"\((\d+) rows\)", ox).group(1)) > 50
