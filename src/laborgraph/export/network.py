"""Graph -> networkx: a faithful RDF mirror, and the analyst's deployment network.

Long: the two views (deployment, RDF mirror) share their edge evidence, ids and writers; split
they would import each other's internals.

The deployment network has actors, worker groups, places and events as nodes,
and meaningful relations as edges (sent, deployed to, manages, brokers
between ...). Every edge carries its provenance: the claims it rests on with
their quotes, sources, articles, dates, hedges and indicator codings; several
claims for one relation become one edge with lists and a count of independent
source chains (``source_count``: laborgraph.corroboration's one definition; an
outlet and its informants are one chain, copies and republications never count
twice, outlets relaying one original are one chain) and of claims (``claim_count``:
a claim and its copy in an identical or republished text count once).

>>> from pathlib import Path
>>> from laborgraph.build import load_and_build
>>> net = deployment_network(load_and_build(Path("tests/fixtures/seed"))[1])
>>> ("sent" in {d["relation"] for _, _, d in net.edges(data=True)}, net.number_of_nodes() > 10)
(True, True)
"""

from __future__ import annotations

import hashlib
import re
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

import networkx as nx
from rdflib import Dataset, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, RDF, RDFS, SDO, SKOS

from ..corroboration import claim_chains, claim_editions
from ..vocab import LG, ORG, article_slug_of, as_iri, local_entity_iri, local_entity_of, sparql_prefixes

# Node types of the deployment network, most specific first.
NODE_TYPES: list[tuple[URIRef, str]] = [
    (LG.WorkerGroup, "worker group"), (LG.PersonGroup, "group"), (LG.StateAuthority, "authority"),
    (LG.Outlet, "outlet"), (LG.Company, "organization"), (ORG.Organization, "organization"),
    (SDO.Person, "person"), (SDO.Country, "country"), (SDO.Place, "place"),
    (LG.BorderClosure, "event"), (SDO.Event, "event"),
]

P = sparql_prefixes("lg", "schema")


@dataclass(frozen=True)
class Relation:
    """How one edge kind is found: a pattern binding ?u ?v (and ?ctx, the node that holds
    the fact) and the predicates whose statements are the edge's evidence."""

    name: str
    pattern: str
    evidence: tuple[str, ...]


RELATIONS = [
    Relation("sent", "?ctx a lg:Deployment ; lg:sentBy ?u ; lg:workers ?v .", ("sentBy", "workers")),
    Relation("deployed to", "?ctx a lg:Deployment ; lg:workers ?u ; lg:destination ?v .", ("destination",)),
    Relation("sent from", "?ctx a lg:Deployment ; lg:workers ?u ; lg:origin ?v .", ("origin",)),
    Relation("timed to", "?ctx a lg:Deployment ; lg:workers ?u ; lg:aheadOf ?v .", ("aheadOf",)),
    Relation("manages", "?u lg:manages ?v . BIND (?u AS ?ctx)", ("manages",)),
    Relation("brokers between", "?ctx lg:broker ?u ; lg:linksParty ?v .", ("broker", "linksParty")),
    Relation("affiliated with", "?u lg:affiliatedWith ?v . BIND (?u AS ?ctx)", ("affiliatedWith",)),
    Relation("subgroup of", "?u lg:subgroupOf ?v . BIND (?u AS ?ctx)", ("subgroupOf",)),
    Relation("obtains phones through", "?ctx lg:practitioner ?u ; lg:obtainedThrough ?v .", ("obtainedThrough",)),
    Relation("located in", "?u lg:locatedIn ?v . BIND (?u AS ?ctx)", ("locatedIn",)),
    Relation("controls", "?ctx lg:appliedBy ?u ; lg:appliedTo ?v .", ("appliedBy", "appliedTo")),
    Relation("attitude towards", "?ctx lg:holder ?u ; lg:target ?v .", ("holder", "target", "stance")),
    Relation("earns more than", "?ctx lg:earner ?u ; lg:contrastedWith ?v .", ("earner", "contrastedWith")),
    Relation("attended", "?v schema:attendee ?u . BIND (?v AS ?ctx)", ("attendee",)),
    Relation("closed borders", "?v lg:closedBy ?u . BIND (?v AS ?ctx)", ("closedBy",)),
    Relation("part of", "?u schema:containedInPlace ?v . BIND (?u AS ?ctx)", ("containedInPlace",)),
]


