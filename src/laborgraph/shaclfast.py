"""SHACL compiled once, findings equal to pySHACL's. Long: the compiler and its evaluator stay together.

pySHACL walks every shape and constraint in Python for every focus node (40-60 ms
of CPU an article here). The shapes use a small part of SHACL, so they are compiled
once into one SPARQL query per property shape (focus nodes by ``sh:targetClass``
with subclasses, their values along ``sh:path``, and class membership of each
value) plus each ``sh:sparql`` constraint run once over all its focus nodes;
Oxigraph answers them. Cardinalities and the value tests (``sh:datatype``,
``sh:in``, ``sh:pattern`` ...) are then decided in Python with rdflib's literal
semantics, the ones pySHACL uses, so that ill-typed literals, numeric comparison
and string forms agree with the reference exactly.

pySHACL stays the reference (``laborgraph build --reference``); a test compares the
two finding by finding. A shape using anything this compiler does not know fails
at compile time (``UnsupportedShape``) instead of being skipped.

>>> from laborgraph.validate import shapes_graph
>>> compiled = compile_shapes(shapes_graph())
>>> len(compiled.properties) > 10 and len(compiled.sparql) > 3
True
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.graph import ReadOnlyGraphAggregate
from rdflib.namespace import OWL, RDF, RDFS, XSD

from .errors import LaborgraphError
from .triples import Triples
from .validate import SH, Finding, Report, _locate, shapes_graph
from .vocab import INSTANCES_GRAPH, as_iri

# The Python value rdflib gives a well-typed literal of each datatype (what pySHACL's sh:datatype checks)
_PYTHON_TYPES: dict[URIRef, type | tuple[type, ...]] = {
    XSD.string: (str, bytes), XSD.integer: int, XSD.float: float, XSD.decimal: Decimal, XSD.boolean: bool,
    XSD.date: dt.date, XSD.time: dt.time, XSD.dateTime: dt.datetime}

NODE_KINDS = {SH.IRI: "I", SH.BlankNode: "B", SH.Literal: "L", SH.BlankNodeOrIRI: "BI", SH.BlankNodeOrLiteral: "BL",
              SH.IRIOrLiteral: "IL"}


class UnsupportedShape(LaborgraphError):
    """A shape uses a SHACL construct the fast path does not compile; use ``--reference``."""


@dataclass(frozen=True)
class PropertyCheck:
    """One property shape as applied by one node shape: its focus classes, path and value tests."""

    shape: str
    severity: str
    message: str
    fix: str
    targets: tuple[URIRef, ...]
    predicates: tuple[URIRef, ...]  # the path: one IRI, or the members of an sh:alternativePath
    path: str | None  # what pySHACL reports as sh:resultPath (None for a blank-node path)
    min_count: int | None = None
    max_count: int | None = None
    datatype: URIRef | None = None
    classes: tuple[URIRef, ...] = ()
    in_values: frozenset[Any] | None = None
    pattern: re.Pattern[str] | None = None
    min_length: int | None = None
    min_inclusive: Literal | None = None
    node_kind: URIRef | None = None
    or_datatypes: tuple[URIRef, ...] | None = None


@dataclass(frozen=True)
class SparqlCheck:
    """One ``sh:sparql`` constraint, its ``$this`` bound to the node shape's targets."""

    constraint: str
    severity: str
    message: str
    fix: str
    query: str
    instance_query: str  # the same, reading rdf:type/rdfs:subClassOf* from the instances graph (see _Data)


@dataclass(frozen=True)
class CompiledShapes:
    properties: tuple[PropertyCheck, ...]
    sparql: tuple[SparqlCheck, ...]


class _Reader:
    """Reads the shapes graph and remembers every (subject, predicate) it understood."""

    def __init__(self, shapes: Graph) -> None:
        self.g = shapes
        self.used: set[tuple[Any, Any]] = set()

    def objects(self, s: Any, p: URIRef) -> list[Any]:
        self.used.add((s, p))
        return sorted(self.g.objects(s, p))

    def one(self, s: Any, p: URIRef) -> Any:
        values = self.objects(s, p)
        if len(values) > 1:
            raise UnsupportedShape(f"{s}: more than one {p.n3(self.g.namespace_manager)}")
        return values[0] if values else None

    def unread(self) -> list[tuple[Any, Any, Any]]:
        """SHACL statements no compiled shape read: a construct the compiler would skip."""
        out = []
        for s, p, o in self.g:
            if (str(p).startswith(str(SH)) or (p == RDF.type and str(o).startswith(str(SH)))) \
                    and (s, p) not in self.used:
                out.append((s, p, o))
        return sorted(out)


