"""The compiled shapes give pySHACL's findings, finding by finding, and refuse what they cannot compile.

Compared on the seed, on every shape fixture (tests/shapes/*.ru, conforming and
violating), on the seed with the corroboration fixture articles, and on two
synthetic corpora (benchmarks/synth.py), the last two through the build's own
batch validation (``workers._findings``) with and without ``reference``.
"""

from __future__ import annotations

import dataclasses
import importlib.util
import re
from collections import Counter
from pathlib import Path

import pytest
from rdflib import Graph, Literal
from rdflib.namespace import SDO, XSD

from laborgraph import shaclfast
from laborgraph.build import article_graph, article_triples, registry_graph
from laborgraph.export import ntriples
from laborgraph.incremental import workers
from laborgraph.incremental.corpus import ontology_subset
from laborgraph.load import article_paths, load_article, load_corpus
from laborgraph.ontology import load_terms, ontology_graph
from laborgraph.validate import validate_graph
from laborgraph.vocab import LG, REGISTRY_GRAPH, article_iri

from .conftest import ROOT, seed_with_corroboration

SHAPE_FIXTURES = Path(__file__).parent / "shapes"


def _unordered(finding):
    """A finding with the lists in its message taken as sets: SPARQL leaves GROUP_CONCAT's order to the
    engine (rdflib under pySHACL, Oxigraph under the compiled shapes), so "permission or practice" and
    "practice or permission" are the same message."""
    words = sorted(re.findall(r"\w+", finding.message))  # the same words; lists in any order
    return dataclasses.replace(finding, message=" ".join(words))


def _same(reference: list, fast: list) -> None:
    reference, fast = [_unordered(f) for f in reference], [_unordered(f) for f in fast]
    missing, extra = Counter(reference) - Counter(fast), Counter(fast) - Counter(reference)
    assert not missing and not extra, f"only pySHACL: {sorted(missing, key=str)}\nonly fast: {sorted(extra, key=str)}"


def test_seed(seed_graph):
    _same(validate_graph(seed_graph).findings, shaclfast.validate_graph(seed_graph).findings)


def test_registry_alone(dataset):
    registry = dataset.graph(REGISTRY_GRAPH)
    _same(validate_graph(registry, default_file="entities.yaml").findings,
          shaclfast.validate_graph(registry, default_file="entities.yaml").findings)


@pytest.mark.parametrize("fixture", sorted(SHAPE_FIXTURES.glob("*.ru")), ids=lambda p: p.stem)
def test_shape_fixture(fixture, seed_graph):
    g = Graph()
    for triple in seed_graph:
        g.add(triple)
    g.update(fixture.read_text())
    reference = validate_graph(g).findings
    _same(reference, shaclfast.validate_graph(g).findings)
    if fixture.name.startswith("invalid-"):
        assert reference, "a violating fixture that the reference accepts compares nothing"


def _batch_findings(data: Path, *, reference: bool, build=article_triples, spoil: bool = False) -> list:
    """What a build's worker finds for every article of ``data``, validated as one batch
    (``spoil``: each article with an impossible date and a negative length, to be found and located)."""
    registry = load_corpus(data, registry_only=True).registry
    terms = load_terms()
    graphs = {p.stem: build(load_article(p, registry, data, terms)) for p in article_paths(data)}
    if spoil:
        for slug, g in graphs.items():
            g.add((article_iri(slug), SDO.datePublished, Literal("2024-13-45", datatype=XSD.date)))
            g.add((article_iri(slug), LG.textLength, Literal("-3", datatype=XSD.nonNegativeInteger)))
    workers.WORKER_INPUTS.update(registry=registry, terms=terms, data_dir=data, reg_graph=registry_graph(registry),
                                 onto=ontology_subset(ontology_graph()), reference=reference)
    try:
        return workers._findings(graphs, [ntriples(g) for g in graphs.values()])
    finally:
        workers.WORKER_INPUTS.clear()


def _synth(out: Path, articles: int, seed: int) -> Path:
    spec = importlib.util.spec_from_file_location("synth", ROOT / "benchmarks" / "synth.py")
    assert spec is not None and spec.loader is not None
    synth = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(synth)
    synth.generate(articles, seed, out)
    return out


def _with_corroboration(out: Path) -> Path:
    return seed_with_corroboration(out)


@pytest.mark.parametrize("corpus", ["corroboration", "synthetic-1", "synthetic-2"])
def test_corpus_batches(corpus, tmp_path):
    if corpus == "corroboration":
        data = _with_corroboration(tmp_path / "corpus")
    else:
        seed = int(corpus.rsplit("-", 1)[1])
        data = _synth(tmp_path / "corpus", 30 if seed == 1 else 45, seed)
    reference = _batch_findings(data, reference=True)
    _same(reference, _batch_findings(data, reference=False))


