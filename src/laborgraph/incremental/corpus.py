"""Corpus-wide rules and QC checks, evaluated as plain SPARQL on an Oxigraph store.

The rules in ``shapes/corpus/`` (and ``queries/checks/``) need every article at
once. pySHACL would evaluate each SHACL-SPARQL constraint once per focus node
on an rdflib graph of the whole corpus (minutes, gigabytes); here each
constraint's ``sh:select`` runs once over all its focus nodes, with ``$this``
bound by the node shape's target class, which is what SHACL-SPARQL specifies
for these SELECT-based constraints. A test checks that the findings equal
pySHACL's on the seed and on a multi-article fixture corpus.

After an edit, only the findings that can change are recomputed (``affected``):
the nodes the changed graphs mention, old and new, plus the claims that support a
statement among them or are attributed to a source among them, and the statements
about them; each rule then runs once per such node, bound through Oxigraph's
``substitutions`` (a ``VALUES`` block is not pushed into ``OPTIONAL`` by
Oxigraph's planner, a bound variable is) and written into its text, chains in
their bound form (``corroboration.bound_chains``). Tests check that edit after
edit the incremental findings equal a full evaluation.
"""

from __future__ import annotations

import heapq
import os
import re
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rdflib import Graph
from rdflib.namespace import RDF

from ..corroboration import bound_chains
from ..validate import SH, Finding
from ..vocab import LG, as_iri, claim_of, sparql_prefixes
from .forms import full_form, scanning_form

CLAIM_INFO = sparql_prefixes("lg") + """
SELECT ?c ?id ?file ?line WHERE { ?c a lg:Claim ; lg:claimId ?id . OPTIONAL { ?c lg:mappingFile ?file }
                                  OPTIONAL { ?c lg:mappingLine ?line } }"""
# The same rows read by scans and joined by hashing (``forms``): on disk, for every claim at 10,000
# synthetic articles 2.1 -> 1.0 s of CPU (and 100 MB more while it runs).
CLAIM_INFO_SCANNING = sparql_prefixes("lg") + """
SELECT ?c ?id ?file ?line WHERE { { SELECT ?c WHERE { ?c a lg:Claim } } { SELECT ?c ?id WHERE { ?c lg:claimId ?id } }
                                  OPTIONAL { { SELECT ?c ?file WHERE { ?c lg:mappingFile ?file } } }
                                  OPTIONAL { { SELECT ?c ?line WHERE { ?c lg:mappingLine ?line } } } }"""

# Nodes whose findings can change when a graph mentioning ?x changes, beyond ?x itself:
# claims supporting a statement ?x or attributed to a source ?x, statements about ?x.
NEIGHBOURS = sparql_prefixes("lg", "prov", "rdf") + """SELECT DISTINCT ?n WHERE { VALUES ?x { %s } %s }"""
_HOPS = ("?n lg:supports ?x .", "?n rdf:subject ?x .")
_ATTRIBUTED = "?n prov:wasAttributedTo ?x ; a lg:Claim ."
# All the rules read of the node a claim is attributed to: its kind (SingleAnonymousSource) and whom
# it is identified as or informed (the chains). Only a node stating one of these, or one no graph
# describes any more, can change a finding through that step (see ``affected``).
SOURCE_FACTS = frozenset(str(LG[p]) for p in ("sourceKind", "identifiedAs", "informed"))
DESCRIBED = "SELECT DISTINCT ?x ?p WHERE { VALUES ?x { %s } ?x ?p ?o }"


@dataclass(frozen=True)
class Constraint:
    iri: str
    targets: tuple[str, ...]
    severity: str
    query: str
    message: str
    fix: str
    bound: str  # ``query`` with its chain blocks in the form for a pre-bound ``$this`` (``bound_chains``)
    full: str  # ``query`` in the form for a run over every focus node (``full_form``): the same rows