def _n3(term: Any) -> str:
    if isinstance(term, URIRef):
        return f"<{term}>"
    raise UnsupportedShape(f"{term}: only IRIs are supported here")


def _severity(r: _Reader, shape: Any) -> str:
    value = r.one(shape, SH.severity) or SH.Violation
    if value not in (SH.Violation, SH.Warning, SH.Info):
        raise UnsupportedShape(f"{shape}: severity {value} is not sh:Violation, sh:Warning or sh:Info")
    return str(value).rsplit("#", 1)[-1]


def _text(r: _Reader, shape: Any, p: URIRef) -> str:
    value = r.one(shape, p)
    return str(value) if value is not None else ""


def _targets(cls_var: str, targets: list[Any]) -> str:
    """Focus nodes of a node shape: SHACL instances of its target classes (subclasses included)."""
    return (f"VALUES {cls_var} {{ {' '.join(_n3(t) for t in targets)} }} "
            f"?this <{RDF.type}>/<{RDFS.subClassOf}>* {cls_var} .")


def _instance_of(node: str, cls: str) -> str:
    """``node rdf:type/rdfs:subClassOf* cls`` as two lookups: its types, and the superclasses in the instances graph."""
    return f"{{ {node} <{RDF.type}> {cls} }} UNION {{ GRAPH <{INSTANCES_GRAPH}> {{ {node} <{RDF.type}> {cls} }} }}"


def _instance_targets(cls_var: str, targets: list[Any]) -> str:
    """:func:`_targets` reading the superclasses of a node's types from the instances graph."""
    return f"VALUES {cls_var} {{ {' '.join(_n3(t) for t in targets)} }} {_instance_of('?this', cls_var)}"


_TERM = r"([?$]\w+|<[^<>\s]*>)"
# Row multiplicity shows only through these: the path and its lookups may repeat a row a different number of times
_COUNTING = re.compile(r"\b(COUNT|SUM|AVG|GROUP_CONCAT)\s*\(\s*(?!DISTINCT\b)|\b(LIMIT|OFFSET)\b", re.I)
# Row order shows through these: the instances graph may give a node's classes in another order than the path
_ORDERED = re.compile(r"\b(?:GROUP_CONCAT|SAMPLE)\s*\(([^()]*)\)", re.I)


def _group(query: str, start: int, end: int) -> tuple[int, int]:
    """The innermost ``{ ... }`` around ``query[start:end]``."""
    depth, left = 0, start
    while left > 0 and depth >= 0:
        left -= 1
        depth += {"}": 1, "{": -1}.get(query[left], 0)
    depth, right = 0, end
    while right < len(query) and depth >= 0:
        depth += {"{": 1, "}": -1}.get(query[right], 0)
        right += 1
    return left, right


def _order_free(query: str, m: re.Match[str]) -> bool:
    """Whether the classes a pattern gives cannot reach GROUP_CONCAT or SAMPLE: no variable of its
    group is aggregated so, and its object is not read outside the group."""
    aggregated = {v for args in _ORDERED.findall(query) for v in re.findall(r"[?$](\w+)", args)}
    if not aggregated:
        return True
    left, right = _group(query, m.start(), m.end())
    inside = set(re.findall(r"[?$](\w+)", query[left:right]))
    outside = set(re.findall(r"[?$](\w+)", query[:left] + query[right:]))
    obj = m.group(2)[1:] if m.group(2)[0] in "?$" else None
    return not inside & aggregated and (obj is None or obj not in outside)


