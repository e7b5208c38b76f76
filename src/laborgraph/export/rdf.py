"""Graph -> text: Turtle, TriG, N-Triples, N-Quads, JSON-LD; byte-identical every run.

rdflib's N-Triples and JSON-LD writers emit in hash order, which changes with
PYTHONHASHSEED; here line formats are sorted and JSON-LD nodes and values are
ordered, so a rebuilt graph diffs cleanly in git. Files are written atomically.

>>> g = Graph()
>>> _ = g.add((URIRef("http://e/b"), RDF.type, URIRef("http://e/C")))
>>> _ = g.add((URIRef("http://e/a"), RDF.type, URIRef("http://e/C")))
>>> print(ntriples(g), end="")
<http://e/a> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <http://e/C> .
<http://e/b> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <http://e/C> .
"""

from __future__ import annotations

import functools
import json
import os
import tempfile
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import BinaryIO

from rdflib import Dataset, Graph, Literal, URIRef
from rdflib.namespace import OWL, RDF, XSD

from ..errors import LaborgraphError
from ..formats import Format
from ..ontology import ontology_graph
from ..vocab import PREFIXES, bind_prefixes


def union(ds: Dataset) -> Graph:
    """All named graphs merged into one plain graph (for triple-only formats)."""
    g = Graph()
    bind_prefixes(g)
    for ctx in ds.graphs():
        for triple in ctx:
            g.add(triple)
    return g


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


def _nt_line(terms: Iterable[object]) -> str:
    return " ".join(_nt_term(t) for t in terms) + " .\n"


def ntriples(g: Graph) -> str:
    return "".join(sorted({_nt_line(t) for t in g}))


def nquads(ds: Dataset) -> str:
    lines = set()
    for ctx in ds.graphs():
        name = ctx.identifier
        for s, p, o in ctx:
            terms = (s, p, o) if name == URIRef("urn:x-rdflib:default") else (s, p, o, name)
            lines.add(_nt_line(terms))
    return "".join(sorted(lines))


def jsonld_context() -> dict[str, object]:
    """Our JSON-LD context: prefixes, plus a short term for each class and property.

    Built from the ontology, shipped inside every JSON-LD file; never fetched.
    """
    onto = ontology_graph()
    lg = str(PREFIXES["lg"])
    ctx: dict[str, object] = {"id": "@id", "type": "@type", "label": "rdfs:label",
                              "altLabel": "skos:altLabel", "note": "skos:note",
                              "datePublished": "schema:datePublished"}
    ctx.update({prefix: str(ns) for prefix, ns in sorted(PREFIXES.items())})
    for term, iri in (("wasDerivedFrom", "prov:wasDerivedFrom"),
                      ("wasAttributedTo", "prov:wasAttributedTo"),
                      ("publisher", "schema:publisher"), ("sameAs", "owl:sameAs")):
        ctx[term] = {"@id": iri, "@type": "@id"}
    for s in sorted({s for s in onto.subjects(RDF.type, None) if str(s).startswith(lg)}):
        local = str(s)[len(lg):]
        if (s, RDF.type, OWL.ObjectProperty) in onto:
            ctx[local] = {"@id": f"lg:{local}", "@type": "@id"}
        else:
            ctx[local] = f"lg:{local}"
    return ctx


def trig(ds: Dataset) -> str:
    """Named graphs in IRI order, each written by rdflib's (ordered) Turtle writer."""
    parts = [f"@prefix {p}: <{ns}> .\n" for p, ns in sorted(PREFIXES.items())]
    for ctx in sorted(ds.graphs(), key=lambda c: str(c.identifier)):
        if len(ctx) == 0:
            continue
        g = Graph()
        bind_prefixes(g)
        for triple in ctx:
            g.add(triple)
        body = g.serialize(format="turtle")
        lines = [ln for ln in body.splitlines() if not ln.startswith("@prefix")]
        parts.append(f"\n<{ctx.identifier}> {{\n" + "\n".join(lines).strip("\n") + "\n}\n")
    return "".join(parts)


def _sort_json(value: object) -> object:
    if isinstance(value, dict):
        return {k: _sort_json(v) for k, v in value.items()}
    if isinstance(value, list):
        items = [_sort_json(v) for v in value]
        return sorted(items, key=lambda v: json.dumps(v, sort_keys=True, ensure_ascii=False))
    return value


def _native(value: object) -> object:
    """rdflib's JSON-LD objects as ``json.loads(json.dumps(...))`` would give them (plain str keys and values)."""
    kind = type(value)
    if kind is dict:
        return {k if type(k) is str else str(k): _native(v) for k, v in value.items()}  # type: ignore[attr-defined]
    if kind is list:
        return [_native(v) for v in value]  # type: ignore[attr-defined]
    if kind is not str and isinstance(value, str):  # rdflib's URIRef and Literal
        return str(value)
    return value


