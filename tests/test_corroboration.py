"""Independence by attribution chain, comparability before comparison, grading, roll-up.

The fixture corpus (tests/fixtures/corroboration2) is INVENTED; each test names
the rule it checks and the rows it expects. Seed tests run on a copy of the seed fixture.
"""

import re
import shutil
from decimal import Decimal
from pathlib import Path

import pyoxigraph
import pytest
from rdflib import Literal, URIRef

from laborgraph.build import build_dataset
from laborgraph.corroboration import (
    CHAIN_BEGIN,
    CHAIN_END,
    CHAIN_PREFIXES,
    EDITION_BEGIN,
    EDITION_END,
    Measure,
    chain_parts,
    chain_subquery,
    claim_chains,
    compare,
    count_chains,
    edition_subquery,
    monthly,
)
from laborgraph.export.network import deployment_network, to_graphml
from laborgraph.load import load_corpus
from laborgraph.query import library, query_dataset, resolve_query
from laborgraph.vocab import LG, PROV, RDF, SDO, article_iri, claim_iri, entity_iri, sparql_prefixes

from .conftest import DATA, SEED

FIXTURES = Path(__file__).parent / "fixtures" / "corroboration2"
CORROBORATION = Path(__file__).parent / "fixtures" / "corroboration"
WIRE = "2024-08-05-fixturewire-far-east-count"
DELTA = "2024-08-03-delta-own-report"


class Built:
    """A corpus as rdflib (network views) and as an Oxigraph store (the default query engine)."""

    def __init__(self, folder: Path):
        self.ds = query_dataset(build_dataset(load_corpus(folder)))
        self.store = pyoxigraph.Store()
        self.store.load(self.ds.serialize(format="nquads").encode(), format=pyoxigraph.RdfFormat.N_QUADS)

    def value(self, *args):
        return self.ds.value(*args)

    def objects(self, *args):
        return self.ds.objects(*args)

    def __contains__(self, triple):
        return triple in self.ds


def rows(built, name):
    """A library query's rows on Oxigraph, as dicts of plain strings ('' for unbound)."""
    result = built.store.query(resolve_query(name), use_default_graph_as_union=True)
    names = [v.value for v in result.variables]
    return [{n: ("" if r[n] is None else r[n].value) for n in names} for r in result]


def build(folder):
    return Built(folder)


def copy_article(folder: Path, slug: str, new_slug: str) -> None:
    """An exact copy of an article (mapping and text) under another file name."""
    arts = folder / "articles"
    shutil.copy(arts / f"{slug}.txt", arts / f"{new_slug}.txt")
    text = (arts / f"{slug}.yaml").read_text(encoding="utf-8")
    (arts / f"{new_slug}.yaml").write_text(text.replace(f"{slug}.txt", f"{new_slug}.txt"), encoding="utf-8")


@pytest.fixture(scope="module")
def fixture_ds():
    return build(FIXTURES)


@pytest.fixture(scope="module")
def fixture_chains(fixture_ds):
    return {k.split("/article/")[1]: v.rsplit("/", 1)[1] for k, v in claim_chains(fixture_ds.store).items()}


# ---------------------------------------------------------------- independence


def test_outlet_and_its_informants_are_one_chain(fixture_chains):
    assert {fixture_chains[f"{DELTA}/claim/{c}"] for c in
            ("thousand-sent", "ordinary-pay-100-a-month", "managers-1000-a-month")} == {"delta-post"}


def test_two_outlets_citing_one_agency_are_one_chain(fixture_chains):
    assert fixture_chains["2024-08-01-alpha-agency-count/claim/about-500-to-khabarovsk"] == "omega-agency"
    assert fixture_chains["2024-08-02-beta-agency-count/claim/five-hundred-to-far-east"] == "omega-agency"


def test_a_republished_article_belongs_to_the_original_chain(fixture_chains):
    assert fixture_chains["2024-08-04-gamma-syndicated/claim/thousand-sent"] == "delta-post"


def test_count_chains_counts_roots_once():
    assert count_chains(["a", "b", "c"], {"a": "x", "b": "x", "c": "y"}) == 2