def _instance_paths(query: str) -> str:
    """``query`` with each triple pattern ``S rdf:type/rdfs:subClassOf* O`` read from the instances graph.

    Oxigraph evaluates such a path for every typed node of the store and then joins
    (about 0.8 ms an article for each of the facts shapes' range and domain tests); the
    same pairs, materialized once per store, are one index lookup. A pattern in a ``;``
    or ``,`` list, one whose classes could reach an aggregate that keeps row order, and
    any in a query that could count repeated rows, are left as they are.
    """
    if _COUNTING.search(query):
        return query
    declared = dict(re.findall(r"PREFIX\s+([\w-]*):\s*<([^<>\s]*)>", query, re.I))
    types = ["a", f"<{RDF.type}>", *(f"{p}:type" for p, ns in declared.items() if ns == str(RDF))]
    subclass = [f"<{RDFS.subClassOf}>", *(f"{p}:subClassOf" for p, ns in declared.items() if ns == str(RDFS))]
    path = f"(?:{'|'.join(map(re.escape, types))})/(?:{'|'.join(map(re.escape, subclass))})\\*"
    pattern = re.compile(rf"(?<![\w?$:]){_TERM}\s+{path}\s+{_TERM}(?!\s*[;,])")
    return pattern.sub(lambda m: _instance_of(m.group(1), m.group(2)) if _order_free(query, m) else m.group(0), query)


def _path(r: _Reader, path: Any) -> tuple[tuple[URIRef, ...], str | None]:
    """The predicates a path follows and the IRI pySHACL reports as result path (None for a blank node)."""
    if isinstance(path, URIRef):
        return (path,), str(path)
    if isinstance(path, BNode):
        alternatives = r.one(path, SH.alternativePath)
        if alternatives is not None and len(list(r.g.predicate_objects(path))) == 1:
            members = list(Collection(r.g, alternatives))
            if members and all(isinstance(m, URIRef) for m in members):
                return tuple(as_iri(m) for m in members), None
    raise UnsupportedShape(f"{path}: only IRI paths and sh:alternativePath of IRIs are supported")


def _or_datatypes(r: _Reader, shape: Any) -> tuple[URIRef, ...] | None:
    head = r.one(shape, SH["or"])
    if head is None:
        return None
    out = []
    for member in Collection(r.g, head):
        datatype = r.one(member, SH.datatype)
        if datatype is None or len(list(r.g.predicate_objects(member))) != 1:
            raise UnsupportedShape(f"{shape}: sh:or is supported only over [ sh:datatype ... ] members")
        out.append(datatype)
    return tuple(out)


def _int(r: _Reader, shape: Any, p: URIRef) -> int | None:
    value = r.one(shape, p)
    return int(value) if value is not None else None


def _property(r: _Reader, prop: Any, targets: list[Any]) -> PropertyCheck:
    if r.one(prop, SH.deactivated) is not None or r.one(prop, SH.flags) is not None:
        raise UnsupportedShape(f"{prop}: sh:deactivated and sh:flags are not supported")
    r.objects(prop, RDF.type)
    predicates, result_path = _path(r, r.one(prop, SH.path))
    pattern = r.one(prop, SH.pattern)
    in_head = r.one(prop, SH["in"])
    node_kind = r.one(prop, SH.nodeKind)
    if node_kind is not None and node_kind not in NODE_KINDS:
        raise UnsupportedShape(f"{prop}: unknown sh:nodeKind {node_kind}")
    return PropertyCheck(
        shape=str(prop), severity=_severity(r, prop), message=_text(r, prop, SH.message),
        fix=_text(r, prop, SH.description), targets=tuple(targets), predicates=predicates, path=result_path,
        min_count=_int(r, prop, SH.minCount), max_count=_int(r, prop, SH.maxCount),
        datatype=r.one(prop, SH.datatype), classes=tuple(r.objects(prop, SH["class"])),
        in_values=frozenset(Collection(r.g, in_head)) if in_head is not None else None,
        pattern=re.compile(str(pattern)) if pattern is not None else None,
        min_length=_int(r, prop, SH.minLength), min_inclusive=r.one(prop, SH.minInclusive), node_kind=node_kind,
        or_datatypes=_or_datatypes(r, prop))


def _prefixes(r: _Reader, constraint: Any) -> str:
    lines = []
    for owner in r.objects(constraint, SH.prefixes):
        for decl in r.objects(owner, SH.declare):
            lines.append(f"PREFIX {r.one(decl, SH.prefix)}: <{r.one(decl, SH.namespace)}>")
    return "\n".join(sorted(lines)) + "\n"


