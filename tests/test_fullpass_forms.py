"""The forms the full pass runs (``corpus.full_form``, ``corpus.scanning_form``) find what the rules as written find."""

import subprocess
import sys
from pathlib import Path

import pytest

from laborgraph.build import build_dataset
from laborgraph.incremental.corpus import sparql_constraints
from laborgraph.incremental.forms import FULL, SCANS, scanning_form
from laborgraph.load import load_corpus
from laborgraph.query import oxigraph_store
from laborgraph.validate import shapes_graph

from .conftest import seed_with_corroboration

ROOT = Path(__file__).resolve().parents[1]


def _fixture_corpus(data: Path) -> None:
    """The seed plus the corroboration fixture articles (a copy, a relay and anonymous claims corroborated or not)."""
    seed_with_corroboration(data)


def _synthetic_corpus(data: Path) -> None:
    """A synthetic corpus: republications, copies, relays and anonymous sources across 60 articles."""
    subprocess.run([sys.executable, str(ROOT / "benchmarks" / "synth.py"), "--articles", "60", "--seed", "5",
                    "--out", str(data)], check=True, timeout=300)


@pytest.mark.parametrize("make", [_fixture_corpus, _synthetic_corpus], ids=["fixtures", "synthetic"])
def test_each_rules_full_and_scanning_forms_are_in_use_and_find_what_the_rule_finds(tmp_path, make):
    make(tmp_path / "corpus")
    store = oxigraph_store(build_dataset(load_corpus(tmp_path / "corpus")))
    constraints = {c.iri.rsplit("#", 1)[-1]: c for c in sparql_constraints(shapes_graph(corpus=True))}
    assert set(FULL) <= set(constraints)

    def rows(query: str) -> list[tuple[str, ...]]:
        return sorted(tuple(str(v) for v in row) for row in store.query(query, use_default_graph_as_union=True))

    scanned = set(SCANS) & set(constraints)
    assert "SingleAnonymousSource-uncorroborated" in scanned  # its chains read by scans, one article at a time
    stale = [name for name in scanned if scanning_form(name, constraints[name].query) is None]
    assert not stale, f"{stale}: the text no longer holds the fragments a scanning form replaces"

    def forms(name: str) -> list[str]:
        c = constraints[name]
        return [text for text in (c.full, scanning_form(name, c.query)) if text is not None and text != c.query]

    for name in set(FULL) | scanned:
        assert forms(name), f"{name}'s text no longer holds the fragments its forms replace"
        expected = rows(constraints[name].query)
        assert expected, name  # some claims are reported ...
        assert all(rows(text) == expected for text in forms(name)), name
    rule = constraints["SingleAnonymousSource-uncorroborated"]
    reported = [row[0] for row in rows(rule.query)]
    _corroborate(store, reported)
    hedged = rows(constraints["Claim-hedgedSoleSupport"].query)[0][0]
    store.update(f"INSERT {{ GRAPH <urn:x:again> {{ {hedged} <{LG}supports> ?st }} }} "
                 f"WHERE {{ GRAPH ?g {{ {hedged} <{LG}supports> ?st }} }}")  # its support stated twice
    still = rows(rule.query)
    assert (reported[0],) not in still and still  # corroborated by another outlet; the others remain
    for name in set(FULL) | scanned:
        expected = rows(constraints[name].query)
        assert all(rows(text) == expected for text in forms(name)), name


LG = "https://w3id.org/laborgraph/ns#"
PROV = "http://www.w3.org/ns/prov#"


def _corroborate(store, reported: list[str]) -> None:
    """Claims in a graph of their own supporting the facts of three reported claims: from an outlet of
    their own (the first is then corroborated), from a copy of the claim's own article (the same chain:
    still reported), and from a republication of it (the same chain)."""
    assert len(reported) >= 3
    for i, (claim, how) in enumerate(zip(reported, ("outlet", "copy", "republication"), strict=False)):
        article = next(iter(store.query(f"SELECT ?a ?d WHERE {{ {claim} <{PROV}wasDerivedFrom> ?a . "
                                        f"OPTIONAL {{ ?a <{LG}textDigest> ?d }} }}",
                                        use_default_graph_as_union=True)))
        other = f"<urn:x:article{i}>"
        link = {"outlet": f"{other} <https://schema.org/publisher> <urn:x:outlet{i}> .",
                "copy": f"{other} <{LG}textDigest> {article['d']} ." if article["d"] is not None else "",
                "republication": f"{other} <{LG}republishes> {article['a']} ."}[how]
        store.update(f"""INSERT {{ GRAPH <urn:x:graph{i}> {{
            <urn:x:claim{i}> a <{LG}Claim> ; <{PROV}wasDerivedFrom> {other} ;
                <{PROV}wasAttributedTo> <urn:x:source{i}> ;
                <{LG}supports> ?st .
            {link} }} }} WHERE {{ GRAPH ?g {{ {claim} <{LG}supports> ?st }} }}""")


def test_the_claims_file_and_line_read_by_scans_are_those_read_by_lookups(tmp_path):
    from laborgraph.incremental.corpus import CLAIM_INFO, CLAIM_INFO_SCANNING

    _fixture_corpus(tmp_path / "corpus")
    store = oxigraph_store(build_dataset(load_corpus(tmp_path / "corpus")))
    store.update(f"""INSERT DATA {{ GRAPH <urn:x:graph> {{
        <urn:x:bare> a <{LG}Claim> ; <{LG}claimId> "bare" .
        <urn:x:twice> a <{LG}Claim> ; <{LG}claimId> "twice" ; <{LG}mappingFile> "a.yaml" , "b.yaml" .
        <urn:x:unnamed> a <{LG}Claim> ; <{LG}mappingLine> 3 . }} }}""")

    def rows(query: str) -> list[tuple[str, ...]]:
        return sorted(tuple(str(v) for v in row) for row in store.query(query, use_default_graph_as_union=True))

    expected = rows(CLAIM_INFO)
    assert len(expected) > 10 and any(row[0] == "<urn:x:bare>" and row[2] == "None" for row in expected)
    assert rows(CLAIM_INFO_SCANNING) == expected


def test_a_full_pass_on_disk_finds_the_same_with_and_without_the_scanning_forms(tmp_path, monkeypatch):
    from laborgraph.incremental import corpus, fullpass, with_corpus_store
    from laborgraph.incremental import refresh as check

    data, cache_dir, scratch = tmp_path / "corpus", tmp_path / "cache", tmp_path / "tmp" / "checkpoint"
    _fixture_corpus(data)
    paths = [entry.chunk_path("nt") for _, entry in check(data, cache_dir=cache_dir).ordered]
    monkeypatch.setattr(corpus, "RULES_IN_MEMORY_BYTES", 1000)  # the on-disk store
    used: list[str] = []

    def spy(name: str, query: str) -> str | None:
        used.append(name)
        return scanning_form(name, query)

    monkeypatch.setattr(corpus, "scanning_form", spy)

    def both(store):
        scanned = fullpass.full_findings(paths, store, scratch, jobs=1)
        asked = sorted(set(used))
        used.clear()
        monkeypatch.setattr(fullpass, "SCANS_UP_TO_BYTES", 0)  # too large a corpus for them
        return scanned, asked, fullpass.full_findings(paths, store, scratch, jobs=1)

    scanned, asked, plain = with_corpus_store(data, both, cache_dir=cache_dir, jobs=1)
    assert set(SCANS) <= set(asked) and used == []
    assert len(scanned) > 10
    assert scanned == plain