def test_an_exact_copy_joins_the_original_chain_and_changes_no_count(tmp_path, fixture_ds):
    folder = tmp_path / "corpus"
    shutil.copytree(FIXTURES, folder)
    copy_article(folder, DELTA, "2024-08-03-mirror-copied-report")
    ds = build(folder)
    chains = claim_chains(ds.store)
    assert chains == claim_chains(ds.ds)  # rdflib and Oxigraph agree
    assert chains[str(claim_iri("2024-08-03-mirror-copied-report", "thousand-sent"))] == str(entity_iri("delta-post"))
    assert _counts(ds) == _counts(fixture_ds)


def _counts(ds):
    net = deployment_network(ds.ds)
    edges = sorted((u, v, k, d["source_count"]) for u, v, k, d in net.edges(keys=True, data=True)
                   if "mirror" not in u + v)  # the copy's own local entities are new nodes, not new counts
    facts = sorted((r["kind"], r["property"], r["value"], r["period"], r["chains"])
                   for r in rows(ds, "cq14") if r["row"] == "fact")
    other = sorted({(r["claim"], r["other_chains"]) for r in rows(ds, "cq11")})
    return edges, facts, other


def test_every_library_chain_block_is_the_one_definition():
    blocks = limited = 0
    shapes = Path(__file__).parents[1] / "shapes" / "corpus" / "corroboration.ttl"
    for name, text in [(q.name, q.text) for q in library()] + [(shapes.name, shapes.read_text(encoding="utf-8"))]:
        for m in re.finditer(re.escape(CHAIN_BEGIN) + r"\n(.*?)\n\s*" + re.escape(CHAIN_END), text, re.S):
            body = "\n".join(line.strip() for line in m.group(1).splitlines())
            claim, chain, among = chain_parts(body)  # among: the claims it needs, if limited
            expected = "\n".join(line.strip() for line in chain_subquery(claim, chain, among).splitlines())
            assert body == expected, name
            blocks += 1
            limited += bool(among)
    assert blocks >= 5  # cq11, cq14 (three) and the anonymous-source warning
    assert limited >= 1  # the anonymous-source warning computes only the chains it needs


def test_a_limited_chain_bound_to_a_claim_finds_the_chains_of_the_claims_sharing_its_facts(tmp_path):
    """Both limited forms, the plain one and the one for a pre-bound node, give each claim sharing a
    fact with the bound one its chain as the unlimited definition gives it: on the seed with the
    corroborating fixture articles, an exact copy of the wire article (twins: the first by IRI
    stands for the edition: the copy's claims root at the wire) and a republication of it."""
    folder = tmp_path / "corpus"
    shutil.copytree(DATA, folder)
    registry = folder / "entities.yaml"
    registry.write_text(registry.read_text().replace("entities:\n", "entities:\n" + (
        CORROBORATION / "entities-extra.yaml").read_text(), 1))
    for path in (CORROBORATION / "articles").iterdir():
        shutil.copy(path, folder / "articles" / path.name)
    copy_article(folder, WIRE, "2024-08-05-fixturexcopy-far-east-count")  # a twin; the wire is the first by IRI
    copy = folder / "articles" / "2024-08-05-fixturexcopy-far-east-count.yaml"  # another outlet, no informed
    copy.write_text(copy.read_text().replace("outlet: fixture-wire", "outlet: fixture-news", 1)
                    .replace("    informed: fixture-wire\n", "", 1))
    copy_article(folder, WIRE, "2024-08-05-fixturerelay-far-east-count")
    relay = folder / "articles" / "2024-08-05-fixturerelay-far-east-count.yaml"
    relay.write_text(relay.read_text().replace("  mapped_by:", f"  republishes: {WIRE}\n  mapped_by:", 1))
    (folder / "articles" / "2024-08-05-fixturerelay-far-east-count.txt").write_text(
        (folder / "articles" / f"{WIRE}.txt").read_text() + "\n(Relayed.)\n")
    store = build(folder).store
    chains = claim_chains(store)
    prefixes = sparql_prefixes(*CHAIN_PREFIXES)
    shared = 0
    for claim in sorted(chains):
        among = f"<{claim}> lg:supports ?chainFact . ?claim lg:supports ?chainFact"
        text = prefixes + f"SELECT DISTINCT ?claim WHERE {{ {among} }}"
        sharing = {r["claim"].value for r in store.query(text, use_default_graph_as_union=True)}
        for bound in (False, True):
            text = prefixes + "SELECT ?claim ?chain WHERE " + chain_subquery(among=among, bound=bound)
            found = {r["claim"].value: r["chain"].value for r in store.query(text, use_default_graph_as_union=True)}
            assert found == {c: chains[c] for c in sharing}, (claim, bound)
        shared += len(sharing) > 1
    assert shared  # some claims share a fact with another: the limit keeps more than the claim itself
    assert len(set(chains.values())) > 2  # several chains
    copied = [c for c in chains if "fixturexcopy" in c]
    assert copied and {chains[c] for c in copied} == {str(entity_iri("fixture-wire"))}  # its first twin's outlet


