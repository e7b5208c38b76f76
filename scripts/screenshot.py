"""Refresh docs/network.png: the seed's network page as headless Chromium draws it.

Run by ``./dev docs``; needs Debian's chromium (installed by ``./dev test``).
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from playwright.sync_api import sync_playwright

from laborgraph.build import load_and_build
from laborgraph.export.network import deployment_network
from laborgraph.export.viz import to_html

FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
         "--disable-component-update", "--disable-sync"]


def main(out: Path) -> None:
    net = deployment_network(load_and_build(Path("data"))[1])
    with tempfile.TemporaryDirectory() as tmp:
        page_path = Path(tmp) / "network.html"
        page_path.write_text(to_html(net), encoding="utf-8")
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=FLAGS)
            page = browser.new_page(viewport={"width": 1600, "height": 900})
            page.goto(page_path.as_uri())
            title = "North Korean authorities — sent → New military"
            index = page.evaluate("(t) => [...document.querySelectorAll('path.edge title')]"
                                  ".findIndex(x => x.textContent.startsWith(t))", title)
            point = page.evaluate("""(i) => { const p = document.querySelectorAll('path.edge-hit')[i];
                const m = p.getPointAtLength(p.getTotalLength() / 2); const c = p.getScreenCTM();
                return {x: m.x * c.a + c.e, y: m.y * c.d + c.f}; }""", index)
            page.mouse.click(point["x"], point["y"])
            page.screenshot(path=str(out))
            browser.close()


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else Path("docs/network.png"))
