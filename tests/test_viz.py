"""The deployment view, opened in a real headless Chromium at 1400x900 with networking cut off.

Pages are built from copies: the seed article alone, and the seed with the two invented
articles of tests/fixtures/corroboration (a 3-article corpus), never the analysts' corpus.
"""

import os
import shutil
from datetime import date
from pathlib import Path

import networkx as nx
import pytest
from playwright.sync_api import sync_playwright

from laborgraph.build import build_dataset
from laborgraph.export.network import deployment_network
from laborgraph.export.viz import MAX_NODES, date_text, to_figure, to_html, view_data
from laborgraph.load import load_corpus

from .conftest import DATA, SEED

pytestmark = pytest.mark.slow  # real servers or a real browser: minutes, not seconds

CHROMIUM = os.environ.get("LABORGRAPH_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
         "--disable-component-update", "--disable-sync"]
FIXTURES = Path(__file__).parent / "fixtures" / "corroboration"
VIEWPORT = {"width": 1400, "height": 900}


def _corpus(root, with_fixtures):
    (root / "articles").mkdir(parents=True)
    registry = (DATA / "entities.yaml").read_text()
    if with_fixtures:
        extra = (FIXTURES / "entities-extra.yaml").read_text()
        registry = registry.replace("entities:\n", "entities:\n" + extra, 1)
        for path in (FIXTURES / "articles").iterdir():
            shutil.copy(path, root / "articles" / path.name)
    (root / "entities.yaml").write_text(registry)
    for suffix in (".yaml", ".txt"):
        shutil.copy(DATA / "articles" / f"{SEED}{suffix}", root / "articles" / f"{SEED}{suffix}")
    return deployment_network(build_dataset(load_corpus(root)))


@pytest.fixture(scope="module")
def nets(tmp_path_factory):
    return {"seed": _corpus(tmp_path_factory.mktemp("seed") / "corpus", False),
            "three": _corpus(tmp_path_factory.mktemp("three") / "corpus", True)}


@pytest.fixture(scope="module")
def net(nets):
    return nets["seed"]


@pytest.fixture(scope="module")
def page_html(net):
    return to_html(net)


@pytest.fixture(scope="module")
def browser():
    assert os.path.exists(CHROMIUM), "Chromium is missing: run ./dev test, which installs Debian's chromium"
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        yield b
        b.close()


@pytest.fixture
def open_page(browser, tmp_path):
    """Open a page offline at 1400x900; afterwards, assert it made no request and logged no error."""
    opened = []

    def open_(html):
        path = tmp_path / f"network{len(opened)}.html"
        path.write_text(html, encoding="utf-8")
        context = browser.new_context(viewport=VIEWPORT, offline=True)
        page = context.new_page()
        errors, leaving = [], []
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: errors.append(str(e)))

        def guard(route):
            if route.request.url.startswith("file://"):
                route.continue_()
            else:
                leaving.append(route.request.url)
                route.abort()

        page.route("**/*", guard)
        page.goto(path.as_uri())
        page.wait_for_selector("#graph[data-ready]")
        opened.append((context, errors, leaving))
        return page

    yield open_
    for context, errors, leaving in opened:
        context.close()
        assert errors == [] and leaving == []


def view(page):
    return {k: float(page.get_attribute("#graph", f"data-{k}")) for k in ("k", "tx", "ty")}


def visible_edges(page):
    return int(page.get_attribute("#graph", "data-visible-edges"))


# What the bar measures: each drawn label's box, in CSS px, in the default view.
MEASURE = """() => {
  const svg = document.getElementById("graph"), s = svg.getBoundingClientRect();
  const data = JSON.parse(document.getElementById("lg-data").textContent);
  const labels = [...svg.querySelectorAll("text.node-label, text.edge-label")].filter((t) => t.getClientRects().length)
    .map((t) => { const r = t.getBoundingClientRect();
                  return { x0: r.left, y0: r.top, x1: r.right, y1: r.bottom, text: t.textContent,
                           node: t.dataset.node, edges: t.dataset.edges ? t.dataset.edges.split(" ") : [],
                           px: parseFloat(getComputedStyle(t).fontSize) * t.getScreenCTM().a }; });
  const overlaps = [];
  labels.forEach((a, i) => labels.slice(i + 1).forEach((b) => {
    if (a.x0 < b.x1 && b.x0 < a.x1 && a.y0 < b.y1 && b.y0 < a.y1) overlaps.push([a.text, b.text]);
  }));
  const strikes = [];
  svg.querySelectorAll("path.edge").forEach((p) => {
    if (!p.getClientRects().length) return;
    const i = p.dataset.index, e = data.edges[i], m = p.getScreenCTM(), pts = [];
    for (let d = 0; d <= p.getTotalLength(); d += 1.5) {
      const q = p.getPointAtLength(d);
      pts.push([q.x * m.a + q.e, q.y * m.d + q.f]);
    }
    labels.forEach((b) => {
      const own = b.node ? b.node === e.source || b.node === e.target : b.edges.includes(i);
      const hit = pts.some(([x, y]) => x > b.x0 && x < b.x1 && y > b.y0 && y < b.y1);
      if (hit && !own) strikes.push([e.relation, b.text]);
    });
  });
  let x0 = Infinity, y0 = Infinity, x1 = -Infinity, y1 = -Infinity;
  svg.querySelectorAll(".node rect.box, text.edge-label").forEach((r) => {
    if (!r.getClientRects().length) return;
    const b = r.getBoundingClientRect();
    x0 = Math.min(x0, b.left); y0 = Math.min(y0, b.top); x1 = Math.max(x1, b.right); y1 = Math.max(y1, b.bottom);
  });
  const inside = x0 >= s.left && y0 >= s.top && x1 <= s.right && y1 <= s.bottom;
  return { count: labels.length, smallest: Math.min(...labels.filter((l) => l.node).map((l) => l.px)), overlaps,
           strikes, inside, used: (x1 - x0) * (y1 - y0) / (s.width * s.height) };
}"""


