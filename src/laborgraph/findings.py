"""Findings and reports of validation, without rdflib: the build cache reads them back on every query.

``laborgraph query`` reads each cached article's findings from the cache's index;
``validate`` (which imports rdflib and pySHACL) makes them. rdflib is imported only
when a report is written as Turtle.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING

from .vocab import SHACL

if TYPE_CHECKING:
    from rdflib import Graph, Literal, URIRef

SEVERITY_ORDER = {"Violation": 0, "Warning": 1, "Info": 2}


@dataclass(frozen=True)
class Finding:
    """One validation result, in an analyst's terms."""

    severity: str
    message: str
    fix: str
    file: str
    line: int | None
    claim: str | None
    focus: str
    shape: str
    component: str
    path: str | None = None
    value: str | None = None

    def location(self) -> str:
        return f"{self.file}:{self.line}" if self.line else self.file


@dataclass
class Report:
    findings: list[Finding] = field(default_factory=list)
    raw: list[Graph] = field(default_factory=list)

    @property
    def counts(self) -> Counter[str]:
        return Counter(f.severity for f in self.findings)

    @property
    def conforms(self) -> bool:
        return self.counts["Violation"] == 0

    def sorted(self) -> list[Finding]:
        return sorted(self.findings, key=lambda f: (f.file, f.claim or "", f.line or 0,
                                                    SEVERITY_ORDER[f.severity], f.shape, f.focus))

    def as_text(self) -> str:
        """Grouped by mapping file, then claim; one line per finding plus its fix."""
        lines: list[str] = []
        current: tuple[str, str | None] | None = None
        for f in self.sorted():
            if current is None or current[0] != f.file:
                lines.append(f"{f.file}")
                current = (f.file, None)
            if f.claim != current[1]:
                lines.append(f"  claim {f.claim}" if f.claim else "  (not in a claim)")
                current = (f.file, f.claim)
            lines.append(f"    {f.severity.upper():9} {f.location()}: {f.message}")
            lines.append(f"              fix: {f.fix}")
        c = self.counts
        lines.append(f"{c['Violation']} violation(s), {c['Warning']} warning(s), {c['Info']} note(s)")
        return "\n".join(lines) + "\n"

    def as_json(self) -> str:
        return json.dumps({"conforms": self.conforms, "counts": dict(sorted(self.counts.items())),
                           "findings": [asdict(f) for f in self.sorted()]}, indent=2) + "\n"

    def as_turtle(self) -> str:
        """One ``sh:ValidationReport`` whose ``sh:conforms`` is true iff it has no results, as SHACL defines.

        Built from the findings, so folder mode (findings from the build cache) and
        file mode give the same shape of report. laborgraph's own verdict (warnings
        allowed) stays in the exit code and the text report.
        """
        return report_graph(self.sorted()).serialize(format="turtle")


def _node(text: str) -> URIRef | Literal:
    """A focus node back from its text: laborgraph's nodes are IRIs (it mints no blank nodes)."""
    from rdflib import Literal, URIRef

    return URIRef(text) if re.match(r"[A-Za-z][\w+.-]*:\S+$", text) else Literal(text)


def report_graph(findings: list[Finding]) -> Graph:
    """A SHACL validation report graph: one report node, one result per finding, in the given order.

    Blank node labels are numbered in order so the Turtle is the same on every run.
    ``sh:value`` is the offending value's text (its datatype is not kept in a finding).
    """
    from rdflib import BNode, Graph, Literal, Namespace, URIRef
    from rdflib.namespace import RDF

    from .vocab import check_iri

    SH = Namespace(SHACL)  # the prefix's usual spelling
    g = Graph()
    g.bind("sh", SH)
    report = BNode("report")
    g.add((report, RDF.type, SH.ValidationReport))
    g.add((report, SH.conforms, Literal(not findings)))
    for i, f in enumerate(findings):
        result = BNode(f"r{i:06d}")
        g.add((report, SH.result, result))
        g.add((result, RDF.type, SH.ValidationResult))
        g.add((result, SH.focusNode, _node(f.focus)))
        g.add((result, SH.resultSeverity, SH[f.severity]))
        g.add((result, SH.resultMessage, Literal(f.message)))
        if f.component == "check":
            g.add((result, SH.sourceConstraintComponent, SH.SPARQLConstraintComponent))
            g.add((result, SH.sourceShape, check_iri(f.shape.rsplit("/", 1)[-1].removesuffix(".rq"))))
        else:
            g.add((result, SH.sourceConstraintComponent, URIRef(f.component)))
            g.add((result, SH.sourceShape, _node(f.shape) if ":" in f.shape else BNode(f"s{i:06d}")))
        if f.path:
            g.add((result, SH.resultPath, URIRef(f.path)))
        if f.value is not None:
            g.add((result, SH.value, Literal(f.value)))
    return g
