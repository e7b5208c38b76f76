"""The seed article's graph against a reviewed golden copy, compared as graphs.

When the mapping or the builder changes on purpose, review the diff this test
prints, then rewrite the golden file with ``pytest --update-golden``.
"""

from pathlib import Path

from rdflib import Graph
from rdflib.compare import graph_diff, to_isomorphic

from laborgraph.vocab import article_graph_iri, bind_prefixes

from .conftest import SEED

GOLDEN = Path(__file__).parent / "cases" / "seed" / "article.ttl"


def _readable(g: Graph, limit: int = 25) -> str:
    lines = sorted(f"  {s.n3()} {p.n3()} {o.n3()}" for s, p, o in g)
    more = f"\n  ... and {len(lines) - limit} more" if len(lines) > limit else ""
    return "\n".join(lines[:limit]) + more


def test_seed_graph_matches_golden(dataset, request):
    actual = Graph()
    bind_prefixes(actual)
    for triple in dataset.graph(article_graph_iri(SEED)):
        actual.add(triple)
    if request.config.getoption("--update-golden"):
        GOLDEN.write_text(actual.serialize(format="turtle"), encoding="utf-8")
    expected = Graph().parse(GOLDEN, format="turtle")
    iso_actual, iso_expected = to_isomorphic(actual), to_isomorphic(expected)
    if iso_actual != iso_expected:
        _, missing, extra = graph_diff(iso_expected, iso_actual)
        raise AssertionError(
            f"seed graph differs from {GOLDEN.name}\nmissing (in golden, not built):\n"
            f"{_readable(missing)}\nextra (built, not in golden):\n{_readable(extra)}")
