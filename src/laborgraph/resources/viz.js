// laborgraph deployment view. Written for this project; draws the laid-out data block that
// `laborgraph viz` embeds (positions come from Python, so page and figure agree). No network access.
(function () {
  "use strict";
  const data = JSON.parse(document.getElementById("lg-data").textContent);
  const NS = "http://www.w3.org/2000/svg";
  const svg = document.getElementById("graph");
  const viewport = document.getElementById("viewport");
  const panel = document.getElementById("panel");
  const panelBody = document.getElementById("panel-body");
  const LABEL_PX = 13, MIN_LABEL_PX = 12;
  const state = { types: new Set(data.types.map((t) => t.name)), hedges: new Set(data.hedges),
                  categories: new Set(data.categories), undated: true, range: null, search: "",
                  k: 1, tx: 0, ty: 0, selected: null, matchIndex: -1 };
  const byId = new Map(data.nodes.map((n) => [n.id, n]));
  const typeInfo = new Map(data.types.map((t) => [t.name, t]));

  function el(tag, attrs, parent) {
    const node = document.createElementNS(NS, tag);
    for (const [k, v] of Object.entries(attrs || {})) node.setAttribute(k, v);
    if (parent) parent.appendChild(node);
    return node;
  }
  function html(tag, text, cls) {
    const node = document.createElement(tag);
    if (text !== undefined) node.textContent = text;
    if (cls) node.className = cls;
    return node;
  }
  const edgeName = (e) => `${byId.get(e.source).label} — ${e.relation} → ${byId.get(e.target).label}`;
  const dateOf = (e) => (e.label !== undefined ? data.labels[e.label].text : (e.time_wording || ""));

  // ---- shapes: every type has a shape as well as a colour
  function shape(kind, cx, cy, s, fill, parent) {
    const r = s / 2, pts = (list) => list.map(([x, y]) => `${cx + x * r},${cy + y * r}`).join(" ");
    const stroke = fill === "#F0E442" ? "#6b6200" : "none";
    const common = { fill: fill, stroke: stroke, "stroke-width": 1 };
    switch (kind) {
      case "ring": return el("circle", { cx: cx, cy: cy, r: r * 0.78, fill: "#fff", stroke: fill, "stroke-width": 2.5 }, parent);
      case "square": return el("rect", { x: cx - r * 0.85, y: cy - r * 0.85, width: r * 1.7, height: r * 1.7, ...common }, parent);
      case "triangle": return el("polygon", { points: pts([[0, -1], [1, 0.8], [-1, 0.8]]), ...common }, parent);
      case "pin": return el("polygon", { points: pts([[-1, -0.8], [1, -0.8], [0, 1]]), ...common }, parent);
      case "diamond": return el("polygon", { points: pts([[0, -1], [1, 0], [0, 1], [-1, 0]]), ...common }, parent);
      case "hexagon": return el("polygon", { points: pts([[-1, 0], [-0.5, -0.87], [0.5, -0.87], [1, 0], [0.5, 0.87], [-0.5, 0.87]]), ...common }, parent);
      case "star": {
        const p = [];
        for (let i = 0; i < 10; i++) {
          const a = -Math.PI / 2 + i * Math.PI / 5, rr = i % 2 ? 0.45 : 1;
          p.push([Math.cos(a) * rr, Math.sin(a) * rr]);
        }
        return el("polygon", { points: pts(p), ...common }, parent);
      }
      default: return el("circle", { cx: cx, cy: cy, r: r * 0.85, ...common }, parent);
    }
  }
  function symbol(type) {
    const t = typeInfo.get(type), s = el("svg", { class: "sym", viewBox: "0 0 12 12", "aria-hidden": "true" });
    shape(t.shape, 6, 6, 11, t.colour, s);
    return s;
  }

  // ---- drawing
  const edgeLayer = document.getElementById("edges"), nodeLayer = document.getElementById("nodes");
  const labelLayer = document.getElementById("edge-labels");
  data.edges.forEach((e, i) => {
    const light = e.category !== "deployment";
    const g = el("g", { class: "edge-group", "data-index": i }, edgeLayer);
    el("path", { class: "edge-hit", d: e.d }, g);
    const width = Math.min(6, (light ? 1.2 : 1.8) + 1.2 * ((e.source_count || 1) - 1));
    const path = el("path", { class: `edge cat-${e.category.replace(/ /g, "-")}${light ? " light" : ""}`, d: e.d,
                              "stroke-width": width, "marker-end": light ? "url(#arrow-light)" : "url(#arrow)",
                              "data-index": i }, g);
    el("title", {}, path).textContent = edgeName(e) + (dateOf(e) ? ` (${dateOf(e)})` : "");
    g.addEventListener("click", (ev) => { ev.stopPropagation(); select({ edge: i }); });
    e.elem = g;
  });
  data.labels.forEach((lab, i) => {
    const light = lab.edges.every((j) => data.edges[j].category !== "deployment");
    const t = el("text", { class: "edge-label" + (light ? " light" : ""), x: lab.x, y: lab.y, "text-anchor": "middle",
                           "dominant-baseline": "central", "data-edges": lab.edges.join(" ") }, labelLayer);
    t.textContent = lab.text;
    lab.elem = t;
  });
  data.nodes.forEach((n) => {
    const t = typeInfo.get(n.type), left = n.x - n.w / 2, top = n.y - n.h / 2;
    const g = el("g", { class: "node" + (n.members ? " aggregate" : ""), "data-id": n.id, "data-type": n.type,
                        role: "button", tabindex: "-1",
                        "aria-label": `${n.label}, ${n.type}, ${n.degree} relation(s)` }, nodeLayer);
    el("rect", { class: "box", x: left, y: top, width: n.w, height: n.h, rx: 6,
                 stroke: n.type === "event" ? "#8c7f00" : t.colour }, g);
    shape(t.shape, left + 8 + 7, n.y, 12, t.colour, g);
    const text = el("text", { class: "node-label", x: left + 8 + 16 + 4, y: top + 7 + 12.5, "data-node": n.id }, g);
    n.lines.forEach((line, j) => {
      const span = el("tspan", { x: left + 28, dy: j ? 16 : 0 }, text);
      span.textContent = line;
    });
    el("title", {}, g).textContent = `${n.label} (${n.type})`;
    g.addEventListener("click", (ev) => { ev.stopPropagation(); select({ node: n.id }); });
    n.elem = g;
    n.text = text;
  });
  // A fallback font wider than the one measured in Python is squeezed into the box, never spilled.
  data.nodes.forEach((n) => {
    [...n.text.children].forEach((span) => {
      const room = n.w - 28 - 6;
      if (span.getComputedTextLength() > room) {
        span.setAttribute("textLength", room);
        span.setAttribute("lengthAdjust", "spacingAndGlyphs");
      }
    });
  });

  // ---- zoom and pan
  function stageSize() { const r = svg.getBoundingClientRect(); return { w: r.width, h: r.height }; }
  function setView(k, tx, ty) {
    state.k = k; state.tx = tx; state.ty = ty;
    viewport.setAttribute("transform", `translate(${tx.toFixed(2)},${ty.toFixed(2)}) scale(${k.toFixed(4)})`);
    svg.setAttribute("data-k", k.toFixed(4));
    svg.setAttribute("data-tx", tx.toFixed(1));
    svg.setAttribute("data-ty", ty.toFixed(1));
  }
  function zoomAt(factor, px, py) {
    const k = Math.max(0.05, Math.min(8, state.k * factor)), f = k / state.k;
    setView(k, px - (px - state.tx) * f, py - (py - state.ty) * f);
  }
  function visibleBox() {
    let x0 = Infinity, y0 = Infinity, x1 = -Infinity, y1 = -Infinity;
    data.nodes.forEach((n) => {
      if (n.hidden) return;
      x0 = Math.min(x0, n.x - n.w / 2); x1 = Math.max(x1, n.x + n.w / 2);
      y0 = Math.min(y0, n.y - n.h / 2); y1 = Math.max(y1, n.y + n.h / 2);
    });
    data.labels.forEach((l) => {
      if (l.hidden) return;
      x0 = Math.min(x0, l.x - l.w / 2); x1 = Math.max(x1, l.x + l.w / 2);
      y0 = Math.min(y0, l.y - l.h / 2); y1 = Math.max(y1, l.y + l.h / 2);
    });
    return x0 === Infinity ? null : { x0: x0, y0: y0, x1: x1, y1: y1 };
  }
  // Fit what is shown; `legible` keeps node labels at 12 px or more (the view then centres instead).
  function fit(legible) {
    const box = visibleBox(), s = stageSize();
    if (!box || !s.w) return;
    const m = 24, bw = box.x1 - box.x0 + 2 * m, bh = box.y1 - box.y0 + 2 * m;
    let k = Math.min(s.w / bw, s.h / bh, 2.2);
    if (legible) k = Math.max(k, MIN_LABEL_PX / LABEL_PX);
    setView(k, s.w / 2 - k * (box.x0 + box.x1) / 2, s.h / 2 - k * (box.y0 + box.y1) / 2);
  }
  function centreOn(x, y) {
    const s = stageSize(), k = Math.max(state.k, 1);
    setView(k, s.w / 2 - k * x, s.h / 2 - k * y);
  }
  svg.addEventListener("wheel", (ev) => {
    ev.preventDefault();
    const r = svg.getBoundingClientRect();
    zoomAt(Math.exp(-ev.deltaY * (ev.ctrlKey ? 0.01 : 0.0015)), ev.clientX - r.left, ev.clientY - r.top);
  }, { passive: false });
  const pointers = new Map();
  let drag = null;
  svg.addEventListener("pointerdown", (ev) => {
    pointers.set(ev.pointerId, { x: ev.clientX, y: ev.clientY });
    drag = { x: ev.clientX, y: ev.clientY, moved: false, target: ev.target };
  });
  svg.addEventListener("pointermove", (ev) => {
    if (!pointers.has(ev.pointerId) || !drag) return;
    const prev = pointers.get(ev.pointerId);
    if (pointers.size === 2) {  // pinch: scale by the change in distance between the two fingers
      const other = [...pointers.entries()].find(([id]) => id !== ev.pointerId)[1];
      const before = Math.hypot(prev.x - other.x, prev.y - other.y);
      const after = Math.hypot(ev.clientX - other.x, ev.clientY - other.y);
      const r = svg.getBoundingClientRect();
      if (before > 0) zoomAt(after / before, (ev.clientX + other.x) / 2 - r.left, (ev.clientY + other.y) / 2 - r.top);
    } else {
      setView(state.k, state.tx + ev.clientX - prev.x, state.ty + ev.clientY - prev.y);
    }
    pointers.set(ev.pointerId, { x: ev.clientX, y: ev.clientY });
    if (!drag.moved && Math.hypot(ev.clientX - drag.x, ev.clientY - drag.y) > 3) {
      drag.moved = true;  // captured only now, so a plain click still reaches the node or edge under it
      svg.setPointerCapture(ev.pointerId);
      svg.classList.add("panning");
    }
  });
  function endPointer(ev) {
    pointers.delete(ev.pointerId);
    svg.classList.remove("panning");
    if (drag && !drag.moved && pointers.size === 0 && (drag.target === svg)) clearSelection();
    if (pointers.size === 0) drag = null;
  }
  svg.addEventListener("pointerup", endPointer);
  svg.addEventListener("pointercancel", endPointer);
  // A click that ended a pan is not a selection.
  svg.addEventListener("click", (ev) => { if (drag && drag.moved) ev.stopPropagation(); }, true);
  svg.addEventListener("keydown", (ev) => {
    const s = stageSize(), step = 60;
    const moves = { ArrowLeft: [step, 0], ArrowRight: [-step, 0], ArrowUp: [0, step], ArrowDown: [0, -step] };
    if (moves[ev.key]) setView(state.k, state.tx + moves[ev.key][0], state.ty + moves[ev.key][1]);
    else if (ev.key === "+" || ev.key === "=") zoomAt(1.25, s.w / 2, s.h / 2);
    else if (ev.key === "-" || ev.key === "_") zoomAt(0.8, s.w / 2, s.h / 2);
    else if (ev.key === "0") fit(false);
    else if (ev.key === "Escape") clearSelection();
    else return;
    ev.preventDefault();
  });
  document.getElementById("fit").addEventListener("click", () => fit(false));
  document.getElementById("zoom-in").addEventListener("click", () => { const s = stageSize(); zoomAt(1.25, s.w / 2, s.h / 2); });
  document.getElementById("zoom-out").addEventListener("click", () => { const s = stageSize(); zoomAt(0.8, s.w / 2, s.h / 2); });

  // ---- selection: the neighbourhood stays, the rest dims; the list follows
  const listItems = new Map();  // "n:<id>" / "e:<index>" -> button
  function clearSelection() {
    state.selected = null;
    svg.classList.remove("focus");
    svg.querySelectorAll(".near, .selected").forEach((x) => x.classList.remove("near", "selected"));
    listItems.forEach((b) => b.setAttribute("aria-selected", "false"));
    panel.hidden = true;
  }
  function select(what, opts) {
    clearSelection();
    state.selected = what;
    svg.classList.add("focus");
    const near = new Set(), edges = [];
    if (what.node !== undefined) {
      near.add(what.node);
      data.edges.forEach((e, i) => {
        if (!e.hidden && (e.source === what.node || e.target === what.node)) {
          edges.push(i); near.add(e.source); near.add(e.target);
        }
      });
      byId.get(what.node).elem.classList.add("selected");
    } else {
      const e = data.edges[what.edge];
      edges.push(what.edge); near.add(e.source); near.add(e.target);
      e.elem.classList.add("selected");
    }
    near.forEach((id) => byId.get(id).elem.classList.add("near"));
    edges.forEach((i) => {
      data.edges[i].elem.classList.add("near");
      if (data.edges[i].label !== undefined) data.labels[data.edges[i].label].elem.classList.add("near");
    });
    const key = what.node !== undefined ? `n:${what.node}` : `e:${what.edge}`;
    const item = listItems.get(key);
    if (item) {
      item.setAttribute("aria-selected", "true");
      if (!(opts && opts.fromList)) item.scrollIntoView({ block: "nearest" });
    }
    if (what.node !== undefined) showNode(what.node); else showEdge(what.edge);
    if (opts && opts.centre) {
      const n = what.node !== undefined ? byId.get(what.node) : null;
      if (n) centreOn(n.x, n.y);
      else {
        const e = data.edges[what.edge], a = byId.get(e.source), b = byId.get(e.target);
        centreOn((a.x + b.x) / 2, (a.y + b.y) / 2);
      }
    }
  }
  svg.addEventListener("click", (ev) => { if (ev.target === svg) clearSelection(); });

  // ---- details panel
  function evidenceList(claims) {
    const box = html("div"), limit = 30;
    claims.slice(0, limit).forEach((key) => {
      const c = data.evidence[key];
      if (!c) return;
      const item = html("div", undefined, "claim");
      item.appendChild(html("div", key, "meta"));
      c.quotes.forEach((q) => item.appendChild(html("blockquote", q)));
      item.appendChild(html("div", `Source: ${c.source}`));
      item.appendChild(html("div", `Article: ${c.article} (${c.published})`));
      const tags = html("div");
      c.hedges.forEach((h) => tags.appendChild(html("span", h, "tag hedge")));
      c.indicators.forEach((x) => tags.appendChild(html("span", `ILO: ${x}`, "tag indicator")));
      item.appendChild(tags);
      box.appendChild(item);
    });
    if (claims.length > limit) box.appendChild(html("p", `and ${claims.length - limit} more claims`, "meta"));
    return box;
  }
  function openPanel(children) {
    panelBody.replaceChildren(...children);
    panel.hidden = false;
  }
  function showEdge(i) {
    const e = data.edges[i], out = [html("h2", edgeName(e))];
    const when = e.earliest || e.latest
      ? `${e.time_wording || dateOf(e)} (${e.precision || "range"}; ${e.earliest || "?"} to ${e.latest || "?"})` : "no date";
    out.push(html("div", `When: ${when}`, "meta"));
    if (e.size_wording) out.push(html("div", `How many: ${e.size_wording}`, "meta"));
    if (e.details && e.details.length) out.push(html("div", `Part of: ${e.details.join("; ")}`, "meta"));
    if (e.count > 1) out.push(html("div", `${e.count} relations drawn as one`, "meta"));
    out.push(html("div", `${e.claims.length} claim(s), ${e.source_count} independent source chain(s)`, "meta"));
    out.push(evidenceList(e.claims));
    openPanel(out);
  }
  function showNode(id) {
    const n = byId.get(id), out = [html("h2", n.label), html("div", `${n.type}; ${n.degree} relation(s)`, "meta")];
    if (n.members) out.push(html("div", `Drawn as one: ${n.members.slice(0, 40).join("; ")}${n.members.length > 40 ? " ..." : ""}`, "meta"));
    const claims = new Set();
    data.edges.forEach((e) => {
      if (e.source !== id && e.target !== id) return;
      out.push(html("div", edgeName(e) + (dateOf(e) ? ` (${dateOf(e)})` : "")));
      e.claims.forEach((c) => claims.add(c));
    });
    out.push(evidenceList([...claims].sort()));
    openPanel(out);
  }
  document.getElementById("close-panel").addEventListener("click", clearSelection);

  // ---- list view (keyboard access to every node and relation)
  const list = document.getElementById("list");
  const typeRank = new Map(data.types.map((t, i) => [t.name, i]));
  const sortedNodes = [...data.nodes].sort((a, b) => (typeRank.get(a.type) - typeRank.get(b.type)) || a.label.localeCompare(b.label));
  sortedNodes.forEach((n) => {
    const li = html("li"), btn = html("button", undefined, "item node-item");
    btn.type = "button";
    btn.dataset.id = n.id;
    btn.setAttribute("aria-label", `${n.type}: ${n.label}, ${n.degree} relation(s)`);
    btn.setAttribute("aria-selected", "false");
    btn.append(symbol(n.type), n.label);
    btn.addEventListener("click", () => select({ node: n.id }, { centre: true, fromList: true }));
    btn.addEventListener("focus", () => select({ node: n.id }, { centre: true, fromList: true }));
    listItems.set(`n:${n.id}`, btn);
    li.appendChild(btn);
    const sub = html("ul");
    data.edges.forEach((e, i) => {
      if (e.source !== n.id) return;
      const eli = html("li"), eb = html("button", `→ ${e.relation} ${byId.get(e.target).label}${dateOf(e) ? ` (${dateOf(e)})` : ""}`, "item edge-item");
      eb.type = "button";
      eb.dataset.index = i;
      eb.setAttribute("aria-label", `relation: ${edgeName(e)}${dateOf(e) ? `, ${dateOf(e)}` : ""}`);
      eb.setAttribute("aria-selected", "false");
      eb.addEventListener("click", () => select({ edge: i }, { centre: true, fromList: true }));
      eb.addEventListener("focus", () => select({ edge: i }, { centre: true, fromList: true }));
      listItems.set(`e:${i}`, eb);
      eli.appendChild(eb);
      sub.appendChild(eli);
    });
    li.appendChild(sub);
    list.appendChild(li);
    n.li = li;
  });
  list.addEventListener("keydown", (ev) => {
    if (!["ArrowDown", "ArrowUp", "Home", "End"].includes(ev.key)) return;
    const items = [...list.querySelectorAll(".item")].filter((b) => b.offsetParent !== null);
    const at = items.indexOf(document.activeElement);
    let to = ev.key === "ArrowDown" ? at + 1 : ev.key === "ArrowUp" ? at - 1 : ev.key === "Home" ? 0 : items.length - 1;
    to = Math.max(0, Math.min(items.length - 1, to));
    if (items[to]) items[to].focus();
    ev.preventDefault();
  });

  // ---- filters
  function parseDay(s, end) { return s ? Date.parse(s + (end ? "T23:59:59Z" : "T00:00:00Z")) : null; }
  data.edges.forEach((e) => { e.t0 = parseDay(e.earliest, false); e.t1 = parseDay(e.latest, true); });
  function edgeVisible(e) {
    if (!state.categories.has(e.category)) return false;
    if (!state.types.has(byId.get(e.source).type) || !state.types.has(byId.get(e.target).type)) return false;
    if (!(e.hedges || []).every((h) => state.hedges.has(h))) return false;
    if (e.t0 === null && e.t1 === null) return state.undated;
    if (!state.range) return true;
    const lo = e.t0 === null ? -Infinity : e.t0, hi = e.t1 === null ? Infinity : e.t1;
    return hi >= state.range[0] && lo <= state.range[1];  // the fact's interval overlaps the brushed one
  }
  function apply() {
    const visibleNodes = new Set();
    let shown = 0;
    data.edges.forEach((e, i) => {
      e.hidden = !edgeVisible(e);
      e.elem.classList.toggle("hidden", e.hidden);
      const item = listItems.get(`e:${i}`);
      if (item) item.classList.toggle("hidden", e.hidden);
      if (!e.hidden) { shown += 1; visibleNodes.add(e.source); visibleNodes.add(e.target); }
    });
    data.labels.forEach((l) => {
      l.hidden = l.edges.every((j) => data.edges[j].hidden);
      l.elem.classList.toggle("hidden", l.hidden);
    });
    const q = state.search.trim().toLowerCase();
    data.nodes.forEach((n) => {
      n.hidden = !visibleNodes.has(n.id);
      n.elem.classList.toggle("hidden", n.hidden);
      n.li.classList.toggle("hidden", n.hidden);
      n.elem.classList.toggle("match", q !== "" && !n.hidden && n.label.toLowerCase().includes(q));
    });
    document.getElementById("counts").textContent = `${visibleNodes.size} nodes, ${shown} edges shown` +
      (data.aggregated ? ` (${data.total_nodes} nodes grouped)` : "");
    svg.setAttribute("data-visible-nodes", visibleNodes.size);
    svg.setAttribute("data-visible-edges", shown);
    if (state.selected && state.selected.node !== undefined && byId.get(state.selected.node).hidden) clearSelection();
    drawBands();
  }
  function checkbox(box, name, value, text, set, before) {
    const label = html("label"), input = document.createElement("input");
    input.type = "checkbox"; input.checked = true; input.name = name; input.value = value;
    input.addEventListener("change", () => { input.checked ? set.add(value) : set.delete(value); apply(); fit(true); });
    label.append(input, " ");
    if (before) label.appendChild(before);
    label.append(text);
    box.appendChild(label);
  }
  const catCount = (c) => data.edges.filter((e) => e.category === c).length;
  function lineSample(c) {
    const s = el("svg", { class: "sym", viewBox: "0 0 24 12", width: 24, "aria-hidden": "true" });
    el("path", { d: "M 1 6 L 23 6", class: `edge-sample cat-${c.replace(/ /g, "-")}${c === "deployment" ? "" : " light"}`,
                 "stroke-width": c === "deployment" ? 2 : 1.5 }, s);
    return s;
  }
  data.categories.forEach((c) => checkbox(document.getElementById("categories"), "category", c, `${c} (${catCount(c)})`, state.categories, lineSample(c)));
  data.types.forEach((t) => checkbox(document.getElementById("types"), "type", t.name, `${t.name} (${t.count})`, state.types, symbol(t.name)));
  data.hedges.forEach((h) => checkbox(document.getElementById("hedges"), "hedge", h, h, state.hedges));
  document.getElementById("undated").addEventListener("change", (ev) => { state.undated = ev.target.checked; apply(); fit(true); });
  document.getElementById("search").addEventListener("input", (ev) => { state.search = ev.target.value; state.matchIndex = -1; apply(); });
  document.getElementById("search").addEventListener("keydown", (ev) => {
    if (ev.key !== "Enter") return;
    const hits = data.nodes.filter((n) => n.elem.classList.contains("match"));
    if (!hits.length) return;
    state.matchIndex = (state.matchIndex + 1) % hits.length;
    select({ node: hits[state.matchIndex].id }, { centre: true });
    ev.preventDefault();
  });

  // ---- timeline: each dated fact a band over its interval; brushing filters by overlap and re-fits
  const tl = document.getElementById("tl");
  const facts = data.facts.map((f) => ({ ...f, t0: parseDay(f.earliest, false), t1: parseDay(f.latest, true) }));
  const known = facts.flatMap((f) => [f.t0, f.t1]).filter((t) => t !== null);
  const YEAR = 365.25 * 864e5;
  const domain = known.length ? [Math.min(...known) - YEAR / 2, Math.max(...known) + YEAR / 4] : [0, YEAR];
  function tlWidth() { return tl.getBoundingClientRect().width || 800; }
  const TL_LEFT = 10, TL_RIGHT = 40;
  const xOf = (t) => TL_LEFT + (t - domain[0]) / (domain[1] - domain[0]) * (tlWidth() - TL_LEFT - TL_RIGHT);
  const tOf = (x) => domain[0] + (x - TL_LEFT) / (tlWidth() - TL_LEFT - TL_RIGHT) * (domain[1] - domain[0]);
  let brushRect = null;
  const DENSITY_ABOVE = 60;  // more dated facts than this: a density strip instead of one band each
  function span(f) {
    const a = xOf(f.t0 === null ? domain[0] : f.t0);
    return [a, Math.max(a + 4, xOf(f.t1 === null ? domain[1] : f.t1))];
  }
  function drawDensity() {
    const bin = 3, n = Math.ceil(tlWidth() / bin), all = new Array(n).fill(0), shown = new Array(n).fill(0);
    facts.forEach((f) => {
      const [a, b] = span(f), on = f.edges.some((j) => !data.edges[j].hidden);
      for (let k = Math.max(0, Math.floor(a / bin)); k <= Math.min(n - 1, Math.floor(b / bin)); k++) {
        all[k] += 1;
        if (on) shown[k] += 1;
      }
    });
    const top = Math.max(1, ...all), h = 86;
    all.forEach((c, k) => {
      if (!c) return;
      el("rect", { class: "band out", x: k * bin, y: 106 - h * c / top, width: bin, height: h * c / top, fill: "#56B4E9" }, tl);
      if (shown[k]) el("rect", { class: "band", x: k * bin, y: 106 - h * shown[k] / top, width: bin, height: h * shown[k] / top, fill: "#0072B2" }, tl);
    });
    el("text", { class: "band-label", x: TL_LEFT, y: 28 }, tl).textContent = `${facts.length} dated facts (height: how many overlap each date)`;
  }
  function drawLanes() {
    const lanes = [], laneH = 15, maxLanes = 6;
    facts.forEach((f, i) => {
      const [a, b] = span(f);
      const textW = 6.6 * f.wording.length + 8;  // the band's date, written after it when there is room
      let lane = lanes.findIndex((end) => end + 2 < a);
      if (lane < 0) { lane = Math.min(lanes.length, maxLanes - 1); }
      const labelled = lanes[lane] === undefined || lane < maxLanes - 1 || lanes[lane] + 2 < a;
      lanes[lane] = Math.max(lanes[lane] || -Infinity, b + (labelled ? textW : 0));
      const fill = f.t0 === null ? "url(#fade-left)" : f.t1 === null ? "url(#fade-right)" : "rgba(0,114,178,.45)";
      const shown = f.edges.some((j) => !data.edges[j].hidden);
      const band = el("rect", { class: "band" + (shown ? "" : " out"), x: a, y: 18 + lane * laneH, width: b - a,
                                height: laneH - 3, rx: 2, fill: fill, "data-fact": i,
                                "stroke-dasharray": f.t0 === null || f.t1 === null ? "3 2" : "none" }, tl);
      if (labelled) {
        const right = b + textW < tlWidth() - 4;  // near the right end the date goes before the band
        el("text", { class: "band-label", x: right ? b + 4 : a - 4, y: 18 + lane * laneH + 9.5,
                     "text-anchor": right ? "start" : "end" }, tl).textContent = f.wording;
      }
      el("title", {}, band).textContent = `${f.label}: ${f.wording} (${f.precision || "range"}; ${f.earliest || "?"} to ${f.latest || "?"})`;
    });
  }
  function drawBands() {
    tl.replaceChildren();
    const defs = el("defs", {}, tl);
    [["fade-left", 0, 1], ["fade-right", 1, 0]].forEach(([id, a, b]) => {
      const g = el("linearGradient", { id: id }, defs);
      el("stop", { offset: "0", "stop-color": "#0072B2", "stop-opacity": a * 0.55 }, g);
      el("stop", { offset: "1", "stop-color": "#0072B2", "stop-opacity": b * 0.55 }, g);
    });
    const axis = el("g", { class: "axis" }, tl);
    const y0 = new Date(domain[0]).getUTCFullYear(), y1 = new Date(domain[1]).getUTCFullYear();
    const every = Math.max(1, Math.ceil((y1 - y0 + 1) / 12));
    for (let y = y0; y <= y1 + 1; y++) {
      const x = xOf(Date.UTC(y, 0, 1));
      if (x < TL_LEFT || x > tlWidth() - TL_RIGHT) continue;
      el("line", { x1: x, x2: x, y1: 14, y2: 108 }, axis);
      if ((y - y0) % every === 0) el("text", { x: x + 3, y: 11 }, axis).textContent = y;
    }
    if (facts.length > DENSITY_ABOVE) drawDensity(); else drawLanes();
    if (state.range) {
      brushRect = el("rect", { class: "brush", x: xOf(state.range[0]), y: 14, width: Math.max(1, xOf(state.range[1]) - xOf(state.range[0])), height: 94 }, tl);
      const fmt = (t) => new Date(t).toISOString().slice(0, 10);
      tl.setAttribute("aria-valuetext", `${fmt(state.range[0])} to ${fmt(state.range[1])}`);
    } else {
      tl.setAttribute("aria-valuetext", "all dates");
    }
  }
  function setRange(range) {
    state.range = range;
    apply();
    fit(true);
  }
  let brushing = null;
  tl.addEventListener("pointerdown", (ev) => {
    const r = tl.getBoundingClientRect();
    brushing = { x: ev.clientX - r.left };
    tl.setPointerCapture(ev.pointerId);
  });
  tl.addEventListener("pointermove", (ev) => {
    if (!brushing) return;
    const r = tl.getBoundingClientRect(), x = ev.clientX - r.left;
    const a = Math.min(brushing.x, x), b = Math.max(brushing.x, x);
    if (brushRect) brushRect.remove();
    brushRect = el("rect", { class: "brush", x: a, y: 14, width: b - a, height: 94 }, tl);
  });
  tl.addEventListener("pointerup", (ev) => {
    if (!brushing) return;
    const r = tl.getBoundingClientRect(), x = ev.clientX - r.left;
    const a = Math.min(brushing.x, x), b = Math.max(brushing.x, x);
    brushing = null;
    setRange(b - a > 3 ? [tOf(a), tOf(b)] : null);
  });
  tl.addEventListener("keydown", (ev) => {
    const span = domain[1] - domain[0], step = span / 20;
    let [a, b] = state.range || [domain[0], domain[0] + span / 5];
    if (ev.key === "ArrowRight" && ev.shiftKey) b += step;
    else if (ev.key === "ArrowLeft" && ev.shiftKey) b = Math.max(a + step / 4, b - step);
    else if (ev.key === "ArrowRight") { a += step; b += step; }
    else if (ev.key === "ArrowLeft") { a -= step; b -= step; }
    else if (ev.key === "Escape") { setRange(null); ev.preventDefault(); return; }
    else return;
    ev.preventDefault();
    setRange([a, b]);
  });
  document.getElementById("clear-time").addEventListener("click", () => setRange(null));
  window.addEventListener("resize", () => { drawBands(); });

  document.getElementById("corpus").textContent = data.corpus;
  apply();
  fit(true);
  svg.setAttribute("data-ready", "1");
  performance.mark("lg-interactive");
  // a timeout queued in the next animation frame runs after that frame is painted
  requestAnimationFrame(() => setTimeout(() => performance.mark("lg-painted"), 0));
})();