def _union(ds: Dataset | Graph) -> Graph:
    if not isinstance(ds, Dataset):
        return ds
    g = Graph()
    for ctx in ds.graphs():
        for triple in ctx:
            g.add(triple)
    return g


def _rows(g: Graph, text: str) -> list[Any]:
    """A SELECT's rows; typed loosely, since rdflib types a result row as a union of every result kind."""
    return list(g.query(text))


def _label(g: Graph, node: Any) -> str:
    value = g.value(node, RDFS.label) or g.value(node, SKOS.prefLabel)
    return str(value) if value is not None else str(node).rsplit("/", 1)[-1]


def _node_type(g: Graph, node: URIRef) -> str | None:
    types = set(g.objects(node, RDF.type))
    for cls, name in NODE_TYPES:
        if cls in types:
            return name
    return None


_KEYS = ("source_key", "copy_key")  # what counting uses, not shown as evidence


def _copy_nodes(g: Graph, editions: dict[str, str]) -> dict[URIRef, URIRef]:
    """A copy's article-local entity -> the same entity of the edition it copies (one edition, one node).

    ``editions`` is :func:`claim_editions` (claim -> "edition|quote"): an article whose claims stand
    for another edition (an identical text, a declared republication) is that edition, so its
    local entity ``workers`` is the edition's ``workers`` when the edition declares one. Its claims
    then join the original's edges, where ``claim_count`` and ``source_count`` count them once.
    """
    edition_of: dict[str, str] = {}
    for claim, key in editions.items():
        slug, edition = article_slug_of(claim), article_slug_of(key.split("|", 1)[0])
        if slug and edition and slug != edition:
            edition_of[slug] = edition
    out: dict[URIRef, URIRef] = {}
    for node in set(g.subjects(RDF.type, None)):
        parts = local_entity_of(str(node))
        if parts is None or parts[0] not in edition_of:
            continue
        original = local_entity_iri(edition_of[parts[0]], parts[1])
        if (original, RDF.type, None) in g:
            out[as_iri(node)] = original
    return out


def _evidence(g: Graph, editions: dict[str, str]) -> dict[URIRef, dict[str, Any]]:
    """What each claim or analyst note contributes to an edge's provenance."""
    out: dict[URIRef, dict[str, Any]] = {}
    q = P + """PREFIX prov: <http://www.w3.org/ns/prov#> PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
    SELECT ?c ?id ?quote ?src ?srcLabel ?kind ?outlet ?article ?published ?hedge WHERE {
      ?c a lg:Claim ; lg:claimId ?id ; lg:quote ?quote ; prov:wasAttributedTo ?src ; prov:wasDerivedFrom ?a .
      ?src rdfs:label ?srcLabel ; lg:sourceKind ?kind .
      ?a rdfs:label ?article ; schema:datePublished ?published ; schema:publisher ?outlet .
      ?c lg:hedge/skos:prefLabel ?hedge .
    }"""
    for row in _rows(g, "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> " + q):
        c = row.c
        info = out.setdefault(c, {"claim": f"{article_slug_of(str(c))}#{row.id}",
                                  "quotes": set(), "hedges": set(), "indicators": set()})
        info["quotes"].add(str(row.quote))
        info["hedges"].add(str(row.hedge))
        info["source"] = str(row.srcLabel)
        kind = str(row.kind)
        info["source_key"] = f"outlet:{row.outlet}" if kind.endswith("/outlet") else str(row.src)
        info["article"] = str(row.article)
        info["published"] = str(row.published)[:10]
        for coding in g.objects(c, LG.coding):
            info["indicators"].add(_label(g, g.value(coding, LG.indicator)))
        info["grade"] = _grade(g, row.src, c)
    for c, chain in claim_chains(g).items():  # independence: one definition, in corroboration.py
        if URIRef(c) in out:
            out[URIRef(c)]["source_key"] = chain
    for c, edition in editions.items():  # a claim and its copies in identical/republished texts: one
        if URIRef(c) in out:
            out[URIRef(c)]["copy_key"] = edition
    for note in g.subjects(RDF.type, LG.AnalystNote):
        out[as_iri(note)] = {"claim": f"note#{str(note).rsplit('/', 1)[-1]}", "quotes": {str(g.value(note, SKOS.note))},
                     "hedges": {"analyst note"}, "indicators": set(), "grade": "",
                     "source": _label(g, g.value(note, LG.cites)),
                     "source_key": f"note:{g.value(note, LG.cites)}", "copy_key": str(note),
                     "article": "(analyst note)",
                     "published": str(g.value(note, DCTERMS.date) or "")}
    return out


