"""``corpus.affected``: after a graph changes, the rules re-run for its nodes find what a full evaluation finds.

Each test swaps quads of one named graph in an Oxigraph store, as an edit swaps an article's graph,
takes ``touched`` as the cache does (every IRI the graph mentions, before and after), and compares
the recorded findings updated for ``affected(store, touched)`` with a full evaluation.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import pyoxigraph
import pytest

from laborgraph.build import build_dataset
from laborgraph.incremental.corpus import affected, merge, order, run_checks, run_constraints
from laborgraph.load import load_corpus
from laborgraph.validate import Finding, shapes_graph
from laborgraph.vocab import ID, LG, LGC, PROV, RDFS

FIXTURES = Path(__file__).parent / "fixtures" / "corroboration2"
ANONYMOUS = "SingleAnonymousSource-uncorroborated"
SOURCE_GRAPH = pyoxigraph.NamedNode(f"{ID}graph/test-sources")  # a graph holding only sources' facts


def _node(term: object) -> pyoxigraph.NamedNode | pyoxigraph.Literal:
    """An Oxigraph term as is, an IRI for anything else."""
    return term if isinstance(term, (pyoxigraph.NamedNode, pyoxigraph.Literal)) else pyoxigraph.NamedNode(str(term))


@pytest.fixture
def store() -> pyoxigraph.Store:
    ds = build_dataset(load_corpus(FIXTURES))
    out = pyoxigraph.Store()
    out.load(ds.serialize(format="nquads").encode(), format=pyoxigraph.RdfFormat.N_QUADS)
    return out


def _full(store: pyoxigraph.Store) -> list[Finding]:
    return order(run_constraints(store, shapes_graph(corpus=True)) + run_checks(store))


def _mentioned(store: pyoxigraph.Store, graph: pyoxigraph.NamedNode) -> set[str]:
    return {t.value for q in store.quads_for_pattern(None, None, None, graph)
            for t in (q.subject, q.predicate, q.object) if isinstance(t, pyoxigraph.NamedNode)}


def _edit(store: pyoxigraph.Store, graph: pyoxigraph.NamedNode, removed: Iterable[tuple[object, object, object]],
          added: Iterable[tuple[object, object, object]]) -> list[Finding]:
    """Change ``graph``; assert the findings bound to the affected nodes equal a full evaluation; return them."""
    before = _full(store)
    touched = _mentioned(store, graph)
    for s, p, o in removed:
        store.remove(pyoxigraph.Quad(_node(s), _node(p), _node(o), graph))
    for s, p, o in added:
        store.add(pyoxigraph.Quad(_node(s), _node(p), _node(o), graph))
    touched |= _mentioned(store, graph)
    focus = affected(store, touched)
    fresh = run_constraints(store, shapes_graph(corpus=True), focus) + run_checks(store, focus)
    bound = merge([f for f in before if f.focus not in focus], fresh)
    full = _full(store)
    assert bound == full
    return full


def _anonymous(findings: list[Finding]) -> set[str]:
    return {f.focus for f in findings if f.shape.endswith(ANONYMOUS)}


def _source_of(store: pyoxigraph.Store, claim: str) -> pyoxigraph.NamedNode:
    source = next(store.quads_for_pattern(_node(claim), _node(PROV.wasAttributedTo), None, None)).object
    assert isinstance(source, pyoxigraph.NamedNode)
    return source


def test_a_source_stated_in_another_graph_reaches_its_claims(store):
    """A claim's finding follows its source's kind although the claim's own graph did not change;
    with the step to the claims attributed to a source left out, the claim keeps a stale finding."""
    warned = sorted(_anonymous(_full(store)))
    assert warned  # the fixture has an uncorroborated claim of an anonymous source
    claim = warned[0]
    source = _source_of(store, claim)
    for quad in list(store.quads_for_pattern(source, None, None, None)):  # the source's facts, moved apart
        store.remove(quad)
        store.add(pyoxigraph.Quad(quad.subject, quad.predicate, quad.object, SOURCE_GRAPH))
    assert claim in _anonymous(_full(store))
    assert claim not in _mentioned(store, SOURCE_GRAPH)

    kind = (source.value, LG.sourceKind, LGC["anonymous-informant"])
    outlet = (source.value, LG.sourceKind, LGC["outlet"])
    assert claim not in _anonymous(_edit(store, SOURCE_GRAPH, [kind], [outlet]))  # the warning goes
    assert claim in _anonymous(_edit(store, SOURCE_GRAPH, [outlet], [kind]))  # and comes back
    everything = [(q.subject, q.predicate, q.object) for q in store.quads_for_pattern(None, None, None, SOURCE_GRAPH)]
    assert claim not in _anonymous(_edit(store, SOURCE_GRAPH, everything, []))  # a source no graph describes


def test_a_node_stating_no_source_fact_is_not_followed_until_it_does(store):
    """The step to the claims attributed to a node is taken only from nodes stating a kind, an identity
    or whom they informed: an analyst every coding is attributed to is a hub the rules read nothing of."""
    analyst = next(q.object for q in store.quads_for_pattern(None, _node(LG.mappedBy), None, None))
    assert isinstance(analyst, pyoxigraph.NamedNode)
    warned = sorted(_anonymous(_full(store)))
    claim = warned[0]
    graph = next(store.quads_for_pattern(_node(claim), None, None, None)).graph_name
    assert isinstance(graph, pyoxigraph.NamedNode)
    source = _source_of(store, claim)
    attributed = (claim, PROV.wasAttributedTo, analyst.value)
    _edit(store, graph, [(claim, PROV.wasAttributedTo, source.value)], [attributed])  # the analyst's claim now
    assert claim not in _anonymous(_full(store))

    see_also = (analyst.value, RDFS.seeAlso, "urn:test:elsewhere")
    assert claim not in affected(store, {analyst.value, str(RDFS.seeAlso)})  # no source fact: not followed
    _edit(store, SOURCE_GRAPH, [], [see_also])
    kind = (analyst.value, LG.sourceKind, LGC["anonymous-informant"])
    assert claim in _anonymous(_edit(store, SOURCE_GRAPH, [], [kind]))  # it states one: its claims are re-run
    assert claim in affected(store, {analyst.value})
