"""docs/rdf-model.md is generated from the seed fixture: stale when it differs, and true triple by triple."""

from __future__ import annotations

import re

from rdflib import Graph

from laborgraph.export.rdfmodel import prefix_lines, rdf_model_markdown

from .conftest import ROOT

PAGE = ROOT / "docs" / "rdf-model.md"


def test_page_is_up_to_date(dataset, request):
    text = rdf_model_markdown(dataset)
    if request.config.getoption("--update-golden"):
        PAGE.write_text(text, encoding="utf-8")
    assert PAGE.read_text(encoding="utf-8") == text, (
        "docs/rdf-model.md is stale: run pytest tests/test_rdfmodel.py --update-golden and review the diff")


def test_every_snippet_is_turtle_whose_triples_the_build_has(dataset):
    built = {(s, p, o) for s, p, o, _ in dataset.quads((None, None, None, None))}
    blocks = re.findall(r"```turtle\n(.*?)```", rdf_model_markdown(dataset), re.DOTALL)
    assert len(blocks) >= 7
    for block in blocks[1:]:
        snippet = Graph().parse(data=prefix_lines() + "\n" + block, format="turtle")
        assert len(snippet) > 0
        assert set(snippet) <= built


def test_page_covers_what_an_analyst_needs():
    page = PAGE.read_text(encoding="utf-8")
    for term in ("lg:quoteSpan", "oa:TextPositionSelector", "rdf:Statement", "lg:supports", "lg:about",
                 "lg:hedgeWording", "schema:minValue", "schema:MonetaryAmount", "lg:precision", "lg:inferred",
                 "lg:informed", "schema:datePublished", "lgid:"):
        assert term in page, term
