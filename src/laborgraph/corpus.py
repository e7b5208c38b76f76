"""Corpus-wide rules and QC checks, evaluated as plain SPARQL on an Oxigraph store.

The rules in ``shapes/corpus/`` (and ``queries/checks/``) need every article at
once. pySHACL would evaluate each SHACL-SPARQL constraint once per focus node
on an rdflib graph of the whole corpus (minutes, gigabytes); here each
constraint's ``sh:select`` runs once over all its focus nodes, with ``$this``
bound by the node shape's target class, which is what SHACL-SPARQL specifies
for these SELECT-based constraints. A test checks that the findings equal
pySHACL's on the seed and on a multi-article fixture corpus.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from rdflib import Graph
from rdflib.namespace import RDF

from .validate import SH, Finding

CLAIM_INFO = """
PREFIX lg: <https://w3id.org/laborgraph/ns#>
SELECT ?c ?id ?file ?line WHERE { ?c a lg:Claim ; lg:claimId ?id . OPTIONAL { ?c lg:mappingFile ?file }
                                  OPTIONAL { ?c lg:mappingLine ?line } }"""


@dataclass(frozen=True)
class Constraint:
    iri: str
    targets: tuple[str, ...]
    severity: str
    query: str
    message: str
    fix: str


def _prefixes(shapes: Graph, node: Any) -> str:
    lines = []
    for decl_owner in shapes.objects(node, SH.prefixes):
        for decl in shapes.objects(decl_owner, SH.declare):
            prefix, namespace = shapes.value(decl, SH.prefix), shapes.value(decl, SH.namespace)
            lines.append(f"PREFIX {prefix}: <{namespace}>")
    return "\n".join(sorted(lines)) + "\n"


def sparql_constraints(shapes: Graph) -> list[Constraint]:
    out = []
    for shape in sorted(shapes.subjects(SH.sparql, None)):  # type: ignore[type-var]
        targets = tuple(sorted(str(t) for t in shapes.objects(shape, SH.targetClass)))
        severity = str(shapes.value(shape, SH.severity) or SH.Violation).rsplit("#", 1)[-1]
        for c in sorted(shapes.objects(shape, SH.sparql)):  # type: ignore[type-var]
            select = str(shapes.value(c, SH.select)).replace("$this", "?this")
            binding = "VALUES ?cls { " + " ".join(f"<{t}>" for t in targets) + " } ?this a ?cls ."
            select = re.sub(r"WHERE\s*\{", "WHERE { " + binding, select, count=1)
            out.append(Constraint(str(c), targets, severity, _prefixes(shapes, c) + select,
                                  str(shapes.value(c, SH.message) or ""), str(shapes.value(c, SH.description) or "")))
    return out


def _value(term: Any) -> str:
    return term.value if hasattr(term, "value") else str(term)


def _message(template: str, row: Any, variables: list[str]) -> str:
    def sub(m: re.Match[str]) -> str:
        name = m.group(1)
        if name in variables and row[name] is not None:
            return _value(row[name])
        return m.group(0)

    return re.sub(r"\{[?$](\w+)\}", sub, template)


def run_constraints(store: Any, shapes: Graph) -> list[Finding]:
    """Evaluate every SPARQL constraint of ``shapes`` once over the store."""
    claims = {_value(r["c"]): r for r in store.query(CLAIM_INFO, use_default_graph_as_union=True)}
    findings = []
    for c in sparql_constraints(shapes):
        result = store.query(c.query, use_default_graph_as_union=True)
        variables = [v.value for v in result.variables]
        for row in result:
            focus = _value(row["this"])
            info = claims.get(focus)
            findings.append(Finding(
                severity=c.severity, message=_message(c.message, row, variables), fix=c.fix,
                file=_value(info["file"]) if info is not None and info["file"] is not None else "(corpus)",
                line=int(_value(info["line"])) if info is not None and info["line"] is not None else None,
                claim=_value(info["id"]) if info is not None else None,
                focus=focus, shape=c.iri, component=str(SH.SPARQLConstraintComponent)))
    return findings


def run_checks(store: Any) -> list[Finding]:
    """The QC queries (queries/checks/) on the store; every row is a violation."""
    from .checks import load_checks

    claims = {_value(r["c"]): r for r in store.query(CLAIM_INFO, use_default_graph_as_union=True)}
    out = []
    for check in load_checks():
        for row in store.query(check.query, use_default_graph_as_union=True):
            values = [_value(t) if t is not None else "" for t in row]
            focus = values[0]
            owner = focus.split("/claim/")[0] + "/claim/" + focus.split("/claim/")[1].split("/")[0] \
                if "/claim/" in focus else None
            info = claims.get(owner) if owner else None
            out.append(Finding(
                severity="Violation", message=f"{check.title}: " + " ".join(v.rsplit("/", 1)[-1] for v in values),
                fix=f"see queries/checks/{check.name}.rq",
                file=_value(info["file"]) if info is not None and info["file"] is not None else "(checks)",
                line=int(_value(info["line"])) if info is not None and info["line"] is not None else None,
                claim=_value(info["id"]) if info is not None else None,
                focus=focus, shape=f"queries/checks/{check.name}.rq", component="check"))
    return out


def ontology_subset(onto: Graph) -> Graph:
    """What validation needs of the ontology: types and subclass links (not labels or definitions)."""
    from rdflib.namespace import RDFS

    g = Graph()
    for p in (RDF.type, RDFS.subClassOf):
        for s, o in onto.subject_objects(p):
            g.add((s, p, o))
    return g


__all__ = ["run_checks", "run_constraints", "sparql_constraints"]