def _grade(g: Graph, source: Any, claim: URIRef) -> str:
    """Analyst gradings shown beside the evidence (Admiralty codes), e.g. "source C; claim 3"."""
    parts = [f"{who} {g.value(node, LG.gradeCode)}" for who, owner in (("source", source), ("claim", claim))
             for node in sorted(as_iri(n) for n in g.objects(owner, LG.grading))]
    return "; ".join(parts)


def _time(g: Graph, ctx: URIRef) -> dict[str, str]:
    t = g.value(ctx, LG.time)
    if t is None:
        return {}
    out = {"earliest": g.value(t, LG.earliest), "latest": g.value(t, LG.latest),
           "precision": _label(g, g.value(t, LG.precision)), "time_wording": g.value(t, LG.wording)}
    return {k: str(v) for k, v in out.items() if v is not None}


def _size(g: Graph, ctx: URIRef) -> dict[str, Any]:
    s = g.value(ctx, LG.size)
    if s is None:
        return {}
    low = g.value(s, SDO.minValue) or g.value(s, SDO.value)
    high = g.value(s, SDO.maxValue) or g.value(s, SDO.value)
    out: dict[str, Any] = {"size_wording": g.value(s, LG.wording)}
    if isinstance(low, Literal):
        out["size_min"] = float(low.toPython())
    if isinstance(high, Literal):
        out["size_max"] = float(high.toPython())
    return {k: (str(v) if isinstance(v, Literal) else v) for k, v in out.items() if v is not None}