@pytest.mark.parametrize("spoil", [False, True])
def test_builder_triples_give_the_graphs_findings(spoil, tmp_path):
    """Workers validate the builder's index (``article_triples``), not rdflib graphs: the same findings,
    located at the same files and lines."""
    data = _with_corroboration(tmp_path / "corpus")
    as_graphs = _batch_findings(data, reference=False, build=article_graph, spoil=spoil)
    assert _batch_findings(data, reference=False, spoil=spoil) == as_graphs
    if spoil:
        located = [(f.file, f.line) for f in as_graphs if "textLength" in (f.path or "")]
        assert {file for file, _ in located} == {f"articles/{p.name}" for p in article_paths(data)}
        assert all(isinstance(line, int) for _, line in located)


def test_bad_data_gives_the_same_findings(tmp_path):
    """Ill-typed literals (an impossible date, a negative non-negative integer): both engines agree."""
    data = _synth(tmp_path / "corpus", 12, 3)
    g = Graph()
    for part in _graphs(data):
        for triple in part:
            g.add(triple)
    g.update("""PREFIX lg: <https://w3id.org/laborgraph/ns#>
                PREFIX schema: <https://schema.org/>
                PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>
                DELETE { ?a schema:datePublished ?d }
                INSERT { ?a schema:datePublished "2024-13-45"^^xsd:date ; lg:textLength "-3"^^xsd:nonNegativeInteger }
                WHERE { ?a a lg:Article ; schema:datePublished ?d }""")
    reference = validate_graph(g).findings
    assert {f.component.rsplit("#", 1)[1] for f in reference} >= {
        "OrConstraintComponent", "MaxCountConstraintComponent"}
    _same(reference, shaclfast.validate_graph(g).findings)


def _graphs(data: Path) -> list[Graph]:
    registry = load_corpus(data, registry_only=True).registry
    terms = load_terms()
    return [registry_graph(registry)] + [article_graph(load_article(p, registry, data, terms))
                                         for p in article_paths(data)]


UNSUPPORTED = {
    "target node": "lgsh:X a sh:NodeShape ; sh:targetNode lg:a .",
    "inverse path": "lgsh:X a sh:NodeShape ; sh:targetClass lg:Claim ; sh:property [ sh:path [ sh:inversePath lg:a ] ; "
                    "sh:minCount 1 ] .",
    "qualified shape": "lgsh:X a sh:NodeShape ; sh:targetClass lg:Claim ; sh:property [ sh:path lg:a ; "
                       "sh:qualifiedValueShape [ sh:class lg:B ] ; sh:qualifiedMinCount 1 ] .",
    "unused property shape": "lgsh:P a sh:PropertyShape ; sh:path lg:a ; sh:minCount 1 .",
    "pattern flags": "lgsh:X a sh:NodeShape ; sh:targetClass lg:Claim ; sh:property [ sh:path lg:a ; "
                     "sh:pattern \"^a\" ; sh:flags \"i\" ] .",
    "or of classes": "lgsh:X a sh:NodeShape ; sh:targetClass lg:Claim ; sh:property [ sh:path lg:a ; "
                     "sh:or ( [ sh:class lg:A ] [ sh:class lg:B ] ) ] .",
    "node constraint": "lgsh:X a sh:NodeShape ; sh:targetClass lg:Claim ; sh:nodeKind sh:IRI .",
    "subquery": "lgsh:X a sh:NodeShape ; sh:targetClass lg:Claim ; sh:sparql [ a sh:SPARQLConstraint ; "
                "sh:select \"SELECT $this WHERE { { SELECT $this WHERE { $this a ?t } } }\" ] .",
}


@pytest.mark.parametrize("name", sorted(UNSUPPORTED))
def test_unsupported_construct_fails_at_compile_time(name):
    shapes = Graph()
    for triple in shaclfast.shapes_graph():
        shapes.add(triple)
    shapes.parse(data="@prefix sh: <http://www.w3.org/ns/shacl#> .\n"
                      "@prefix lg: <https://w3id.org/laborgraph/ns#> .\n"
                      "@prefix lgsh: <https://w3id.org/laborgraph/shapes#> .\n" + UNSUPPORTED[name], format="turtle")
    with pytest.raises(shaclfast.UnsupportedShape):
        shaclfast.compile_shapes(shapes)


def test_every_shape_file_compiles():
    compiled = shaclfast.compile_shapes(shaclfast.shapes_graph())
    shapes = shaclfast.shapes_graph()
    from rdflib.namespace import RDF

    from laborgraph.validate import SH
    assert {p.shape for p in compiled.properties} == {str(p) for p in shapes.subjects(RDF.type, SH.PropertyShape)}
    assert {c.constraint for c in compiled.sparql} == {str(c) for c in shapes.subjects(RDF.type, SH.SPARQLConstraint)}


def test_cli_reference_gives_the_same_report(tmp_path):
    """`validate --reference` runs pySHACL (its own cache keys) and reports what the default reports."""
    from click.testing import CliRunner

    from laborgraph.cli import main

    data = _with_corroboration(tmp_path / "corpus")
    runs = [CliRunner().invoke(main, ["validate", str(data), "--format", "json", "--cache", str(tmp_path / "c"),
                                      *extra]) for extra in ([], ["--reference"])]
    assert [r.exit_code for r in runs] == [0, 0], [r.output[-300:] for r in runs]
    assert runs[0].output == runs[1].output
    assert '"findings": [' in runs[0].output


