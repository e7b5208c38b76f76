"""Deployment network -> one self-contained HTML page, or a static SVG/PNG figure.

The page embeds its data, styles and script (written for this project), so it
works with no network at all; its Content-Security-Policy forbids any request.
Both the page and the figure draw the story layout of ``vizlayout``: who sent
which workers (left) where (right), one edge per deployment with its date on it,
context relations lighter. The same graph always gives the same picture.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from string import Template
from typing import Any

import networkx as nx

from ..resources import asset
from .vizlayout import story_layout

# Okabe-Ito colours (safe for the common colour-vision deficiencies), each type with its own shape too.
TYPES: dict[str, tuple[str, str]] = {
    "authority": ("#D55E00", "triangle"), "worker group": ("#0072B2", "circle"), "group": ("#56B4E9", "ring"),
    "organization": ("#CC79A7", "square"), "outlet": ("#000000", "square"), "person": ("#E69F00", "diamond"),
    "country": ("#009E73", "hexagon"), "place": ("#009E73", "pin"), "event": ("#F0E442", "star"),
}
OTHER_TYPE = ("#999999", "circle")
# Relation -> category: the deployment story is drawn strong, the rest lighter and hideable by category.
CATEGORIES = {"sent": "deployment", "deployed to": "deployment", "sent from": "deployment", "timed to": "deployment",
              "controls": "control", "manages": "control", "attitude towards": "control",
              "earns more than": "work and money", "brokers between": "work and money",
              "affiliated with": "work and money", "obtains phones through": "phones and media"}
CATEGORY_ORDER = ["deployment", "control", "work and money", "phones and media", "context"]
MAX_NODES = 150  # above this, similar nodes are drawn as one aggregate
SIGNATURE_RELATIONS = {"sent", "deployed to", "sent from"}
EDGE_FIELDS = ("relation", "claims", "sources", "articles", "hedges", "indicators", "details", "earliest", "latest",
               "precision", "time_wording", "size_wording", "source_count")


def category(relation: str) -> str:
    return CATEGORIES.get(relation, "context")


def fact_id(key: str) -> str | None:
    """The node that holds an edge's fact (a deployment, a practice ...), if the key names one."""
    return key.split(" | ", 1)[1] if " | " in key else None


def date_text(d: dict[str, Any]) -> str:
    """The date as reported, with its year when the wording lacks one ("early June" -> "early June 2024")."""
    wording = d.get("time_wording") or ""
    years = sorted({d[k][:4] for k in ("earliest", "latest") if d.get(k)})
    if not wording:
        return " to ".join(d[k] for k in ("earliest", "latest") if d.get(k))
    if re.search(r"\d{4}", wording) or not years:
        return wording
    return f"{wording} {years[0]}" if len(years) == 1 else f"{wording} {years[0]}-{years[-1]}"


# ---------------------------------------------------------------- aggregation

def _aggregate(net: nx.MultiDiGraph) -> tuple[dict[str, dict[str, Any]], dict[str, str]]:
    """Nodes to draw, and each original node's drawn node: similar nodes merged when there are too many.

    Tried in turn until few enough remain: nodes of one type with the same senders and destinations;
    of one type and the same country or organisation; of one type.
    """
    def signature(n: str, level: int) -> tuple[Any, ...]:
        kind = net.nodes[n]["type"]
        if level == 2:
            return (kind,)
        near = sorted({(d["relation"], v) for _, v, d in net.out_edges(n, data=True)} |
                      {(d["relation"], u) for u, _, d in net.in_edges(n, data=True)})
        if level == 0:
            return (kind, tuple(x for x in near if x[0] in SIGNATURE_RELATIONS) or (n,))
        hubs = tuple(sorted({v for _, v in near if net.nodes[v]["type"] in ("country", "organization")}))
        return (kind, hubs or (n,))

    nodes = {n: {"label": d["label"], "type": d["type"]} for n, d in net.nodes(data=True)}
    owner = {n: n for n in nodes}
    if len(nodes) <= MAX_NODES:
        return nodes, owner
    degree = dict(net.degree())
    for level in range(3):
        groups: dict[tuple[Any, ...], list[str]] = defaultdict(list)
        for n in sorted(net.nodes):
            hub = degree[n] > 8 and net.nodes[n]["type"] in ("country", "authority", "organization")
            groups[(n,) if hub else signature(n, level)].append(n)
        if len(groups) <= MAX_NODES or level == 2:
            break
    nodes, owner = {}, {}
    for members in sorted(groups.values(), key=lambda g: g[0]):
        if len(members) == 1:
            nodes[members[0]] = {"label": net.nodes[members[0]]["label"], "type": net.nodes[members[0]]["type"]}
            owner[members[0]] = members[0]
            continue
        kind = net.nodes[members[0]]["type"]
        places = sorted({net.nodes[v]["label"] for m in members for _, v, d in net.out_edges(m, data=True)
                         if d["relation"] == "deployed to"})
        agg = f"aggregate:{members[0]}"
        hint = f" to {' and '.join(places)}" if 0 < len(places) <= 2 else ""
        nodes[agg] = {"label": f"{len(members)} {kind}s{hint}", "type": kind,
                      "members": [net.nodes[m]["label"] for m in members]}
        owner.update(dict.fromkeys(members, agg))
    return nodes, owner