def _subqueries(select: str) -> list[str]:
    """The text of each nested SELECT (from its opening brace to the matching closing one)."""
    out = []
    for m in list(re.finditer(r"\bSELECT\b", select, re.I))[1:]:
        start = select.rfind("{", 0, m.start())
        depth = 0
        for i in range(start, len(select)):
            depth += {"{": 1, "}": -1}.get(select[i], 0)
            if depth == 0:
                out.append(select[start:i + 1])
                break
    return out


def _sparql(r: _Reader, node: Any, constraint: Any, targets: list[Any], severity: str) -> SparqlCheck:
    r.objects(constraint, RDF.type)
    if r.one(constraint, SH.deactivated) is not None:
        raise UnsupportedShape(f"{constraint}: sh:deactivated is not supported")
    select = str(r.one(constraint, SH.select))
    # The focus nodes are joined at the top of the WHERE group (each once, from a DISTINCT
    # subquery); that equals SHACL's pre-binding of $this unless a nested SELECT, a BIND
    # or a VALUES block uses $this, or MINUS or SERVICE change what the join sees.
    if re.search(r"\b(MINUS|SERVICE|GRAPH|VALUES)\b", select, re.I) or re.search(r"\bAS\s+[?$]this\b", select, re.I) \
            or any(re.search(r"[?$]this\b", nested) for nested in _subqueries(select)):
        raise UnsupportedShape(f"{constraint}: only SELECT constraints whose subqueries do not use $this are supported")
    queries = []
    for focus_of in (_targets, _instance_targets):
        where = f"WHERE {{ {{ SELECT DISTINCT ?this WHERE {{ {focus_of('?__cls', targets)} }} }}"
        query, count = re.subn(r"WHERE\s*\{", where.replace("\\", "\\\\"), select.replace("$this", "?this"), count=1)
        if count != 1:
            raise UnsupportedShape(f"{constraint}: sh:select needs a WHERE clause")
        queries.append(_prefixes(r, constraint) + query)
    return SparqlCheck(str(constraint), severity, _text(r, constraint, SH.message),
                       _text(r, constraint, SH.description), queries[0], _instance_paths(queries[1]))


def compile_shapes(shapes: Graph) -> CompiledShapes:
    """Every node shape with class targets into queries; anything else raises ``UnsupportedShape``."""
    r = _Reader(shapes)
    properties: list[PropertyCheck] = []
    sparql: list[SparqlCheck] = []
    for node in sorted({as_iri(n) for n in shapes.subjects(RDF.type, SH.NodeShape)}):
        r.objects(node, RDF.type)
        if set(shapes.objects(node, RDF.type)) & {RDFS.Class, OWL.Class}:
            raise UnsupportedShape(f"{node}: implicit class targets are not supported")
        if r.one(node, SH.deactivated) is not None or r.objects(node, SH.message):
            raise UnsupportedShape(f"{node}: sh:deactivated or sh:message on a node shape is not supported")
        targets = r.objects(node, SH.targetClass)
        severity = _severity(r, node)
        r.objects(node, SH.description)
        props = r.objects(node, SH.property)
        constraints = r.objects(node, SH.sparql)
        if not targets:
            continue
        properties += [_property(r, p, targets) for p in props]
        sparql += [_sparql(r, node, c, targets, severity) for c in constraints]
    unread = r.unread()
    if unread:
        s, p, o = unread[0]
        raise UnsupportedShape(f"shapes: {len(unread)} SHACL statement(s) the fast path does not compile, "
                               f"first: {s} {p} {o}; validate with --reference")
    return CompiledShapes(tuple(properties), tuple(sparql))


@functools.lru_cache(maxsize=8)
def compiled(shapes_dir: Path | None = None, *, corpus: bool = False) -> CompiledShapes:
    return compile_shapes(shapes_graph(shapes_dir, corpus=corpus))


def _datatype_ok(v: Any, datatype: URIRef) -> bool:
    """pySHACL's DatatypeConstraintComponent: same datatype IRI and not ill-typed for rdflib."""

    if not isinstance(v, Literal):
        return False
    if v.datatype != datatype and not (v.datatype is None and v.language is None and datatype == XSD.string):
        return datatype == RDFS.Literal or (datatype == RDFS.Datatype and v.datatype is not None)
    if getattr(v, "ill_typed", None) is True:
        return False
    expected = _PYTHON_TYPES.get(datatype)
    return expected is None or isinstance(v.value, expected)