def test_instance_paths_read_the_instances_graph():
    """``S rdf:type/rdfs:subClassOf* O`` becomes one lookup in the instances graph, in either spelling;
    a pattern in a ``;`` list, or a query that could count repeated rows, is left as written."""
    from laborgraph.vocab import INSTANCES_GRAPH

    prefixes = "PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>\n" \
               "PREFIX s: <http://www.w3.org/2000/01/rdf-schema#>\n"
    rewritten = shaclfast._instance_paths(prefixes + "SELECT ?x WHERE { ?x a/s:subClassOf* ?c . "
                                          "?y rdf:type/s:subClassOf* <urn:k> }")
    for s, o in (("?x", "?c"), ("?y", "<urn:k>")):
        triple = f"{s} <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> {o}"
        assert f"{{ {triple} }} UNION {{ GRAPH <{INSTANCES_GRAPH}> {{ {triple} }} }}" in rewritten
    assert "subClassOf" not in rewritten.split("SELECT", 1)[1]
    kept = [prefixes + "SELECT ?x WHERE { ?x s:label ?l ; a/s:subClassOf* ?c }",
            prefixes + "SELECT ?x WHERE { ?x a/s:subClassOf* ?c ; s:label ?l }",
            prefixes + "SELECT ?x (COUNT(?c) AS ?n) WHERE { ?x a/s:subClassOf* ?c } GROUP BY ?x",
            "SELECT ?x WHERE { ?x a/<urn:other>* ?c }"]
    assert [shaclfast._instance_paths(q) for q in kept] == kept


def test_without_the_instances_graph_the_same_findings(seed_graph, monkeypatch):
    """The instances graph changes no finding (the facts shapes' range and domain tests use it),
    and validation leaves the store it was given as it was."""
    g = Graph()
    for triple in seed_graph:
        g.add(triple)
    for name in ("invalid-facts-range.ru", "invalid-facts-domain.ru"):
        g.update((SHAPE_FIXTURES / name).read_text())
    graphs = [g, ontology_graph()]
    store = shaclfast.store_of([x.serialize(format="nt", encoding="utf-8") for x in graphs])
    assert shaclfast._Data(graphs).instances()  # the instances graph is used
    fast = shaclfast.validate(graphs, store).findings
    assert list(store.named_graphs()) == []
    assert {"Facts-range", "Facts-domain"} <= {f.shape.rsplit("#", 1)[-1] for f in fast}
    monkeypatch.setattr(shaclfast._Data, "instances", lambda self: None)
    assert shaclfast.validate(graphs, store).findings == fast


def test_documents_parsed_already_load_the_same_store(seed_graph):
    """``store_of(..., parsed=...)`` (a worker's article graphs, loaded without the parser's checks)
    holds the quads a strict load of the same documents holds."""
    docs = [ntriples(seed_graph), ntriples(ontology_graph())]
    strict = shaclfast.store_of(docs)
    assert len(strict) > len(seed_graph)
    assert set(shaclfast.store_of(docs[1:], parsed=docs[:1])) == set(strict)


def test_a_typed_blank_node_gets_the_findings_of_the_path(monkeypatch):
    """Oxigraph labels blank nodes anew in each load, so an instances graph would join none of the data's:
    with a typed blank node the shapes read the path itself, and give pySHACL's findings."""
    label, sub = "<http://www.w3.org/2000/01/rdf-schema#label>", "<http://www.w3.org/2000/01/rdf-schema#subClassOf>"
    shapes = Graph().parse(format="turtle", data=f'''
        @prefix sh: <http://www.w3.org/ns/shacl#> . @prefix ex: <http://ex/> .
        ex:S a sh:NodeShape ; sh:targetClass ex:Super ; sh:sparql [ a sh:SPARQLConstraint ; sh:message "no label" ;
            sh:select """SELECT $this WHERE {{ FILTER NOT EXISTS {{ $this {label} ?l }} }}""" ] .
        ex:T a sh:NodeShape ; sh:targetClass ex:Thing ; sh:sparql [ a sh:SPARQLConstraint ; sh:message "typed thing" ;
            sh:select """SELECT $this WHERE {{ ?x a/{sub}* <http://ex/Super> . ?x {label} ?l }}""" ] .''')
    data = Graph().parse(format="turtle", data='''
        @prefix ex: <http://ex/> . @prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
        ex:Sub rdfs:subClassOf ex:Super . [] a ex:Sub ; rdfs:label "b" . ex:n a ex:Thing .''')
    compiled = shaclfast.compile_shapes(shapes)
    store = shaclfast.store_of([data.serialize(format="nt", encoding="utf-8")])
    fast = shaclfast.validate([data], store, shapes=compiled).findings
    assert [f.message for f in fast] == ["typed thing"]  # the blank node has its label: only ex:n's finding
    monkeypatch.setattr(shaclfast._Data, "instances", lambda self: None)
    assert shaclfast.validate([data], store, shapes=compiled).findings == fast
