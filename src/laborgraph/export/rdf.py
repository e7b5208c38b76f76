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
from typing import Any, BinaryIO

from rdflib import Dataset, Graph, Literal, URIRef
from rdflib.namespace import OWL, RDF, XSD

from ..formats import Format
from ..ontology import ontology_graph
from ..triples import Triples
from ..vocab import PREFIXES, as_iri, bind_prefixes
from .jsontext import dumps_indented, json_key
from .linefmt import nt_line, ntriples


def union(ds: Dataset) -> Graph:
    """All named graphs merged into one plain graph (for triple-only formats)."""
    g = Graph()
    bind_prefixes(g)
    for ctx in ds.graphs():
        for triple in ctx:
            g.add(triple)
    return g


DEFAULT_GRAPH = URIRef("urn:x-rdflib:default")
def nquads(ds: Dataset) -> str:
    lines = set()
    for ctx in ds.graphs():
        name = ctx.identifier
        for s, p, o in ctx:
            terms = (s, p, o) if name == DEFAULT_GRAPH else (s, p, o, name)
            lines.add(nt_line(terms))
    return "".join(sorted(lines))


def jsonld_context() -> dict[str, object]:
    """Our JSON-LD context: prefixes, plus a short term for each class and property.

    Built from the ontology, shipped inside every JSON-LD file; never fetched.
    A copy of the one built once per process (building it took about 4 ms).
    """
    return {k: dict(v) if isinstance(v, dict) else v for k, v in _context().items()}


@functools.cache
def _context() -> dict[str, object]:
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
    for s in sorted({as_iri(s) for s in onto.subjects(RDF.type, None) if str(s).startswith(lg)}):
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
        return sorted((_sort_json(v) for v in value), key=json_key)
    return value


def jsonld_nodes(g: Graph | Triples) -> list[dict[str, object]]:
    """The graph's node objects, compacted with our context, in a stable order."""
    nodes = _compact(g)
    if nodes is None:  # lists, blank nodes or quads: rdflib's serializer, parsed back
        if isinstance(g, Triples):
            g = g.graph()
        raw = json.loads(g.serialize(format="json-ld", context=_context(), auto_compact=True))
        body = {k: v for k, v in raw.items() if k != "@context"}
        nodes = body.get("@graph", [body] if body else [])
    ordered: list[dict[str, object]] = [_sort_json(n) for n in nodes]  # type: ignore[misc]  # JSON objects stay objects
    return sorted(ordered, key=lambda n: str(n.get("id", "")))


@functools.cache
def _parsed_context() -> Any:
    from rdflib.plugins.shared.jsonld.context import Context

    return Context(_context())


_NIL = str(RDF.nil)
_NO_PLAN = ("", "")  # a sentinel, told apart by identity


def _compact(g: Graph | Triples) -> list[dict[str, Any]] | None:
    """What rdflib's JSON-LD converter makes of ``g`` with our context (its rules, in its
    triple order), with each term decision made once per predicate and datatype; None
    where it would need rdflib's own code (RDF lists, blank nodes, datasets).

    rdflib's converter asked the context again for every triple and looked for an
    ``rdf:first`` under every object: 14 ms of an article's 20 ms of JSON-LD.
    """
    if isinstance(g, Triples):  # the builder's index: the order rdflib's store gives, read directly
        if any(RDF.first in by_p for by_p in g.spo.values()):
            return None
        subjects: Iterable[Any] = g.spo
    elif g.context_aware or (None, RDF.first, None) in g:
        return None
    else:
        subjects = set(g.subjects())
    ctx = _parsed_context()
    plans: dict[tuple[object, ...], tuple[Any, ...] | None] = {}
    nodemap: dict[str, dict[str, Any]] = {}
    for s in subjects:
        if not isinstance(s, URIRef):
            return None
        node_id = _shrink(ctx, s)
        if node_id in nodemap:
            continue
        node: dict[str, Any] = {ctx.id_key: node_id}
        nodemap[node_id] = node
        for p, o in g.predicate_objects(s):
            if isinstance(o, Literal):
                sig: tuple[object, ...] = (p, o.datatype, o.language)
            elif isinstance(o, URIRef) and not (str.__eq__(o, _NIL) if type(o) is URIRef else o == RDF.nil):
                sig = (p,)  # (``o == RDF.nil`` for a plain IRI, without rdflib's Python-level __eq__)
            else:
                return None
            plan = plans.get(sig, _NO_PLAN)
            if plan is _NO_PLAN:
                plan = plans[sig] = _plan(ctx, p, o)
            if plan is None:
                return None
            key, how = plan
            value_node = _jsonld_value(ctx, o, how)
            value = node.get(key)
            if value:  # as rdflib does: a falsy first value is replaced, not kept
                if not isinstance(value, list):
                    value = [value]
                value.append(value_node)
            else:
                value = value_node
            node[key] = value
    return list(nodemap.values())


@functools.lru_cache(maxsize=65536)
def _shrink(ctx: Any, iri: URIRef) -> str:
    return str(ctx.shrink_iri(iri))