def deployment_network(ds: Dataset | Graph) -> nx.MultiDiGraph:
    """The analyst's network: one edge per (source node, target node, relation)."""
    g = _union(ds)
    editions = claim_editions(g)
    evidence = _evidence(g, editions)
    same = _copy_nodes(g, editions)
    edges: dict[tuple[str, str, str], dict[str, Any]] = {}  # (u, v, key) -> attributes
    supporters: dict[tuple[URIRef, str], set[URIRef]] = defaultdict(set)
    for st in g.subjects(RDF.type, RDF.Statement):
        s, p = g.value(st, RDF.subject), g.value(st, RDF.predicate)
        for c in g.subjects(LG.supports, st):
            supporters[(as_iri(s), str(p).rsplit("#", 1)[-1].rsplit("/", 1)[-1])].add(as_iri(c))
    for rel in RELATIONS:
        for row in _rows(g, P + f"SELECT DISTINCT ?u ?v ?ctx WHERE {{ {rel.pattern} }}"):
            u, v, ctx = row.u, row.v, row.ctx
            if _node_type(g, u) is None or _node_type(g, v) is None:
                continue
            claims = set().union(*(supporters.get((ctx, p), set()) for p in rel.evidence))
            claims |= supporters.get((u, rel.evidence[0]), set()) if ctx == u else set()
            claims = {c for c in claims if c in evidence}
            if not claims:
                continue
            u, v, ctx = same.get(u, u), same.get(v, v), same.get(ctx, ctx)  # a copy's nodes are the original's
            # One fact, one edge: the same relation through two deployments stays two edges.
            key = edge_id(rel.name, u, v, None if ctx in (u, v) else ctx)
            edge = edges.setdefault((str(u), str(v), key), {"relation": rel.name, "claims": set(),
                                                           "details": set(), **_time(g, ctx), **_size(g, ctx)})
            edge["claims"] |= claims
            if ctx not in (u, v):
                edge["details"].add(_label(g, ctx))
            stance = g.value(ctx, LG.stance)
            if stance is not None and rel.name == "attitude towards":
                edge["details"].add(str(stance))
    net = nx.MultiDiGraph(name="laborgraph deployment network")
    used = {c for data in edges.values() for c in data["claims"]}
    net.graph["evidence"] = {evidence[c]["claim"]: {k: (sorted(v) if isinstance(v, set) else v)
                                                   for k, v in evidence[c].items() if k not in _KEYS}
                             for c in sorted(used, key=lambda c: evidence[c]["claim"])}
    nodes = sorted({n for key in edges for n in key[:2]})
    for n in nodes:
        node = URIRef(n)
        net.add_node(n, label=_label(g, node), type=_node_type(g, node))
    for (u, v, key), data in sorted(edges.items()):
        infos = [evidence[c] for c in sorted(data.pop("claims"), key=lambda c: evidence[c]["claim"])]
        data.update(
            claims=[i["claim"] for i in infos],
            quotes=sorted({q for i in infos for q in i["quotes"]}),
            sources=sorted({i["source"] for i in infos}),
            articles=sorted({i["article"] for i in infos}),
            published=sorted({i["published"] for i in infos}),
            hedges=sorted({h for i in infos for h in i["hedges"]}),
            indicators=sorted({x for i in infos for x in i["indicators"]}),
            details=sorted(data["details"]),
            claim_count=len({i.get("copy_key", i["claim"]) for i in infos}),  # copies of one claim: once
            source_count=len({i["source_key"] for i in infos}),
        )
        net.add_edge(u, v, key=key, **data)
    return net


def rdf_multidigraph(ds: Dataset | Graph) -> nx.MultiDiGraph:
    """Every triple as an edge (attribute ``predicate``); nodes are IRIs, and one node per literal occurrence.

    Equal literals are not merged: one ``"2024-07-15"`` shared by 80 subjects
    would become a hub and distort every centrality measure.
    """
    g = _union(ds)
    net = nx.MultiDiGraph(name="laborgraph RDF graph")
    for s, p, o in sorted(g):
        digest = _digest(s.n3(), p.n3(), o.n3())
        if str(s) not in net:
            net.add_node(str(s), kind="iri", label=_label(g, s))
        if isinstance(o, Literal):
            target = f"literal-{digest}"
            net.add_node(target, kind="literal", label=str(o), datatype=str(o.datatype or ""),
                         language=o.language or "")
        else:
            target = str(o)
            if target not in net:
                net.add_node(target, kind="iri", label=_label(g, o))
        net.add_edge(str(s), target, key=f"{_slug(_local(p))}-{digest}", predicate=str(p))
    return net


def _digest(*parts: str) -> str:
    return hashlib.sha1("\x1f".join(parts).encode("utf-8")).hexdigest()[:16]


def _local(iri: Any) -> str:
    return str(iri).rsplit("#", 1)[-1].rsplit("/", 1)[-1]


def _slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "-", text).strip("-") or "edge"


def edge_id(relation: str, u: Any, v: Any, ctx: Any = None) -> str:
    """A file-safe edge id, unique in the network and the same on every build.

    Gephi skips an edge whose id is already taken and some tools split ids on
    spaces, so the id is the relation's slug and a hash of the endpoints and the
    node that holds the fact (two deployments give two edges).

    >>> edge_id("deployed to", "x:a", "x:b")
    'deployed-to-336331d951f897c0'
    """
    return f"{_slug(relation)}-{_digest(relation, str(u), str(v), str(ctx or ''))}"