def _as_string(v: Any) -> str:
    if isinstance(v, Literal) and v.value is not None and v.datatype in (None, RDF.langString, XSD.string):
        return str(v.value)
    return str(v)


def _min_inclusive_ok(v: Any, minimum: Literal) -> bool:

    if not isinstance(v, Literal) or isinstance(minimum.value, str) != isinstance(v.value, str):
        return False
    try:
        if v.eq(minimum):
            return True
        if isinstance(v.value, (dt.datetime, dt.time)):
            return bool(v.value > minimum.value)
        return bool(v > minimum)
    except (TypeError, NotImplementedError):
        return False


def _node_kind_ok(v: Any, kind: URIRef) -> bool:
    return ("I" if isinstance(v, URIRef) else "B" if isinstance(v, BNode) else "L") in NODE_KINDS[kind]


def _nt(term: Any) -> str:
    """An IRI or blank node as N-Triples writes it (the labels the store was loaded with)."""
    return f"<{term}>" if isinstance(term, URIRef) else f"_:{term}"


class _Data:
    """The lookups pySHACL makes on the data graph, over several graphs without merging them.

    Copying a batch's graphs into one rdflib graph cost three times the validation itself;
    each subject's triples live in one or two of the graphs, so an index of which ones
    answers ``objects`` with one or two probes.
    """

    def __init__(self, graphs: Sequence[Graph | Triples]) -> None:
        self.graphs = [g for g in graphs if isinstance(g, Graph)]
        self.built = [g for g in graphs if isinstance(g, Triples)]
        self.supers: dict[Any, set[Any]] = {}
        self.owners: dict[Any, list[Graph | Triples]] = {}
        self.by_object: dict[Any, dict[Any, set[Any]]] = {}  # the builder's triples: predicate -> object -> subjects
        for g in graphs:
            for subject in g.spo if isinstance(g, Triples) else set(g.subjects()):
                self.owners.setdefault(subject, []).append(g)

    def objects(self, s: Any, p: URIRef) -> Iterator[Any]:
        for g in self.owners.get(s, ()):
            if isinstance(g, Triples):
                yield from g.spo[s].get(p, ())
            else:
                yield from g.objects(s, p)

    def subjects(self, p: URIRef, o: Any) -> set[Any]:
        found = {s for g in self.graphs for s in g.subjects(p, o)}
        if self.built:
            if p not in self.by_object:
                index: dict[Any, set[Any]] = {}
                for g in self.built:
                    for subject, by_p in g.spo.items():
                        for obj in by_p.get(p, ()):
                            index.setdefault(obj, set()).add(subject)
                self.by_object[p] = index
            found |= self.by_object[p].get(o, set())
        return found

    def _superclasses(self, cls: Any) -> set[Any]:
        if cls not in self.supers:
            seen, todo = {cls}, [cls]
            while todo:
                for sup in self.objects(todo.pop(), RDFS.subClassOf):
                    if sup not in seen:
                        seen.add(sup)
                        todo.append(sup)
            self.supers[cls] = seen
        return self.supers[cls]

    def is_instance(self, v: Any, cls: URIRef) -> bool:
        return not isinstance(v, Literal) and any(cls in self._superclasses(t) for t in self.objects(v, RDF.type))

    def instances(self) -> str | None:
        """N-Triples of ``node rdf:type class`` for every node and proper superclass of one of its types.

        With the rdf:type triples themselves, the pairs rdf:type/rdfs:subClassOf* joins (a
        pair may be in both). None when a typed node or one of its classes is a literal or a
        blank node: Oxigraph may store a typed literal in another form than the graphs hold, and
        it gives a blank node a new label in each load, so this graph's would join nothing.
        """
        rdf_type = RDF.type
        typed = [(s, t) for g in self.graphs for s, t in g.subject_objects(rdf_type)]
        typed += [(s, t) for g in self.built for s, by_p in g.spo.items() if rdf_type in by_p for t in by_p[rdf_type]]
        ends: dict[Any, list[str]] = {}  # a type -> the predicate and object of each line of a node of that type
        lines = []
        for s, t in typed:
            if t not in ends:
                classes = self._superclasses(t)
                if any(isinstance(c, (Literal, BNode)) for c in classes):
                    return None
                ends[t] = [f" <{rdf_type}> {_nt(c)} .\n" for c in classes if c != t]
            if isinstance(s, (Literal, BNode)):
                return None
            if ends[t]:
                head = _nt(s)
                lines += [head + end for end in ends[t]]
        return "".join(lines)

    # Sets, not sorted lists: ``validate`` sorts the findings, and two it could not tell
    # apart are equal in every field (sorting the values compared rdflib terms in Python).
    def focus_nodes(self, targets: tuple[URIRef, ...]) -> set[Any]:
        classes, todo = set(targets), list(targets)
        while todo:
            for sub in self.subjects(RDFS.subClassOf, todo.pop()):
                if sub not in classes:
                    classes.add(sub)
                    todo.append(sub)
        return {node for cls in classes for node in self.subjects(RDF.type, cls)}

    def values(self, focus: Any, predicates: tuple[URIRef, ...]) -> set[Any]:
        return {v for p in predicates for v in self.objects(focus, p)}


