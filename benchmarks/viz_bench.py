"""Time to interactive of the deployment view on a 1,000-article synthetic corpus, in headless Chromium.

    python benchmarks/viz_bench.py                 # 1,000 articles, 5 page loads; a few minutes
    python benchmarks/viz_bench.py --write         # also rewrite the viz table in docs/performance.md

The page marks ``lg-interactive`` (Performance API) once it has drawn the graph, filled
the list and timeline and attached every handler; the figure is that mark's time from
navigation start, and ``lg-painted``, once the first frame after it is painted (the figure
checked against the goal). The seed page (1 article) in the same run
is the baseline, so the ratio says what the corpus size costs; the issue's goal is an
absolute < 2 s. Never run as a test.
"""

from __future__ import annotations

import argparse
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))

import synth
from playwright.sync_api import sync_playwright

from laborgraph.build import build_dataset
from laborgraph.export.network import deployment_network
from laborgraph.export.viz import to_html
from laborgraph.load import load_corpus

FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
         "--disable-component-update", "--disable-sync"]
TTI = """() => ({ interactive: performance.getEntriesByName("lg-interactive")[0].startTime,
                 frame: performance.getEntriesByName("lg-painted")[0].startTime })"""


def page_for(data: Path, out: Path) -> tuple[Path, dict[str, float]]:
    """Build the network of ``data`` and write its page; returns the page and what it contains."""
    net = deployment_network(build_dataset(load_corpus(data)))
    start = time.perf_counter()
    html = to_html(net)
    seconds = time.perf_counter() - start
    out.write_text(html, encoding="utf-8")
    return out, {"nodes": net.number_of_nodes(), "edges": net.number_of_edges(), "python_s": seconds,
                 "mb": len(html.encode()) / 1e6}


def load_times(page: Path, repeat: int) -> list[dict[str, float]]:
    """Fresh context per load, 1400x900, offline."""
    out = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=FLAGS)
        for _ in range(repeat):
            context = browser.new_context(viewport={"width": 1400, "height": 900}, offline=True)
            tab = context.new_page()
            tab.goto(page.as_uri())
            tab.wait_for_function("performance.getEntriesByName('lg-painted').length > 0")
            out.append(tab.evaluate(TTI))
            context.close()
        browser.close()
    return out


def run(articles: int, repeat: int) -> str:
    with tempfile.TemporaryDirectory() as tmp:
        corpus = Path(tmp) / "corpus"
        synth.generate(articles, 1, corpus)
        big, info = page_for(corpus, Path(tmp) / "big.html")
        seed, seed_info = page_for(ROOT / "data", Path(tmp) / "seed.html")
        big_t, seed_t = load_times(big, repeat), load_times(seed, repeat)
    med = {k: statistics.median(r[k] for r in big_t) for k in ("interactive", "frame")}
    base = statistics.median(r["interactive"] for r in seed_t)
    shown = f"{info['nodes']} nodes, {info['edges']} edges ({info['mb']:.1f} MB page)"
    rows = [
        "| page | articles | drawn from | interactive ms (median of "
        f"{repeat}, min-max) | painted, ms | baseline: seed page, ms | ratio | goal | met |",
        "|---|---|---|---|---|---|---|---|---|",
        f"| deployment view | {articles} | {shown} | {med['interactive']:.0f} "
        f"({min(r['interactive'] for r in big_t):.0f}-{max(r['interactive'] for r in big_t):.0f}) | "
        f"{med['frame']:.0f} | {base:.0f} | {med['interactive'] / base:.1f}x | < 2000 ms | "
        f"{'yes' if med['frame'] < 2000 else 'NO'} |",
    ]
    stamp = (f"Run: `python benchmarks/viz_bench.py` on {platform.platform()}, Python {platform.python_version()}, "
             f"Debian Chromium headless at 1400x900. Writing the 1,000-article page in Python "
             f"(`viz.to_html`, layout included) took {info['python_s']:.1f} s; the seed page "
             f"({seed_info['nodes']} nodes) {seed_info['python_s']:.2f} s.")
    return stamp + "\n\n" + "\n".join(rows) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--write", action="store_true", help="rewrite the viz table in docs/performance.md")
    args = parser.parse_args()
    result = run(args.articles, args.repeat)
    print(result)
    if args.write:
        doc = ROOT / "docs" / "performance.md"
        text = doc.read_text(encoding="utf-8")
        start, end = text.index("<!-- viz -->"), text.index("<!-- /viz -->")
        doc.write_text(text[:start] + "<!-- viz -->\n" + result + text[end:], encoding="utf-8")


if __name__ == "__main__":
    main()