# ---------------------------------------------------------------- files

def _flat(value: Any) -> Any:
    """Attribute values GraphML and GEXF accept: lists joined, None dropped by the caller."""
    if isinstance(value, list | tuple | set):
        return "; ".join(str(v) for v in value)
    return value


def flat_copy(net: nx.MultiDiGraph) -> nx.MultiDiGraph:
    """A copy whose attributes every file format takes, with ``weight`` = number of independent sources.

    Gephi and Cytoscape read ``weight`` as edge thickness; an RDF triple weighs 1.
    """
    out = nx.MultiDiGraph(name=net.graph.get("name", ""))
    for n, data in net.nodes(data=True):
        out.add_node(n, **{k: _flat(v) for k, v in data.items() if v is not None})
    for u, v, k, data in net.edges(keys=True, data=True):
        out.add_edge(u, v, key=k, **{a: _flat(b) for a, b in data.items() if b is not None},
                     label=data.get("relation") or _local(data.get("predicate", "")),
                     weight=data.get("source_count", 1))
    return out


def to_graphml(net: nx.MultiDiGraph) -> str:
    """GraphML with typed ``<key>`` declarations; the edge id is the edge's key (unique, no spaces).

    The id is also an ``edge_id`` data value: igraph and Cytoscape keep data values
    but not the XML ``id`` of an edge.
    """
    flat = flat_copy(net)
    for _, _, k, data in flat.edges(keys=True, data=True):
        data["edge_id"] = k
    return "\n".join(nx.generate_graphml(flat)) + "\n"


def to_gexf(net: nx.MultiDiGraph) -> str:
    """GEXF 1.3: typed attributes, ``weight``, and each fact's time bounds as the edge's start and end.

    The bounds are dates (``timeformat="date"``), so Gephi's timeline can filter on
    them; their precision and the article's wording stay edge attributes.
    """
    flat = flat_copy(net)
    for _, _, k, data in flat.edges(keys=True, data=True):
        data["id"] = k
        if "earliest" in data:
            data["start"] = data["earliest"]
        if "latest" in data:
            data["end"] = data["latest"]
    text = "\n".join(nx.generate_gexf(flat, version="1.3")) + "\n"
    # networkx stamps today's date and its own version into the file (dropped: rebuilds stay
    # byte-identical) and misspells the XML Schema instance namespace for 1.3 (corrected).
    text = re.sub(r' lastmodifieddate="[^"]*"', "", text)
    text = re.sub(r"<creator>[^<]*</creator>", "<creator>laborgraph</creator>", text, count=1)
    text = text.replace('xmlns:xsi="http://w3.org/2001/XMLSchema-instance"',
                        'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"', 1)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + text


def to_json(net: nx.MultiDiGraph) -> str:
    import json

    data = nx.node_link_data(net, edges="edges")
    return json.dumps(data, indent=2, ensure_ascii=False, sort_keys=True, default=str) + "\n"


def to_csv(net: nx.MultiDiGraph) -> tuple[str, str]:
    """Node table and edge table."""
    import csv
    import io

    flat = flat_copy(net)
    node_cols = sorted({k for _, d in flat.nodes(data=True) for k in d})
    edge_cols = sorted({k for _, _, d in flat.edges(data=True) for k in d})
    nodes, edges = io.StringIO(), io.StringIO()
    w = csv.writer(nodes, lineterminator="\n")
    w.writerow(["id", *node_cols])
    w.writerows([[n, *(d.get(c, "") for c in node_cols)] for n, d in flat.nodes(data=True)])
    w = csv.writer(edges, lineterminator="\n")
    w.writerow(["source", "target", "key", *edge_cols])
    w.writerows([[u, v, k, *(d.get(c, "") for c in edge_cols)] for u, v, k, d in flat.edges(keys=True, data=True)])
    return nodes.getvalue(), edges.getvalue()


# ---------------------------------------------------------------- analysis

