// laborgraph network view. Written for this project; reads the data block that
// `laborgraph viz` embeds in the page and draws it as SVG. No network access.
(function () {
  "use strict";
  const data = JSON.parse(document.getElementById("lg-data").textContent);
  const svgNS = "http://www.w3.org/2000/svg";
  const svg = document.getElementById("graph");
  const panel = document.getElementById("panel");
  const state = { types: new Set(data.types.map((t) => t.name)), hedges: new Set(data.hedges),
                  from: data.years[0], to: data.years[1], undated: true, search: "" };

  function el(tag, attrs, parent) {
    const node = document.createElementNS(svgNS, tag);
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

  // ---- drawing
  svg.setAttribute("viewBox", `0 0 ${data.width} ${data.height}`);
  const defs = el("defs", {}, svg);
  const marker = el("marker", { id: "arrow", viewBox: "0 0 10 10", refX: "10", refY: "5",
                                markerWidth: "7", markerHeight: "7", orient: "auto-start-reverse" }, defs);
  el("path", { d: "M 0 0 L 10 5 L 0 10 z", fill: "#8d96a3" }, marker);
  const edgeLayer = el("g", { id: "edges" }, svg);
  const nodeLayer = el("g", { id: "nodes" }, svg);
  const byId = new Map(data.nodes.map((n) => [n.id, n]));
  const colour = new Map(data.types.map((t) => [t.name, t.colour]));

  data.edges.forEach((e, i) => {
    const a = byId.get(e.source), b = byId.get(e.target);
    const dx = b.x - a.x, dy = b.y - a.y, len = Math.hypot(dx, dy) || 1;
    const bend = 0.12 * (e.rank || 0);  // parallel edges curve apart
    const mx = (a.x + b.x) / 2 - dy * bend, my = (a.y + b.y) / 2 + dx * bend;
    const ex = b.x - (dx / len) * (b.r + 3), ey = b.y - (dy / len) * (b.r + 3);
    const g = el("g", { class: "edge-group", "data-index": i }, edgeLayer);
    const d = `M ${a.x} ${a.y} Q ${mx} ${my} ${ex} ${ey}`;
    const hit = el("path", { class: "edge-hit", d: d, "data-index": i }, g);  // a wide, invisible target
    hit.addEventListener("click", (ev) => { ev.stopPropagation(); showEdge(i); });
    const path = el("path", { class: "edge", d: d,
                              "stroke-width": 1 + 1.5 * e.source_count, "marker-end": "url(#arrow)",
                              "data-index": i }, g);
    const title = el("title", {}, path);
    title.textContent = `${a.label} — ${e.relation} → ${b.label}`;
    const label = el("text", { class: "edge-label", x: (a.x + 2 * mx + b.x) / 4, y: (a.y + 2 * my + b.y) / 4 - 3,
                               "text-anchor": "middle" }, g);
    label.textContent = e.relation;
    path.addEventListener("click", (ev) => { ev.stopPropagation(); showEdge(i); });
    e.elem = g;
  });
  data.nodes.forEach((n) => {
    const g = el("g", { class: "node", transform: `translate(${n.x},${n.y})`, "data-id": n.id }, nodeLayer);
    el("circle", { r: n.r, fill: colour.get(n.type) }, g);
    const t = el("text", { x: n.r + 3, y: 4 }, g);
    t.textContent = n.label;
    const title = el("title", {}, g);
    title.textContent = `${n.label} (${n.type})`;
    g.addEventListener("click", (ev) => { ev.stopPropagation(); showNode(n.id); });
    n.elem = g;
  });

  // ---- panel
  function clearSelection() {
    svg.querySelectorAll(".selected").forEach((x) => x.classList.remove("selected"));
  }
  function evidenceList(claims) {
    const box = html("div");
    claims.forEach((key) => {
      const c = data.evidence[key];
      const item = html("div", undefined, "claim");
      item.appendChild(html("div", key, "meta"));
      c.quotes.forEach((q) => { const bq = html("blockquote", q); item.appendChild(bq); });
      item.appendChild(html("div", `Source: ${c.source}`));
      item.appendChild(html("div", `Article: ${c.article} (${c.published})`));
      const tags = html("div");
      c.hedges.forEach((h) => tags.appendChild(html("span", h, "tag hedge")));
      c.indicators.forEach((x) => tags.appendChild(html("span", `ILO: ${x}`, "tag indicator")));
      item.appendChild(tags);
      box.appendChild(item);
    });
    return box;
  }
  function showEdge(i) {
    const e = data.edges[i];
    clearSelection();
    e.elem.querySelector("path").classList.add("selected");
    panel.replaceChildren();
    panel.appendChild(html("h2", `${byId.get(e.source).label} — ${e.relation} → ${byId.get(e.target).label}`));
    const when = e.time_wording ? `${e.time_wording} (${e.precision}; ${e.earliest || "?"} to ${e.latest || "?"})` : "no date";
    panel.appendChild(html("div", `When: ${when}`, "meta"));
    if (e.size_wording) panel.appendChild(html("div", `Size: ${e.size_wording}`, "meta"));
    if (e.details.length) panel.appendChild(html("div", `Via: ${e.details.join("; ")}`, "meta"));
    panel.appendChild(html("div", `${e.claims.length} claim(s), ${e.source_count} independent source(s)`, "meta"));
    panel.appendChild(evidenceList(e.claims));
  }
  function showNode(id) {
    const n = byId.get(id);
    clearSelection();
    n.elem.classList.add("selected");
    panel.replaceChildren();
    panel.appendChild(html("h2", n.label));
    panel.appendChild(html("div", `${n.type}; ${n.degree} relation(s)`, "meta"));
    const claims = new Set();
    data.edges.filter((e) => e.source === id || e.target === id).forEach((e) => {
      panel.appendChild(html("div", `${byId.get(e.source).label} — ${e.relation} → ${byId.get(e.target).label}`));
      e.claims.forEach((c) => claims.add(c));
    });
    panel.appendChild(evidenceList([...claims].sort()));
  }
  svg.addEventListener("click", () => { clearSelection(); });

  // ---- filters
  function edgeVisible(e) {
    if (!state.types.has(byId.get(e.source).type) || !state.types.has(byId.get(e.target).type)) return false;
    if (!e.hedges.every((h) => state.hedges.has(h))) return false;
    if (!e.earliest && !e.latest) return state.undated;
    const lo = parseInt((e.earliest || e.latest).slice(0, 4), 10), hi = parseInt((e.latest || e.earliest).slice(0, 4), 10);
    return hi >= state.from && lo <= state.to;
  }
  function apply() {
    const visibleNodes = new Set();
    let shownEdges = 0;
    data.edges.forEach((e) => {
      const show = edgeVisible(e);
      e.elem.classList.toggle("hidden", !show);
      if (show) { shownEdges += 1; visibleNodes.add(e.source); visibleNodes.add(e.target); }
    });
    const q = state.search.trim().toLowerCase();
    data.nodes.forEach((n) => {
      n.elem.classList.toggle("hidden", !visibleNodes.has(n.id));
      n.elem.classList.toggle("match", q !== "" && n.label.toLowerCase().includes(q));
    });
    document.getElementById("counts").textContent = `${visibleNodes.size} nodes, ${shownEdges} edges shown`;
    svg.setAttribute("data-visible-nodes", visibleNodes.size);
    svg.setAttribute("data-visible-edges", shownEdges);
  }

  const typeBox = document.getElementById("types");
  data.types.forEach((t) => {
    const label = html("label");
    const box = document.createElement("input");
    box.type = "checkbox"; box.checked = true; box.value = t.name; box.name = "type";
    box.addEventListener("change", () => { box.checked ? state.types.add(t.name) : state.types.delete(t.name); apply(); });
    const sw = html("span", undefined, "swatch"); sw.style.background = t.colour;
    label.append(box, sw, `${t.name} (${t.count})`);
    typeBox.appendChild(label);
  });
  const hedgeBox = document.getElementById("hedges");
  data.hedges.forEach((h) => {
    const label = html("label");
    const box = document.createElement("input");
    box.type = "checkbox"; box.checked = true; box.value = h; box.name = "hedge";
    box.addEventListener("change", () => { box.checked ? state.hedges.add(h) : state.hedges.delete(h); apply(); });
    label.append(box, ` ${h}`);
    hedgeBox.appendChild(label);
  });
  const from = document.getElementById("from"), to = document.getElementById("to");
  [from, to].forEach((input) => {
    input.min = data.years[0]; input.max = data.years[1];
  });
  from.value = data.years[0]; to.value = data.years[1];
  function years() {
    state.from = Math.min(+from.value, +to.value); state.to = Math.max(+from.value, +to.value);
    document.getElementById("years").textContent = `${state.from} – ${state.to}`;
    apply();
  }
  from.addEventListener("input", years); to.addEventListener("input", years);
  document.getElementById("undated").addEventListener("change", (ev) => { state.undated = ev.target.checked; apply(); });
  document.getElementById("search").addEventListener("input", (ev) => { state.search = ev.target.value; apply(); });
  years();
})();
