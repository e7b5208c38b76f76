"""The offline visualization, opened in a real headless Chromium with networking cut off."""

import os
import re
import shutil

import pytest
from playwright.sync_api import sync_playwright

from laborgraph.export.network import deployment_network
from laborgraph.export.viz import to_figure, to_html

CHROMIUM = os.environ.get("LABORGRAPH_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
         "--disable-component-update", "--disable-sync"]


@pytest.fixture(scope="module")
def net(dataset):
    return deployment_network(dataset)


@pytest.fixture(scope="module")
def page_html(net):
    return to_html(net)


def test_page_has_no_remote_references(page_html):
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", page_html)
    assert "@import" not in page_html and "url(http" not in page_html
    assert "default-src 'none'" in page_html


def test_same_graph_same_page_and_figure(net, page_html):
    assert to_html(net) == page_html
    assert to_figure(net, "svg") == to_figure(net, "svg")


@pytest.fixture
def browser_page(tmp_path, page_html):
    assert os.path.exists(CHROMIUM), "Chromium is missing: run ./dev test, which installs Debian's chromium"
    path = tmp_path / "network.html"
    path.write_text(page_html, encoding="utf-8")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        context = browser.new_context(viewport={"width": 1600, "height": 900}, offline=True)
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
        page.wait_for_selector("#nodes .node")
        yield page, errors, leaving
        page.screenshot(path=str(tmp_path / "network.png"))
        browser.close()


def _click_edge(page, index):
    point = page.evaluate("""(i) => { const p = document.querySelectorAll('path.edge-hit')[i];
        const m = p.getPointAtLength(p.getTotalLength() / 2); const c = p.getScreenCTM();
        return {x: m.x * c.a + c.e, y: m.y * c.d + c.f}; }""", index)
    page.mouse.click(point["x"], point["y"])


def test_page_draws_the_graph_offline_and_shows_evidence(browser_page, net):
    page, errors, leaving = browser_page
    assert page.locator("#nodes .node").count() == net.number_of_nodes()
    assert page.locator("path.edge").count() == net.number_of_edges()
    expected = f"{net.number_of_nodes()} nodes, {net.number_of_edges()} edges shown"
    assert page.locator("#counts").text_content() == expected
    # click the 'sent' relation and find its quote in the panel
    labels = page.evaluate("() => [...document.querySelectorAll('path.edge title')].map(t => t.textContent)")
    index = next(i for i, t in enumerate(labels) if t.startswith("North Korean authorities — sent → New military"))
    _click_edge(page, index)
    panel = page.locator("#panel").text_content()
    assert "sent hundreds of new workers to the Russian Far East in early June" in panel
    assert "Daily NK source in Russia (anonymous)" in panel
    assert "early June (part of a month" in panel
    assert errors == [] and leaving == []


def test_filters_change_what_is_shown(browser_page, net):
    page, errors, _ = browser_page
    total = net.number_of_edges()
    page.uncheck("input[name=type][value=person]")
    assert int(page.get_attribute("#graph", "data-visible-edges")) == total - 2  # the two 'attended' edges
    page.check("input[name=type][value=person]")
    page.uncheck("#undated")
    dated = sum(1 for _, _, d in net.edges(data=True) if d.get("earliest") or d.get("latest"))
    assert int(page.get_attribute("#graph", "data-visible-edges")) == dated
    page.check("#undated")
    page.uncheck("input[name=hedge][value=unhedged]")
    assert int(page.get_attribute("#graph", "data-visible-edges")) < total
    page.fill("#search", "putin")
    assert page.locator(".node.match").count() == 2  # Vladimir Putin and the summit
    assert errors == []