def test_every_library_edition_block_is_the_one_definition():
    blocks = 0
    for q in library():
        for m in re.finditer(re.escape(EDITION_BEGIN) + r"\n(.*?)\n\s*" + re.escape(EDITION_END), q.text, re.S):
            body = "\n".join(line.strip() for line in m.group(1).splitlines())
            names = re.search(r"SELECT DISTINCT ([?$]\w+) ([?$]\w+) ([?$]\w+) WHERE", body).groups()  # type: ignore[union-attr]
            assert body == "\n".join(line.strip() for line in edition_subquery(*names).splitlines()), q.name
            blocks += 1
    assert blocks >= 3  # cq14: its facts and both figures


# ---------------------------------------------------------------- the seed: one chain


@pytest.fixture(scope="module")
def seed_copy(tmp_path_factory):
    from .conftest import DATA

    folder = tmp_path_factory.mktemp("seed") / "corpus"
    shutil.copytree(DATA, folder)
    return folder


def test_on_the_seed_every_independent_count_is_one(seed_copy):
    ds = build(seed_copy)
    net = deployment_network(ds.ds)
    assert {d["source_count"] for _, _, d in net.edges(data=True)} == {1}
    # Daily NK's narration and its informant state "sent": two claims, one chain (the case).
    assert [d for _, _, d in net.edges(data=True) if d["relation"] == "sent" and len(d["claims"]) >= 2
            and d["source_count"] == 1 and len({q.split("#")[1] for q in d["claims"]} & {
                "deployment-ahead-of-summit", "deployment-hundreds-early-june"}) == 2]
    assert 'source_count">2<' not in to_graphml(net)
    assert {r["other_chains"] for r in rows(ds, "cq11")} == {"0"}
    assert {r["chains"] for r in rows(ds, "cq14")} == {"1"}
    assert [r for r in rows(ds, "cq14") if r["row"] == "comparison"] == []


def test_on_the_seed_an_exact_copy_changes_no_count(seed_copy, tmp_path):
    folder = tmp_path / "corpus"
    shutil.copytree(seed_copy, folder)
    copy_article(folder, SEED, "2024-07-15-mirror-copied-seed")
    ds = build(folder)
    net = deployment_network(ds.ds)
    assert {d["source_count"] for _, _, d in net.edges(data=True)} == {1}
    assert {r["chains"] for r in rows(ds, "cq14")} == {"1"}


# ---------------------------------------------------------------- comparability (cq14 and Python)


def _pairs(ds):
    return {frozenset(r["claims"].split(", ")): r for r in rows(ds, "cq14") if r["row"] == "comparison"}


def _c(slug, cid):
    return f"{slug}#{cid}"


def test_different_populations_are_not_compared(fixture_ds):
    pair = _pairs(fixture_ds)[frozenset({_c("2024-08-05-epsilon-pay", "officers-about-10000-a-year"),
                                         _c(DELTA, "ordinary-pay-100-a-month")})]
    assert pair["agreement"] == "not comparable"
    assert pair["why"] == ("not comparable: different populations (rank-and-file worker vs "
                           "freelance agent and manager)")
    assert (pair["low"], pair["high"]) == ("", "")


