"""QC queries return no rows on the seed, and each fires on a fixture made to break it."""

from pathlib import Path

import pytest
from rdflib import Graph

from laborgraph.checks import default_checks_dir, load_checks, run_checks
from laborgraph.export import union
from laborgraph.ontology import ontology_graph

FIXTURES = Path(__file__).parent / "checks"


@pytest.fixture(scope="session")
def seed_union(dataset) -> Graph:
    g = union(dataset)
    for triple in ontology_graph():
        g.add(triple)
    return g


def test_every_check_passes_on_the_seed(seed_union):
    results = run_checks(seed_union)
    assert len(results) >= 4
    assert {name: rows for name, rows in results.items() if rows} == {}


@pytest.mark.parametrize("check", load_checks(), ids=lambda c: c.name)
def test_each_check_fires_on_its_fixture(check, seed_union):
    fixture = FIXTURES / f"{check.name}.ru"
    assert fixture.exists(), f"add {fixture} that makes {check.name} return a row"
    g = Graph()
    for triple in seed_union:
        g.add(triple)
    g.update(fixture.read_text())
    assert run_checks(g)[check.name] != []


def test_checks_have_titles_and_questions():
    paths = sorted(default_checks_dir().glob("*.rq"))
    assert paths, f"no QC queries found in {default_checks_dir()}"
    for path in paths:
        text = path.read_text()
        assert path.name.endswith("-violation.rq")
        assert "# title:" in text and "# question:" in text


@pytest.mark.parametrize("check", load_checks(), ids=lambda c: c.name)
def test_each_rows_first_column_matches_the_checks_focus_pattern(check, seed_union):
    """`check` runs a QC query only for changed nodes matching its ``# focus:``; a row outside it would be lost."""
    assert check.focus, f"{check.name} declares no '# focus:' pattern"
    g = Graph()
    for triple in seed_union:
        g.add(triple)
    g.update((FIXTURES / f"{check.name}.ru").read_text())
    firsts = sorted({str(row[0]) for row in g.query(check.query)})  # type: ignore[index]
    assert firsts  # the fixture makes the check fire
    matching = {str(row[0]) for row in g.query(check.focus_query(firsts))}  # type: ignore[index]
    assert matching == set(firsts)
    # and the pattern is a filter, not everything: a node of another kind does not match
    assert not list(g.query(check.focus_query(["https://example.org/not-a-node"])))
