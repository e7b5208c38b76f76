"""Quality-control queries (``queries/checks/*-violation.rq``) that must return no rows.

They check what shapes express poorly: that every fact is traced to a claim,
that every statement node is supported, that every ontology term is documented.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from rdflib import Graph

from .resources import checks_dir, rq_header


def default_checks_dir() -> Path:
    return checks_dir()


@dataclass(frozen=True)
class Check:
    name: str
    title: str
    query: str


def load_checks(folder: Path | None = None) -> list[Check]:
    out = []
    for path in sorted((folder or default_checks_dir()).glob("*-violation.rq")):
        text = path.read_text(encoding="utf-8")
        out.append(Check(path.stem, rq_header(text, "title") or path.stem, text))
    return out


def run_checks(graph: Graph, folder: Path | None = None) -> dict[str, list[tuple[str, ...]]]:
    """Each check's offending rows (as strings); an empty list means the check passed."""
    return {c.name: [tuple(str(v) for v in row) for row in graph.query(c.query)]  # type: ignore[union-attr]  # SELECT rows
            for c in load_checks(folder)}
