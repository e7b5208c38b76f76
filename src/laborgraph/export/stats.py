"""Counts an analyst checks after a build: articles, claims, entities, triples.

Sources are counted as mapped (one per article and source); ``source_chains`` counts the
independent attribution chains they form (laborgraph.corroboration, docs/analysis.md) and
``distinct_claims`` the claims once a copy in an identical or republished text is set aside.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

from rdflib import Dataset, Graph

from ..corroboration import claim_chains, claim_editions
from ..model import Corpus
from ..vocab import ONTOLOGY_GRAPH


@dataclass(frozen=True)
class Stats:
    articles: int
    claims: int
    quotes: int
    sources: int
    registry_entities: int
    article_entities: int
    analyst_notes: int
    stated_facts: int
    triples: int
    ontology_triples: int
    # Need the whole corpus graph: the full build reports them, an incremental refresh leaves them out.
    source_chains: int | None = None
    distinct_claims: int | None = None

    def as_dict(self) -> dict[str, int]:
        return {k: v for k, v in asdict(self).items() if v is not None}

    def as_text(self) -> str:
        width = max(len(k) for k in self.as_dict())
        return "\n".join(f"{k.replace('_', ' '):<{width}}  {v:>8}" for k, v in self.as_dict().items())


def corpus_stats(corpus: Corpus, ds: Dataset) -> Stats:
    arts = corpus.articles
    onto = sum(len(g) for g in ds.graphs() if g.identifier == ONTOLOGY_GRAPH)
    union = Graph()
    for g in ds.graphs():
        if g.identifier != ONTOLOGY_GRAPH:
            union += g
    return Stats(
        articles=len(arts),
        claims=sum(len(a.claims) for a in arts),
        quotes=sum(len(c.quotes) for a in arts for c in a.claims),
        sources=sum(len(a.sources) for a in arts),
        registry_entities=len(corpus.registry.entities),
        article_entities=sum(len(a.entities) for a in arts),
        analyst_notes=len(corpus.registry.notes),
        stated_facts=sum(len(c.statements) for a in arts for c in a.claims)
        + sum(len(n.statements) for n in corpus.registry.notes),
        triples=sum(len(g) for g in ds.graphs()) - onto,
        ontology_triples=onto,
        source_chains=len(set(claim_chains(union).values())),
        distinct_claims=len(set(claim_editions(union).values())),
    )