def _prefixes(shapes: Graph, node: Any) -> str:
    lines = []
    for decl_owner in shapes.objects(node, SH.prefixes):
        for decl in shapes.objects(decl_owner, SH.declare):
            prefix, namespace = shapes.value(decl, SH.prefix), shapes.value(decl, SH.namespace)
            lines.append(f"PREFIX {prefix}: <{namespace}>")
    return "\n".join(sorted(lines)) + "\n"


def sparql_constraints(shapes: Graph) -> list[Constraint]:
    out = []
    for shape in sorted({as_iri(s) for s in shapes.subjects(SH.sparql, None)}):
        targets = tuple(sorted(str(t) for t in shapes.objects(shape, SH.targetClass)))
        severity = str(shapes.value(shape, SH.severity) or SH.Violation).rsplit("#", 1)[-1]
        for c in sorted(shapes.objects(shape, SH.sparql), key=str):
            select = str(shapes.value(c, SH.select)).replace("$this", "?this")
            binding = "VALUES ?cls { " + " ".join(f"<{t}>" for t in targets) + " } ?this a ?cls ."
            select = re.sub(r"WHERE\s*\{", "WHERE { " + binding, select, count=1)
            query = _prefixes(shapes, c) + select
            out.append(Constraint(str(c), targets, severity, query, str(shapes.value(c, SH.message) or ""),
                                  str(shapes.value(c, SH.description) or ""), bound_chains(query),
                                  full_form(str(c).rsplit("#", 1)[-1], query)))
    return out


def affected(store: Any, touched: Iterable[str]) -> set[str]:
    """Every node whose corpus findings may differ once graphs mentioning ``touched`` changed.

    The step from a node to the claims attributed to it is taken only from the nodes that can
    change a finding through it: those stating a kind, an identity or whom they informed (all
    the rules read of it), or described by no graph any more (a source whose article went). A
    hub that states none of these, such as the analyst every coding of the corpus is attributed
    to (10,004 of them at 10,000 synthetic articles: 0.12 s to walk), is not followed. What a
    changed graph no longer states of a node that other graphs still describe is not seen
    here: the builder states these facts only of the sources an article mints under its own
    name (``vocab.source_iri``), whose claims are in that graph, so are touched themselves.
    """
    nodes = set(touched)
    values = " ".join(f"<{n}>" for n in sorted(nodes))
    if not values:
        return nodes
    for hop in _HOPS:
        nodes.update(_value(r["n"]) for r in store.query(NEIGHBOURS % (values, hop), use_default_graph_as_union=True))
    facts = [(_value(r["x"]), _value(r["p"])) for r in store.query(DESCRIBED % values, use_default_graph_as_union=True)]
    sources = {x for x, p in facts if p in SOURCE_FACTS}
    followed = " ".join(f"<{n}>" for n in sorted(sources | (set(touched) - {x for x, _ in facts})))
    if followed:
        nodes.update(_value(r["n"]) for r in store.query(NEIGHBOURS % (followed, _ATTRIBUTED),
                                                          use_default_graph_as_union=True))
    return nodes


ONE_PASS_AFTER = 0.5  # s of CPU the remaining per-node runs of a query may cost before one corpus pass replaces them
# ... and only for this many remaining nodes or more: a corpus pass costs as much as many bound runs
# (13 for the anonymous-source rule at 3,000 synthetic articles, more as the corpus grows), so an
# edit's few claims are always cheaper bound (at 10,000 articles the pass made an edit take 39 s).
ONE_PASS_NODES = 50


# What pre-binding leaves alone: projections (up to the group they select from) and GROUP BY lists.
_PROJECTIONS = re.compile(r"SELECT\b[^{]*|GROUP BY\b[^{}]*?(?=HAVING\b|ORDER\b|LIMIT\b|OFFSET\b|\}|\Z)")


