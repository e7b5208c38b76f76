"""Generated docs are current, and the README's quick start is what CI runs."""

import re

from laborgraph.export.docs import ontology_markdown
from laborgraph.ontology import load_terms

from .conftest import ROOT


def test_ontology_reference_is_up_to_date():
    current = (ROOT / "docs" / "ontology.md").read_text()
    assert current == ontology_markdown(), "run: laborgraph ontology-docs -o docs/ontology.md"


def test_every_mapping_property_is_documented():
    doc = (ROOT / "docs" / "ontology.md").read_text()
    assert [n for n in load_terms().properties if f"| `{n}` |" not in doc] == []


def test_quick_start_is_two_commands_and_ci_runs_the_second():
    readme = (ROOT / "README.md").read_text()
    block = re.search(r"## Quick start\s+```\n(.*?)```", readme, re.S).group(1)
    commands = [ln for ln in block.splitlines() if ln.strip()]
    assert len(commands) == 2
    assert commands[1] in (ROOT / ".ci" / "run").read_text()


def test_a_property_that_fits_several_kinds_lists_them_as_its_domain():
    row = next(ln for ln in ontology_markdown().splitlines() if ln.startswith("| `lg:hedge` |"))
    domain = row.split(" | ")[2]
    assert domain == "lg:Claim or lg:TimeSpec or schema:MonetaryAmount or schema:QuantitativeValue"