# ---------------------------------------------------------------- without a browser

def test_page_has_no_remote_references(page_html):
    import re

    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", page_html)
    assert "@import" not in page_html and "url(http" not in page_html
    assert "default-src 'none'" in page_html


def test_same_graph_same_page_and_figure(net, page_html):
    assert to_html(net) == page_html
    assert to_figure(net, "svg") == to_figure(net, "svg")


def test_story_reads_left_to_right(net):
    data = view_data(net)
    x = {n["label"]: n["x"] for n in data["nodes"]}
    sender, group = x["North Korean authorities"], x["New military construction workers sent to Russia in June 2024"]
    assert sender < group < x["Russia"] and group < x["Russian Far East"]


def test_dates_on_edges_keep_their_wording():
    assert date_text({"time_wording": "early June", "earliest": "2024-06-01", "latest": "2024-06-10"}) == \
        "early June 2024"
    assert date_text({"time_wording": "before January 2020", "latest": "2019-12-31"}) == "before January 2020"
    assert date_text({"time_wording": "2018 to 2019", "earliest": "2018-01-01", "latest": "2019-12-31"}) == \
        "2018 to 2019"


def test_figure_has_title_corpus_legend_and_dates_as_text(net):
    svg = to_figure(net, "svg").decode()
    assert svg.count("<text") > net.number_of_nodes()  # svg.fonttype 'none': text stays text
    for text in ("Worker deployment network", "Corpus: Daily NK", "early June 2024", "before January 2020",
                 "worker group", "independent", "North Korean authorities"):
        assert text in svg, text
    assert to_figure(net, "png").startswith(b"\x89PNG")


def _synthetic(groups):
    """A real network with many similar worker groups: one sender, four destinations."""
    net = nx.MultiDiGraph()
    net.add_node("auth", label="Authorities", type="authority")
    for k in range(4):
        net.add_node(f"r{k}", label=f"Region {k}", type="place")
    attrs = {"claims": [], "sources": [], "articles": [], "hedges": [], "indicators": [], "details": [],
             "source_count": 1, "earliest": "2020-01-01", "latest": "2020-01-31", "time_wording": "January 2020"}
    for i in range(groups):
        net.add_node(f"g{i}", label=f"Group {i}", type="worker group")
        net.add_edge("auth", f"g{i}", key=f"sent | d{i}", relation="sent", **attrs)
        net.add_edge(f"g{i}", f"r{i % 4}", key=f"deployed to | d{i}", relation="deployed to", **attrs)
    return net


def test_too_many_nodes_are_drawn_as_aggregates():
    data = view_data(_synthetic(MAX_NODES * 2))
    assert data["aggregated"] and len(data["nodes"]) <= MAX_NODES
    groups = [n for n in data["nodes"] if n["type"] == "worker group"]
    assert len(groups) == 4 and sum(len(n["members"]) for n in groups) == MAX_NODES * 2
    assert sum(e["count"] for e in data["edges"]) == MAX_NODES * 4
    assert not view_data(_synthetic(10))["aggregated"]


# ---------------------------------------------------------------- in Chromium

@pytest.mark.parametrize("corpus", ["seed", "three"])
def test_default_view_is_legible(open_page, nets, corpus):
    page = open_page(to_html(nets[corpus]))
    m = page.evaluate(MEASURE)
    assert m["count"] >= nets[corpus].number_of_nodes()
    assert m["smallest"] >= 12
    assert m["overlaps"] == []
    assert m["strikes"] == []
    assert m["inside"] and m["used"] >= 0.6


