"""Network views, exports that Gephi/Cytoscape/igraph read back, and the analysis."""

import io
import json
from xml.etree import ElementTree

import igraph
import networkx as nx
import pytest
from click.testing import CliRunner

from laborgraph.build import load_and_build
from laborgraph.cli import main
from laborgraph.export.network import (
    analyze,
    deployment_network,
    rdf_multidigraph,
    to_csv,
    to_gexf,
    to_graphml,
    to_json,
)
from laborgraph.vocab import local_entity_iri

from .conftest import DATA, SEED

NEW = str(local_entity_iri(SEED, "new-workers"))
AUTHORITIES = "https://w3id.org/laborgraph/id/entity/dprk-authorities"


@pytest.fixture(scope="module")
def net(dataset):
    return deployment_network(dataset)


def test_rdf_view_mirrors_every_triple(dataset):
    from laborgraph.export import union

    mirror = rdf_multidigraph(dataset)
    assert mirror.number_of_edges() == len(union(dataset))
    assert all("predicate" in d for _, _, d in mirror.edges(data=True))


def test_sent_edge_carries_its_provenance(net):
    edges = net.get_edge_data(AUTHORITIES, NEW)
    ((_key, sent),) = edges.items()
    assert sent["relation"] == "sent"
    assert {f"{SEED}#deployment-ahead-of-summit", f"{SEED}#deployment-hundreds-early-june"} <= set(sent["claims"])
    assert sent["source_count"] == 1  # the informant and Daily NK's own voice: one source chain (docs/analysis.md)
    assert (sent["time_wording"], sent["precision"], sent["size_wording"]) == ("early June", "part of a month",
                                                                               "hundreds")
    assert any("sent hundreds of new workers" in q for q in sent["quotes"])
    assert "Daily NK source in Russia (anonymous)" in sent["sources"]


def test_node_types_are_actors_groups_places_and_events(net):
    types = {d["type"] for _, d in net.nodes(data=True)}
    assert types <= {"worker group", "group", "authority", "organization", "outlet", "person", "country",
                     "place", "event"}
    assert {"worker group", "authority", "country", "event"} <= types


def test_two_deployments_stay_two_edges(net):
    experienced = str(local_entity_iri(SEED, "experienced-workers"))
    to_russia = [d for d in net.get_edge_data(experienced, "https://w3id.org/laborgraph/id/entity/russia").values()]
    assert sorted(d.get("time_wording", "") for d in to_russia) == ["before January 2020", "early June"]


@pytest.mark.parametrize("writer", [to_graphml, to_gexf], ids=["graphml", "gexf"])
def test_files_read_back_with_networkx(net, writer):
    text = writer(net)
    reader = nx.read_graphml if writer is to_graphml else nx.read_gexf
    back = reader(io.BytesIO(text.encode()))
    assert back.number_of_nodes() == net.number_of_nodes()
    assert back.number_of_edges() == net.number_of_edges()


def test_graphml_reads_back_with_igraph(net, tmp_path):
    path = tmp_path / "net.graphml"
    path.write_text(to_graphml(net))
    g = igraph.Graph.Read_GraphML(str(path))
    assert (g.vcount(), g.ecount()) == (net.number_of_nodes(), net.number_of_edges())
    assert "North Korean authorities" in g.vs["label"]
    assert "sent" in g.es["relation"]


def test_json_is_node_link_and_csv_has_two_tables(net):
    data = json.loads(to_json(net))
    assert len(data["nodes"]) == net.number_of_nodes() and len(data["edges"]) == net.number_of_edges()
    nodes, edges = to_csv(net)
    assert nodes.splitlines()[0].startswith("id,")
    assert edges.splitlines()[0].startswith("source,target,key,")
    assert len(edges.splitlines()) == net.number_of_edges() + 1


def test_exports_are_deterministic(net, dataset):
    again = deployment_network(dataset)
    assert to_graphml(again) == to_graphml(net) and to_gexf(again) == to_gexf(net)


def test_analysis_names_brokers_and_summarises_groups(net):
    result = analyze(net)
    top = result["nodes"][0]
    assert top["type"] == "worker group" and top["betweenness"] > 0
    assert len(result["components"]) == 1
    (june,) = [g for g in result["worker_groups"] if g["group"].startswith("New military construction")]
    assert june["senders"] == ["North Korean authorities"]
    assert june["destinations"] == ["Russia", "Russian Far East"]
    assert (june["earliest"], june["latest"], june["size_min"]) == ("2024-06-01", "2024-06-10", 100.0)


