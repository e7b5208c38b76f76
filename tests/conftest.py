"""Shared fixtures: the seed corpus, built once, and a scratch copy of it to break.

Tests read the seed fixture (tests/fixtures/seed/), never data/: analysts add articles there.
Only tests/test_data.py reads data/, to check that whatever is there builds and validates.
"""

from __future__ import annotations

import shutil
import socket
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from hypothesis import settings
from rdflib import Dataset, Graph

from laborgraph.build import build_dataset
from laborgraph.load import load_corpus
from laborgraph.model import Corpus
from laborgraph.vocab import REGISTRY_GRAPH, article_graph_iri

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "tests" / "fixtures" / "seed"
SEED = "2024-07-15-dailynk-military-construction-workers-russia"
CORROBORATION = ROOT / "tests" / "fixtures" / "corroboration"


def seed_with_corroboration(out: Path) -> Path:
    """A copy of the seed corpus at ``out`` with the corroboration fixture's entities and articles added
    (a copy, a relay and anonymous claims corroborated or not)."""
    shutil.copytree(DATA, out)
    registry = out / "entities.yaml"
    registry.write_text(registry.read_text().replace("entities:\n", "entities:\n" +
                                                     (CORROBORATION / "entities-extra.yaml").read_text(), 1))
    for path in (CORROBORATION / "articles").iterdir():
        shutil.copy(path, out / "articles" / path.name)
    return out


# No example database: tests never write into the repository.
settings.register_profile("laborgraph", database=None, deadline=None)
settings.load_profile("laborgraph")


class Tripwire:
    """A loopback TCP listener that records every connection: hostile queries and documents aim at it."""

    def __init__(self) -> None:
        self._sock = socket.create_server(("127.0.0.1", 0), backlog=128)
        self.port = self._sock.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}/"
        self.hits: list[bytes] = []
        self._stopped = False
        self._thread = threading.Thread(target=self._accept, daemon=True)
        self._thread.start()

    def _accept(self) -> None:
        while True:
            try:
                conn, _ = self._sock.accept()
            except OSError:
                return
            if self._stopped:
                conn.close()
                return
            with conn:
                conn.settimeout(1)
                try:
                    self.hits.append(conn.recv(1024) or b"(connected)")
                except OSError:
                    self.hits.append(b"(connected)")

    def close(self) -> None:
        self._stopped = True
        with socket.socket() as poke:  # wake the accept loop
            poke.connect(("127.0.0.1", self.port))
        self._thread.join(timeout=5)
        self._sock.close()


@pytest.fixture
def listener() -> Iterator[Tripwire]:
    """A private loopback listener for one test: shows that a spelling reaches the network when
    nothing stops it (the session's tripwire must stay untouched)."""
    wire = Tripwire()
    yield wire
    wire.close()


@pytest.fixture(scope="session", autouse=True)
def tripwire() -> Iterator[Tripwire]:
    """One listener for the whole session; at the end it must have received nothing."""
    wire = Tripwire()
    yield wire
    wire.close()
    assert wire.hits == [], f"the loopback tripwire was contacted {len(wire.hits)} time(s): {wire.hits[:3]}"


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


@pytest.fixture(scope="session")
def seed_graph(dataset: Dataset) -> Graph:
    """The seed article's graph with the registry, as one plain graph: what shapes see of one article."""
    g = Graph()
    for name in (article_graph_iri(SEED), REGISTRY_GRAPH):
        for triple in dataset.graph(name):
            g.add(triple)
    return g


@pytest.fixture
def scratch_data(tmp_path: Path) -> Path:
    """A copy of the seed fixture that a test may edit."""
    target = tmp_path / "corpus"
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
