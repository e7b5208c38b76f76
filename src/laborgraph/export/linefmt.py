"""N-Triples lines, sorted: what every N-Triples and N-Quads output is made of.

rdflib's N-Triples writer emits in hash order (it changes with PYTHONHASHSEED) and
its ``n3()`` may write Turtle long strings; these lines are plain N-Triples, sorted.
"""

from __future__ import annotations

from collections.abc import Iterable

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import XSD

from ..errors import LaborgraphError
from ..triples import Triples

_NT_ESCAPES = str.maketrans({"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r"})


def _nt_term(term: object) -> str:
    """One term in N-Triples syntax (rdflib's ``n3()`` may emit Turtle long strings)."""
    if isinstance(term, Literal):
        text = f'"{str(term).translate(_NT_ESCAPES)}"'
        if term.language:
            return f"{text}@{term.language}"
        if term.datatype is not None and term.datatype != XSD.string:
            return f"{text}^^<{term.datatype}>"
        return text
    if isinstance(term, URIRef):
        return f"<{term}>"
    raise LaborgraphError(f"cannot write {term!r} as N-Triples: laborgraph graphs have no blank nodes")


def nt_line(terms: Iterable[object]) -> str:
    return " ".join(_nt_term(t) for t in terms) + " .\n"


def ntriples(g: Graph | Triples) -> str:
    if isinstance(g, Triples):
        return _ntriples_of(g)
    return "".join(sorted({nt_line(t) for t in g}))


def _ntriples_of(g: Triples) -> str:
    """The same lines from the builder's index, each IRI written once (a subject starts
    several lines, a predicate hundreds). Literals are written each time: two can be
    equal to rdflib (language tags compare case-blind) and still be spelled differently."""
    iris: dict[URIRef, str] = {}

    def term(t: object) -> str:
        if type(t) is URIRef:
            text = iris.get(t)
            if text is None:
                text = iris[t] = f"<{t}>"
            return text
        return _nt_term(t)

    lines = []
    for s, by_p in g.spo.items():
        subject = term(s) + " "
        for p, objects in by_p.items():
            head = subject + term(p) + " "
            lines += [head + term(o) + " .\n" for o in objects]
    return "".join(sorted(set(lines)))
