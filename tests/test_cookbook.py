"""docs/queries.md: every query of the cookbook runs on the seed fixture and returns what it says."""

from __future__ import annotations

import re

import pytest
from click.testing import CliRunner

from laborgraph.cli import main

from .conftest import DATA, ROOT

COOKBOOK = ROOT / "docs" / "queries.md"
_RECIPE = re.compile(r"^## (?P<title>.+?)\n.*?```sparql\n(?P<query>.*?)```\n<!-- expect: (?P<expect>.+?) -->",
                     re.MULTILINE | re.DOTALL)


def recipes() -> list[tuple[str, str, list[str]]]:
    found = [(m["title"], m["query"], [e.strip() for e in m["expect"].split(" | ")])
             for m in _RECIPE.finditer(COOKBOOK.read_text(encoding="utf-8"))]
    assert len(found) == COOKBOOK.read_text(encoding="utf-8").count("```sparql")
    return found


def test_the_cookbook_answers_the_first_questions():
    titles = " ".join(t for t, _, _ in recipes()).lower()
    for words in ("anonymous source", "currency and period", "before a date", "sanctions", "hedge",
                  "quotation or paraphrase", "inferred dates", "time between"):
        assert words in titles


@pytest.mark.parametrize(("title", "query", "expect"), recipes(), ids=[t for t, _, _ in recipes()])
def test_recipe_runs_on_the_seed(title, query, expect, tmp_path):
    result = CliRunner().invoke(main, ["query", "--data", str(DATA), "--cache", str(tmp_path / "c"),
                                       "--format", "csv", query])
    assert result.exit_code == 0, result.output
    assert result.output.count("\n") >= 2, f"{title}: no rows"
    for value in expect:
        assert value in result.output, f"{title}: {value!r} not in\n{result.output}"


def test_prefixes_command_and_readme_table_list_every_predeclared_prefix():
    from laborgraph.vocab import PREFIXES

    out = CliRunner().invoke(main, ["prefixes", "--format", "sparql"]).output.splitlines()
    assert out == [f"PREFIX {p}: <{ns}>" for p, ns in PREFIXES.items()]
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    table = dict(re.findall(r"^\| `(\w+):` \| `([^`]+)`", readme, re.MULTILINE))
    assert table == {p: str(ns) for p, ns in PREFIXES.items()}