def test_same_population_monthly_and_yearly_are_normalised_then_compared(fixture_ds):
    pair = _pairs(fixture_ds)[frozenset({_c("2024-08-05-epsilon-pay", "managers-about-12000-a-year"),
                                         _c(DELTA, "managers-1000-a-month")})]
    assert pair["agreement"] == "agree"
    assert pair["why"] == ("comparable: both monthly earnings amount of manager, USD (normalised per month); "
                           "approximate figures widened by 10 %")
    assert Decimal(pair["low"]) == Decimal(900) and Decimal(pair["high"]) == Decimal(1100)


def test_stock_and_flow_counts_are_never_compared(fixture_ds):
    pair = _pairs(fixture_ds)[frozenset({_c("2024-08-05-epsilon-pay", "about-3000-present-2024"),
                                         _c(DELTA, "thousand-sent")})]
    assert pair["agreement"] == "not comparable"
    assert pair["why"].startswith("not comparable: stock vs flow")


def test_counts_in_nested_places_and_one_month_are_compared(fixture_ds):
    pairs = _pairs(fixture_ds)
    khabarovsk = pairs[frozenset({_c("2024-08-01-alpha-agency-count", "about-500-to-khabarovsk"),
                                  _c(DELTA, "thousand-sent")})]
    assert khabarovsk["agreement"] == "disagree"  # 450..550 vs 1,000; Khabarovsk lies in the Russian Far East
    assert khabarovsk["why"] == "comparable: both deployment size; approximate figures widened by 10 %"
    assert float(khabarovsk["low"]) <= float(khabarovsk["high"])
    # Alpha and Beta relay one agency: one chain, so never a pair.
    assert frozenset({_c("2024-08-01-alpha-agency-count", "about-500-to-khabarovsk"),
                      _c("2024-08-02-beta-agency-count", "five-hundred-to-far-east")}) not in pairs
    # Gamma republishes Delta: never a pair with it.
    assert not [k for k in pairs if {_c(DELTA, "thousand-sent"),
                                     _c("2024-08-04-gamma-syndicated", "thousand-sent")} <= k]


def test_no_comparison_row_has_low_above_high(fixture_ds):
    for r in _pairs(fixture_ds).values():
        if r["low"] and r["high"]:
            assert Decimal(r["low"]) <= Decimal(r["high"]), r


def test_fact_rows_roll_places_up_and_count_chains(fixture_ds):
    facts = [r for r in rows(fixture_ds, "cq14") if r["row"] == "fact"]
    (dest,) = [r for r in facts if (r["kind"], r["property"], r["period"]) == ("deployment", "destination", "2024-06")]
    assert (dest["value"], dest["country"]) == ("Russia", "Russia")
    assert set(dest["places"].split("; ")) == {"Khabarovsk", "Russian Far East"}
    assert dest["chains"] == "2"  # Omega Agency (Alpha, Beta) and Delta Post (Delta, Gamma)
    assert "Delta Post (INVENTED outlet), 2024-08-03, day" in dest["reported_in"]


def test_year_only_dates_stay_years(fixture_ds):
    facts = [r for r in rows(fixture_ds, "cq14") if r["row"] == "fact" and r["kind"] == "workforce presence"
             and r["property"] == "location"]
    assert {r["period"] for r in facts} == {"2024", "2019/2024"}  # never "2024-01"