def prebound(query: str, var: str, node: str) -> str:
    """``query`` with ``?var`` replaced by ``<node>`` in every pattern and expression, nested selects included.

    SHACL's pre-binding of ``$this`` substitutes the node everywhere in a constraint's query;
    Oxigraph's ``substitutions`` binds the variable, yet a nested select that uses it was still
    evaluated for the whole corpus (SingleAnonymousSource's chains: 0.2-0.3 s a claim at 300
    articles, 0.006 s with the node in the text). Projections keep the variable: the
    substitution binds it there.

    >>> prebound("SELECT ?this WHERE { ?this a ?c { SELECT ?c WHERE { ?this ?p ?c } } }", "this", "x:a")
    'SELECT ?this WHERE { <x:a> a ?c { SELECT ?c WHERE { <x:a> ?p ?c } } }'
    """
    out, at = [], 0
    pattern, iri = re.compile(rf"[?$]{var}\b"), f"<{node}>"
    for kept in _PROJECTIONS.finditer(query):
        out += [pattern.sub(iri, query[at:kept.start()]), kept.group()]
        at = kept.end()
    return "".join([*out, pattern.sub(iri, query[at:])])


def _rows(store: Any, query: str, var: str, focus: set[str] | None, *,
          prebind: str | None = None) -> Iterator[tuple[list[str], Any]]:
    """Rows of ``query`` over the corpus, or only those with ``?var`` bound to a node of ``focus``.

    ``prebind`` (SHACL constraints: their ``bound`` text, the same rows as ``query``) is run per
    node instead, with the node substituted into its text (``prebound``).

    A bound run is cheap for most rules; one whose bound run still evaluates a corpus-wide
    sub-select would cost that for each node. So when the first node's run says the rest
    would cost more than ``ONE_PASS_AFTER`` (about one unbound run of the costliest rule at
    300 articles) and they are ``ONE_PASS_NODES`` or more, the rest come from one unbound
    run, its rows kept for the focus nodes only: the same rows, at one run's cost.
    """
    import pyoxigraph

    nodes = [None] if focus is None else sorted(focus)
    for i, node in enumerate(nodes):
        started = time.process_time()
        substitutions = {} if node is None else {pyoxigraph.Variable(var): pyoxigraph.NamedNode(node)}
        text = prebound(prebind, var, node) if prebind is not None and node is not None else query
        result = store.query(text, use_default_graph_as_union=True, substitutions=substitutions)
        variables = [v.value for v in result.variables]
        rows = list(result)
        yield from ((variables, row) for row in rows)
        rest = nodes[i + 1:]
        if len(rest) >= ONE_PASS_NODES and (time.process_time() - started) * len(rest) > ONE_PASS_AFTER:
            wanted = set(rest)
            result = store.query(query, use_default_graph_as_union=True)
            variables = [v.value for v in result.variables]
            yield from ((variables, row) for row in result if _value(row[var]) in wanted)
            return


def _claim_info(store: Any, focus: Iterable[str], on_disk: bool = False) -> dict[str, Any]:
    """File, line and claim id of each focus node that is a claim (``on_disk``: read by scans when for all)."""
    nodes = set(focus)
    scope = None if len(nodes) > 500 else nodes  # one pass over all claims beats a query per node
    query = CLAIM_INFO_SCANNING if scope is None and on_disk else CLAIM_INFO
    return {c: row for _, row in _rows(store, query, "c", scope) if (c := _value(row["c"])) in nodes}


def _key(f: Finding) -> tuple[str, str, str, str, str, int]:
    return (f.shape, f.focus, f.message, f.severity, f.file, f.line or 0)


def order(findings: Iterable[Finding]) -> list[Finding]:
    """One total order, so a full and an incremental evaluation list findings alike."""
    return sorted(findings, key=_key)


def merge(ordered: list[Finding], fresh: Iterable[Finding]) -> list[Finding]:
    """``order(ordered + fresh)`` for an already ordered list and a few fresh findings."""
    return list(heapq.merge(ordered, order(fresh), key=_key))


def _value(term: Any) -> str:
    return term.value if hasattr(term, "value") else str(term)


