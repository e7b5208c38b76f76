"""Deployment network -> one self-contained HTML page, or a static SVG/PNG figure.

The page embeds its data, styles and script (written for this project), so it
works with no network at all; its Content-Security-Policy forbids any request.
The layout is computed here with a fixed seed, so the same graph always gives
the same picture.
"""

from __future__ import annotations

import json
from string import Template
from typing import Any

import networkx as nx

from ..resources import asset

WIDTH, HEIGHT = 1200, 820
TYPE_COLOURS = {
    "authority": "#d1495b", "worker group": "#2e86ab", "group": "#66a5ad", "organization": "#8a6fb0",
    "outlet": "#6c757d", "person": "#f2a541", "country": "#3c9d5d", "place": "#8bc34a", "event": "#ef8354",
}


def layout(net: nx.MultiDiGraph) -> dict[str, tuple[float, float]]:
    """Deterministic positions in page coordinates."""
    simple = nx.Graph()
    simple.add_nodes_from(sorted(net.nodes))
    simple.add_edges_from(sorted((u, v) for u, v in net.edges()))
    if simple.number_of_nodes() == 0:
        return {}
    # Kamada-Kawai has no random start, so the picture depends on the graph alone.
    pos = nx.kamada_kawai_layout(simple, weight=None) if simple.number_of_nodes() > 1 else {
        n: (0.0, 0.0) for n in simple}
    xs, ys = [p[0] for p in pos.values()], [p[1] for p in pos.values()]
    span_x, span_y = (max(xs) - min(xs)) or 1.0, (max(ys) - min(ys)) or 1.0
    margin = 90
    return {n: (round(margin + (p[0] - min(xs)) / span_x * (WIDTH - 2 * margin - 160), 1),
                round(margin + (p[1] - min(ys)) / span_y * (HEIGHT - 2 * margin), 1)) for n, p in pos.items()}


def view_data(net: nx.MultiDiGraph, title: str = "Worker deployment network") -> dict[str, Any]:
    pos = layout(net)
    types = sorted({d["type"] for _, d in net.nodes(data=True)})
    nodes = [{"id": n, "label": d["label"], "type": d["type"], "degree": net.degree(n),
              "x": pos[n][0], "y": pos[n][1], "r": round(6 + 2.2 * min(net.degree(n), 10) ** 0.8, 1)}
             for n, d in sorted(net.nodes(data=True))]
    edges, seen = [], {}
    for u, v, k, d in sorted(net.edges(keys=True, data=True)):
        pair = tuple(sorted((u, v)))
        seen[pair] = seen.get(pair, -1) + 1
        rank = (seen[pair] + 1) // 2 * (1 if seen[pair] % 2 else -1)
        edges.append({"source": u, "target": v, "key": k, "rank": rank, **{
            a: d.get(a) for a in ("relation", "claims", "sources", "hedges", "indicators", "details", "earliest",
                                  "latest", "precision", "time_wording", "size_wording", "source_count")}})
    dates = sorted({e[k][:4] for e in edges for k in ("earliest", "latest") if e.get(k)})
    years = [int(dates[0]), int(dates[-1])] if dates else [2000, 2030]
    return {
        "title": title, "width": WIDTH, "height": HEIGHT, "years": years,
        "types": [{"name": t, "colour": TYPE_COLOURS.get(t, "#999999"),
                   "count": sum(1 for _, d in net.nodes(data=True) if d["type"] == t)} for t in types],
        "hedges": sorted({h for e in edges for h in e["hedges"]}),
        "nodes": nodes, "edges": edges, "evidence": net.graph.get("evidence", {}),
    }


def _resource(name: str) -> str:
    return asset(name).decode("utf-8")


def to_html(net: nx.MultiDiGraph, title: str = "Worker deployment network") -> str:
    data = json.dumps(view_data(net, title), ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    data = data.replace("</", "<\\/")  # keep the JSON block from closing the <script> element
    about = ("Built by laborgraph from hand-written mappings of news reports. Node size: number of relations; "
             "edge width: independent sources. Every relation lists the claims and quotes it rests on.")
    return Template(_resource("viz.html")).substitute(
        title=title, css=_resource("viz.css"), js=_resource("viz.js"), data=data, about=about)


def to_figure(net: nx.MultiDiGraph, fmt: str, title: str = "Worker deployment network") -> bytes:
    """A static SVG or PNG figure with labels and a legend, for reports."""
    import io

    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.lines import Line2D

    matplotlib.rcParams["svg.hashsalt"] = "laborgraph"  # stable ids inside the SVG
    pos = {n: (x, -y) for n, (x, y) in layout(net).items()}
    fig, ax = plt.subplots(figsize=(14, 9.5), dpi=110)
    ax.set_axis_off()
    ax.set_title(title)
    ax.margins(0.12)
    simple = nx.DiGraph()
    for u, v, d in sorted(net.edges(data=True), key=lambda e: (e[0], e[1])):
        label = d["relation"]
        if simple.has_edge(u, v):
            label = simple[u][v]["label"] + " / " + label
            width = max(simple[u][v]["width"], d["source_count"])
        else:
            width = d["source_count"]
        simple.add_edge(u, v, label=label, width=width)
    simple.add_nodes_from(sorted(net.nodes))
    colours = [TYPE_COLOURS.get(net.nodes[n]["type"], "#999999") for n in simple.nodes]
    sizes = [120 + 60 * net.degree(n) for n in simple.nodes]
    nx.draw_networkx_edges(simple, pos, ax=ax, width=[0.8 + 0.9 * simple[u][v]["width"] for u, v in simple.edges],
                           edge_color="#8d96a3", arrowsize=10, node_size=sizes)
    nx.draw_networkx_nodes(simple, pos, ax=ax, node_color=colours, node_size=sizes, edgecolors="white")
    nx.draw_networkx_labels(simple, pos, ax=ax, labels={n: net.nodes[n]["label"] for n in simple.nodes},
                            font_size=7)
    nx.draw_networkx_edge_labels(simple, pos, ax=ax, edge_labels=nx.get_edge_attributes(simple, "label"),
                                 font_size=6, font_color="#5b6270")
    used = sorted({net.nodes[n]["type"] for n in net.nodes})
    ax.legend(handles=[Line2D([0], [0], marker="o", color="w", markerfacecolor=TYPE_COLOURS.get(t, "#999999"),
                              markersize=9, label=t) for t in used], loc="upper left", bbox_to_anchor=(1.0, 1.0),
              fontsize=8, frameon=False, title="node type")
    buf = io.BytesIO()
    metadata = {"Date": None} if fmt == "svg" else {"Software": None}
    fig.savefig(buf, format=fmt, bbox_inches="tight", metadata=metadata)
    plt.close(fig)
    return buf.getvalue()