def test_python_compare_matches_the_rules():
    managers_year = Measure("earnings", "amount", frozenset({"manager"}), Decimal(12000), Decimal(12000),
                            approximate=True, currency="USD", per="year")
    managers_month = Measure("earnings", "amount", frozenset({"manager"}), Decimal(1000), Decimal(1000),
                             currency="USD", per="month")
    officers = Measure("earnings", "amount", frozenset({"manager", "freelance agent"}), Decimal(10000),
                       Decimal(10000), approximate=True, currency="USD", per="year")
    ordinary = Measure("earnings", "amount", frozenset({"rank-and-file worker"}), Decimal(100), Decimal(100),
                       currency="USD", per="month")
    assert compare(managers_year, managers_month).verdict == "agree"
    assert compare(managers_year, managers_month).why == "comparable: both monthly earnings amount of manager, USD"
    assert compare(officers, ordinary).why.startswith("not comparable: different populations")
    lump = Measure("earnings", "amount", frozenset({"manager"}), Decimal(36000), Decimal(36000), currency="USD")
    assert compare(lump, managers_month).why == ("not comparable: a lump sum vs a periodic figure, and "
                                                 "the contract term is not known")
    term = Measure("earnings", "amount", frozenset({"manager"}), Decimal(36000), Decimal(36000), currency="USD",
                   term_months=Decimal(36))
    assert compare(term, managers_month).verdict == "agree"
    euro = Measure("earnings", "amount", frozenset({"manager"}), Decimal(1000), Decimal(1000), currency="EUR",
                   per="month")
    assert compare(euro, managers_month).verdict == "not comparable"
    low, high = monthly(Measure("earnings", "amount", frozenset(), Decimal(5), Decimal(3)))
    assert low is not None and high is not None and low <= high


def test_counts_stock_flow_and_as_of_dates_in_python():
    sent = Measure("deployment", "size", frozenset(), Decimal(1000), Decimal(1000), earliest="2024-06-01",
                   latest="2024-06-30")
    present = Measure("workforce presence", "size", frozenset(), Decimal(3000), Decimal(3000), earliest="2024-01-01",
                      latest="2024-12-31")
    assert compare(sent, present).why.startswith("not comparable: stock vs flow")
    old = Measure("workforce presence", "size", frozenset(), Decimal(3000), Decimal(3000), earliest="2019-01-01",
                  latest="2019-12-31")
    assert compare(present, old).why == "not comparable: times or as-of dates do not overlap"
    near = Measure("workforce presence", "size", frozenset(), Decimal(2500), None, earliest="2024-03-01",
                   latest="2024-03-31")
    assert compare(present, near).verdict == "agree"


# ---------------------------------------------------------------- cq13, grading, context


def test_cq13_lists_a_presence_that_spans_the_deadline(fixture_ds):
    found = [r for r in rows(fixture_ds, "cq13") if r["reported_case"].startswith("Zeta: the worker in Khabarovsk")]
    by_provision = {r["provision"]: r for r in found}
    spans = by_provision["UN Security Council resolution 2397 (2017), operative paragraph 8"]
    assert spans["reported"] == "reported from before the date until after it"
    assert (spans["place"], spans["country"]) == ("Khabarovsk", "Russia")
    assert (spans["earliest"], spans["latest"], spans["precision"]) == ("2019-01-01", "2024-12-31", "year")
    assert (spans["outlet"], spans["published"], spans["published_precision"]) == (
        "Zeta Review (INVENTED outlet)", "2024-08-06", "day")
    assert not [r for r in rows(fixture_ds, "cq13") if "violat" in " ".join(r.values()).lower()]


def test_grades_are_codings_with_who_and_when_and_change_no_fact(fixture_ds):
    source = URIRef(f"{article_iri(DELTA)}/source/delta-informant")
    (grading,) = fixture_ds.objects(source, LG.grading)
    assert str(fixture_ds.value(grading, LG.gradeCode)) == "C"
    assert fixture_ds.value(grading, PROV.wasAttributedTo).endswith("/analyst/second-analyst")
    assert fixture_ds.value(grading, URIRef("http://purl.org/dc/terms/date")) == Literal(
        "2026-12-01", datatype=URIRef("http://www.w3.org/2001/XMLSchema#date"))
    claim = claim_iri(DELTA, "ordinary-pay-100-a-month")
    (cg,) = fixture_ds.objects(claim, LG.grading)
    assert fixture_ds.value(cg, LG.credibility).endswith("/credibility-3")
    assert fixture_ds.value(cg, PROV.wasAttributedTo).endswith("/analyst/laborgraph-team")