def analyze(net: nx.MultiDiGraph) -> dict[str, Any]:
    """Degree and betweenness (who brokers), components, and a summary per worker group."""
    simple = nx.Graph(net)
    betweenness = nx.betweenness_centrality(simple) if simple.number_of_nodes() > 2 else {}
    nodes = [{"id": n, "label": d["label"], "type": d["type"], "degree": net.degree(n),
              "betweenness": round(betweenness.get(n, 0.0), 6)} for n, d in net.nodes(data=True)]
    nodes.sort(key=lambda r: (-r["betweenness"], -r["degree"], r["label"]))
    components = sorted((sorted(net.nodes[n]["label"] for n in comp) for comp in nx.weakly_connected_components(net)),
                        key=lambda c: (-len(c), c))
    groups = []
    for n, d in sorted(net.nodes(data=True), key=lambda x: x[1]["label"]):
        if d["type"] != "worker group":
            continue
        ins = [e for e in net.in_edges(n, data=True) if e[2]["relation"] == "sent"]
        outs = [e for e in net.out_edges(n, data=True) if e[2]["relation"] == "deployed to"]
        edges = [*net.in_edges(n, data=True), *net.out_edges(n, data=True)]
        times = [e[2] for e in ins + outs]
        groups.append({
            "group": d["label"],
            "senders": sorted({net.nodes[u]["label"] for u, _, _ in ins}),
            "destinations": sorted({net.nodes[v]["label"] for _, v, _ in outs}),
            "earliest": min((t["earliest"] for t in times if "earliest" in t), default=None),
            "latest": max((t["latest"] for t in times if "latest" in t), default=None),
            "time_wording": sorted({t["time_wording"] for t in times if "time_wording" in t}),
            "size_min": max((t["size_min"] for t in times if "size_min" in t), default=None),
            "size_max": min((t["size_max"] for t in times if "size_max" in t), default=None),
            "size_wording": sorted({t["size_wording"] for t in times if "size_wording" in t}),
            "sources": len({s for e in edges for s in e[2]["sources"]}),
        })
    return {"nodes": nodes, "components": components, "worker_groups": groups}


def analysis_text(result: dict[str, Any]) -> str:
    lines = ["Nodes by betweenness (brokers first)", f"  {'betweenness':>11}  {'degree':>6}  type / label"]
    lines += [f"  {r['betweenness']:>11.4f}  {r['degree']:>6}  {r['type']} / {r['label']}" for r in result["nodes"]]
    lines.append(f"\nConnected components: {len(result['components'])}")
    lines += [f"  {len(c)} node(s): {', '.join(c[:6])}{' ...' if len(c) > 6 else ''}" for c in result["components"]]
    lines.append("\nWorker groups")
    for gsum in result["worker_groups"]:
        span = f"{gsum['earliest'] or '?'} .. {gsum['latest'] or '?'}"
        size = f"{gsum['size_min'] if gsum['size_min'] is not None else '?'}" \
               f" .. {gsum['size_max'] if gsum['size_max'] is not None else '?'}"
        lines.append(f"  {gsum['group']}\n    sent by: {', '.join(gsum['senders']) or '-'}; to: "
                     f"{', '.join(gsum['destinations']) or '-'}\n    time: {span} ({'; '.join(gsum['time_wording'])}); "
                     f"size: {size} ({'; '.join(gsum['size_wording'])}); sources: {gsum['sources']}")
    return "\n".join(lines) + "\n"


def write_network(ds: Dataset | Graph, *, view: str, fmt: str, output: Any) -> dict[Any, str]:
    """The files to write for ``laborgraph network``: path -> text."""
    from pathlib import Path

    net = deployment_network(ds) if view == "deployment" else rdf_multidigraph(ds)
    output = Path(output)
    if fmt == "csv":
        nodes, edges = to_csv(net)
        stem = output.with_suffix("")
        return {stem.with_name(stem.name + ".nodes.csv"): nodes, stem.with_name(stem.name + ".edges.csv"): edges}
    return {output: {"graphml": to_graphml, "gexf": to_gexf, "json": to_json}[fmt](net)}