def _edges(net: nx.MultiDiGraph, owner: dict[str, str]) -> list[dict[str, Any]]:
    """Drawn edges: one per network edge, or one per (ends, relation) between aggregates."""
    merged: dict[tuple[str, str, str], dict[str, Any]] = {}
    for u, v, k, d in sorted(net.edges(keys=True, data=True), key=lambda e: (e[0], e[1], e[2])):
        a, b = owner[u], owner[v]
        fact = fact_id(k)
        key = (a, b, k) if (a, b) == (u, v) else (a, b, d["relation"])
        e = merged.get(key)
        if e is None:
            merged[key] = {"source": a, "target": b, "key": k, "fact": fact, "facts": [fact or f"{u} {k} {v}"],
                           "category": category(d["relation"]), "count": 1, "origins": [(u, v, k, d)],
                           **{f: d.get(f) for f in EDGE_FIELDS}}
            continue
        e["origins"].append((u, v, k, d))
        e["count"] += 1
        e["facts"].append(fact or f"{u} {k} {v}")
        e["fact"] = None
        for f in ("claims", "sources", "articles", "hedges", "indicators", "details"):
            e[f] = sorted(set(e[f] or []) | set(d.get(f) or []))
        e["source_count"] = max(e["source_count"], d.get("source_count") or 0)
        for f, pick in (("earliest", min), ("latest", max)):
            both = [x for x in (e[f], d.get(f)) if x]
            e[f] = pick(both) if both else None
        e["time_wording"] = None
    edges = list(merged.values())
    with_destination = {e["fact"] for e in edges if e["relation"] == "deployed to" and e["fact"]}
    for e in edges:
        dated = e.get("earliest") or e.get("latest")
        shown = e["relation"] == "deployed to" or (e["fact"] or e["key"]) not in with_destination
        if e["count"] > 1:  # between aggregates: the years only, and how many relations are drawn as one
            shown = e["relation"] == "deployed to"
            span = "-".join(sorted({(e.get(f) or "?")[:4] for f in ("earliest", "latest")}))
            e["label"] = f"{e['count']}, {span}" if dated and shown else None
        else:
            e["label"] = date_text(e) if dated and shown else None
        e["bundle"] = _bundle(e["fact"], e["articles"])
        e["facts"] = sorted(set(e["facts"]))
    return edges


def _bundle(fact: str | None, articles: list[str] | None) -> tuple[str, ...] | None:
    """Edges of one reported fact share their ports and label (a fact id is unique within its articles)."""
    return (fact, *(articles or [])) if fact else None