def _plan(ctx: Any, p: Any, o: URIRef | Literal) -> tuple[str, str] | None:
    """The key and how the value is written for ``p`` with objects like ``o`` (rdflib's
    ``Converter.add_to_node`` for a context without containers or a default language)."""
    from rdflib.plugins.shared.jsonld.context import UNDEF
    from rdflib.plugins.shared.jsonld.keys import ID, VOCAB

    if ctx.language:
        return None
    if isinstance(o, Literal):
        term = ctx.find_term(str(p), str(o.datatype) if o.datatype else None, language=o.language)
    else:
        term = next((t for t in (ctx.find_term(str(p), c, None) for c in (ID, VOCAB, UNDEF)) if t), None)
    if term:
        if term.container or term.language:
            return None
        if not term.type:
            return str(term.name), "raw"
        if term.type == ID:
            return str(term.name), "id" if isinstance(o, URIRef) else "text"
        if term.type == VOCAB and isinstance(o, URIRef):
            return str(term.name), "symbol"
        return str(term.name), "text" if isinstance(o, Literal) and str(o.datatype) == term.type else "raw"
    key = ctx.to_symbol(p)
    key_term = ctx.terms.get(key)
    if key_term and (key_term.type or key_term.container):
        key = p
    if p == RDF.type:
        return str(ctx.type_key), "symbol" if isinstance(o, URIRef) else "raw"
    return str(key), "raw"


_NATIVE = {XSD.boolean, XSD.integer, XSD.double, XSD.string}  # rdflib's PLAIN_LITERAL_TYPES


def _jsonld_value(ctx: Any, o: URIRef | Literal, how: str) -> Any:
    """One value as rdflib's converter writes it, as the JSON text reads back (text, not Literal)."""
    if how == "id":
        return _shrink(ctx, o)
    if how == "symbol":
        return str(ctx.to_symbol(o))
    if how == "text":
        return str(o)
    if isinstance(o, URIRef):
        return {ctx.id_key: _shrink(ctx, o)}
    if o.datatype:
        if o.datatype in _NATIVE:  # the context is active: native JSON values
            v = o.toPython()
            return str(v) if isinstance(v, Literal) or v is None else v
        return {ctx.type_key: str(ctx.to_symbol(o.datatype)), ctx.value_key: str(o)}
    if o.language:
        return {ctx.lang_key: o.language, ctx.value_key: str(o)}
    return str(o)


def jsonld(g: Graph) -> str:
    """One plain graph (a CONSTRUCT result, say) as a JSON-LD document."""
    doc = {"@context": jsonld_context(), "@graph": jsonld_nodes(g)}
    return json.dumps(doc, indent=2, ensure_ascii=False, sort_keys=True) + "\n"


# A dataset's JSON-LD is header, one chunk per named graph joined by ",\n", footer: the
# build streams the same pieces from its cache, so both give byte-identical documents.

def jsonld_header() -> str:
    context = json.dumps(jsonld_context(), indent=2, ensure_ascii=False, sort_keys=True)
    return '{\n"@context": ' + context + ',\n"@graph": [\n'


JSONLD_FOOTER = "\n]\n}\n"


def jsonld_chunk(g: Graph | Triples, name: str) -> str:
    """One named graph as ``{"@id": name, "@graph": [...]}``, so a JSON-LD reader keeps
    which article (or the registry, or the ontology) each triple comes from; "" when empty."""
    nodes = jsonld_nodes(g)
    if not nodes:
        return ""
    return dumps_indented({"@id": name, "@graph": nodes})


def jsonld_dataset(ds: Dataset) -> str:
    """Every named graph as its own ``@graph`` object (default-graph triples, if any, at the top)."""
    chunks = []
    for ctx in sorted(ds.graphs(), key=lambda c: str(c.identifier)):
        if ctx.identifier == DEFAULT_GRAPH:
            chunks += [json.dumps(n, indent=2, ensure_ascii=False, sort_keys=True) for n in jsonld_nodes(ctx)]
        else:
            chunks.append(jsonld_chunk(ctx, str(ctx.identifier)))
    return jsonld_header() + ",\n".join(c for c in chunks if c) + JSONLD_FOOTER


def serialize(ds: Dataset, fmt: Format) -> str:
    """The dataset as text in ``fmt``; triple formats get the union of all graphs, JSON-LD and the
    quad formats keep the named graphs."""
    if fmt is Format.TRIG:
        return trig(ds)
    if fmt is Format.NQUADS:
        return nquads(ds)
    if fmt is Format.JSONLD:
        return jsonld_dataset(ds)
    g = union(ds)
    if fmt is Format.NT:
        return ntriples(g)
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


def replace(tmp: Path, path: Path) -> None:
    """Rename a finished temporary file onto ``path``; if that fails, the temporary file goes too."""
    try:
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def write_atomic_bytes(path: Path, data: bytes) -> None:
    replace(temp_beside(path, lambda fh: fh.write(data)), path)


__all__ = [
    "JSONLD_FOOTER",
    "Format",
    "jsonld_chunk",
    "jsonld_dataset",
    "jsonld_header",
    "replace",
    "serialize",
    "temp_beside",
    "write_atomic",
    "write_atomic_bytes",
]
