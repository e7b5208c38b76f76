"""The closed namespace and the ontology agree, and every term is documented."""

import re

import pytest
from rdflib.namespace import OWL, RDF, RDFS, SKOS

from laborgraph.ontology import ontology_graph
from laborgraph.vocab import LG

from .conftest import ROOT


def _ontology_terms():
    g = ontology_graph()
    ns = str(LG._NS)
    return g, {str(s)[len(ns):] for s in g.subjects() if str(s).startswith(ns)}


def test_namespace_and_ontology_list_the_same_terms():
    _, terms = _ontology_terms()
    assert set(LG.__annotations__) == terms


def test_a_typo_in_a_term_raises():
    with pytest.raises(AttributeError):
        LG.Claimm  # noqa: B018


def test_every_term_has_a_label_and_definition():
    g, terms = _ontology_terms()
    missing = [t for t in terms if g.value(LG[t], RDFS.label) is None
               or g.value(LG[t], SKOS.definition) is None]
    assert missing == []


def test_every_term_is_typed():
    g, terms = _ontology_terms()
    kinds = {OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty}
    assert [t for t in terms if not set(g.objects(LG[t], RDF.type)) & kinds] == []


def test_every_lg_term_written_in_code_or_shapes_exists():
    _, terms = _ontology_terms()
    used = set()
    for path in [*(ROOT / "src").rglob("*.py"), *(ROOT / "shapes").rglob("*.ttl"),
                 *(ROOT / "queries").rglob("*.rq")]:
        text = path.read_text()
        used |= set(re.findall(r"\bLG\.([A-Za-z]\w*)", text))
        used |= set(re.findall(r"(?<![\w/])lg:([A-Za-z]\w*)", text))
    assert used, "found no term uses at all"
    assert sorted(used - terms) == []


def test_every_concept_has_notation_label_and_definition():
    g = ontology_graph()
    concepts = set(g.subjects(SKOS.inScheme, None))
    assert len(concepts) > 30
    for c in concepts:
        assert g.value(c, SKOS.notation) and g.value(c, SKOS.prefLabel) and g.value(c, SKOS.definition)


def test_declared_terms_are_class_attributes_and_undeclared_ones_still_fail():
    """Terms are stored on the namespace classes (no ``__getattr__`` per use); the namespaces stay closed."""
    from rdflib import URIRef

    from laborgraph.vocab import LG, OA

    for ns in (LG, OA):
        for name in ns.__annotations__:
            assert vars(ns)[name] == URIRef(str(ns._NS) + name) and type(vars(ns)[name]) is URIRef
    with pytest.raises(AttributeError):
        _ = LG.notATermOfTheOntology


def test_the_plain_strings_are_the_terms_namespaces():
    """``NAMESPACE_IRIS`` and the graph IRIs (read without rdflib by `laborgraph query`) are the namespaces
    and IRIs of rdflib's terms: the standard ones as rdflib spells them, ours as PREFIXES binds them."""
    from rdflib.namespace import DCTERMS, ORG, PROV, SDO, TIME, XSD

    from laborgraph.vocab import (
        ARTICLE_GRAPH_BASE,
        NAMESPACE_IRIS,
        OA,
        ONTOLOGY_GRAPH,
        ONTOLOGY_GRAPH_IRI,
        PREFIXES,
        REGISTRY_GRAPH,
        REGISTRY_GRAPH_IRI,
        article_graph_iri,
    )

    standard = {"rdf": RDF, "rdfs": RDFS, "owl": OWL, "xsd": XSD, "skos": SKOS, "prov": PROV, "schema": SDO,
                "org": ORG, "time": TIME, "dcterms": DCTERMS}
    assert {p: NAMESPACE_IRIS[p] for p in standard} == {p: str(ns) for p, ns in standard.items()}
    assert {p: str(ns) for p, ns in PREFIXES.items()} == NAMESPACE_IRIS and list(PREFIXES) == list(NAMESPACE_IRIS)
    assert (PREFIXES["lg"], PREFIXES["oa"]) == (LG._NS, OA._NS)
    assert (str(REGISTRY_GRAPH), str(ONTOLOGY_GRAPH)) == (REGISTRY_GRAPH_IRI, ONTOLOGY_GRAPH_IRI)
    assert str(article_graph_iri("x")) == f"{ARTICLE_GRAPH_BASE}x"


def test_importing_the_vocabulary_imports_no_rdflib():
    """The plain strings need no rdflib; the first rdflib-valued name loads it, with the same terms."""
    import os
    import subprocess
    import sys

    code = ("import sys, laborgraph.vocab as v; v.sparql_prefixes(); light = 'rdflib' not in sys.modules; "
            "print(light, str(v.LG.Claim), 'rdflib' in sys.modules)")
    ran = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         env={**os.environ, "PYTHONPATH": str(ROOT / "src")})
    assert ran.stdout.split() == ["True", str(LG.Claim), "True"]
