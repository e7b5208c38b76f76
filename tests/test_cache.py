"""The incremental build: edits, renames and deletions never serve stale results."""

import shutil
from pathlib import Path

import pytest

from laborgraph.build import build_dataset
from laborgraph.corpus import run_constraints
from laborgraph.load import load_corpus
from laborgraph.pipeline import build
from laborgraph.store import oxigraph_store
from laborgraph.validate import _plain, shapes_graph, validate_dataset, validate_graph

from .conftest import DATA, SEED

FIXTURES = Path(__file__).parent / "fixtures" / "corroboration"


@pytest.fixture
def corpus_dir(tmp_path):
    """The seed plus the two corroboration fixture articles, in a scratch folder."""
    data = tmp_path / "data"
    shutil.copytree(DATA, data)
    registry = data / "entities.yaml"
    registry.write_text(registry.read_text().replace("entities:\n", "entities:\n" +
                                                     (FIXTURES / "entities-extra.yaml").read_text(), 1))
    for path in (FIXTURES / "articles").iterdir():
        shutil.copy(path, data / "articles" / path.name)
    return data


def outputs(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.glob("laborgraph.*"))}


def fresh(data: Path, tmp: Path, name: str) -> dict[str, bytes]:
    """Outputs of a build with an empty cache."""
    build(data, tmp / name, cache_dir=tmp / f"{name}-cache")
    return outputs(tmp / name)


def test_second_build_comes_from_cache_and_is_identical(corpus_dir, tmp_path):
    first = build(corpus_dir, tmp_path / "out")
    before = outputs(tmp_path / "out")
    again = build(corpus_dir, tmp_path / "out")
    assert (first.cache_misses, again.cache_hits, again.cache_misses) == (3, 3, 0)
    assert outputs(tmp_path / "out") == before


def test_editing_one_article_rebuilds_only_it(corpus_dir, tmp_path):
    build(corpus_dir, tmp_path / "out")
    edited = corpus_dir / "articles" / "2024-08-05-fixturewire-far-east-count.yaml"
    edited.write_text(edited.read_text().replace("Fixture: 1,000 to 1,200 workers", "Fixture: a thousand workers"))
    result = build(corpus_dir, tmp_path / "out")
    assert (result.cache_hits, result.cache_misses) == (2, 1)
    assert b"Fixture: a thousand workers" in outputs(tmp_path / "out")["laborgraph.ttl"]
    assert outputs(tmp_path / "out") == fresh(corpus_dir, tmp_path, "reference")


def test_editing_the_article_text_is_a_change_too(corpus_dir, tmp_path):
    build(corpus_dir, tmp_path / "out")
    text = corpus_dir / "articles" / f"{SEED}.txt"
    text.write_text(text.read_text().replace("Please send any comments", "Please send your comments"))
    result = build(corpus_dir, tmp_path / "out")
    assert result.cache_misses == 1
    assert outputs(tmp_path / "out") == fresh(corpus_dir, tmp_path, "reference")


def test_renaming_and_deleting_articles(corpus_dir, tmp_path):
    build(corpus_dir, tmp_path / "out")
    articles = corpus_dir / "articles"
    for ext in ("yaml", "txt"):
        (articles / f"2024-08-01-fixturenews-far-east-arrivals.{ext}").rename(
            articles / f"2024-08-01-fixturenews-far-east-report.{ext}")
    mapping = articles / "2024-08-01-fixturenews-far-east-report.yaml"
    mapping.write_text(mapping.read_text().replace("far-east-arrivals.txt", "far-east-report.txt"))
    for ext in ("yaml", "txt"):
        (articles / f"2024-08-05-fixturewire-far-east-count.{ext}").unlink()
    result = build(corpus_dir, tmp_path / "out")
    assert (result.cache_hits, result.cache_misses) == (1, 1)
    cached = sorted(p.name for p in (tmp_path / "out" / ".cache" / "articles").iterdir() if p.name[0] != "_")
    assert cached == ["2024-07-15-dailynk-military-construction-workers-russia",
                      "2024-08-01-fixturenews-far-east-report"]
    assert b"far-east-arrivals" not in outputs(tmp_path / "out")["laborgraph.nt"]
    assert outputs(tmp_path / "out") == fresh(corpus_dir, tmp_path, "reference")


def test_registry_or_shapes_changes_invalidate_everything(corpus_dir, tmp_path, monkeypatch):
    build(corpus_dir, tmp_path / "out")
    registry = corpus_dir / "entities.yaml"
    registry.write_text(registry.read_text().replace("label: Uzbekistan", "label: Republic of Uzbekistan"))
    assert build(corpus_dir, tmp_path / "out").cache_misses == 3
    shapes = tmp_path / "shapes"
    shutil.copytree(Path(__file__).parents[1] / "shapes", shapes)
    (shapes / "article.ttl").write_text((shapes / "article.ttl").read_text() + "\n# a change\n")
    monkeypatch.setattr("laborgraph.pipeline.default_shapes_dir", lambda: shapes)
    assert build(corpus_dir, tmp_path / "out").cache_misses == 3


def test_cache_is_safe_to_delete(corpus_dir, tmp_path):
    build(corpus_dir, tmp_path / "out")
    before = outputs(tmp_path / "out")
    shutil.rmtree(tmp_path / "out" / ".cache")
    assert build(corpus_dir, tmp_path / "out").cache_misses == 3
    assert outputs(tmp_path / "out") == before


def test_parallel_validation_gives_the_same_result(corpus_dir, tmp_path, monkeypatch):
    monkeypatch.setattr("laborgraph.pipeline.BATCH", 1)
    one = build(corpus_dir, tmp_path / "a", jobs=1)
    two = build(corpus_dir, tmp_path / "b", jobs=2)
    key = lambda f: (f.focus, f.shape, f.severity, f.message)  # noqa: E731
    assert sorted(map(key, one.report.findings)) == sorted(map(key, two.report.findings))
    assert outputs(tmp_path / "a") == outputs(tmp_path / "b")


def test_incremental_findings_equal_whole_corpus_validation(corpus_dir, tmp_path):
    result = build(corpus_dir, tmp_path / "out")
    naive = validate_dataset(build_dataset(load_corpus(corpus_dir)))
    key = lambda f: (f.focus, f.shape, f.severity, f.message, f.line, f.claim)  # noqa: E731
    assert sorted(map(key, result.report.findings)) == sorted(map(key, naive.findings))
    assert result.report.counts["Warning"] > 10


def test_fast_corpus_rules_equal_pyshacl(corpus_dir):
    ds = build_dataset(load_corpus(corpus_dir))
    fast = run_constraints(oxigraph_store(ds), shapes_graph(corpus=True))
    slow = validate_graph(_plain(*ds.graphs()), corpus_rules=True).findings
    key = lambda f: (f.focus, f.shape, f.severity, f.message, f.file, f.line, f.claim)  # noqa: E731
    assert sorted(map(key, fast)) == sorted(map(key, slow))
    assert len(fast) > 10
