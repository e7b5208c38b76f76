"""Quality-control queries (``queries/checks/*-violation.rq``) that must return no rows.

They check what shapes express poorly: that every fact is traced to a claim,
that every statement node is supported, that every ontology term is documented.

A check's ``# focus:`` header is a graph pattern on ``?focus`` that every value of its first
column satisfies (the query binds that column through the same pattern in every branch). After
an edit, the corpus engine runs a check only for the changed nodes matching it: the others
cannot appear in its first column. A test checks the pattern against each check's rows.
"""

from __future__ import annotations

import re
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
    focus: str = ""  # a pattern on ?focus that every first-column value matches ("": any node may)

    def focus_query(self, nodes: list[str]) -> str:
        """The nodes of ``nodes`` (IRIs) that match the focus pattern: the only ones the check can report."""
        prefixes = "".join(m.group(0) + "\n" for m in re.finditer(r"^PREFIX\s.*$", self.query, re.M))
        values = " ".join(f"<{n}>" for n in nodes)
        return f"{prefixes}SELECT DISTINCT ?focus WHERE {{ VALUES ?focus {{ {values} }} {self.focus} }}"


def load_checks(folder: Path | None = None) -> list[Check]:
    out = []
    for path in sorted((folder or default_checks_dir()).glob("*-violation.rq")):
        text = path.read_text(encoding="utf-8")
        out.append(Check(path.stem, rq_header(text, "title") or path.stem, text, rq_header(text, "focus")))
    return out


def run_checks(graph: Graph, folder: Path | None = None) -> dict[str, list[tuple[str, ...]]]:
    """Each check's offending rows (as strings); an empty list means the check passed."""
    return {c.name: [tuple(str(v) for v in row) for row in graph.query(c.query)]  # type: ignore[union-attr]  # SELECT rows
            for c in load_checks(folder)}
