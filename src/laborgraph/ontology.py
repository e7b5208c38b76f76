"""The ontology as the loader and builder need it: which properties take which values.

The Turtle files in ``ontology/`` are the single source of truth: a property's
``rdfs:range`` decides how a mapping's value is read (an entity id, a concept
notation, a time, a clock time, a quantity, money, text or a boolean), so adding a term to
the ontology is all it takes to make it usable in mappings.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path

from rdflib import Graph, URIRef
from rdflib.namespace import OWL, RDF, RDFS, SDO, SKOS, XSD

from .errors import LaborgraphError
from .resources import ontology_dir
from .vocab import BUILDER_PROPERTIES, LG, REUSED_PROPERTIES, as_iri

ONTOLOGY_FILES = ("laborgraph.ttl", "concepts.ttl", "ilo-indicators.ttl", "sectors.ttl", "corroboration.ttl")

_KIND_BY_RANGE = {
    XSD.string: "string",
    XSD.boolean: "boolean",
    XSD.date: "date",
    XSD.integer: "integer",
    XSD.time: "clock",
    LG.TimeSpec: "time",
    SDO.QuantitativeValue: "quantity",
    SDO.MonetaryAmount: "money",
}


@dataclass(frozen=True)
class PropertyInfo:
    """How a mapping writes one property: its name there, IRI, value kind and range."""

    name: str
    iri: URIRef
    kind: str
    range: URIRef | None


@dataclass(frozen=True)
class Terms:
    properties: dict[str, PropertyInfo]
    concepts: dict[URIRef, dict[str, URIRef]]  # concept class -> notation -> concept


def default_ontology_dir() -> Path:
    """The shipped ontology, or ``$LABORGRAPH_ONTOLOGY``."""
    return ontology_dir()


_PARSED: dict[Path | None, Graph] = {}  # graphs parsed by an earlier process (``use_parsed_ontology``)


def use_parsed_ontology(graph: Graph, ontology_dir: Path | None = None) -> None:
    """Use ``graph``, parsed from the same files by an earlier process, instead of parsing them here.

    Parsing the Turtle costs most of a second; `laborgraph check` keeps the parsed graph in
    the build cache, keyed by the files' hashes, and hands it over through this.
    """
    _PARSED[ontology_dir] = graph
    ontology_graph.cache_clear()


@functools.lru_cache(maxsize=4)
def ontology_graph(ontology_dir: Path | None = None) -> Graph:
    """The ontology and its concept schemes as one graph (parsed once per process)."""
    if ontology_dir in _PARSED:
        return _PARSED[ontology_dir]
    folder = ontology_dir or default_ontology_dir()
    graph = Graph()
    for name in ONTOLOGY_FILES:
        path = folder / name
        try:
            graph.parse(path, format="turtle")
        except FileNotFoundError:
            raise LaborgraphError(f"{path}: ontology file not found") from None
        except Exception as exc:  # rdflib raises many parser types
            raise LaborgraphError(f"{path}: cannot parse ontology: {exc}") from None
    return graph


@functools.lru_cache(maxsize=4)
def load_terms(ontology_dir: Path | None = None) -> Terms:
    # ``ontology_graph(None)`` and ``ontology_graph()`` are two keys of its cache: the files
    # would be parsed twice (0.05 s of CPU) in every process that also asks for the graph
    graph = ontology_graph() if ontology_dir is None else ontology_graph(ontology_dir)
    concepts: dict[URIRef, dict[str, URIRef]] = {}
    for concept, notation in graph.subject_objects(SKOS.notation):
        for cls in graph.objects(concept, RDF.type):
            concepts.setdefault(as_iri(cls), {})[str(notation)] = as_iri(concept)
    properties: dict[str, PropertyInfo] = {}
    for kind_class in (OWL.ObjectProperty, OWL.DatatypeProperty):
        for prop in graph.subjects(RDF.type, kind_class):
            if not str(prop).startswith(str(LG._NS)) or prop in BUILDER_PROPERTIES:
                continue
            rng = graph.value(prop, RDFS.range)
            if rng in concepts or (rng is not None and (rng, RDFS.subClassOf, SKOS.Concept) in graph):
                kind = "concept"
            else:
                kind = _KIND_BY_RANGE.get(as_iri(rng), "entity") if isinstance(rng, URIRef) else "entity"
            name = str(prop)[len(str(LG._NS)):]
            properties[name] = PropertyInfo(name, as_iri(prop), kind, rng if isinstance(rng, URIRef) else None)
    for name, (iri, kind) in REUSED_PROPERTIES.items():
        properties[name] = PropertyInfo(name, iri, kind, None)
    return Terms(properties=dict(sorted(properties.items())), concepts=concepts)
