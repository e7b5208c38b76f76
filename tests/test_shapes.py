"""Every SHACL constraint has a violating fixture and every shape a conforming one.

Fixtures live in tests/shapes/ as SPARQL updates applied to the seed graph
(which conforms): ``valid-*.ru`` must produce no violation (and none of the
findings named in ``# expect-none:`` lines); ``invalid-*.ru`` must make the
constraint named in its ``# expect:`` line fire on that focus node. Found by
glob: adding a fixture file adds a test.
"""

from pathlib import Path

import pytest
from pyshacl import validate as shacl
from rdflib import Graph, Namespace, URIRef
from rdflib.namespace import RDF

from laborgraph.ontology import ontology_graph
from laborgraph.validate import shapes_graph, validate_graph

FIXTURES = Path(__file__).parent / "shapes"
SH = Namespace("http://www.w3.org/ns/shacl#")
LGSH = "https://w3id.org/laborgraph/shapes#"


def _expand(token: str) -> str:
    return token.replace("lgsh:", LGSH).replace("sh:", str(SH))


def _expectations(path: Path, tag: str) -> list[tuple[str, ...]]:
    return [tuple(_expand(t) for t in line.split()[2:]) for line in path.read_text().splitlines()
            if line.startswith(f"# {tag}:")]


def _findings(seed_graph: Graph, fixture: Path):
    g = Graph()
    for triple in seed_graph:
        g.add(triple)
    g.update(fixture.read_text())
    return validate_graph(g).findings + validate_graph(g, corpus_rules=True).findings


@pytest.mark.parametrize("fixture", sorted(FIXTURES.glob("valid-*.ru")), ids=lambda p: p.stem)
def test_conforming_fixture(fixture, seed_graph):
    findings = _findings(seed_graph, fixture)
    assert [f for f in findings if f.severity == "Violation"] == []
    for focus, shape in _expectations(fixture, "expect-none"):
        assert [f for f in findings if f.focus == focus and f.shape == shape] == []


@pytest.mark.parametrize("fixture", sorted(FIXTURES.glob("invalid-*.ru")), ids=lambda p: p.stem)
def test_violating_fixture_fires_the_named_constraint(fixture, seed_graph):
    ((focus, shape, component),) = _expectations(fixture, "expect")
    findings = _findings(seed_graph, fixture)
    fired = {(f.focus, f.shape, f.component) for f in findings}
    assert (focus, shape, component) in fired, sorted(fired)
    hit = next(f for f in findings if (f.focus, f.shape, f.component) == (focus, shape, component))
    assert hit.message and hit.fix, "every finding says what is wrong and how to fix it"


def _all_shapes() -> Graph:
    g = Graph()
    for part in (shapes_graph(), shapes_graph(corpus=True)):
        for triple in part:
            g.add(triple)
    return g


def test_every_constraint_has_a_violating_fixture():
    shapes = _all_shapes()
    constraints = {str(s) for s in shapes.subjects(RDF.type, SH.PropertyShape)}
    constraints |= {str(s) for s in shapes.subjects(RDF.type, SH.SPARQLConstraint)}
    covered = {e[1] for p in FIXTURES.glob("invalid-*.ru") for e in _expectations(p, "expect")}
    assert sorted(constraints - covered) == []


def test_every_node_shape_targets_something_in_a_conforming_fixture(seed_graph):
    shapes = _all_shapes()
    present = set()
    for fixture in FIXTURES.glob("valid-*.ru"):
        g = Graph()
        for triple in seed_graph:
            g.add(triple)
        g.update(fixture.read_text())
        present |= set(g.objects(None, RDF.type))
    untargeted = [str(s) for s in shapes.subjects(RDF.type, SH.NodeShape)
                  if not any(c in present for c in shapes.objects(s, SH.targetClass))]
    assert untargeted == []


def test_shapes_pass_meta_shacl():
    conforms, _, text = shacl(Graph(), shacl_graph=_all_shapes(), meta_shacl=True,
                              ont_graph=ontology_graph())
    assert conforms, text


def test_shapes_only_use_terms_the_ontology_defines():
    onto = ontology_graph()
    lg = "https://w3id.org/laborgraph/ns#"
    used = {o for t in _all_shapes() for o in t if isinstance(o, URIRef) and str(o).startswith(lg)}
    assert sorted(str(u) for u in used if (u, None, None) not in onto) == []