def test_a_grade_never_changes_an_asserted_fact(tmp_path):
    folder = tmp_path / "corpus"
    shutil.copytree(FIXTURES, folder)
    path = folder / "articles" / f"{DELTA}.yaml"
    graded = query_dataset(build_dataset(load_corpus(folder)))
    path.write_text(re.sub(r"\n    grade: .*", "", path.read_text()), encoding="utf-8")
    ungraded = query_dataset(build_dataset(load_corpus(folder)))

    def facts(ds):
        return {t for t in ds.triples((None, None, None)) if "/grading/" not in str(t[0]) and t[1] != LG.grading
                and t[1] != LG.mappingLine}

    assert len(facts(graded)) > 100 and facts(graded) == facts(ungraded)
    grading = (None, LG.grading, None)
    assert len(set(graded.triples(grading))) == len(set(ungraded.triples(grading))) + 2


def test_network_evidence_carries_grades(fixture_ds):
    net = deployment_network(fixture_ds.ds)
    evidence = net.graph["evidence"]
    assert evidence["2024-08-01-alpha-agency-count#about-500-to-khabarovsk"]["grade"] == "source B; claim 3"
    assert evidence[f"{DELTA}#thousand-sent"]["grade"] == ""
    assert all("grade" in e for e in evidence.values())


def test_library_fact_rows_carry_article_outlet_and_date(fixture_ds):
    for r in rows(fixture_ds, "cq11"):
        assert r["article"] and r["outlet"] and r["published"] and r["published_precision"] in ("day", "time of day")


def test_text_digest_is_recorded(fixture_ds):
    digest = fixture_ds.value(article_iri(DELTA), LG.textDigest)
    assert digest is not None and re.fullmatch(r"[0-9a-f]{64}", str(digest))
    assert (article_iri("2024-08-04-gamma-syndicated"), LG.republishes, article_iri(DELTA)) in fixture_ds
    assert (article_iri("2024-08-01-alpha-agency-count"), LG.citesOriginal, entity_iri("omega-agency")) in fixture_ds
    assert (article_iri(DELTA), RDF.type, LG.Article) in fixture_ds
    assert fixture_ds.value(article_iri(DELTA), SDO.publisher) == entity_iri("delta-post")


# ---------------------------------------------------------------- copies count once, everywhere


def _every_count(folder: Path):
    """Every count the network, the library and the stats report, and the rows that list claims."""
    from laborgraph.export.stats import corpus_stats

    ds = build(folder)
    net = deployment_network(ds.ds)
    network = (net.number_of_nodes(), net.number_of_edges(), sorted(net.nodes),
               sorted((u, v, k, d["claim_count"], d["source_count"]) for u, v, k, d in net.edges(keys=True, data=True)))
    cq14 = rows(ds, "cq14")
    facts = sorted((r["kind"], r["property"], r["value"], r["period"], r["chains"],
                    tuple(sorted(r["claims"].split(", "))), tuple(sorted(r["reported_in"].split("; "))))
                   for r in cq14 if r["row"] == "fact")
    pairs = sorted((r["claims"], r["agreement"], r["why"], r["low"], r["high"])
                   for r in cq14 if r["row"] == "comparison")
    other = sorted({(r["claim"], r["other_chains"]) for r in rows(ds, "cq11")})
    stats = corpus_stats(corpus := load_corpus(folder), build_dataset(corpus))
    return {"network": network, "facts": facts, "pairs": pairs, "cq11": other,
            "stats": (stats.source_chains, stats.distinct_claims)}, net