def test_the_two_deployments_to_russia_differ_by_date_without_clicking(open_page, net, page_html):
    page = open_page(page_html)
    texts = page.evaluate("""() => {
      const data = JSON.parse(document.getElementById("lg-data").textContent);
      const russia = data.nodes.find((n) => n.label === "Russia").id;
      const s = document.getElementById("graph").getBoundingClientRect();
      return [...document.querySelectorAll("text.edge-label")].filter((t) => {
        const r = t.getBoundingClientRect();
        return r.width && r.left >= s.left && r.right <= s.right && r.top >= s.top && r.bottom <= s.bottom &&
          t.dataset.edges.split(" ").some((i) => data.edges[i].target === russia &&
                                                 data.edges[i].relation === "deployed to");
      }).map((t) => t.textContent);
    }""")
    assert {"before January 2020", "early June 2024"} <= set(texts)


def _click_edge(page, title_start):
    # a real mouse click on a point of the edge that nothing else covers (edges may cross at the middle)
    point = page.evaluate("""(t) => { const p = [...document.querySelectorAll('path.edge')]
        .find((x) => x.querySelector('title').textContent.startsWith(t));
        const c = p.getScreenCTM();
        for (const f of [0.5, 0.4, 0.6, 0.3, 0.7, 0.2, 0.8, 0.35, 0.65, 0.25, 0.75]) {
          const m = p.getPointAtLength(p.getTotalLength() * f);
          const x = m.x * c.a + c.e, y = m.y * c.d + c.f;
          if (document.elementFromPoint(x, y) === p) return {x, y};
        }
        return null; }""", title_start)
    assert point is not None, f"no uncovered point on the edge {title_start!r}"
    page.mouse.click(point["x"], point["y"])


def test_page_draws_the_graph_and_shows_evidence(open_page, net, page_html):
    page = open_page(page_html)
    assert page.locator("#nodes .node").count() == net.number_of_nodes()
    assert page.locator("path.edge").count() == net.number_of_edges()
    shown = f"{net.number_of_nodes()} nodes, {net.number_of_edges()} edges shown"
    assert page.locator("#counts").text_content() == shown
    _click_edge(page, "North Korean authorities — sent → New military")
    panel = page.locator("#panel").text_content()
    assert "sent hundreds of new workers to the Russian Far East in early June" in panel
    assert "Daily NK source in Russia (anonymous)" in panel
    assert "early June (part of a month" in panel
    assert "independent source chain" in panel


def test_filters_hide_categories_types_hedges(open_page, net, page_html):
    page = open_page(page_html)
    total = net.number_of_edges()
    page.uncheck("input[name=type][value=person]")
    assert visible_edges(page) == total - 2  # the two 'attended' edges
    page.check("input[name=type][value=person]")
    context = sum(1 for _, _, d in net.edges(data=True) if d["relation"] in ("attended", "part of", "located in",
                                                                               "subgroup of", "closed borders"))
    page.uncheck("input[name=category][value=context]")
    assert visible_edges(page) == total - context
    page.check("input[name=category][value=context]")
    page.uncheck("#undated")
    assert visible_edges(page) == sum(1 for _, _, d in net.edges(data=True) if d.get("earliest") or d.get("latest"))
    page.check("#undated")
    page.uncheck("input[name=hedge][value=unhedged]")
    assert visible_edges(page) < total


def test_select_node_highlights_its_neighbourhood(open_page, page_html):
    page = open_page(page_html)
    page.click('#nodes .node[aria-label^="Vladimir Putin"]')
    opacity = page.evaluate("""() => Object.fromEntries([...document.querySelectorAll('#nodes .node')]
        .map((g) => [g.getAttribute('aria-label').split(',')[0], parseFloat(getComputedStyle(g).opacity)]))""")
    assert opacity["Vladimir Putin"] == 1 and opacity["Kim Jong Un - Vladimir Putin summit"] == 1
    assert opacity["North Korean authorities"] < 0.5


def test_wheel_zooms_around_the_pointer(open_page, page_html):
    page = open_page(page_html)
    before = view(page)
    box = page.locator("#graph").bounding_box()
    x, y = box["x"] + 400, box["y"] + 300
    page.mouse.move(x, y)
    page.mouse.wheel(0, -300)
    page.wait_for_function(f"parseFloat(document.getElementById('graph').dataset.k) > {before['k']}")
    after = view(page)
    # the drawing point under the pointer stays under it
    px, py = x - box["x"], y - box["y"]
    assert abs((px - before["tx"]) / before["k"] - (px - after["tx"]) / after["k"]) < 0.5
    assert abs((py - before["ty"]) / before["k"] - (py - after["ty"]) / after["k"]) < 0.5
    page.focus("#graph")
    page.keyboard.press("-")
    assert view(page)["k"] < after["k"]
    page.click("#fit")
    assert view(page)["k"] == pytest.approx(before["k"], rel=0.2)