@pytest.mark.parametrize("fmt", ["graphml", "gexf", "json"])
def test_network_command(fmt, tmp_path):
    out = tmp_path / f"net.{fmt}"
    result = CliRunner().invoke(main, ["network", "--data", str(DATA), "--format", fmt, "-o", str(out)])
    assert result.exit_code == 0, result.output
    read = {"graphml": nx.read_graphml, "gexf": nx.read_gexf,
            "json": lambda p: nx.node_link_graph(json.loads(p.read_text(encoding="utf-8")), edges="edges")}[fmt]
    written = read(out)
    expected = deployment_network(load_and_build(DATA)[1])
    assert (written.number_of_nodes(), written.number_of_edges()) == (expected.number_of_nodes(),
                                                                      expected.number_of_edges())


def test_network_csv_and_rdf_view(tmp_path):
    result = CliRunner().invoke(main, ["network", "--view", "rdf", "--format", "csv", "-o", str(tmp_path / "g.csv")])
    assert result.exit_code == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["g.edges.csv", "g.nodes.csv"]


def test_analyze_command_json():
    result = CliRunner().invoke(main, ["analyze", "--format", "json"])
    assert json.loads(result.output)["worker_groups"]


# ---------------------------------------------------------------- Gephi / Cytoscape / igraph safety

GEXF = "{http://gexf.net/1.3}"
GEXF_TYPES = {"integer": int, "long": int, "double": float, "float": float, "boolean": bool, "string": str}


@pytest.fixture(scope="module")
def views(dataset):
    return {"deployment": deployment_network(dataset), "rdf": rdf_multidigraph(dataset)}


def _read_back(fmt: str, net, tmp_path) -> dict[str, list[str]]:
    """The edge ids each reader sees, by reader."""
    if fmt == "graphml":
        path = tmp_path / "net.graphml"
        path.write_text(to_graphml(net))
        back = nx.read_graphml(path, force_multigraph=True)
        return {"networkx": [k for _, _, k in back.edges(keys=True)],
                "igraph": igraph.Graph.Read_GraphML(str(path)).es["edge_id"]}
    if fmt == "gexf":
        back = nx.read_gexf(io.BytesIO(to_gexf(net).encode()), version="1.3")
        return {"networkx": [d["id"] for _, _, d in back.edges(data=True)]}
    if fmt == "json":
        data = json.loads(to_json(net))
        back = nx.node_link_graph(data, edges="edges")
        ig = igraph.Graph.DictList(data["nodes"], data["edges"], directed=True, vertex_name_attr="id",
                                   edge_foreign_keys=("source", "target"))
        return {"networkx": [k for _, _, k in back.edges(keys=True)], "igraph": ig.es["key"]}
    import csv

    _nodes, edges = to_csv(net)
    rows = list(csv.DictReader(io.StringIO(edges)))
    back = nx.MultiDiGraph([(r["source"], r["target"], r["key"]) for r in rows])
    ig = igraph.Graph.TupleList(((r["source"], r["target"], r["key"]) for r in rows), directed=True,
                                edge_attrs=["key"])
    return {"networkx": [k for _, _, k in back.edges(keys=True)], "igraph": ig.es["key"]}


@pytest.mark.parametrize("fmt", ["graphml", "gexf", "json", "csv"])
@pytest.mark.parametrize("view", ["deployment", "rdf"])
def test_every_edge_survives_import_with_a_unique_id(views, view, fmt, tmp_path):
    """Gephi skips an edge whose id is taken: every reader must see every edge, each id once, no spaces."""
    net = views[view]
    keys = [k for _, _, k in net.edges(keys=True)]
    assert len(set(keys)) == len(keys) == net.number_of_edges()
    assert not any(" " in k for k in keys)
    for reader, ids in _read_back(fmt, net, tmp_path).items():
        assert sorted(ids) == sorted(keys), f"{reader} on {fmt}"


def test_edge_ids_are_stable_across_builds(views, dataset):
    again = deployment_network(dataset)
    before = sorted(k for _, _, k in views["deployment"].edges(keys=True))
    assert sorted(k for _, _, k in again.edges(keys=True)) == before