def _timeline(net: nx.MultiDiGraph, edges: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Each dated fact of the network once (not of the drawing: aggregates keep their facts), with the
    drawn edges it dates."""
    facts: dict[tuple[Any, ...], dict[str, Any]] = {}
    for i, e in enumerate(edges):
        for u, v, k, d in e["origins"]:
            if not (d.get("earliest") or d.get("latest")):
                continue
            key = (str(_bundle(fact_id(k), d.get("articles")) or (u, v, k)), d.get("earliest"), d.get("latest"))
            name = f"{net.nodes[u]['label']} {d['relation']} {net.nodes[v]['label']}"
            fact = facts.setdefault(key, {"label": (d.get("details") or [name])[0], "earliest": d.get("earliest"),
                                          "latest": d.get("latest"), "precision": d.get("precision"),
                                          "wording": date_text(d), "edges": []})
            if i not in fact["edges"]:
                fact["edges"].append(i)
    return sorted(facts.values(), key=lambda f: (f["earliest"] or f["latest"], f["label"]))


def _d(path: list[tuple[str, tuple[float, ...]]]) -> str:
    return " ".join(f"{cmd} " + " ".join(f"{v:g}" for v in c) for cmd, c in path)


def corpus_line(net: nx.MultiDiGraph) -> str:
    """Which articles the graph was built from, for titles."""
    articles = sorted({(c["published"], c["article"]) for c in net.graph.get("evidence", {}).values()
                       if c.get("article") != "(analyst note)"})
    if len(articles) <= 2:
        return "Corpus: " + "; ".join(f"{title} ({date})" for date, title in articles)
    return f"Corpus: {len(articles)} articles, {articles[0][0]} to {articles[-1][0]}"


def view_data(net: nx.MultiDiGraph, title: str = "Worker deployment network") -> dict[str, Any]:
    """Everything the page draws, laid out: nodes with boxes, edges with paths, labels, timeline facts."""
    nodes, owner = _aggregate(net)
    edges = _edges(net, owner)
    lay = story_layout(nodes, edges)
    degree: dict[str, int] = defaultdict(int)
    for e in edges:
        degree[e["source"]] += 1
        degree[e["target"]] += 1
    out_nodes = []
    for n, d in sorted(nodes.items()):
        b = lay.nodes[n]
        out_nodes.append({"id": n, "label": d["label"], "type": d["type"], "degree": degree[n], "lines": b.lines,
                          "x": b.x, "y": b.y, "w": b.w, "h": b.h, **({"members": d["members"]} if "members" in d
                                                                       else {})})
    out_edges = []
    for e, path in zip(edges, lay.paths, strict=True):
        out_edges.append({**{k: v for k, v in e.items() if k not in ("bundle", "label", "origins")}, "d": _d(path)})
    for i, lab in enumerate(lay.labels):
        for j in lab["edges"]:
            out_edges[j]["label"] = i
    used = sorted({d["type"] for d in nodes.values()}, key=lambda t: (list(TYPES).index(t) if t in TYPES else 99, t))
    return {
        "title": title, "corpus": corpus_line(net), "width": lay.width, "height": lay.height,
        "aggregated": len(nodes) < net.number_of_nodes(), "total_nodes": net.number_of_nodes(),
        "types": [{"name": t, "colour": TYPES.get(t, OTHER_TYPE)[0], "shape": TYPES.get(t, OTHER_TYPE)[1],
                   "count": sum(1 for d in nodes.values() if d["type"] == t)} for t in used],
        "categories": [c for c in CATEGORY_ORDER if any(e["category"] == c for e in edges)],
        "hedges": sorted({h for e in edges for h in e["hedges"] or []}),
        "nodes": out_nodes, "edges": out_edges, "labels": lay.labels, "facts": _timeline(net, edges),
        "evidence": net.graph.get("evidence", {}),
    }


def _resource(name: str) -> str:
    return asset(name).decode("utf-8")


def to_html(net: nx.MultiDiGraph, title: str = "Worker deployment network") -> str:
    data = json.dumps(view_data(net, title), ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    data = data.replace("</", "<\\/")  # keep the JSON block from closing the <script> element
    about = ("Built by laborgraph from hand-written mappings of news reports. Read left to right: who sent "
             "which workers where. Edge width: independent source chains (an outlet and its informants "
             "count once). Every relation lists the claims and quotes it rests on.")
    return Template(_resource("viz.html")).substitute(
        title=title, css=_resource("viz.css"), js=_resource("viz.js"), data=data, about=about)


MARKERS = {"circle": "o", "ring": "o", "square": "s", "triangle": "^", "pin": "v", "diamond": "D", "hexagon": "h",
           "star": "*"}
DASHES: dict[str, Any] = {"deployment": "-", "control": (0, (7, 3)), "work and money": (0, (2, 3)),
                          "phones and media": (0, (9, 3, 2, 3)), "context": "-"}  # matplotlib line styles
PT = 0.72  # points per CSS px at the figure's 100 dpi


def _mpl_path(d: str) -> Any:
    from matplotlib.path import Path as MPath

    verts, codes = [], []
    tokens = d.split()
    i = 0
    while i < len(tokens):
        cmd, n = tokens[i], {"M": 2, "L": 2, "C": 6}[tokens[i]]
        nums = [float(v) for v in tokens[i + 1:i + 1 + n]]
        code = {"M": MPath.MOVETO, "L": MPath.LINETO, "C": MPath.CURVE4}[cmd]
        for j in range(0, n, 2):
            verts.append((nums[j], nums[j + 1]))
            codes.append(code)
        i += 1 + n
    return MPath(verts, codes)


def _arrowhead(path: Any, size: float = 8.0) -> list[tuple[float, float]]:
    (ax_, ay), (bx, by) = path.vertices[-2], path.vertices[-1]
    length = ((bx - ax_) ** 2 + (by - ay) ** 2) ** 0.5 or 1.0
    ux, uy = (bx - ax_) / length, (by - ay) / length
    return [(bx, by), (bx - size * ux - size * 0.45 * uy, by - size * uy + size * 0.45 * ux),
            (bx - size * ux + size * 0.45 * uy, by - size * uy - size * 0.45 * ux)]


def to_figure(net: nx.MultiDiGraph, fmt: str, title: str = "Worker deployment network") -> bytes:
    """A static SVG or PNG figure for reports: the page's layout, dated edges, a legend, title and corpus.

    One CSS pixel of the page is one pixel of the figure at 100 dpi; SVG text stays text.
    """
    import io

    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.figure import Figure
    from matplotlib.lines import Line2D
    from matplotlib.patches import FancyBboxPatch, PathPatch, Polygon

    data = view_data(net, title)
    w, h, legend_w, head = data["width"] + 20, data["height"] + 20, 250.0, 70.0
    with matplotlib.rc_context({"svg.fonttype": "none", "svg.hashsalt": "laborgraph", "font.family": "DejaVu Sans"}):
        fig = Figure(figsize=((w + legend_w) / 100, (h + head) / 100), dpi=100)
        ax = fig.add_axes((0, 0, w / (w + legend_w), h / (h + head)))
        ax.set_xlim(-10, w - 10)
        ax.set_ylim(h - 10, -10)
        ax.set_axis_off()
        for e in data["edges"]:
            path = _mpl_path(e["d"])
            light = e["category"] != "deployment"
            colour = "#8d96a3" if light else "#2b2f36"
            width = min(6.0, (1.2 if light else 1.8) + 1.2 * ((e["source_count"] or 1) - 1))
            ax.add_patch(PathPatch(path, fill=False, edgecolor=colour, linewidth=width * PT,
                                   linestyle=DASHES[e["category"]], zorder=1))
            ax.add_patch(Polygon(_arrowhead(path), closed=True, facecolor=colour, edgecolor="none", zorder=1))
        colours = {t["name"]: (t["colour"], t["shape"]) for t in data["types"]}
        for n in data["nodes"]:
            colour, shape = colours[n["type"]]
            left, top = n["x"] - n["w"] / 2, n["y"] - n["h"] / 2
            ax.add_patch(FancyBboxPatch((left, top), n["w"], n["h"], boxstyle="round,pad=0,rounding_size=6",
                                        facecolor="white", edgecolor="#8c7f00" if n["type"] == "event" else colour,
                                        linewidth=2 * PT, zorder=2))
            ax.plot([left + 15], [n["y"]], marker=MARKERS[shape], markersize=9 * PT,
                    markerfacecolor="white" if shape == "ring" else colour, markeredgecolor=colour, zorder=3)
            for j, line in enumerate(n["lines"]):
                ax.text(left + 28, top + 7 + 12.5 + 16 * j, line, fontsize=13 * PT, va="baseline", zorder=3)
        halo = {"boxstyle": "square,pad=0.05", "facecolor": "white", "edgecolor": "none", "alpha": 0.85}
        for lab in data["labels"]:
            light = all(data["edges"][j]["category"] != "deployment" for j in lab["edges"])
            ax.text(lab["x"], lab["y"], lab["text"], fontsize=12 * PT, ha="center", va="center", zorder=4,
                    fontweight="normal" if light else "bold", color="#5b6270" if light else "#1d2330",
                    bbox=halo)
        handles = [Line2D([0], [0], marker=MARKERS[t["shape"]], color="w", markersize=8,
                          markerfacecolor="white" if t["shape"] == "ring" else t["colour"],
                          markeredgecolor=t["colour"], label=t["name"]) for t in data["types"]]
        handles += [Line2D([0], [0], color="#2b2f36" if c == "deployment" else "#8d96a3", linestyle=DASHES[c],
                           label=f"{c} (relation)") for c in data["categories"]]
        fig.legend(handles=handles, loc="upper left", bbox_to_anchor=(w / (w + legend_w), h / (h + head)),
                   fontsize=9, frameon=False, title="Legend", title_fontsize=9)
        fig.text(w / (w + legend_w) + 0.005, 0.04, "edge width: independent\nsource chains; dates as\nreported "
                 "(year added\nwhen the wording has none)", fontsize=8, color="#5b6270")
        fig.text(0.01, 1 - 22 / (h + head), title, fontsize=15, fontweight="bold")
        fig.text(0.01, 1 - 48 / (h + head), data["corpus"], fontsize=9.5, color="#5b6270")
        buf = io.BytesIO()
        metadata = {"Date": None} if fmt == "svg" else {"Software": None}
        fig.savefig(buf, format=fmt, metadata=metadata, facecolor="white")
    return buf.getvalue()
