"""``export.jsonld`` (rdflib's converter called directly on a one-pass index) writes what the serializer did.

The reference below is the previous implementation: rdflib's JSON-LD serializer
with our context, parsed back and re-sorted. Compared byte for byte on every graph
of the seed build (articles, registry, ontology) and of a synthetic corpus.
"""

from __future__ import annotations

import importlib.util
import json

import pytest
from rdflib import Graph

from laborgraph.build import article_graph, registry_graph
from laborgraph.export import jsonld, jsonld_context
from laborgraph.export.rdf import _sort_json
from laborgraph.incremental.workers import graph_chunks
from laborgraph.load import article_paths, load_article, load_corpus
from laborgraph.ontology import load_terms

from .conftest import ROOT


def _through_the_serializer(g: Graph) -> str:
    context = jsonld_context()
    raw = json.loads(g.serialize(format="json-ld", context=context, auto_compact=True))
    body = {k: v for k, v in raw.items() if k != "@context"}
    nodes = body.get("@graph", [body] if body else [])
    nodes = sorted((_sort_json(n) for n in nodes), key=lambda n: str(n.get("id", "")))
    return json.dumps({"@context": context, "@graph": nodes}, indent=2, ensure_ascii=False, sort_keys=True) + "\n"


def test_seed_graphs(dataset):
    graphs = [g for g in dataset.graphs() if len(g)]
    assert len(graphs) >= 3
    for g in graphs:
        assert jsonld(g) == _through_the_serializer(g), g.identifier


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory) -> list[Graph]:
    spec = importlib.util.spec_from_file_location("synth", ROOT / "benchmarks" / "synth.py")
    assert spec is not None and spec.loader is not None
    synth = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(synth)
    data = tmp_path_factory.mktemp("synth")
    synth.generate(20, 5, data)
    registry = load_corpus(data, registry_only=True).registry
    terms = load_terms()
    return [registry_graph(registry)] + [article_graph(load_article(p, registry, data, terms))
                                         for p in article_paths(data)]


def test_synthetic_graphs(synthetic):
    for g in synthetic:
        assert jsonld(g) == _through_the_serializer(g), g.identifier


def test_chunks_are_the_documents_nodes_in_their_named_graph(synthetic):
    g = synthetic[1]
    nodes = json.loads(_through_the_serializer(g))["@graph"]
    expected = json.dumps({"@id": "urn:x-test:g", "@graph": nodes}, indent=2, ensure_ascii=False, sort_keys=True)
    assert graph_chunks(g, "urn:x-test:g")["jsonld"] == expected


def test_lists_and_blank_nodes():
    """Shapes the builder does not make today but rdflib's converter handles: both agree."""
    g = Graph()
    g.parse(data="""@prefix lg: <https://w3id.org/laborgraph/ns#> .
        @prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
        <https://w3id.org/laborgraph/id/x> lg:cites ( "a" "b" ) ; rdfs:label "x"@en , "y" ;
            lg:about [ rdfs:label "anonymous" ; lg:about <https://example.org/outside> ] ;
            lg:textLength 12 , 13 ; lg:approximate true .""", format="turtle")
    assert jsonld(g) == _through_the_serializer(g)


def _odd_graph() -> Graph:
    """Values that rdflib's converter treats specially: falsy natives (replaced, not kept),
    ill-typed literals, languages, doubles, an untyped rdf:type, a coerced term given text."""
    from rdflib import RDF, XSD, Literal, Namespace, URIRef

    lg = Namespace("https://w3id.org/laborgraph/ns#")
    a, b = URIRef("https://example.org/a"), URIRef("https://w3id.org/laborgraph/id/b")
    g = Graph()
    for triple in [
        (a, RDF.type, lg.Claim), (a, RDF.type, Literal("text type")),
        (a, lg.claimId, Literal(0, datatype=XSD.integer)), (a, lg.claimId, Literal(7, datatype=XSD.integer)),
        (a, lg.inferred, Literal(False)), (a, lg.inferred, Literal(True)),
        (a, lg.quote, Literal("", datatype=XSD.string)), (a, lg.quote, Literal("x", lang="ko")),
        (a, lg.mappingLine, Literal("twelve", datatype=XSD.integer)),
        (a, lg.mappingLine, Literal("3", datatype=XSD.positiveInteger)),
        (a, lg.hedge, Literal("1.5e3", datatype=XSD.double)), (a, lg.about, Literal("not an IRI")),
        (a, lg.about, b), (b, URIRef("https://example.org/unknown#p"), a),
        (b, URIRef("https://example.org/unknown#p"), Literal("plain")),
    ]:
        g.add(triple)
    return g


def test_odd_values_as_the_serializer_writes_them():
    from laborgraph.export.rdf import _compact

    g = _odd_graph()
    assert _compact(g) is not None  # written by the fast path, not handed to rdflib
    assert jsonld(g) == _through_the_serializer(g)


def test_blank_nodes_go_through_the_serializer():
    from rdflib import RDF, BNode, URIRef

    from laborgraph.export.rdf import _compact

    g = _odd_graph()
    g.add((URIRef("https://example.org/a"), RDF.value, BNode("x1")))
    assert _compact(g) is None
    assert jsonld(g) == _through_the_serializer(g)


def test_indented_writer_is_the_standard_librarys_text():
    """``dumps_indented`` against ``json.dumps(indent=2, ensure_ascii=False, sort_keys=True)``
    on random nestings of every JSON value, text subclasses and escapes included."""
    import random

    from rdflib import Literal

    from laborgraph.export.jsontext import dumps_indented
    from laborgraph.export.jsontext import json_key as _json_key

    leaves = ["a", 'é\n"\\\u2028\x01', "", 0, -5, 10**20, 1.5, float("nan"), float("inf"), True, False, None,
              Literal("lit"), 3.0, 1e-7]
    rng = random.Random(7)

    def value(depth: int = 0) -> object:
        r = rng.random()
        if depth > 3 or r < 0.4:
            return rng.choice(leaves)
        if r < 0.7:
            return {rng.choice(["b", "a", "@id", "é", "A"]): value(depth + 1) for _ in range(rng.randint(0, 4))}
        return [value(depth + 1) for _ in range(rng.randint(0, 4))]

    for _ in range(3000):
        v = value()
        assert dumps_indented(v) == json.dumps(v, indent=2, ensure_ascii=False, sort_keys=True), v
        assert _json_key(v) == json.dumps(v, sort_keys=True, ensure_ascii=False), v
    numeric_keys = {"b": [{2: 3, 1: [1]}]}
    assert dumps_indented(numeric_keys) == json.dumps(numeric_keys, indent=2, ensure_ascii=False, sort_keys=True)