def _value_failures(data: _Data, check: PropertyCheck, v: Any) -> Iterator[URIRef]:
    """Components a value node fails, in pySHACL's terms and with its literal semantics."""
    if check.datatype is not None and not _datatype_ok(v, check.datatype):
        yield SH.DatatypeConstraintComponent
    for cls in check.classes:
        if not data.is_instance(v, cls):
            yield SH.ClassConstraintComponent
    if check.in_values is not None and v not in check.in_values:
        yield SH.InConstraintComponent
    if check.pattern is not None and (isinstance(v, BNode) or not check.pattern.search(_as_string(v))):
        yield SH.PatternConstraintComponent
    if check.min_length and (isinstance(v, BNode) or len(_as_string(v)) < check.min_length):
        yield SH.MinLengthConstraintComponent
    if check.min_inclusive is not None and not _min_inclusive_ok(v, check.min_inclusive):
        yield SH.MinInclusiveConstraintComponent
    if check.node_kind is not None and not _node_kind_ok(v, check.node_kind):
        yield SH.NodeKindConstraintComponent
    if check.or_datatypes is not None and not any(_datatype_ok(v, d) for d in check.or_datatypes):
        yield SH.OrConstraintComponent


def _property_results(data: _Data, check: PropertyCheck) -> Iterator[tuple[Any, Any, URIRef]]:
    """(focus, value or None, component) for every result of one property shape."""
    for focus in data.focus_nodes(check.targets):
        found = data.values(focus, check.predicates)
        if check.min_count is not None and len(found) < check.min_count:
            yield focus, None, SH.MinCountConstraintComponent
        if check.max_count is not None and len(found) > check.max_count:
            yield focus, None, SH.MaxCountConstraintComponent
        for value in found:
            for component in _value_failures(data, check, value):
                yield focus, value, component


def _substitute(template: str, bound: dict[str, str]) -> str:
    for var, val in bound.items():  # as pySHACL does it, to give the same text
        template = re.sub(f"{{[?$]{var}}}", val, template)
    return template


def _sparql_results(store: Any, check: SparqlCheck, instances: bool = False) -> Iterator[tuple[Any, Any, str]]:
    """(focus, value, message) for every distinct solution, as pySHACL dedups them."""
    seen: set[tuple[Any, ...]] = set()
    result = store.query(check.instance_query if instances else check.query)
    names = [v.value for v in result.variables]
    for row in result:
        bound = {n: row[n] for n in names if row[n] is not None}
        focus = bound.pop("this")
        value = bound.pop("value", None)
        path = bound.pop("path", None)
        key = (focus, path, value, tuple(sorted(bound.items())))
        if key in seen:
            continue
        seen.add(key)
        text = {n: t.value for n, t in bound.items()}
        text.update({"this": focus.value, **({"path": path.value} if path is not None else {}),
                     "value": (value or focus).value})
        yield focus, value or focus, _substitute(check.message, text)


def _rdflib_node(term: Any) -> Any:
    import pyoxigraph as ox

    return BNode(term.value) if isinstance(term, ox.BlankNode) else URIRef(term.value)


