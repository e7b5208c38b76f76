"""The cache's SQLite index: an edit writes only its rows; a damaged index is rebuilt, never trusted."""

import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from laborgraph.incremental import build
from laborgraph.incremental import refresh as check
from laborgraph.incremental.cache import FORMAT
from laborgraph.incremental.index import NAME, Index

from .conftest import DATA, SEED

EDITED = f"{SEED}.yaml"


@pytest.fixture
def corpus(tmp_path):
    data = tmp_path / "corpus"
    shutil.copytree(DATA, data)
    return data


def outputs(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.glob("laborgraph.*"))}


def edit(data: Path, new: str = "Daily NK (edited):") -> None:
    mapping = data / "articles" / EDITED
    text = mapping.read_text()
    assert 'label: "Daily NK:' in text
    mapping.write_text(text.replace('label: "Daily NK:', f'label: "{new}', 1))


def _all(findings):
    return [(f.focus, f.shape, f.severity, f.message, f.file, f.line, f.claim) for f in findings]


def test_an_edit_writes_only_the_edited_rows(corpus, tmp_path, monkeypatch):
    monkeypatch.setattr("laborgraph.incremental.cache.RACY_NS", 0)  # no file is too new to trust here
    out = tmp_path / "out"
    build(corpus, out)
    assert not (out / ".cache" / "index.json").exists()
    entries, held = [], []
    real_entries, real_manifest = Index.write_entries, Index.write_manifest

    def write_entries(self, rows, gone):
        entries.append((sorted(rows), sorted(gone)))
        real_entries(self, rows, gone)

    def write_manifest(self, graphs, inputs):
        held.append(sorted(g for g, k in graphs.items() if self.held.get(g) != k))
        real_manifest(self, graphs, inputs)

    monkeypatch.setattr(Index, "write_entries", write_entries)
    monkeypatch.setattr(Index, "write_manifest", write_manifest)
    edit(corpus)
    result = build(corpus, out)
    assert result.cache_misses == 1
    assert entries == [([SEED], [])]
    assert len(held) == 1 and len(held[0]) == 1 and held[0][0].endswith(SEED)
    assert outputs(out) == fresh(corpus, tmp_path)


def fresh(data: Path, tmp_path: Path) -> dict[str, bytes]:
    build(data, tmp_path / "fresh", cache_dir=tmp_path / "fresh-cache")
    return outputs(tmp_path / "fresh")


@pytest.mark.parametrize("damage", ["garbage", "truncated", "empty", "wal-garbage"])
def test_a_damaged_index_is_rebuilt_not_trusted(corpus, tmp_path, capsys, damage):
    out = tmp_path / "out"
    build(corpus, out)
    index = out / ".cache" / NAME
    size = index.stat().st_size
    assert size > 4 * 4096
    if damage == "garbage":
        index.write_bytes(b"not a database " * 400)
    elif damage == "truncated":
        with open(index, "r+b") as fh:
            fh.truncate(size // 2)
    elif damage == "empty":
        index.write_bytes(b"")
    else:  # a write-ahead log that is not one: SQLite ignores it, the database itself is intact
        Path(f"{index}-wal").write_bytes(b"\0garbage" * 1000)
    capsys.readouterr()
    edit(corpus)
    result = check(corpus, cache_dir=out / ".cache")
    reference = check(corpus, cache_dir=tmp_path / "reference-cache")
    assert _all(result.report.findings) == _all(reference.report.findings)
    if damage in ("garbage", "truncated"):
        assert "cache index" in capsys.readouterr().err
        assert result.corpus_focus is None  # the store's manifest went with the index: evaluated in full
    build(corpus, out)
    assert outputs(out) == fresh(corpus, tmp_path)
    with sqlite3.connect(index) as db:
        assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)