def _check_gexf_13(text: str) -> ElementTree.Element:
    """The GEXF 1.3 schema's rules this file must meet, checked structurally."""
    root = ElementTree.fromstring(text.encode())
    assert root.tag == f"{GEXF}gexf" and root.get("version") == "1.3"
    assert root.get("{http://www.w3.org/2001/XMLSchema-instance}schemaLocation") == \
        "http://gexf.net/1.3 http://gexf.net/1.3/gexf.xsd"
    assert [c.tag for c in root] == [f"{GEXF}meta", f"{GEXF}graph"]
    graph = root.find(f"{GEXF}graph")
    assert graph.get("defaultedgetype") in ("directed", "undirected", "mutual")
    children = [c.tag.removeprefix(GEXF) for c in graph]
    assert children == sorted(children, key=["attributes", "nodes", "edges"].index)  # schema order
    declared = {}
    for block in graph.findall(f"{GEXF}attributes"):
        assert block.get("class") in ("node", "edge") and block.get("mode") in ("static", "dynamic")
        for attr in block.findall(f"{GEXF}attribute"):
            assert attr.get("type") in GEXF_TYPES, attr.get("type")
            declared[(block.get("class"), attr.get("id"))] = GEXF_TYPES[attr.get("type")]
    nodes = {n.get("id") for n in graph.iter(f"{GEXF}node")}
    for kind in ("node", "edge"):
        for element in graph.iter(f"{GEXF}{kind}"):
            for value in element.iter(f"{GEXF}attvalue"):
                cast = declared[(kind, value.get("for"))]  # KeyError: attvalue of an undeclared attribute
                if cast is not str:
                    cast(value.get("value"))
    ids = [e.get("id") for e in graph.iter(f"{GEXF}edge")]
    assert len(ids) == len(set(ids))
    for edge in graph.iter(f"{GEXF}edge"):
        assert {edge.get("source"), edge.get("target")} <= nodes
        assert float(edge.get("weight")) > 0
    return graph


def test_gexf_is_dynamic_gexf_13_with_time_and_weight(net):
    from datetime import date

    graph = _check_gexf_13(to_gexf(net))
    assert (graph.get("mode"), graph.get("timeformat")) == ("dynamic", "date")
    timed = [e for e in graph.iter(f"{GEXF}edge") if e.get("start") or e.get("end")]
    assert timed
    for edge in timed:
        start, end = (date.fromisoformat(edge.get(b)) if edge.get(b) else None for b in ("start", "end"))
        assert start is None or end is None or start <= end
    sent = next(e for e in graph.iter(f"{GEXF}edge") if e.get("source") == AUTHORITIES and e.get("target") == NEW)
    assert (sent.get("start"), sent.get("end"), sent.get("weight"), sent.get("label")) == \
        ("2024-06-01", "2024-06-10", "1", "sent")
    titles = {a.get("id"): a.get("title") for a in graph.iter(f"{GEXF}attribute")}
    kept = {titles[v.get("for")]: v.get("value") for v in sent.iter(f"{GEXF}attvalue")}
    assert kept["precision"] == "part of a month" and kept["time_wording"] == "early June"


def test_rdf_view_gexf_is_valid_too(views):
    _check_gexf_13(to_gexf(views["rdf"]))


def test_graphml_declares_typed_attributes_and_weight(net):
    root = ElementTree.fromstring(to_graphml(net).encode())
    ns = "{http://graphml.graphdrawing.org/xmlns}"
    keys = {k.get("id"): (k.get("for"), k.get("attr.name"), k.get("attr.type")) for k in root.iter(f"{ns}key")}
    assert ("edge", "weight", "long") in keys.values() and ("edge", "source_count", "long") in keys.values()
    for data in root.iter(f"{ns}data"):
        assert data.get("key") in keys


def test_rdf_view_never_shares_a_literal_node(views, dataset):
    """Equal literals stay separate nodes (one per triple), so none becomes a hub."""
    from rdflib import Literal

    from laborgraph.export import union

    mirror = views["rdf"]
    literals = [n for n, d in mirror.nodes(data=True) if d["kind"] == "literal"]
    assert len(literals) == sum(1 for _, _, o in union(dataset) if isinstance(o, Literal))
    assert max(mirror.in_degree(n) for n in literals) == 1
    assert all(mirror.out_degree(n) == 0 for n in literals)
