"""Generate the ontology reference page (docs/ontology.md) from the Turtle files.

The page is never edited by hand; a test fails when it is out of date.
"""

from __future__ import annotations

from rdflib import Graph, URIRef
from rdflib.namespace import OWL, RDF, RDFS, SDO, SKOS

from ..ontology import load_terms, ontology_graph
from ..vocab import PREFIXES, as_iri


def _curie(g: Graph, node: object) -> str:
    if node is None:
        return ""
    text = str(node)
    for prefix, ns in sorted(PREFIXES.items(), key=lambda kv: -len(str(kv[1]))):
        if text.startswith(str(ns)):
            return f"{prefix}:{text[len(str(ns)):]}"
    return f"<{text}>"


def _kinds(g: Graph, p: URIRef, exact: URIRef, includes: URIRef) -> str:
    """The domain or range as a cell: `rdfs:` when one kind fits, else schema.org's "includes" list.

    Properties that fit several kinds use `schema:domainIncludes`/`rangeIncludes` (see
    ontology/README.md); leaving the cell empty would read as "anything".
    """
    one = g.value(p, exact)
    if one is not None:
        return _curie(g, one)
    return " or ".join(sorted(_curie(g, k) for k in g.objects(p, includes)))


def _cell(text: object) -> str:
    return str(text or "").replace("|", "\\|").replace("\n", " ")


def ontology_markdown(g: Graph | None = None) -> str:
    g = g if g is not None else ontology_graph()
    lg = str(PREFIXES["lg"])

    def terms(kind: URIRef) -> list[URIRef]:
        return sorted(as_iri(s) for s in g.subjects(RDF.type, kind) if str(s).startswith(lg))

    out = ["# laborgraph ontology reference", "",
           "Generated from `ontology/laborgraph.ttl` and `ontology/concepts.ttl` by "
           "`laborgraph ontology-docs`; do not edit by hand.", "",
           f"Namespace: `{lg}` (prefix `lg:`). Concepts: `{PREFIXES['lgc']}` (prefix `lgc:`).", "",
           "## Classes", "", "| class | label | subclass of | definition |", "|---|---|---|---|"]
    for c in terms(OWL.Class):
        parents = ", ".join(sorted(_curie(g, p) for p in g.objects(c, RDFS.subClassOf)))
        out.append(f"| `{_curie(g, c)}` | {_cell(g.value(c, RDFS.label))} | {parents} | "
                   f"{_cell(g.value(c, SKOS.definition))} |")
    for title, kind in (("Object properties", OWL.ObjectProperty),
                        ("Datatype properties", OWL.DatatypeProperty)):
        out += ["", f"## {title}", "", "| property | label | domain | range | definition |",
                "|---|---|---|---|---|"]
        for p in terms(kind):
            out.append(f"| `{_curie(g, p)}` | {_cell(g.value(p, RDFS.label))} | "
                       f"{_kinds(g, p, RDFS.domain, SDO.domainIncludes)} | "
                       f"{_kinds(g, p, RDFS.range, SDO.rangeIncludes)} | "
                       f"{_cell(g.value(p, SKOS.definition))} |")
    out += ["", "## Writing values in mappings", "",
            "The name to write under `states:` in a mapping, and the kind of value it takes "
            "(see docs/mapping.md).", "", "| name in mappings | property | value kind | range |",
            "|---|---|---|---|"]
    for info in load_terms().properties.values():
        out.append(f"| `{info.name}` | `{_curie(g, info.iri)}` | {info.kind} | "
                   f"{_curie(g, info.range)} |")
    out += ["", "## Concept schemes", "",
            "Mappings name a concept by its notation (the value in the first column)."]
    for scheme in sorted(as_iri(s) for s in g.subjects(RDF.type, SKOS.ConceptScheme)):
        out += ["", f"### {g.value(scheme, SKOS.prefLabel)} (`{_curie(g, scheme)}`)", "",
                "| notation | class | label | definition |", "|---|---|---|---|"]
        for c in sorted(as_iri(c) for c in g.subjects(SKOS.inScheme, scheme)):
            out.append(f"| `{g.value(c, SKOS.notation)}` | `{_curie(g, g.value(c, RDF.type))}` | "
                       f"{_cell(g.value(c, SKOS.prefLabel))} | {_cell(g.value(c, SKOS.definition))} |")
    return "\n".join(out) + "\n"
