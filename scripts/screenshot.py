"""Refresh the deployment-view pictures in docs/ from the seed article.

    python scripts/screenshot.py [DOCS_DIR]

writes ``network.png`` (the page as headless Chromium draws it at 1400x900, default
view: nothing clicked, so the two deployments to Russia show their dates as they
are), ``network-selected.png`` (the 'sent' relation selected, its evidence in the
panel) and ``network-figure.png`` / ``network-figure.svg`` (the static figure for
reports). Run by ``./dev docs``; needs Debian's chromium (installed by ``./dev test``).
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from playwright.sync_api import sync_playwright

from laborgraph.build import load_and_build
from laborgraph.export.network import deployment_network
from laborgraph.export.viz import to_figure, to_html

FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
         "--disable-component-update", "--disable-sync"]


def main(docs: Path) -> None:
    net = deployment_network(load_and_build(Path("data"))[1])
    (docs / "network-figure.png").write_bytes(to_figure(net, "png"))
    (docs / "network-figure.svg").write_bytes(to_figure(net, "svg"))
    with tempfile.TemporaryDirectory() as tmp:
        page_path = Path(tmp) / "network.html"
        page_path.write_text(to_html(net), encoding="utf-8")
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=FLAGS)
            page = browser.new_page(viewport={"width": 1400, "height": 900})
            page.goto(page_path.as_uri())
            page.wait_for_selector("#graph[data-ready]")
            page.screenshot(path=str(docs / "network.png"))
            title = "North Korean authorities — sent → New military"
            point = page.evaluate("""(t) => { const p = [...document.querySelectorAll('path.edge')]
                .find((x) => x.querySelector('title').textContent.startsWith(t));
                const m = p.getPointAtLength(p.getTotalLength() / 2); const c = p.getScreenCTM();
                return {x: m.x * c.a + c.e, y: m.y * c.d + c.f}; }""", title)
            page.mouse.click(point["x"], point["y"])
            page.screenshot(path=str(docs / "network-selected.png"))
            browser.close()


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else Path("docs"))