def _message(template: str, row: Any, variables: list[str]) -> str:
    def sub(m: re.Match[str]) -> str:
        name = m.group(1)
        if name in variables and row[name] is not None:
            return _value(row[name])
        return m.group(0)

    return re.sub(r"\{[?$](\w+)\}", sub, template)


TYPES = "SELECT ?n ?t WHERE { VALUES ?n { %s } ?n a ?t }"


def _instances(store: Any, focus: set[str] | None, targets: tuple[str, ...],
               types: dict[str, set[str]]) -> set[str] | None:
    """The focus nodes typed with one of ``targets``: the only ones a constraint's ``?this a ?cls`` binds.

    One query for the types of all focus nodes (kept in ``types``) replaces a query per node
    and constraint for the many that are not instances (registry entities, terms, concepts).
    """
    if focus is None:
        return None
    if not types and focus:
        for row in store.query(TYPES % " ".join(f"<{n}>" for n in sorted(focus)), use_default_graph_as_union=True):
            types.setdefault(_value(row["n"]), set()).add(_value(row["t"]))
    wanted = set(targets)
    return {n for n in focus if types.get(n, set()) & wanted}


def _text(c: Constraint, focus: set[str] | None, on_disk: bool) -> str:
    """The form of ``c`` to run: as written for ``focus`` nodes, else its full or (on disk) scanning form."""
    if focus is not None:
        return c.query
    return (scanning_form(c.iri.rsplit("#", 1)[-1], c.query) if on_disk else None) or c.full


def run_constraints(store: Any, shapes: Graph, focus: set[str] | None = None,
                    only: Iterable[int] | None = None, *, on_disk: bool = False) -> list[Finding]:
    """Evaluate every SPARQL constraint of ``shapes`` over the store (or for ``focus`` nodes only);
    ``only`` picks constraints by their position in ``sparql_constraints(shapes)``. ``on_disk``
    (a full pass on an on-disk store) runs their ``scanning_form`` where they have one."""
    types: dict[str, set[str]] = {}
    chosen = _pick(sparql_constraints(shapes), only)
    hits = [(c, variables, row) for c in chosen
            for variables, row in _rows(store, _text(c, focus, on_disk), "this",
                                        _instances(store, focus, c.targets, types),
                                        prebind=c.bound)]
    claims = _claim_info(store, (_value(row["this"]) for _, _, row in hits), on_disk)
    findings = []
    for c, variables, row in hits:
        focus_node = _value(row["this"])
        info = claims.get(focus_node)
        findings.append(Finding(
            severity=c.severity, message=_message(c.message, row, variables), fix=c.fix,
            file=_value(info["file"]) if info is not None and info["file"] is not None else "(corpus)",
            line=int(_value(info["line"])) if info is not None and info["line"] is not None else None,
            claim=_value(info["id"]) if info is not None else None,
            focus=focus_node, shape=c.iri, component=str(SH.SPARQLConstraintComponent)))
    return order(findings)



def _pick(items: list[Any], only: Iterable[int] | None) -> list[Any]:
    return items if only is None else [items[i] for i in sorted(set(only))]


RULES_BATCH = 250  # N-Triples files parsed per call into the rules' store
# Above this much N-Triples the full evaluation stays on the on-disk store: the in-memory
# store takes about 1.8 bytes of memory a byte of N-Triples (136 MB for 75 MB at 1,000
# synthetic articles), and a build must stay under 2 GB: at 10,000 articles (about 750 MB of
# N-Triples) that store alone would take about 1.35 GB next to the build's other 600 MB, too
# close, so the limit (about 5,000 synthetic articles) keeps such corpora on disk.
RULES_IN_MEMORY_BYTES = 400 * 2**20


def fits_in_memory(paths: Iterable[str]) -> bool:
    """Whether the graphs at ``paths`` are small enough for ``rules_store``."""
    size = 0
    for path in paths:
        size += os.stat(path).st_size
        if size > RULES_IN_MEMORY_BYTES:
            return False
    return True


