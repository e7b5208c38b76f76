"""Graph -> FollowTheMoney entities (JSON lines), for Aleph and OpenSanctions-style pipelines.

The actors, groups, places and events of the deployment network become FtM
entities; each relation becomes a relation entity (Membership, Directorship,
or UnknownLink with the relation as its role) that carries its evidence: the
quotes (``summary``), the claims (``recordId``), who said it and how hedged
(``description``), its time bounds (``startDate``/``endDate``) and the articles
as ``proof`` Documents (title, publisher, date, source URL). A Documentation
entity links each article to every entity it names. Ids are hashes of
laborgraph's IRIs, so the same graph always gives the same entities.

The entities are built and cleaned by the ``followthemoney`` package itself
(an optional dependency: ``pip install 'laborgraph[ftm]'``), so a property or
value FtM would reject fails here, not in Aleph.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from rdflib import Dataset, Graph, Literal, URIRef
from rdflib.namespace import OWL, PROV, RDF, RDFS, SDO, SKOS

from ..errors import LaborgraphError
from ..vocab import LG, ORG, WIKIDATA, article_iri
from .network import deployment_network

# laborgraph classes -> FtM schemata, most specific first. Groups of people are not
# legal persons; FtM's nearest party type is LegalEntity, and their description says so.
SCHEMATA: list[tuple[URIRef, str]] = [
    (LG.WorkerGroup, "LegalEntity"), (LG.PersonGroup, "LegalEntity"), (LG.StateAuthority, "PublicBody"),
    (LG.Outlet, "Organization"), (LG.Company, "Company"), (ORG.Organization, "Organization"),
    (SDO.Person, "Person"), (SDO.Country, "Territory"), (SDO.Place, "Territory"),
    (LG.BorderClosure, "Event"), (SDO.Event, "Event"),
]
GROUP_NOTE = "A group of people named in the article (not a legal person); laborgraph type {kind}."
ORGANIZATIONS = {"Organization", "Company", "PublicBody"}


def _model() -> Any:
    try:
        from followthemoney import model
    except ImportError:
        raise LaborgraphError("export --format ftm needs the followthemoney package: "
                              "pip install 'laborgraph[ftm]'") from None
    return model


def ftm_id(*iris: object) -> str:
    """A stable FtM id for a laborgraph IRI (or a tuple of them, for a relation).

    >>> from laborgraph.vocab import entity_iri
    >>> ftm_id(entity_iri("russia"))
    'lg-67dd5d2f0807cba58252ae95f3229cd50fb7a86c'
    """
    return "lg-" + hashlib.sha1("\x1f".join(str(i) for i in iris).encode("utf-8")).hexdigest()


def _union(ds: Dataset | Graph) -> Graph:
    if not isinstance(ds, Dataset):
        return ds
    g = Graph()
    for ctx in ds.graphs():
        for triple in ctx:
            g.add(triple)
    return g


def _schema_of(g: Graph, node: URIRef) -> str | None:
    types = set(g.objects(node, RDF.type))
    return next((schema for cls, schema in SCHEMATA if cls in types), None)


class _Builder:
    """Collects FtM proxies by id; every value goes through FtM's own cleaning."""

    def __init__(self) -> None:
        self.model = _model()
        self.entities: dict[str, Any] = {}

    def make(self, schema: str, entity_id: str) -> Any:
        if entity_id not in self.entities:
            proxy = self.model.make_entity(schema)
            proxy.id = entity_id
            self.entities[entity_id] = proxy
        return self.entities[entity_id]

    def lines(self) -> str:
        out = []
        for entity_id in sorted(self.entities):
            proxy = self.entities[entity_id]
            props = {k: sorted(v) for k, v in sorted(proxy.properties.items()) if v}
            out.append(json.dumps({"id": entity_id, "schema": proxy.schema.name, "properties": props},
                                  ensure_ascii=False, sort_keys=True))
        return "".join(line + "\n" for line in out)


def _entity(b: _Builder, g: Graph, node: URIRef, schema: str) -> str:
    proxy = b.make(schema, ftm_id(node))
    proxy.add("name", str(g.value(node, RDFS.label) or node))
    proxy.add("alias", [str(a) for a in g.objects(node, SKOS.altLabel)])
    proxy.add("sourceUrl", str(node))
    note = g.value(node, SKOS.note)
    if note is not None:
        proxy.add("description", str(note))
    if schema == "LegalEntity":
        kind = next((str(t).rsplit("#", 1)[-1] for t in g.objects(node, RDF.type) if str(t).startswith(str(LG))), "")
        proxy.add("description", GROUP_NOTE.format(kind=kind))
    for same in g.objects(node, OWL.sameAs):
        if str(same).startswith(str(WIKIDATA)):
            proxy.add("wikidataId", str(same)[len(str(WIKIDATA)):])
    if (node, RDF.type, SDO.Country) in g:
        proxy.add("country", str(g.value(node, RDFS.label)))
        proxy.add("level", "country")
    return str(proxy.id)


