"""QC queries return no rows on the seed, and each fires on a fixture made to break it."""

from pathlib import Path

import pytest
from rdflib import BNode, Graph, Literal

from laborgraph.checks import default_checks_dir, load_checks, run_checks
from laborgraph.export import union
from laborgraph.ontology import ontology_graph

FIXTURES = Path(__file__).parent / "checks"


@pytest.fixture(scope="session")
def seed_union(dataset) -> Graph:
    g = union(dataset)
    for triple in ontology_graph():
        g.add(triple)
    return g


def test_every_check_passes_on_the_seed(seed_union):
    results = run_checks(seed_union)
    assert len(results) >= 4
    assert {name: rows for name, rows in results.items() if rows} == {}


@pytest.mark.parametrize("check", load_checks(), ids=lambda c: c.name)
def test_each_check_fires_on_its_fixture(check, seed_union):
    fixture = FIXTURES / f"{check.name}.ru"
    assert fixture.exists(), f"add {fixture} that makes {check.name} return a row"
    g = Graph()
    for triple in seed_union:
        g.add(triple)
    g.update(fixture.read_text())
    assert run_checks(g)[check.name] != []


def test_checks_have_titles_and_questions():
    paths = sorted(default_checks_dir().glob("*.rq"))
    assert paths, f"no QC queries found in {default_checks_dir()}"
    for path in paths:
        text = path.read_text()
        assert path.name.endswith("-violation.rq")
        assert "# title:" in text and "# question:" in text


@pytest.mark.parametrize("check", load_checks(), ids=lambda c: c.name)
def test_each_rows_first_column_matches_the_checks_focus_pattern(check, seed_union):
    """`check` runs a QC query only for changed nodes matching its ``# focus:``; a row outside it would be lost."""
    assert check.focus, f"{check.name} declares no '# focus:' pattern"
    g = Graph()
    for triple in seed_union:
        g.add(triple)
    g.update((FIXTURES / f"{check.name}.ru").read_text())
    firsts = sorted({str(row[0]) for row in g.query(check.query)})  # type: ignore[index]
    assert firsts  # the fixture makes the check fire
    matching = {str(row[0]) for row in g.query(check.focus_query(firsts))}  # type: ignore[index]
    assert matching == set(firsts)
    # and the pattern is a filter, not everything: a node of another kind does not match
    assert not list(g.query(check.focus_query(["https://example.org/not-a-node"])))


def _split_store(graph: Graph, graphs: int):
    """``graph``'s triples shared out among ``graphs`` named graphs of an Oxigraph store, every 7th in two."""
    import pyoxigraph

    store = pyoxigraph.Store()
    triples = sorted(graph, key=lambda t: tuple(str(x) for x in t))
    quads = []
    for i, triple in enumerate(triples):
        s, p, o = (pyoxigraph.NamedNode(str(x)) if not isinstance(x, Literal) else
                   pyoxigraph.Literal(str(x), datatype=pyoxigraph.NamedNode(str(x.datatype)) if x.datatype else None,
                                      language=x.language) for x in triple)
        for g in {i % graphs, (i + 1) % graphs} if i % 7 == 0 else {i % graphs}:
            quads.append(pyoxigraph.Quad(s, p, o, pyoxigraph.NamedNode(f"urn:x:graph:{g}")))
    store.extend(quads)
    return store


@pytest.mark.parametrize("graphs", [1, 3])
def test_the_scanning_forms_find_what_the_checks_find(seed_union, graphs):
    """A full pass on disk runs ``scanning_form``s: the same rows, however facts, statements and supports are split."""
    from laborgraph.incremental.forms import SCANS, scanning_form

    g = Graph()
    for triple in seed_union:
        if not isinstance(triple[0], BNode) and not isinstance(triple[2], BNode):
            g.add(triple)
    for name in set(SCANS) & {c.name for c in load_checks()}:
        g.update((FIXTURES / f"{name}.ru").read_text())
    # facts of one node, stated by typed and untyped statements, supported or not, their triple held or not
    g.update("""PREFIX lg: <https://w3id.org/laborgraph/ns#> PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
        PREFIX x: <urn:x:>
        INSERT DATA { x:s x:q x:o , x:o2 , x:o3 . x:note lg:about x:s ; lg:supports x:st2 .
                      x:st2 a rdf:Statement ; rdf:subject x:s ; rdf:predicate x:q ; rdf:object x:o .
                      x:st3 a rdf:Statement ; rdf:subject x:s ; rdf:predicate x:q ; rdf:object x:o2 .
                      x:st4 rdf:subject x:s ; rdf:predicate x:q ; rdf:object x:o2 .
                      x:note lg:supports x:st4 .
                      x:st5 a rdf:Statement ; rdf:subject x:s ; rdf:predicate x:q ; rdf:object x:o3 .
                      x:st6 a rdf:Statement ; rdf:subject x:s ; rdf:predicate x:q ; rdf:object x:o4 .
                      x:note lg:supports x:st6 .
                      x:s a x:Kind . x:note lg:supports x:st7 , x:st8 .
                      x:st7 a rdf:Statement ; rdf:subject x:s ; rdf:predicate rdf:type ; rdf:object x:Kind .
                      x:st8 a rdf:Statement ; rdf:subject x:s ; rdf:predicate rdf:type ; rdf:object x:Other . }""")
    # claims without a quote, or with a quote span located by no position selector, in graphs of their own or not
    g.update("""PREFIX lg: <https://w3id.org/laborgraph/ns#> PREFIX prov: <http://www.w3.org/ns/prov#>
        PREFIX oa: <http://www.w3.org/ns/oa#> PREFIX x: <urn:x:>
        INSERT DATA { x:article lg:textLength 10 .
                      x:c1 a lg:Claim ; prov:wasDerivedFrom x:article ; lg:quoteSpan x:span1 ; lg:quote "q" .
                      x:span1 oa:hasSelector x:quoteSelector . x:quoteSelector a oa:TextQuoteSelector .
                      x:c2 a lg:Claim ; prov:wasDerivedFrom x:article ; lg:quoteSpan x:span2 .
                      x:span2 oa:hasSelector x:position . x:position a oa:TextPositionSelector .
                      x:c3 a lg:Claim ; prov:wasDerivedFrom x:unmeasured ; lg:quoteSpan x:span3 ; lg:quote "q" . }""")
    store = _split_store(g, graphs)
    checks = {c.name: c for c in load_checks()}
    for name in set(SCANS) & set(checks):
        scanning = scanning_form(name, checks[name].query)
        assert scanning is not None, f"{name}'s text no longer holds the fragments its scanning form replaces"

        def rows(query: str) -> list[tuple[str, ...]]:
            return sorted(tuple(str(v) for v in row) for row in store.query(query, use_default_graph_as_union=True))

        expected = rows(checks[name].query)
        assert len(expected) >= 2, name  # the fixtures make it fire
        assert rows(scanning) == expected, name
    orphans = {str(row[0]) for row in store.query(checks["orphan-statement-violation"].query,
                                                  use_default_graph_as_union=True)}
    assert {"<urn:x:st6>", "<urn:x:st8>"} <= orphans and not {"<urn:x:st2>", "<urn:x:st7>"} & orphans
