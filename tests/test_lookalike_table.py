"""The look-alike tables in the cache's index: after every kind of edit they answer as a fresh scan."""

from __future__ import annotations

import os
import shutil
import sqlite3
from pathlib import Path

import pytest

from laborgraph.authoring.entities import duplicate_warnings, lookalike_findings
from laborgraph.incremental import lookalike
from laborgraph.incremental.index import NAME

from .conftest import DATA, SEED


@pytest.fixture
def data(tmp_path: Path) -> Path:
    """The seed and two copies of its mapping: their local entities look like each other's."""
    folder = tmp_path / "corpus"
    shutil.copytree(DATA, folder)
    seed = folder / "articles" / f"{SEED}.yaml"
    for name in ("2024-07-16-copy-a.yaml", "2024-07-17-copy-b.yaml"):
        shutil.copy(seed, folder / "articles" / name)
    return folder


@pytest.fixture
def compared(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The ids of the entities the tables compare again (each a ``similar_labels`` call)."""
    calls: list[str] = []
    similar = lookalike.similar_labels
    monkeypatch.setattr(lookalike, "similar_labels", lambda e, pool: calls.append(e.id) or similar(e, pool))
    return calls


def _same(data: Path, cache: Path) -> list:
    found = lookalike.cached_findings(data, cache)
    assert found == lookalike_findings(data)  # no memo, no tables: every file scanned, every name compared
    return found


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_the_tables_answer_as_a_fresh_scan_after_edit_add_rename_delete_and_registry_edit(data, tmp_path, compared):
    cache = tmp_path / "cache"
    articles = data / "articles"
    assert _same(data, cache)  # the copies look like each other: there is something to get wrong
    assert compared
    compared.clear()
    assert _same(data, cache) and compared == []  # nothing changed: nothing compared again
    seed = articles / f"{SEED}.yaml"
    seed.write_text(seed.read_text(encoding="utf-8") + "\n# touched\n", encoding="utf-8")
    _same(data, cache)
    assert compared == []  # the file changed, its entities did not
    _edit(seed, "entities:\n", "entities:\n  russian-federation:\n    type: Country\n    label: russia\n")
    found = _same(data, cache)
    assert any("russian-federation" in f.message or f.focus.endswith("russian-federation") for f in found)
    assert "russian-federation" in compared
    shutil.copy(seed, articles / "2024-07-18-copy-c.yaml")  # added
    _same(data, cache)
    os.rename(articles / "2024-07-16-copy-a.yaml", articles / "2024-07-19-renamed.yaml")
    _same(data, cache)
    (articles / "2024-07-17-copy-b.yaml").unlink()
    _same(data, cache)
    _edit(data / "entities.yaml", "label: Russia\n", "label: Russland\n")  # a registry label
    _same(data, cache)
    copy = articles / "2024-07-18-copy-c.yaml"
    copy.write_text("# a line moves every declaration down\n" + copy.read_text(encoding="utf-8"), encoding="utf-8")
    _same(data, cache)  # the candidates' file:line in the other articles' messages moved too
    for path in articles.glob("*.yaml"):
        path.unlink()
    assert _same(data, cache) == []


@pytest.mark.parametrize("damage", [
    "UPDATE ent SET aliases = 'not json'",
    "UPDATE ent SET label = 'something else entirely'",  # a stale row: only the version guards it
    "DROP TABLE ent_found",
    "DELETE FROM ent_pools",
])
def test_damaged_or_foreign_tables_fall_back_to_a_full_scan(data, tmp_path, damage):
    cache = tmp_path / "cache"
    reference = _same(data, cache)
    with sqlite3.connect(cache / NAME) as db:
        db.execute(damage)
        db.execute("UPDATE ent_meta SET value = 'other code' WHERE name = 'version'")
    assert lookalike.cached_findings(data, cache) == reference
    assert lookalike.cached_findings(data, cache) == reference


def test_unreadable_rows_are_dropped_and_scanned_again(data, tmp_path):
    cache = tmp_path / "cache"
    reference = _same(data, cache)
    with sqlite3.connect(cache / NAME) as db:
        db.execute("UPDATE ent SET aliases = 'not json'")
    assert lookalike.cached_findings(data, cache) == reference  # fell back
    with sqlite3.connect(cache / NAME) as db:
        assert db.execute("SELECT name FROM sqlite_master WHERE name = 'ent'").fetchone() is None  # dropped
    assert _same(data, cache) == reference  # and rebuilt


def test_check_warnings_equal_duplicate_warnings_after_edits(data, tmp_path):
    cache = tmp_path / "cache"
    seed = data / "articles" / f"{SEED}.yaml"
    assert lookalike.check_warnings(seed, data, cache) == duplicate_warnings(data, only=seed)
    _edit(seed, "entities:\n", "entities:\n  russian-federation:\n    type: Country\n    label: russia\n")
    warnings = lookalike.check_warnings(seed, data, cache)
    assert warnings == duplicate_warnings(data, only=seed)
    assert any("russian-federation" in w for w in warnings)
    other = data / "articles" / "2024-07-16-copy-a.yaml"
    other.write_text("# moved\n" + other.read_text(encoding="utf-8"), encoding="utf-8")
    assert lookalike.check_warnings(seed, data, cache) == duplicate_warnings(data, only=seed)
