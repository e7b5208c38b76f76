"""The endpoint describes itself: a SPARQL 1.1 Service Description with a VoID account of the data.

Served on ``GET /sparql`` without a query, so that YASGUI, notebooks and
crawlers learn what the endpoint speaks (languages, result formats, the union
default graph) and what it holds (triples, graphs, classes, licence, sources).
The numbers are counted once, by our own queries, and kept.
"""

from __future__ import annotations

import threading
from typing import Any

from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, RDF, VOID, XSD

SD = Namespace("http://www.w3.org/ns/sparql-service-description#")
FORMATS = Namespace("http://www.w3.org/ns/formats/")
RESULT_FORMATS = ("SPARQL_Results_JSON", "SPARQL_Results_XML", "SPARQL_Results_CSV", "SPARQL_Results_TSV",
                  "Turtle", "N-Triples", "RDF_XML", "N-Quads", "TriG")
_ANY = "{{ {0} }} UNION {{ GRAPH ?g {{ {0} }} }}"  # the default graph and every named graph
_STATS = {
    "triples": "SELECT (COUNT(*) AS ?n) WHERE { " + _ANY.format("?s ?p ?o") + " }",
    "graphs": "SELECT DISTINCT ?g WHERE { GRAPH ?g { } } ORDER BY ?g",
    "classes": "SELECT ?c (COUNT(DISTINCT ?s) AS ?n) WHERE { " + _ANY.format("?s a ?c") + " } GROUP BY ?c ORDER BY ?c",
    "licenses": "SELECT DISTINCT ?l WHERE { " + _ANY.format(
        "?x <http://purl.org/dc/terms/license>|<https://schema.org/license>|<http://schema.org/license> ?l")
        + " } ORDER BY ?l",
    "sources": "SELECT DISTINCT ?u WHERE { " + _ANY.format("?a <https://schema.org/url> ?u") + " } ORDER BY ?u",
}


class Description:
    """The service description of one store, counted on first use."""

    def __init__(self, store: Any) -> None:
        self._store = store
        self._stats: dict[str, list[Any]] | None = None
        self._lock = threading.Lock()

    def stats(self) -> dict[str, list[Any]]:
        with self._lock:
            if self._stats is None:
                self._stats = {k: list(self._store.query(q)) for k, q in _STATS.items()}
            return self._stats

    def graph(self, endpoint: str) -> Graph:
        """The description as an RDF graph; ``endpoint`` is the URL clients used to reach /sparql."""
        stats = self.stats()
        g = Graph()
        g.bind("sd", SD)
        g.bind("void", VOID)
        g.bind("dcterms", DCTERMS)
        service, dataset, default = URIRef(endpoint), BNode("dataset"), BNode("defaultGraph")
        g.add((service, RDF.type, SD.Service))
        g.add((service, SD.endpoint, service))
        g.add((service, SD.supportedLanguage, SD.SPARQL11Query))
        g.add((service, SD.feature, SD.UnionDefaultGraph))
        for name in RESULT_FORMATS:
            g.add((service, SD.resultFormat, FORMATS[name]))
        g.add((service, SD.defaultDataset, dataset))
        g.add((dataset, RDF.type, SD.Dataset))
        g.add((dataset, RDF.type, VOID.Dataset))
        g.add((dataset, VOID.sparqlEndpoint, service))
        g.add((dataset, SD.defaultGraph, default))
        g.add((default, RDF.type, SD.Graph))
        triples = int(stats["triples"][0]["n"].value)
        for node in (dataset, default):
            g.add((node, VOID.triples, Literal(triples, datatype=XSD.integer)))
        g.add((dataset, VOID.classes, Literal(len(stats["classes"]), datatype=XSD.integer)))
        for i, row in enumerate(stats["classes"]):
            part = BNode(f"class{i}")
            g.add((dataset, VOID.classPartition, part))
            g.add((part, VOID["class"], URIRef(row["c"].value)))
            g.add((part, VOID.entities, Literal(int(row["n"].value), datatype=XSD.integer)))
        for i, row in enumerate(stats["graphs"]):
            named = BNode(f"graph{i}")
            g.add((dataset, SD.namedGraph, named))
            g.add((named, SD.name, URIRef(row["g"].value)))
        for row in stats["licenses"]:
            g.add((dataset, DCTERMS.license, _term(row["l"])))
        for row in stats["sources"]:
            g.add((dataset, DCTERMS.source, URIRef(row["u"].value)))
        return g

    def document(self, endpoint: str, media: str) -> bytes:
        """The description in Turtle, or JSON-LD for ``application/ld+json``."""
        g = self.graph(endpoint)
        if media == "application/ld+json":
            context = {"sd": str(SD), "void": str(VOID), "dcterms": str(DCTERMS)}
            return g.serialize(format="json-ld", context=context, auto_compact=True).encode("utf-8")
        return g.serialize(format="turtle").encode("utf-8")


def _term(term: Any) -> URIRef | Literal:
    import pyoxigraph

    if isinstance(term, pyoxigraph.NamedNode):
        return URIRef(term.value)
    return Literal(term.value)
