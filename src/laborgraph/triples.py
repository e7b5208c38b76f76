"""The builder's triples as it adds them, indexed once, without an rdflib store.

A build worker maps an article, serializes its graph four ways and validates it;
none of that needs rdflib's store, whose three indexes and generators cost more
than the rest of the writing (``export.rdf`` and ``shaclfast`` read this index directly).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Protocol

from rdflib import Graph, Node


class Sink(Protocol):
    """What the builder writes into: an rdflib graph, or :class:`Triples`."""

    def add(self, triple: tuple[Node, Node, Node], /) -> object: ...


class Triples:
    """A graph's triples by subject, predicate and object, each in the order first added.

    What a build worker fills instead of an rdflib graph: the writers and the compiled
    shapes read this index directly (reading a graph back through rdflib's generators
    cost about 2.5 us a triple, more than adding it), and nothing is indexed twice.
    The order is the one rdflib's ``SimpleMemory`` store keeps, so anything derived
    from either comes out the same. :meth:`graph` gives the rdflib graph when one is needed.
    """

    __slots__ = ("_graph", "spo")

    def __init__(self) -> None:
        self.spo: dict[Node, dict[Node, dict[Node, None]]] = {}
        self._graph: Graph | None = None

    def add(self, triple: tuple[Node, Node, Node], /) -> Triples:
        s, p, o = triple
        by_p = self.spo.get(s)
        if by_p is None:
            by_p = self.spo[s] = {}
        objects = by_p.get(p)
        if objects is None:
            objects = by_p[p] = {}
        objects[o] = None
        self._graph = None
        return self

    def __iter__(self) -> Iterator[tuple[Node, Node, Node]]:
        return ((s, p, o) for s, by_p in self.spo.items() for p, objects in by_p.items() for o in objects)

    def predicate_objects(self, s: Node) -> Iterator[tuple[Node, Node]]:
        return ((p, o) for p, objects in self.spo.get(s, {}).items() for o in objects)

    def __len__(self) -> int:
        return sum(len(objects) for by_p in self.spo.values() for objects in by_p.values())

    def graph(self) -> Graph:
        """The same triples in an rdflib graph (made once, on first use)."""
        if self._graph is None:
            self._graph = Graph(store="SimpleMemory")  # as build.plain_graph
            for triple in self:
                self._graph.add(triple)
        return self._graph