@functools.lru_cache(maxsize=1)
def _compaction_context() -> object:
    """rdflib's parsed context, its term lookups remembered (they depend on the context alone)."""
    from rdflib.plugins.shared.jsonld.context import UNDEF, Context

    class Remembering(Context):
        def __init__(self, source: object) -> None:
            super().__init__(source)
            self._found: dict[tuple[object, ...], object] = {}
            self._shrunk: dict[str, object] = {}
            self._symbols: dict[str, object] = {}

        def find_term(self, idref: str, coercion: object = None, container: object = UNDEF,
                      language: object = None, reverse: bool = False) -> object:
            key = (idref, coercion, container, language, reverse)
            if key not in self._found:
                self._found[key] = super().find_term(idref, coercion, container, language, reverse)
            return self._found[key]

        def shrink_iri(self, iri: str) -> str:
            key = str(iri)
            if key not in self._shrunk:
                self._shrunk[key] = super().shrink_iri(iri)
            return self._shrunk[key]  # type: ignore[return-value]

        def to_symbol(self, iri: str) -> str | None:
            key = str(iri)
            if key not in self._symbols:
                self._symbols[key] = super().to_symbol(iri)
            return self._symbols[key]  # type: ignore[return-value]

    return Remembering(jsonld_context())


class _Indexed:
    """The read-only lookups rdflib's JSON-LD converter makes, answered from one pass over the graph."""

    context_aware = False

    def __init__(self, g: Graph) -> None:
        self.identifier = g.identifier
        self._po: dict[object, list[tuple[object, object]]] = {}
        self._objects: set[object] = set()
        self._first: dict[object, object] = {}  # asked for every object node: is it a list?
        for s, p, o in g:
            self._po.setdefault(s, []).append((p, o))
            self._objects.add(o)
            if p == RDF.first and s not in self._first:
                self._first[s] = o

    def subjects(self, predicate: object = None, node: object = None) -> Iterable[object]:
        if predicate is None and node is None:
            return iter(self._po)
        if predicate is None:  # only asked as any(graph.subjects(None, node))
            return iter([True] if node in self._objects else [])
        raise NotImplementedError(predicate)

    def predicate_objects(self, s: object) -> Iterable[tuple[object, object]]:
        return iter(self._po.get(s, ()))

    def value(self, s: object, p: object) -> object:
        if p == RDF.first:
            return self._first.get(s)
        return next((o for q, o in self._po.get(s, ()) if q == p), None)


def jsonld_nodes(g: Graph) -> list[dict[str, object]]:
    """The graph's nodes compacted with our context by rdflib, sorted; the ``@graph`` of ``jsonld(g)``.

    Calls rdflib's converter directly, with the context parsed once and its lookups
    remembered, on an index of the graph built in one pass: the serializer would write
    the whole document (context included) with the pure-Python indenting encoder only
    for it to be parsed back, and probe the graph's store for every node and value.
    """
    from rdflib.plugins.serializers.jsonld import from_rdf

    # the arguments rdflib's serializer passes (its use_native_types is a one-element tuple)
    raw = _native(from_rdf(_Indexed(g), _compaction_context(), None, (False,), False, auto_compact=True))
    assert isinstance(raw, dict)
    body = {k: v for k, v in raw.items() if k != "@context"}
    nodes = body.get("@graph", [body] if body else [])
    return sorted((_sort_json(n) for n in nodes), key=lambda n: str(n.get("id", "")))  # type: ignore


def jsonld(g: Graph) -> str:
    doc = {"@context": jsonld_context(), "@graph": jsonld_nodes(g)}
    return json.dumps(doc, indent=2, ensure_ascii=False, sort_keys=True) + "\n"


def serialize(ds: Dataset, fmt: Format) -> str:
    """The dataset as text in ``fmt``; triple formats get the union of all graphs."""
    if fmt is Format.TRIG:
        return trig(ds)
    if fmt is Format.NQUADS:
        return nquads(ds)
    g = union(ds)
    if fmt is Format.NT:
        return ntriples(g)
    if fmt is Format.JSONLD:
        return jsonld(g)
    return g.serialize(format="turtle")


def write_atomic(path: Path, text: str) -> None:
    """Write via a temporary file and rename, so readers never see half a file."""
    if not isinstance(text, str):
        raise TypeError(f"write_atomic expects text, not {type(text).__name__}")
    write_atomic_bytes(path, text.encode("utf-8"))


def _umask() -> int:
    current = os.umask(0)
    os.umask(current)
    return current


def temp_beside(path: Path, write: Callable[[BinaryIO], object]) -> Path:
    """A complete temporary file next to ``path``, filled by ``write``, ready to be renamed onto it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            write(fh)
        os.chmod(tmp, 0o666 & ~_umask())  # mkstemp makes 0600; outputs are ordinary files
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return Path(tmp)


def write_atomic_bytes(path: Path, data: bytes) -> None:
    tmp = temp_beside(path, lambda fh: fh.write(data))
    try:
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


__all__ = ["Format", "serialize", "temp_beside", "write_atomic", "write_atomic_bytes"]
