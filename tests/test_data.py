"""The only tests that read data/: whatever analysts have put there builds and validates.

No counts: analysts add articles. The CI-style test adds two invented articles
(tests/fixtures/extra-articles/) to a copy of data/ and runs the same check, which is what
`./dev test` must survive when the corpus grows.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from rdflib import Dataset

from laborgraph.cli import main
from laborgraph.load import article_paths
from laborgraph.vocab import article_graph_iri

from .conftest import ROOT

REPO_DATA = ROOT / "data"  # the one place tests read the analysts' corpus
EXTRA = ROOT / "tests" / "fixtures" / "extra-articles"


def check_builds_and_validates(data: Path, out: Path) -> None:
    """`laborgraph build` succeeds on ``data`` and writes one named graph per article."""
    result = CliRunner().invoke(main, ["build", "--data", str(data), "--out", str(out), "--layout", "combined"])
    assert result.exit_code == 0, result.output
    graphs = {str(g.identifier) for g in Dataset().parse(out / "laborgraph.trig", format="trig").graphs() if len(g)}
    expected = {str(article_graph_iri(p.stem)) for p in article_paths(data)}
    assert expected
    assert expected <= graphs


def test_data_builds_and_validates(tmp_path):
    check_builds_and_validates(REPO_DATA, tmp_path / "out")


@pytest.mark.slow
def test_data_with_two_more_articles_still_builds(tmp_path):
    data = tmp_path / "data"
    shutil.copytree(REPO_DATA, data)
    added = sorted(EXTRA.glob("2*.yaml"))
    assert len(added) == 2
    registry = data / "entities.yaml"
    text = registry.read_text(encoding="utf-8")
    assert "\nentities:\n" in text
    registry.write_text(text.replace("\nentities:\n", "\nentities:\n" + (EXTRA / "outlets.yaml").read_text(), 1),
                        encoding="utf-8")
    for mapping in added:
        for path in (mapping, mapping.with_suffix(".txt")):
            shutil.copy(path, data / "articles" / path.name)
    check_builds_and_validates(data, tmp_path / "out")
