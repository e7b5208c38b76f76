"""A layered "story" layout for the deployment view: senders left, workers in the middle,
destinations right, with every label boxed, measured and kept clear of the others.

The page and the static figure both draw what this module computes, so they agree
and the same graph always gives the same picture. Text is measured with the
metrics of DejaVu Sans (shipped with matplotlib), the first font the page asks for;
narrower fallback fonts only leave more room.

Long: the steps of one layered drawing (columns, order, coordinates, ports, curves,
label spots) read best top to bottom in one file.

>>> nodes = {"a": {"label": "Authorities", "type": "authority"}, "w": {"label": "Workers", "type": "worker group"},
...          "r": {"label": "Russia", "type": "country"}}
>>> edges = [{"source": "a", "target": "w", "relation": "sent"}, {"source": "w", "target": "r",
...          "relation": "deployed to", "label": "June 2024"}]
>>> lay = story_layout(nodes, edges)
>>> [lay.nodes[n].layer for n in "awr"], lay.nodes["a"].x < lay.nodes["w"].x < lay.nodes["r"].x
([0, 1, 2], True)
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from functools import cache
from itertools import pairwise
from typing import Any

NODE_FONT = 13.0  # CSS px; the default view never shrinks it below 12
EDGE_FONT = 12.0
LINE_HEIGHT = 16.0
MAX_LINE = 170.0  # px of text before a label wraps
PAD_X, PAD_Y, ICON = 8.0, 7.0, 16.0
GAP = 170.0  # between columns: room for curves and date labels
SEP = 16.0  # between boxes in a column
ARC = 26.0  # how far same-column arcs bulge out

# Where the deployment relations put their ends: (column of source, column of target).
STORY = {"sent": (0, 1), "deployed to": (1, 2), "sent from": (1, 0), "timed to": (1, 2)}


@cache
def _advances(size: float) -> tuple[Any, dict[str, float]]:
    from matplotlib import font_manager
    from matplotlib.ft2font import FT2Font

    font = FT2Font(font_manager.findfont("DejaVu Sans"))
    font.set_size(size, 72)  # 72 dpi: one point is one CSS pixel
    return font, {}


def text_width(text: str, size: float = NODE_FONT) -> float:
    """Advance width in CSS px of ``text`` set in DejaVu Sans (no kerning: a slight overestimate)."""
    font, widths = _advances(size)
    total = 0.0
    for ch in text:
        if ch not in widths:
            widths[ch] = font.load_char(ord(ch)).linearHoriAdvance / 65536
        total += widths[ch]
    return total


def wrap(text: str, limit: float = MAX_LINE, size: float = NODE_FONT) -> list[str]:
    """Greedy word wrap to ``limit`` px; a word longer than the limit gets a line of its own."""
    lines: list[str] = []
    for word in text.split():
        if lines and text_width(lines[-1] + " " + word, size) <= limit:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return lines or [""]


@dataclass
class Box:
    id: str
    layer: int
    w: float
    h: float
    lines: list[str] = field(default_factory=list)
    dummy: bool = False
    x: float = 0.0  # centre
    y: float = 0.0

    @property
    def rect(self) -> tuple[float, float, float, float]:
        return (self.x - self.w / 2, self.y - self.h / 2, self.x + self.w / 2, self.y + self.h / 2)


@dataclass
class Layout:
    nodes: dict[str, Box]
    paths: list[list[tuple[str, tuple[float, ...]]]]  # per edge: ("M"|"L"|"C", coordinates)
    labels: list[dict[str, Any]]  # edge labels: text, x, y (centre), w, h, edges
    width: float
    height: float


def _layers(nodes: dict[str, dict[str, Any]], edges: list[dict[str, Any]]) -> dict[str, int]:
    """Story nodes by role; every other node one column beside the neighbour that reached it first."""
    layer: dict[str, int] = {}
    for role in (1, 0, 2):  # a worker group stays a worker group even if something is also sent to it
        for e in edges:
            ends = STORY.get(e["relation"])
            if ends:
                for node, col in zip((e["source"], e["target"]), ends, strict=True):
                    if col == role:
                        layer.setdefault(node, col)
    hi = max(2, *layer.values()) if layer else 2
    adjacent: dict[str, list[tuple[str, int]]] = defaultdict(list)
    for e in edges:
        adjacent[e["source"]].append((e["target"], 1))
        adjacent[e["target"]].append((e["source"], -1))
    degree = {n: len(adjacent[n]) for n in nodes}
    queue = sorted(layer, key=lambda n: (layer[n], n))
    while len(layer) < len(nodes):
        while queue:
            node = queue.pop(0)
            for other, step in sorted(adjacent[node]):
                if other not in layer:
                    layer[other] = min(hi, max(0, layer[node] + step))
                    queue.append(other)
        rest = sorted((n for n in nodes if n not in layer), key=lambda n: (-degree[n], n))
        if rest:  # a part of the graph with no deployment in it
            layer[rest[0]] = 0
            queue.append(rest[0])
    return layer


def _boxes(nodes: dict[str, dict[str, Any]], layer: dict[str, int]) -> dict[str, Box]:
    out = {}
    for n, d in nodes.items():
        lines = wrap(d["label"])
        w = max(text_width(line) for line in lines) + 2 * PAD_X + ICON + 4
        out[n] = Box(n, layer[n], round(w + 2, 1), len(lines) * LINE_HEIGHT + 2 * PAD_Y, lines)
    return out


def _chains(edges: list[dict[str, Any]], boxes: dict[str, Box]) -> list[list[str]]:
    """Each edge as the list of boxes it passes: its ends plus one dummy per column crossed."""
    chains = []
    for i, e in enumerate(edges):
        a, b = boxes[e["source"]].layer, boxes[e["target"]].layer
        step = 1 if b > a else -1
        chain = [e["source"]]
        for col in range(a + step, b, step) if a != b else ():
            dummy = f"\0{i}:{col}"
            boxes[dummy] = Box(dummy, col, 0.0, 6.0, dummy=True)
            chain.append(dummy)
        chains.append([*chain, e["target"]])
    return chains


def _order(boxes: dict[str, Box], chains: list[list[str]]) -> list[list[str]]:
    """Columns ordered by the barycentre heuristic (few crossings, deterministic)."""
    ncols = max(b.layer for b in boxes.values()) + 1
    cols: list[list[str]] = [[] for _ in range(ncols)]
    for key in boxes:  # insertion order: nodes in discovery order, then dummies
        cols[boxes[key].layer].append(key)
    links: dict[str, set[str]] = defaultdict(set)
    for chain in chains:
        for p, q in pairwise(chain):
            links[p].add(q)
            links[q].add(p)
    for sweep in range(8):
        rng = range(1, ncols) if sweep % 2 == 0 else range(ncols - 2, -1, -1)
        for c in rng:
            ref = c - 1 if sweep % 2 == 0 else c + 1
            pos = {k: i for i, k in enumerate(cols[ref])}
            current = {k: i for i, k in enumerate(cols[c])}

            def bary(k: str, pos: dict[str, int] = pos, current: dict[str, int] = current, size: int = len(cols[c])
                     ) -> float:
                near = [pos[o] for o in links[k] if o in pos]
                return sum(near) / len(near) * size / max(1, len(pos)) if near else current[k]

            cols[c].sort(key=lambda k: (bary(k), current[k]))
    return cols


def _isotonic(desired: list[float], gaps: list[float]) -> list[float]:
    """Positions closest to ``desired`` keeping the given minimum gaps between neighbours (PAV)."""
    offsets = [0.0]
    for g in gaps:
        offsets.append(offsets[-1] + g)
    blocks: list[list[float]] = []  # [mean, weight]
    for d, off in zip(desired, offsets, strict=True):
        blocks.append([d - off, 1.0])
        while len(blocks) > 1 and blocks[-2][0] > blocks[-1][0]:
            m2, w2 = blocks.pop()
            m1, w1 = blocks.pop()
            blocks.append([(m1 * w1 + m2 * w2) / (w1 + w2), w1 + w2])
    z = [m for m, w in blocks for _ in range(int(w))]
    return [zi + off for zi, off in zip(z, offsets, strict=True)]


def _place(boxes: dict[str, Box], cols: list[list[str]], chains: list[list[str]]) -> float:
    """x by column, y by repeated averaging of neighbours under the no-overlap constraint."""
    x = 0.0
    widths = []
    for col in cols:
        width = max((boxes[k].w for k in col), default=0.0)
        for k in col:
            boxes[k].x = x + width / 2
            if boxes[k].dummy:
                boxes[k].w = width
        widths.append(width)
        x += width + GAP
    links: dict[str, list[str]] = defaultdict(list)
    for chain in chains:
        for p, q in pairwise(chain):
            links[p].append(q)
            links[q].append(p)
    for col in cols:
        y = 0.0
        for k in col:
            boxes[k].y = y + boxes[k].h / 2
            y += boxes[k].h + SEP
    for sweep in range(12):
        for col in cols if sweep % 2 == 0 else reversed(cols):
            if not col:
                continue
            desired = [sum(boxes[o].y for o in links[k]) / len(links[k]) if links[k] else boxes[k].y for k in col]
            gaps = [(boxes[p].h + boxes[q].h) / 2 + SEP for p, q in pairwise(col)]
            for k, y in zip(col, _isotonic(desired, gaps), strict=True):
                boxes[k].y = y
    top = min(b.y - b.h / 2 for b in boxes.values())
    for b in boxes.values():
        b.y -= top
    return x - GAP


def _ports(edges: list[dict[str, Any]], chains: list[list[str]], boxes: dict[str, Box]) -> list[list[float]]:
    """y where each edge leaves and enters its boxes, spread along the side; a bundle shares one port."""
    sides: dict[tuple[str, str], dict[Any, list[float]]] = defaultdict(dict)
    ends = []
    for i, (e, chain) in enumerate(zip(edges, chains, strict=True)):
        src, nxt, prv, dst = boxes[chain[0]], boxes[chain[1]], boxes[chain[-2]], boxes[chain[-1]]
        same = src.layer == dst.layer
        out_side = "R" if same or nxt.x > src.x else "L"
        in_side = "R" if same or prv.x > dst.x else "L"
        bundle = e.get("bundle")
        out_key = ("out", bundle, e["source"]) if bundle else ("edge", i)
        in_key = ("in", bundle, e["target"]) if bundle else ("edge", i)
        sides[(chain[0], out_side)].setdefault(out_key, []).append(nxt.y)
        sides[(chain[-1], in_side)].setdefault(in_key, []).append(prv.y)
        ends.append(((chain[0], out_side, out_key), (chain[-1], in_side, in_key)))
    slot: dict[tuple[str, str, Any], float] = {}
    for (node, side), groups in sides.items():
        box = boxes[node]
        keys = sorted(groups, key=lambda k: (sum(groups[k]) / len(groups[k]), str(k)))
        step = min(10.0, (box.h - 10) / max(1, len(keys) - 1))
        for j, k in enumerate(keys):
            slot[(node, side, k)] = box.y + (j - (len(keys) - 1) / 2) * step
    out = []
    for (s_node, s_side, s_key), (t_node, t_side, t_key) in ends:
        sb, tb = boxes[s_node], boxes[t_node]
        out.append([sb.x + sb.w / 2 if s_side == "R" else sb.x - sb.w / 2, slot[(s_node, s_side, s_key)],
                    tb.x + tb.w / 2 if t_side == "R" else tb.x - tb.w / 2, slot[(t_node, t_side, t_key)]])
    return out


def _route(chain: list[str], port: list[float], boxes: dict[str, Box], col_right: dict[int, float],
           arc: float) -> list[tuple[str, tuple[float, ...]]]:
    """Horizontal-tangent cubic curves from gap to gap; straight runs through crossed columns."""
    x0, y0, x1, y1 = port
    if len(chain) == 2 and boxes[chain[0]].layer == boxes[chain[1]].layer:
        bulge = col_right[boxes[chain[0]].layer] + arc
        return [("M", (x0, y0)), ("C", (bulge, y0, bulge, y1, x1, y1))]
    points = [(x0, y0)]
    for k in chain[1:-1]:
        b = boxes[k]
        left, right = b.x - b.w / 2, b.x + b.w / 2
        points += [(left, b.y), (right, b.y)] if x1 > x0 else [(right, b.y), (left, b.y)]
    points.append((x1, y1))
    path: list[tuple[str, tuple[float, ...]]] = [("M", points[0])]
    for j in range(1, len(points)):
        (ax, ay), (bx, by) = points[j - 1], points[j]
        if j % 2 == 0 and len(points) > 2:  # through a column
            path.append(("L", (bx, by)))
        else:
            mid = (ax + bx) / 2
            path.append(("C", (mid, ay, mid, by, bx, by)))
    return path


def sample(path: list[tuple[str, tuple[float, ...]]], per_curve: int = 16) -> list[tuple[float, float]]:
    """The path as a polyline, for collision tests."""
    pts: list[tuple[float, float]] = []
    for cmd, c in path:
        if cmd in ("M", "L"):
            pts.append((c[0], c[1]))
            continue
        (ax, ay), (b1x, b1y, b2x, b2y, bx, by) = pts[-1], c
        for s in range(1, per_curve + 1):
            t = s / per_curve
            u = 1 - t
            pts.append((u ** 3 * ax + 3 * u * u * t * b1x + 3 * u * t * t * b2x + t ** 3 * bx,
                        u ** 3 * ay + 3 * u * u * t * b1y + 3 * u * t * t * b2y + t ** 3 * by))
    return pts


def _crosses(rect: tuple[float, ...], a: tuple[float, float], b: tuple[float, float]) -> bool:
    """Does segment a-b touch the rectangle? (Liang-Barsky clipping)"""
    x0, y0, x1, y1 = rect
    dx, dy = b[0] - a[0], b[1] - a[1]
    lo, hi = 0.0, 1.0
    for p, q in ((-dx, a[0] - x0), (dx, x1 - a[0]), (-dy, a[1] - y0), (dy, y1 - a[1])):
        if p == 0:
            if q < 0:
                return False
            continue
        t = q / p
        if p < 0:
            lo = max(lo, t)
        else:
            hi = min(hi, t)
        if lo > hi:
            return False
    return True


def _overlap(a: tuple[float, ...], b: tuple[float, ...]) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def _cells(rect: tuple[float, ...], size: float = 40.0) -> list[tuple[int, int]]:
    """The grid cells a rectangle touches: spots are checked against their neighbours only."""
    return [(cx, cy) for cx in range(int(rect[0] // size), int(rect[2] // size) + 1)
            for cy in range(int(rect[1] // size), int(rect[3] // size) + 1)]


class _Grid:
    """Segments of every edge, bucketed by cell."""

    def __init__(self, polylines: list[list[tuple[float, float]]]) -> None:
        self.cells: dict[tuple[int, int], list[tuple[int, tuple[float, float], tuple[float, float]]]] = \
            defaultdict(list)
        for i, pts in enumerate(polylines):
            for a, b in pairwise(pts):
                for cell in _cells((min(a[0], b[0]), min(a[1], b[1]), max(a[0], b[0]), max(a[1], b[1]))):
                    self.cells[cell].append((i, a, b))

    def crossing(self, rect: tuple[float, ...], skip: set[int], enough: float) -> int:
        """How many edges, other than those in ``skip``, cross ``rect`` (counting stops at ``enough``)."""
        out: set[int] = set()
        for cell in _cells(rect):
            for i, a, b in self.cells.get(cell, ()):
                if i not in skip and i not in out and _crosses(rect, a, b):
                    out.add(i)
                    if len(out) >= enough:
                        return len(out)
        return len(out)


class _Rects:
    """Rectangles already taken (boxes, placed labels), bucketed like ``_Grid``."""

    def __init__(self, rects: list[tuple[float, ...]]) -> None:
        self.cells: dict[tuple[int, int], list[tuple[float, ...]]] = defaultdict(list)
        for r in rects:
            self.add(r)

    def add(self, rect: tuple[float, ...]) -> None:
        for cell in _cells(rect):
            self.cells[cell].append(rect)

    def overlaps(self, rect: tuple[float, ...]) -> int:
        return len({r for cell in _cells(rect) for r in self.cells.get(cell, ())
                    if _overlap(rect, r)})


def _place_labels(edges: list[dict[str, Any]], polylines: list[list[tuple[float, float]]],
                  boxes: dict[str, Box]) -> list[dict[str, Any]]:
    """One label per bundle, at the first spot along its curve that touches nothing else."""
    groups: dict[Any, list[int]] = defaultdict(list)
    for i, e in enumerate(edges):
        if e.get("label"):
            groups[(e.get("bundle") or i, e["target"], e["label"])].append(i)
    grid = _Grid(polylines)
    taken = _Rects([b.rect for b in boxes.values() if not b.dummy])
    placed: list[dict[str, Any]] = []
    for (_, _, text), members in sorted(groups.items(), key=lambda g: (g[1][0], str(g[0]))):
        w, h = text_width(text, EDGE_FONT) + 6, EDGE_FONT + 4
        pts, skip = polylines[members[0]], set(members)
        best: tuple[float, tuple[float, float, float, float]] | None = None
        for step in range(16, 2, -1):  # nearest the arrowhead first, so the date reads with its target
            px, py = pts[min(len(pts) - 1, int(step / 20 * (len(pts) - 1)))]
            for dy in (-h / 2 - 1, h / 2 + 1, -h / 2 - 6, h / 2 + 6):
                rect = (px - w / 2, py + dy - h / 2, px + w / 2, py + dy + h / 2)
                cost = taken.overlaps(rect) * 10
                if best is not None and cost >= best[0]:
                    continue
                cost += grid.crossing(rect, skip, best[0] - cost if best else float("inf"))
                if best is None or cost < best[0]:
                    best = (cost, rect)
                if cost == 0:
                    break
            if best and best[0] == 0:
                break
        assert best is not None
        rect = best[1]
        taken.add(rect)
        placed.append({"text": text, "x": round((rect[0] + rect[2]) / 2, 1), "y": round((rect[1] + rect[3]) / 2, 1),
                       "w": round(w, 1), "h": h, "edges": members})
    return placed


def story_layout(nodes: dict[str, dict[str, Any]], edges: list[dict[str, Any]]) -> Layout:
    """Columns by role, boxes sized to their wrapped labels, curves between columns, edge labels placed.

    ``edges`` are dicts with source, target, relation and optionally ``label`` (text on the edge)
    and ``bundle`` (edges of one fact that share their ports and their label).
    """
    layer = _layers(nodes, edges)
    boxes = _boxes(dict(sorted(nodes.items(), key=lambda kv: (layer[kv[0]], kv[0]))), layer)
    chains = _chains(edges, boxes)
    cols = _order(boxes, chains)
    width = _place(boxes, cols, chains)
    col_right = {c: max(boxes[k].x + boxes[k].w / 2 for k in col) for c, col in enumerate(cols) if col}
    ports = _ports(edges, chains, boxes)
    arcs: dict[int, int] = defaultdict(int)
    paths = []
    for chain, port in zip(chains, ports, strict=True):
        col = boxes[chain[0]].layer
        same = len(chain) == 2 and col == boxes[chain[1]].layer
        paths.append(_route(chain, port, boxes, col_right, ARC + 8 * arcs[col]))
        arcs[col] += same
    polylines = [sample(p) for p in paths]
    labels = _place_labels(edges, polylines, boxes)
    real = {k: b for k, b in boxes.items() if not b.dummy}
    xs = [v for p in polylines for v, _ in p] + [v for b in real.values() for v in (b.rect[0], b.rect[2])]
    ys = [v for p in polylines for _, v in p] + [v for b in real.values() for v in (b.rect[1], b.rect[3])]
    xs += [v for lab in labels for v in (lab["x"] - lab["w"] / 2, lab["x"] + lab["w"] / 2)]
    ys += [v for lab in labels for v in (lab["y"] - lab["h"] / 2, lab["y"] + lab["h"] / 2)]
    dx, dy = -min(xs, default=0.0), -min(ys, default=0.0)
    for b in real.values():
        b.x, b.y = round(b.x + dx, 1), round(b.y + dy, 1)
    paths = [[(cmd, tuple(round(v + (dx if j % 2 == 0 else dy), 1) for j, v in enumerate(c))) for cmd, c in p]
             for p in paths]
    for lab in labels:
        lab["x"], lab["y"] = round(lab["x"] + dx, 1), round(lab["y"] + dy, 1)
    del width
    return Layout(real, paths, labels, round(max(xs, default=0.0) + dx, 1), round(max(ys, default=0.0) + dy, 1))