@pytest.mark.parametrize("folder, slug", [(FIXTURES, DELTA), (None, SEED)], ids=["corroboration", "seed"])
def test_an_exact_copy_counts_no_claim_twice(tmp_path, folder, slug):
    from .conftest import DATA

    source = folder or DATA
    shutil.copytree(source, tmp_path / "before")
    shutil.copytree(source, tmp_path / "after")
    copy_article(tmp_path / "after", slug, f"{slug[:10]}-mirror-copy")
    before, _ = _every_count(tmp_path / "before")
    after, net = _every_count(tmp_path / "after")
    # Nodes, edges (key, claim_count, source_count), cq14's facts (with the claims and articles they
    # list) and comparison rows, cq11 and the stats' chains and distinct claims: all unchanged.
    for what in before:
        assert after[what] == before[what], what
    # The copy's claims are still shown as evidence, on the original's edges, counted once.
    copied = [d for _, _, d in net.edges(data=True) if any("mirror-copy" in c for c in d["claims"])]
    assert copied and all(any("mirror-copy" not in c for c in d["claims"]) for d in copied)
    assert all(d["claim_count"] < len(d["claims"]) for d in copied)
    assert not [n for n in net.nodes if "mirror-copy" in n]  # its local entities are the original's


def test_a_republication_is_one_edition_in_the_network(fixture_ds):
    net = deployment_network(fixture_ds.ds)
    assert not [n for n in net.nodes if "gamma-syndicated" in n]  # Gamma's entities are Delta's
    (sent,) = [d for u, v, d in net.edges(data=True) if d["relation"] == "sent" and "delta-own-report" in v]
    assert {_c(DELTA, "thousand-sent"), _c("2024-08-04-gamma-syndicated", "thousand-sent")} <= set(sent["claims"])
    assert (sent["claim_count"], sent["source_count"]) == (1, 1)


def test_comparisons_pair_editions_not_claims(fixture_ds):
    pairs = _pairs(fixture_ds)
    # Gamma republishes Delta: its copy of "1,000 sent" adds no row beside Delta's own.
    assert not [k for k in pairs if _c("2024-08-04-gamma-syndicated", "thousand-sent") in k]
    assert frozenset({_c("2024-08-01-alpha-agency-count", "about-500-to-khabarovsk"),
                      _c(DELTA, "thousand-sent")}) in pairs
    facts = [r for r in rows(fixture_ds, "cq14") if r["row"] == "fact"]
    assert not [r for r in facts if "gamma" in r["claims"].lower() or "Gamma" in r["reported_in"]]


def test_two_chains_in_one_edition_are_never_paired(tmp_path):
    folder = tmp_path / "corpus"
    shutil.copytree(FIXTURES, folder)
    mapping = folder / "articles" / f"{DELTA}.yaml"
    text = mapping.read_text(encoding="utf-8").replace("informed: delta-post", "informed: omega-agency")
    text = text.replace("the source said.\n    source: delta-informant", "the source said.\n    source: delta-voice")
    mapping.write_text(text, encoding="utf-8")
    ds = build(folder)
    chains = claim_chains(ds.store)
    ordinary, managers = (str(claim_iri(DELTA, c)) for c in ("ordinary-pay-100-a-month", "managers-1000-a-month"))
    assert chains[ordinary] != chains[managers]  # two chains (Omega's informant, Delta's voice), one article
    assert frozenset({_c(DELTA, "ordinary-pay-100-a-month"), _c(DELTA, "managers-1000-a-month")}) not in _pairs(ds)
    assert frozenset({_c(DELTA, "managers-1000-a-month"),
                      _c("2024-08-05-epsilon-pay", "managers-about-12000-a-year")}) in _pairs(ds)


def test_stats_report_chains_and_count_a_copy_once(tmp_path):
    from laborgraph.export.stats import corpus_stats

    shutil.copytree(FIXTURES, tmp_path / "corpus")
    before = corpus_stats(corpus := load_corpus(tmp_path / "corpus"), build_dataset(corpus))
    chains = set(claim_chains(build(tmp_path / "corpus").store).values())
    assert before.source_chains == len(chains) < before.sources
    copy_article(tmp_path / "corpus", DELTA, "2024-08-03-mirror-copy")
    after = corpus_stats(corpus := load_corpus(tmp_path / "corpus"), build_dataset(corpus))
    assert after.claims > before.claims  # as mapped: the copy's claims are there
    assert (after.distinct_claims, after.source_chains) == (before.distinct_claims, before.source_chains)
    assert "source chains" in after.as_text()