def rules_store(paths: Iterable[str]) -> Any:
    """Every graph's triples in the default graph of an in-memory Oxigraph store, for evaluating the rules in full.

    The queries run with the default graph as the union of the named graphs, so
    they find the same rows on one merged graph. At 1,000 synthetic articles the
    rules and checks took 11 s of CPU on the on-disk store and 1.8 s here, plus
    1.5 s to load (about 140 MB while it lives); edits still use the on-disk store,
    bound to the few nodes an edit reaches.
    """
    import pyoxigraph

    store = pyoxigraph.Store()
    paths = list(paths)
    for i in range(0, len(paths), RULES_BATCH):
        data = b"".join(Path(path).read_bytes() for path in paths[i:i + RULES_BATCH])
        store.load(data, format=pyoxigraph.RdfFormat.N_TRIPLES)
    return store


def _check_focus(store: Any, check: Any, focus: set[str] | None) -> set[str] | None:
    """The nodes of ``focus`` that can be in ``check``'s first column (its ``# focus:`` pattern), in one query."""
    if focus is None or not check.focus or not focus:
        return focus
    rows = store.query(check.focus_query(sorted(focus)), use_default_graph_as_union=True)
    return {_value(row["focus"]) for row in rows}


def run_checks(store: Any, focus: set[str] | None = None, only: Iterable[int] | None = None, *,
               on_disk: bool = False) -> list[Finding]:
    """The QC queries (queries/checks/) on the store; every row is a violation.

    A check's first column is its focus; with ``focus`` given, only rows for those nodes.
    ``only`` picks checks by their position in ``load_checks()``. ``on_disk`` (a full pass
    on an on-disk store) runs the checks' ``scanning_form``.
    """
    from ..checks import load_checks

    hits = []
    for check in _pick(load_checks(), only):
        first = re.search(r"SELECT\s+(?:DISTINCT\s+)?\?(\w+)", check.query)
        assert first is not None, check.name
        query = (scanning_form(check.name, check.query) or check.query) if on_disk and focus is None else check.query
        for _, row in _rows(store, query, first.group(1), _check_focus(store, check, focus)):
            hits.append((check, [_value(t) if t is not None else "" for t in row]))
    claims = _claim_info(store, filter(None, (claim_of(values[0]) for _, values in hits)), on_disk)
    out = []
    for check, values in hits:
        focus_node = values[0]
        owner = claim_of(focus_node)
        info = claims.get(owner) if owner else None
        out.append(Finding(
            severity="Violation", message=f"{check.title}: " + " ".join(v.rsplit("/", 1)[-1] for v in values),
            fix=f"see queries/checks/{check.name}.rq",
            file=_value(info["file"]) if info is not None and info["file"] is not None else "(checks)",
            line=int(_value(info["line"])) if info is not None and info["line"] is not None else None,
            claim=_value(info["id"]) if info is not None else None,
            focus=focus_node, shape=f"queries/checks/{check.name}.rq", component="check"))
    return order(out)


def ontology_subset(onto: Graph) -> Graph:
    """What validation needs of the ontology: types, subclass links, domains and ranges (the
    fact-kind rule in shapes/facts.ttl) and the labels of classes its messages name; not
    definitions or concept labels."""
    from rdflib.namespace import OWL, RDFS, SDO

    g = Graph()
    for p in (RDF.type, RDFS.subClassOf, RDFS.domain, RDFS.range, SDO.domainIncludes, SDO.rangeIncludes):
        for s, o in onto.subject_objects(p):
            g.add((s, p, o))
    classes = set(onto.subjects(RDF.type, OWL.Class)) | set(onto.subjects(RDFS.subClassOf)) | set(
        onto.objects(None, RDFS.subClassOf))
    for c in classes:
        for label in onto.objects(c, RDFS.label):
            g.add((c, RDFS.label, label))
    return g


__all__ = ["affected", "fits_in_memory", "merge", "order", "rules_store", "run_checks", "run_constraints",
           "sparql_constraints"]