def test_concurrent_builds_on_one_cache_are_serialised(corpus, tmp_path):
    out = tmp_path / "out"
    build(corpus, out)
    cli = [sys.executable, "-m", "laborgraph.cli", "build", "--data", str(corpus), "--out", str(out)]
    mapping = corpus / "articles" / EDITED
    original = mapping.read_text()
    for round_ in range(3):
        mapping.write_text(original.replace('label: "Daily NK:', f'label: "Daily NK ({round_}):', 1))
        procs = [subprocess.Popen(cli, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
                 for _ in range(2)]
        for proc in procs:
            _, stderr = proc.communicate(timeout=600)
            assert proc.returncode == 0 and "Traceback" not in stderr, stderr
        assert outputs(out) == fresh(corpus, tmp_path / f"round{round_}")
    again = check(corpus, cache_dir=out / ".cache")
    assert again.misses == 0 and again.corpus_focus is not None  # the index describes the store
    assert _all(again.report.findings) == _all(check(corpus, cache_dir=tmp_path / "reference").report.findings)
    with sqlite3.connect(out / ".cache" / NAME) as db:
        assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        rows = db.execute("SELECT count(*) FROM entries").fetchone()[0]
    assert rows == len(list((corpus / "articles").glob("*.yaml"))) + 2  # and the registry and ontology


def test_an_edit_replaces_only_the_corpus_rows_of_the_nodes_it_reaches(corpus, tmp_path, monkeypatch):
    """Edit after edit, the recorded corpus findings are those of a build from an empty cache,
    and no edit rewrites the whole table (35,000 rows at 10,000 synthetic articles)."""
    monkeypatch.setattr("laborgraph.incremental.cache.RACY_NS", 0)
    out = tmp_path / "out"
    build(corpus, out)
    whole = []
    real = Index.write_findings

    def write_findings(self, findings, graphs):
        if self.folder == out / ".cache":  # not the fresh builds compared with
            whole.append(len(findings))
        real(self, findings, graphs)

    monkeypatch.setattr(Index, "write_findings", write_findings)
    for n, (old, new) in enumerate([("Daily NK:", "Daily NK (edited):"), ("Daily NK (edited):", "Daily NK:")]):
        mapping = corpus / "articles" / EDITED
        mapping.write_text(mapping.read_text().replace(f'label: "{old}', f'label: "{new}', 1))
        result = build(corpus, out)
        assert result.corpus_focus  # the rules ran for the nodes the edit reaches, not in full
        recorded = Index(out / ".cache", FORMAT).findings
        assert recorded is not None and len(recorded) > 5
        check(corpus, cache_dir=tmp_path / f"fresh{n}")
        assert _all(recorded) == _all(Index(tmp_path / f"fresh{n}", FORMAT).findings)
    assert whole == []


def _traced(monkeypatch) -> list[str]:
    """The statements every index connection opened from now on runs (one per row of an ``executemany``)."""
    import laborgraph.incremental.index as index_module

    statements: list[str] = []
    connect = sqlite3.connect

    def traced(*args, **kwargs):
        db = connect(*args, **kwargs)
        db.set_trace_callback(statements.append)
        return db

    monkeypatch.setattr(index_module.sqlite3, "connect", traced)
    return statements


def test_an_edit_writes_one_held_row_and_check_reads_one_files_corpus_rows(tmp_path, monkeypatch):
    """The manifest's rows are diffed, not rewritten after being forgotten; `check` reads no other corpus rows."""
    from laborgraph.incremental.check import check_article

    from .test_check import EDITS, FIXTURES

    monkeypatch.setattr("laborgraph.incremental.cache.RACY_NS", 0)
    data = tmp_path / "corpus"
    shutil.copytree(FIXTURES / "corroboration2", data)
    cache = tmp_path / "cache"
    check(data, cache_dir=cache)  # the fixture has violations: a refresh, not a build, fills the cache
    _, stem, old, new = EDITS[1]
    mapping = data / "articles" / f"{stem}.yaml"
    mapping.write_text(mapping.read_text(encoding="utf-8").replace(old, new, 1), encoding="utf-8")
    statements = _traced(monkeypatch)
    checked = check_article(mapping, data, cache_dir=cache)
    assert checked.fast
    corpus_reads = [s for s in statements if s.startswith("SELECT") and "FROM corpus" in s and "count(" not in s]
    assert corpus_reads and all("WHERE file = " in s for s in corpus_reads)
    held = [s for s in statements if "INTO held" in s or ("FROM held" in s and s.startswith("DELETE"))]
    assert len(held) == 1 and stem in held[0]
    monkeypatch.undo()
    mapping.write_text(mapping.read_text(encoding="utf-8").replace(new, old, 1), encoding="utf-8")
    monkeypatch.setattr("laborgraph.incremental.cache.RACY_NS", 0)
    statements = _traced(monkeypatch)
    result = check(data, cache_dir=cache)
    assert result.misses == 1
    held = [s for s in statements if "INTO held" in s or ("FROM held" in s and s.startswith("DELETE"))]
    assert len(held) == 1 and stem in held[0]
    with sqlite3.connect(cache / NAME) as db:
        rows = sorted(db.execute("SELECT graph, key FROM held"))
    reference = check(data, cache_dir=tmp_path / "fresh-cache")
    with sqlite3.connect(tmp_path / "fresh-cache" / NAME) as db:
        assert rows == sorted(db.execute("SELECT graph, key FROM held"))
    assert _all(check(data, cache_dir=cache).report.findings) == _all(reference.report.findings)


def test_check_reads_each_rows_files_as_decoding_the_whole_row_gives_them(tmp_path):
    """`check` decodes only the tail of each index row ("files"); a row it cannot split is decoded whole."""
    from laborgraph.incremental.cache import Cache

    from .test_check import FIXTURES

    data = tmp_path / "corpus"
    shutil.copytree(FIXTURES / "corroboration2", data)
    cache_dir = tmp_path / "cache"
    check(data, cache_dir=cache_dir)
    whole, tails = Cache(cache_dir), Cache(cache_dir, whole_rows=False)
    slugs = list(whole.index.entries)
    assert len(slugs) > 2
    expected = {slug: (whole._known(slug) or {}).get("files") for slug in slugs}
    assert all(files for slug, files in expected.items() if not slug.startswith("_"))  # articles have files
    assert {slug: tails._recorded_files(slug) for slug in slugs} == expected
    assert not tails._rows  # the whole rows were never decoded
    with sqlite3.connect(cache_dir / NAME) as db:  # a row whose tail is not JSON: every row decoded whole
        db.execute("UPDATE entries SET row = substr(row, 1, length(row) - 1) || ', \"x\": 1}' WHERE slug = ?",
                   (slugs[0],))
    again = Cache(cache_dir, whole_rows=False)
    assert {slug: again._recorded_files(slug) for slug in slugs} == expected
    for cache in (whole, tails, again):
        cache.close()


def test_replace_findings_deletes_the_rows_of_many_focus_nodes(tmp_path):
    """More focus nodes than one statement may name: every one of their rows goes, no other row."""
    from laborgraph.incremental.corpus import merge, order
    from laborgraph.validate import Finding

    def finding(node: int, message: str = "old") -> Finding:
        return Finding("Warning", message, "fix", "articles/a.yaml", node, None, f"urn:n:{node:05}", "shape", "c")

    recorded = order([finding(n) for n in range(1300)])
    Index(tmp_path).write_findings(recorded, 1)
    index = Index(tmp_path)
    assert index.findings_in("articles/a.yaml") == recorded  # read by file, without reading them all
    focus = {f"urn:n:{n:05}" for n in range(1300)} - {"urn:n:00007", "urn:n:01299"}
    fresh = [finding(3, "new"), finding(1200, "new")]
    index.replace_findings(focus, fresh, None, 1)
    expected = merge([f for f in recorded if f.focus not in focus], fresh)
    assert Index(tmp_path).findings == expected
    assert len(expected) == 4