def _document(b: _Builder, g: Graph, article: URIRef) -> str:
    proxy = b.make("Article" if b.model.get("Article") else "Document", ftm_id(article))
    proxy.add("title", str(g.value(article, SDO.headline) or g.value(article, RDFS.label)))
    published = g.value(article, SDO.datePublished)
    if isinstance(published, Literal):
        proxy.add("publishedAt", str(published))
    outlet = g.value(article, SDO.publisher)
    if outlet is not None:
        proxy.add("publisher", str(g.value(outlet, RDFS.label) or outlet))
    url = g.value(article, SDO.url)
    if url is not None:
        proxy.add("sourceUrl", str(url))
    language = g.value(article, SDO.inLanguage)
    if language is not None:
        proxy.add("language", str(language))
    return str(proxy.id)


def _named_in(ds: Dataset | Graph, g: Graph, article: URIRef) -> set[URIRef]:
    """The nodes an article's named graph mentions (or, for a plain graph, what its claims are about)."""
    if isinstance(ds, Dataset):
        for ctx in ds.graphs():
            if (article, RDF.type, LG.Article) in ctx:
                return {t for triple in ctx for t in (triple[0], triple[2]) if isinstance(t, URIRef)}
    return {n for c in g.subjects(PROV.wasDerivedFrom, article) for n in g.objects(c, LG.about)
            if isinstance(n, URIRef)}


def _relation_schema(relation: str, subject_schema: str, object_schema: str) -> tuple[str, str, str]:
    """The FtM relation schema and its two ends' properties; UnknownLink where none fits."""
    if object_schema in ORGANIZATIONS and subject_schema != "Territory":
        if relation == "affiliated with":
            return "Membership", "member", "organization"
        if relation == "manages":
            return "Directorship", "director", "organization"
    return "UnknownLink", "subject", "object"


def ftm_entities(ds: Dataset | Graph) -> str:
    """The graph as FtM entities, one JSON object per line, sorted by id."""
    b = _Builder()
    g = _union(ds)
    net = deployment_network(g)
    evidence = net.graph["evidence"]
    articles = sorted(a for a in g.subjects(RDF.type, LG.Article) if isinstance(a, URIRef))
    documents = {a: _document(b, g, a) for a in articles}
    schemas: dict[str, str] = {}
    for node in sorted({s for s in g.subjects(RDF.type) if isinstance(s, URIRef)}):
        schema = _schema_of(g, node)
        if schema is not None:
            schemas[str(node)] = schema
            _entity(b, g, node, schema)
    for article, doc in documents.items():
        for node in sorted(_named_in(ds, g, article)):
            if str(node) in schemas:
                link = b.make("Documentation", ftm_id("documentation", article, node))
                link.add("document", doc)
                link.add("entity", ftm_id(node))
                link.add("role", "named in the article")
    for u, v, key, data in sorted(net.edges(keys=True, data=True)):
        if u not in schemas or v not in schemas:
            continue
        schema, first, second = _relation_schema(data["relation"], schemas[u], schemas[v])
        rel = b.make(schema, ftm_id("relation", key))
        rel.add(first, ftm_id(URIRef(u)))
        rel.add(second, ftm_id(URIRef(v)))
        rel.add("role", data["relation"])
        rel.add("summary", data["quotes"])
        rel.add("recordId", data["claims"])
        rel.add("description", f"laborgraph relation '{data['relation']}'; sources: {'; '.join(data['sources'])}; "
                               f"hedges: {'; '.join(data['hedges'])}; independent sources: {data['source_count']}")
        if data.get("earliest"):
            rel.add("startDate", data["earliest"])
        if data.get("latest"):
            rel.add("endDate", data["latest"])
        for claim in data["claims"]:
            slug = claim.split("#", 1)[0]
            info = evidence.get(claim, {})
            article = article_iri(slug)
            if article in documents:
                rel.add("proof", documents[article])
                url = g.value(article, SDO.url)
                if url is not None:
                    rel.add("sourceUrl", str(url))
            outlet = g.value(article, SDO.publisher)
            if outlet is not None and info:
                rel.add("publisher", str(g.value(outlet, RDFS.label) or outlet))
    return b.lines()


__all__ = ["ftm_entities", "ftm_id"]