def validate(graphs: Sequence[Graph | Triples], store: Any, *, default_file: str = "(graph)",
             shapes: CompiledShapes | None = None) -> Report:
    """Findings for the union of ``graphs`` (articles, registry, ontology); ``store`` holds the same triples.

    Core constraints are decided on ``data``, SPARQL constraints on ``store``: Oxigraph
    stores typed literals in canonical form (``"7"^^xsd:positiveInteger`` becomes an
    ``xsd:integer``), so a datatype test must see the original terms.
    """
    shapes = shapes or compiled()
    lookup = _Data(graphs)
    instances = lookup.instances()
    located: dict[Any, tuple[str, int | None, str | None]] = {}
    findings: list[Finding] = []

    def finding(focus: Any, value: str | None, severity: str, message: str, fix: str, shape: str, component: str,
                path: str | None) -> Finding:
        if focus not in located:
            located[focus] = _locate(_union(graphs), focus, default_file)
        file, line, claim = located[focus]
        return Finding(severity=severity, message=message, fix=fix, file=file, line=line, claim=claim,
                       focus=str(focus), shape=shape, component=component, path=path, value=value)

    for p in shapes.properties:
        findings += [finding(focus, str(value) if value is not None else None, p.severity, p.message, p.fix,
                             p.shape, str(component), p.path)
                     for focus, value, component in _property_results(lookup, p)]
    with _instances_graph(store, instances):
        for c in shapes.sparql:
            findings += [finding(_rdflib_node(focus), value.value, c.severity, message, c.fix, c.constraint,
                                 str(SH.SPARQLConstraintComponent), None)
                         for focus, value, message in _sparql_results(store, c, instances is not None)]
    return Report(sorted(findings, key=_order))


@contextlib.contextmanager
def _instances_graph(store: Any, instances: str | None) -> Iterator[None]:
    """The instances graph in ``store`` while the SPARQL constraints run; the store is left as it was given."""
    import pyoxigraph as ox

    if instances is None:
        yield
        return
    graph = ox.NamedNode(INSTANCES_GRAPH)
    store.load(instances.encode("utf-8"), format=ox.RdfFormat.N_TRIPLES, to_graph=graph)
    try:
        yield
    finally:
        store.remove_graph(graph)


def _union(graphs: Sequence[Graph | Triples]) -> Graph:
    """The graphs as one read-only rdflib graph, for locating findings (the builder's triples as a graph)."""
    plain = [g.graph() if isinstance(g, Triples) else g for g in graphs]
    return plain[0] if len(plain) == 1 else ReadOnlyGraphAggregate(plain)


def _order(f: Finding) -> tuple[str, ...]:
    return (f.file, f.focus, f.shape, f.component, f.value or "", f.message)


def store_of(ntriples: Iterable[bytes | str], *, parsed: Iterable[bytes | str] = ()) -> Any:
    """An in-memory Oxigraph store of N-Triples documents, all in the default graph.

    ``parsed``: more documents, each read by pyoxigraph's strict parser already (a
    worker's article graphs, for their Turtle), loaded without its checks (30% less CPU).
    """
    import pyoxigraph as ox

    store = ox.Store()
    # one load of the joined documents: cheaper than a load (or bulk load) per article graph
    for docs, lenient in ((ntriples, False), (parsed, True)):
        joined = b"".join(d.encode("utf-8") if isinstance(d, str) else d for d in docs)
        if joined:
            store.load(joined, format=ox.RdfFormat.N_TRIPLES, lenient=lenient)
    return store


def validate_graph(data: Graph, *, default_file: str = "(graph)", with_ontology: bool = True,
                   shapes_dir: Path | None = None) -> Report:
    """``validate.validate_graph`` (per-article shapes) through the compiled shapes."""
    from .ontology import ontology_graph

    graphs = [data, ontology_graph()] if with_ontology else [data]
    store = store_of([g.serialize(format="nt", encoding="utf-8") for g in graphs])
    return validate(graphs, store, default_file=default_file, shapes=compiled(shapes_dir))


__all__ = ["CompiledShapes", "UnsupportedShape", "compile_shapes", "compiled", "store_of", "validate",
           "validate_graph"]
