"""Graph -> Report: SHACL validation whose findings an analyst can act on.

Each article is validated on its own (its named graph + the shared registry +
the ontology), so checking one edited article costs about as much as checking
one article; the rules in ``shapes/corpus/`` need every article and run once
over the union. No RDFS inference is applied: ``sh:class`` sees subclasses
through the ontology's ``rdfs:subClassOf`` triples, which pyshacl reads from
the ontology graph, and nothing else is entailed.

Each finding says where to look (mapping file and line, claim id), what is
wrong (the shape's ``sh:message``) and what would fix it (its ``sh:description``).
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any

from rdflib import Dataset, Graph, Literal, Namespace, URIRef
from rdflib.namespace import RDF, SKOS
from rdflib.term import Node

from .errors import LaborgraphError
from .findings import SEVERITY_ORDER as SEVERITY_ORDER  # these four lived here before findings.py:
from .findings import Finding as Finding  # callers still import them from validate
from .findings import Report as Report
from .findings import report_graph as report_graph
from .ontology import ontology_graph
from .resources import shapes_dir
from .vocab import ENTITY_BASE, LG, ONTOLOGY_GRAPH, REGISTRY_GRAPH, SHACL, as_iri, claim_of, local_id

SH = Namespace(SHACL)


def default_shapes_dir() -> Path:
    return shapes_dir()


@functools.lru_cache(maxsize=8)
def shapes_graph(shapes_dir: Path | None = None, *, corpus: bool = False) -> Graph:
    """Per-article shapes (``shapes/*.ttl``) or corpus-wide ones (``shapes/corpus/*.ttl``)."""
    folder = shapes_dir or default_shapes_dir()
    g = Graph()
    files = [folder / "prefixes.ttl", *sorted((folder / "corpus").glob("*.ttl"))] if corpus else sorted(
        folder.glob("*.ttl"))
    for path in files:
        try:
            g.parse(path, format="turtle")
        except Exception as exc:
            raise LaborgraphError(f"{path}: cannot parse shapes: {exc}") from None
    return g


def _owner_claim(data: Graph, focus: URIRef) -> URIRef | None:
    """The claim a node belongs to: itself, the claim its IRI is minted under, or one about it."""
    if (focus, RDF.type, LG.Claim) in data:
        return focus
    owner = claim_of(str(focus))
    if owner is not None and (URIRef(owner), RDF.type, LG.Claim) in data:
        return URIRef(owner)
    claims = sorted(as_iri(c) for c in data.subjects(LG.about, focus))
    return claims[0] if claims else None


def _locate(data: Graph, focus: Node | None, default_file: str) -> tuple[str, int | None, str | None]:
    """Mapping file, line and claim id where an analyst finds a node: its own line, else its claim's."""
    claim = _owner_claim(data, focus) if isinstance(focus, URIRef) else None
    where = focus if focus is not None and (focus, LG.mappingLine, None) in data else claim
    line = data.value(where, LG.mappingLine) if where is not None else None
    file = data.value(where, LG.mappingFile) if where is not None else None
    return (str(file or default_file), int(line) if isinstance(line, Literal) and str(line).isdigit() else None,
            str(data.value(claim, LG.claimId)) if claim is not None else None)


def _finding(data: Graph, shapes: Graph, results: Graph, result: Node, default_file: str) -> Finding:
    focus = results.value(result, SH.focusNode)
    severity = local_id(str(results.value(result, SH.resultSeverity)))
    source = results.value(result, SH.sourceConstraint) or results.value(result, SH.sourceShape)
    message = results.value(result, SH.resultMessage) or shapes.value(source, SH.message) or "does not conform"
    fix = shapes.value(source, SH.description) or ""
    file, line, claim = _locate(data, focus, default_file)
    path = results.value(result, SH.resultPath)
    value = results.value(result, SH.value)
    return Finding(
        severity=severity, message=str(message), fix=str(fix), file=file, line=line, claim=claim,
        focus=str(focus), shape=str(source), component=str(results.value(result, SH.sourceConstraintComponent)),
        path=str(path) if isinstance(path, URIRef) else None,
        value=str(value) if value is not None else None,
    )


def validate_graph(data: Graph, *, corpus_rules: bool = False, default_file: str = "(graph)",
                   shapes_dir: Path | None = None, with_ontology: bool = True) -> Report:
    """Validate one data graph against the per-article (or corpus-wide) shapes.

    The ontology is added unless the caller already did (``with_ontology=False``).
    """
    from pyshacl import validate as shacl  # imported late: pyshacl is slow to import

    shapes = shapes_graph(shapes_dir, corpus=corpus_rules)
    data = _plain(data, ontology_graph()) if with_ontology else _plain(data)
    _conforms, results, _text = shacl(data, shacl_graph=shapes, inference="none", allow_warnings=True,
                                      abort_on_first=False)
    assert isinstance(results, Graph)
    findings = [_finding(data, shapes, results, r, default_file)
                for r in results.subjects(RDF.type, SH.ValidationResult)]
    return Report(findings, [results])


@functools.lru_cache(maxsize=512)
def _prepared(text: str, namespaces: tuple[tuple[str, str], ...]) -> Any:
    from rdflib.plugins.sparql import prepareQuery

    return prepareQuery(text, initNs=dict(namespaces))


class PreparedQueryGraph(Graph):
    """A graph that parses each SPARQL text once.

    pySHACL sends a SHACL-SPARQL constraint's query text once per focus node, and
    rdflib parses it every time (about 20 ms here, most of validation time);
    parsed once, the same bindings give the same results.
    """

    def query(self, query_object: Any, processor: Any = "sparql", result: Any = "sparql",
              initNs: Any = None, initBindings: Any = None, use_store_provided: bool = True,
              **kwargs: Any) -> Any:
        if isinstance(query_object, str):
            namespaces = tuple(sorted((str(k), str(v)) for k, v in (initNs or {}).items()))
            query_object = _prepared(query_object, namespaces)
        return super().query(query_object, processor, result, initNs, initBindings, use_store_provided, **kwargs)


def _plain(*graphs: Graph) -> Graph:
    g = PreparedQueryGraph()
    for part in graphs:
        for triple in part:
            g.add(triple)
    return g


def validate_dataset(ds: Dataset, *, shapes_dir: Path | None = None) -> Report:
    """Each article graph with the registry; the registry alone; corpus rules once over all."""
    registry = ds.graph(REGISTRY_GRAPH)
    report = Report()
    articles = [g for g in ds.graphs() if g.identifier not in (REGISTRY_GRAPH, ONTOLOGY_GRAPH) and len(g)]
    for g in sorted(articles, key=lambda g: str(g.identifier)):
        part = validate_graph(_plain(g, registry), default_file=str(g.identifier), shapes_dir=shapes_dir)
        part.findings = [f for f in part.findings if not f.focus.startswith(str(registry_prefix()))]
        report.findings += part.findings
        report.raw += part.raw
    reg = validate_graph(_plain(registry), default_file="entities.yaml", shapes_dir=shapes_dir)
    report.findings += reg.findings
    report.raw += reg.raw
    union = _plain(*articles, registry)
    whole = validate_graph(union, corpus_rules=True, default_file="(corpus)", shapes_dir=shapes_dir)
    report.findings += whole.findings
    report.raw += whole.raw
    report.findings += check_findings(_plain(union, ontology_graph()))
    return report


def check_findings(graph: Graph) -> list[Finding]:
    """Rows of the quality-control queries, reported as violations."""
    from .checks import load_checks, run_checks

    titles = {c.name: c.title for c in load_checks()}
    out = []
    for name, rows in run_checks(graph).items():
        for row in rows:
            file, line, claim = _locate(graph, URIRef(row[0]), "(checks)")
            out.append(Finding(
                severity="Violation", message=f"{titles[name]}: {' '.join(local_id(v) for v in row)}",
                fix=f"see queries/checks/{name}.rq", file=file, line=line, claim=claim,
                focus=row[0], shape=f"queries/checks/{name}.rq", component="check"))
    return out


def validate_file(path: Path) -> Report:
    """Validate one RDF file produced elsewhere (or by a build): per-article and corpus rules."""
    from .rdfinput import read_rdf

    ds = read_rdf(path)
    graphs = [g for g in ds.graphs() if len(g)]
    if any(g.identifier == REGISTRY_GRAPH for g in graphs):
        return validate_dataset(ds)
    part = validate_graph(_plain(*graphs), default_file=str(path))
    corpus = validate_graph(_plain(*graphs), corpus_rules=True, default_file=str(path))
    part.findings += corpus.findings
    part.raw += corpus.raw
    return part


def registry_prefix() -> URIRef:
    """Registry nodes are validated once with the registry, not again with every article."""
    return ENTITY_BASE


__all__ = ["SKOS", "Finding", "Report", "validate_dataset", "validate_graph"]