def test_drag_and_arrow_keys_pan(open_page, page_html):
    page = open_page(page_html)
    before = view(page)
    box = page.locator("#graph").bounding_box()
    # an empty spot of the background: the top-left corner
    page.mouse.move(box["x"] + 5, box["y"] + 5)
    page.mouse.down()
    page.mouse.move(box["x"] + 85, box["y"] + 45, steps=5)
    page.mouse.up()
    after = view(page)
    assert (after["tx"] - before["tx"], after["ty"] - before["ty"]) == pytest.approx((80, 40), abs=1)
    assert after["k"] == before["k"]
    page.focus("#graph")
    page.keyboard.press("ArrowLeft")
    page.keyboard.press("ArrowUp")
    moved = view(page)
    assert moved["tx"] > after["tx"] and moved["ty"] > after["ty"]


def _overlaps(edge, lo, hi):
    a = date.fromisoformat(edge["earliest"]) if edge.get("earliest") else date.min
    b = date.fromisoformat(edge["latest"]) if edge.get("latest") else date.max
    return b >= lo and a <= hi


def test_brushing_the_timeline_filters_by_overlap_and_refits(open_page, net, page_html):
    page = open_page(page_html)
    page.focus("#graph")
    for _ in range(4):
        page.keyboard.press("ArrowLeft")  # pan away, so the re-fit shows
    before = view(page)
    box = page.locator("#tl").bounding_box()
    # from the middle of the time axis to its right end: the 2024 deployment stays, the pre-2020 stint goes
    page.mouse.move(box["x"] + box["width"] * 0.5, box["y"] + 60)
    page.mouse.down()
    page.mouse.move(box["x"] + box["width"] - 5, box["y"] + 60, steps=5)
    page.mouse.up()
    lo, hi = (date.fromisoformat(d) for d in page.get_attribute("#tl", "aria-valuetext").split(" to "))
    expected = sum(1 for _, _, d in net.edges(data=True)
                   if not (d.get("earliest") or d.get("latest")) or _overlaps(d, lo, hi))
    assert visible_edges(page) == expected < net.number_of_edges()
    hidden = page.evaluate("""() => [...document.querySelectorAll('.edge-group.hidden path.edge title')]
        .map((t) => t.textContent)""")
    assert any("deployed to → Russia (before January 2020)" in t for t in hidden)
    assert view(page) != before  # the view re-fitted to what is left
    assert page.evaluate(MEASURE)["inside"]
    page.click("#clear-time")
    assert visible_edges(page) == net.number_of_edges()
    page.focus("#tl")
    page.keyboard.press("ArrowRight")  # keyboard brushing: a window at the start of the axis
    assert visible_edges(page) < net.number_of_edges()


def test_search_centres_on_the_hit(open_page, page_html):
    page = open_page(page_html)
    page.fill("#search", "putin")
    assert page.locator(".node.match").count() == 2  # Vladimir Putin and the summit
    page.press("#search", "Enter")
    selected = page.locator("#nodes .node.selected")
    assert selected.count() == 1
    node, stage = selected.locator("rect.box").bounding_box(), page.locator("#graph").bounding_box()
    assert abs(node["x"] + node["width"] / 2 - (stage["x"] + stage["width"] / 2)) < 2
    assert abs(node["y"] + node["height"] / 2 - (stage["y"] + stage["height"] / 2)) < 2
    first = selected.get_attribute("data-id")
    page.press("#search", "Enter")
    assert page.locator("#nodes .node.selected").get_attribute("data-id") != first


def test_keyboard_reaches_every_node_and_relation(open_page, net, page_html):
    page = open_page(page_html)
    items = page.locator("#list .item")
    assert items.count() == net.number_of_nodes() + net.number_of_edges()
    assert page.locator("#list .item:not([aria-label])").count() == 0
    assert page.locator("#nodes .node:not([aria-label])").count() == 0
    page.focus("#search")
    for _ in range(80):  # Tab from the search box, past the filters, until the list has focus
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.classList.contains('item')"):
            break
    first = page.evaluate("document.activeElement.getAttribute('aria-label')")
    assert first
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")
    active = page.evaluate("""() => { const a = document.activeElement;
        return { label: a.getAttribute('aria-label'), selected: a.getAttribute('aria-selected'),
                 index: a.dataset.index };
    }""")
    assert active["label"] != first and active["selected"] == "true"
    # the drawing follows the list: the relation is selected there and its evidence is in the panel
    assert page.locator(f'.edge-group.selected[data-index="{active["index"]}"]').count() == 1
    assert not page.locator("#panel").is_hidden()
    page.keyboard.press("End")
    assert page.evaluate("document.activeElement === [...document.querySelectorAll('#list .item')].pop()")
