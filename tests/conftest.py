"""Shared fixtures: the seed corpus, built once, and a scratch copy of it to break.

Tests read the seed fixture (tests/fixtures/seed/), never data/: analysts add articles there.
Only tests/test_data.py reads data/, to check that whatever is there builds and validates.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from rdflib import Dataset

from laborgraph.build import build_dataset
from laborgraph.load import load_corpus
from laborgraph.model import Corpus

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "tests" / "fixtures" / "seed"
REPO_DATA = ROOT / "data"
SEED = "2024-07-15-dailynk-military-construction-workers-russia"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--update-golden", action="store_true",
                     help="rewrite golden files from the current output instead of comparing")


@pytest.fixture(scope="session", autouse=True)
def _cache_in_tmp(tmp_path_factory: pytest.TempPathFactory) -> None:
    """Commands that default to build/.cache write to a temporary folder in tests, and commands
    that default to data/ read the seed fixture."""
    import os

    os.environ["LABORGRAPH_CACHE"] = str(tmp_path_factory.mktemp("cache"))
    os.environ["LABORGRAPH_DATA"] = str(DATA)


@pytest.fixture(scope="session")
def corpus() -> Corpus:
    return load_corpus(DATA)


@pytest.fixture(scope="session")
def dataset(corpus: Corpus) -> Dataset:
    return build_dataset(corpus)


@pytest.fixture
def scratch_data(tmp_path: Path) -> Path:
    """A copy of the seed fixture that a test may edit."""
    target = tmp_path / "data"
    shutil.copytree(DATA, target)
    return target


EditFn = Callable[[str, str, int], Path]


@pytest.fixture
def edit_seed(scratch_data: Path) -> EditFn:
    """Replace text in the scratch seed mapping; returns the mapping path."""

    def edit(old: str, new: str, count: int = 1) -> Path:
        path = scratch_data / "articles" / f"{SEED}.yaml"
        text = path.read_text(encoding="utf-8")
        assert old in text, f"test setup: {old!r} not in the seed mapping"
        path.write_text(text.replace(old, new, count), encoding="utf-8")
        return path

    return edit
