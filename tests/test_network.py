"""Network views, exports that Gephi/Cytoscape/igraph read back, and the analysis."""

import io
import json

import igraph
import networkx as nx
import pytest
from click.testing import CliRunner

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
    assert out.stat().st_size > 1000


def test_network_csv_and_rdf_view(tmp_path):
    result = CliRunner().invoke(main, ["network", "--view", "rdf", "--format", "csv", "-o", str(tmp_path / "g.csv")])
    assert result.exit_code == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["g.edges.csv", "g.nodes.csv"]


def test_analyze_command_json():
    result = CliRunner().invoke(main, ["analyze", "--format", "json"])
    assert json.loads(result.output)["worker_groups"]
