"""Look-alike entity warnings kept in the cache's index, so an edit costs the pools it touched.

``authoring.entities.lookalikes`` compares each article-local entity with the entities whose
names hold the same numbers (a pool). Recomputed from a JSON memo on every build, that cost
most of an edit's rebuild at 10,000 synthetic articles (decoding every article's entities,
grouping every name, digesting every pool: 1.4 s). Here four tables in the cache's SQLite file
(``index.NAME``) keep:

- ``ent_files``: each mapping's size, mtime and inode when its entities were scanned, and when;
- ``ent``: those entities in index order (the registry's under the name ""), with their label's pool;
- ``ent_pools``: the pools each entity's names belong to;
- ``ent_found``: the look-alike message of each local entity that has one.

An update scans again only the files whose signature changed (or whose mtime was too close
to their scan: git's rule, as in ``entity_index``), and recomputes only the pools the
entities that changed left or joined; every member of such a pool, any field, is compared
again, so a moved line in a candidate's file renews the messages naming it. An update is one
transaction: a killed build leaves the tables as they were. The code's fingerprint is
recorded; other code starts the tables again. A damaged table is dropped and the findings
computed in full from the files (``authoring.entities``): slower, never different.
"""

from __future__ import annotations

import contextlib
import json
import os
import sqlite3
import time
from collections.abc import Collection, Iterator
from pathlib import Path

from ..authoring.entities import (
    RACY_NS,
    NamedEntity,
    article_entities,
    lookalike_finding,
    lookalike_findings,
    lookalike_message,
    lookalike_warning,
    name_pool,
    registry_entities,
    similar_labels,
)
from ..load import ARTICLES_DIR, article_names
from ..validate import Finding
from .cache import code_fingerprint
from .index import NAME
from .lock import locked

VERSION = "1"
REGISTRY = ""  # the registry's rows: the name sorts before every mapping's, as its entities come first
_TABLES = (
    "CREATE TABLE IF NOT EXISTS ent_meta (name TEXT PRIMARY KEY, value TEXT NOT NULL)",
    "CREATE TABLE IF NOT EXISTS ent_files (name TEXT PRIMARY KEY, size INTEGER, mtime INTEGER, ino INTEGER,"
    " at INTEGER)",
    "CREATE TABLE IF NOT EXISTS ent (name TEXT NOT NULL, pos INTEGER NOT NULL, id TEXT, type TEXT, label TEXT,"
    " aliases TEXT, file TEXT, line INTEGER, article TEXT, lpool TEXT, PRIMARY KEY (name, pos))",
    "CREATE TABLE IF NOT EXISTS ent_pools (pool TEXT NOT NULL, name TEXT NOT NULL, pos INTEGER NOT NULL,"
    " PRIMARY KEY (pool, name, pos))",
    "CREATE INDEX IF NOT EXISTS ent_pools_name ON ent_pools (name)",
    "CREATE TABLE IF NOT EXISTS ent_found (name TEXT NOT NULL, pos INTEGER NOT NULL, message TEXT NOT NULL,"
    " PRIMARY KEY (name, pos))",
)
_DROP = ("ent_meta", "ent_files", "ent", "ent_pools", "ent_found")
_ENTITY = "e.name, e.pos, e.id, e.type, e.label, e.aliases, e.file, e.line, e.article"

Row = tuple[str, int, str, str, str, str, str, int, str | None]  # name, pos, then NamedEntity's fields


Signatures = dict[str, "list[int] | None"]  # mapping file name -> size, mtime, inode (None: gone)


def cached_findings(data_dir: Path, cache_dir: Path, signatures: Signatures | None = None,
                    only: Collection[str] | None = None) -> list[Finding]:
    """``authoring.entities.lookalike_findings(data_dir)``, brought up to date in the cache's index.

    ``signatures``: every mapping file's, as the build calling this found them (``Cache.signatures``),
    so the folder is not listed and each file not examined a second time. ``only``: the mappings
    that may differ from what the tables hold (a file watcher's, ``held.Held``); ``signatures`` then
    covers those alone.
    """
    with locked(cache_dir):
        try:
            with _tables(cache_dir) as db:
                _update(db, data_dir, only, signatures)
                rows = db.execute(f"SELECT {_ENTITY}, f.message FROM ent_found f JOIN ent e"
                                  " ON e.name = f.name AND e.pos = f.pos").fetchall()
        except (sqlite3.Error, ValueError, TypeError):
            _drop(cache_dir)
            return lookalike_findings(data_dir)
    rows.sort(key=lambda r: (r[0], r[1]))  # index order: Python's, whatever SQLite's collation
    return [lookalike_finding(_entity(r), r[-1]) for r in rows]


def check_warnings(mapping: Path, data_dir: Path, cache_dir: Path, changed: Collection[str] | None = None) -> list[str]:
    """``authoring.entities.duplicate_warnings(data_dir, only=mapping)``: the other articles' entities
    come from the cache's index (brought up to date), the mapping's own are read exactly.

    ``changed``: the only mappings (names in ``articles/``) that may differ from what the tables
    hold, as a file watcher knows it (``check.Kept``); the others' signatures are not read.
    """
    mine = article_entities(mapping, data_dir, exact=True)
    with locked(cache_dir):
        try:
            with _tables(cache_dir) as db:
                _update(db, data_dir, changed)
                pools = {p: _members(db, p) for p in dict.fromkeys(name_pool(e.label) for e in mine)}
        except (sqlite3.Error, ValueError, TypeError):
            _drop(cache_dir)
            return _slow_warnings(mapping, data_dir)
    out = []
    for e in mine:
        pool = name_pool(e.label)
        others = [o for o in pools[pool] if o.article != mapping.stem]
        candidates = similar_labels(e, others + [m for m in mine if pool in {name_pool(n) for n in m.names}])
        if candidates:
            out.append(lookalike_warning(e, candidates))
    return out


def _slow_warnings(mapping: Path, data_dir: Path) -> list[str]:
    from ..authoring.entities import duplicate_warnings

    return duplicate_warnings(data_dir, only=mapping)


@contextlib.contextmanager
def _tables(cache_dir: Path) -> Iterator[sqlite3.Connection]:
    """The tables, in one transaction (the caller holds the cache's lock); started again for other code."""
    cache_dir.mkdir(parents=True, exist_ok=True)
    db = sqlite3.connect(cache_dir / NAME, isolation_level=None)
    try:
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("PRAGMA synchronous=NORMAL")
        db.execute("BEGIN IMMEDIATE")
        try:
            for sql in _TABLES:
                db.execute(sql)
            version = f"{VERSION} {code_fingerprint()}"
            if db.execute("SELECT value FROM ent_meta WHERE name = 'version'").fetchone() != (version,):
                for table in _DROP:
                    db.execute(f"DELETE FROM {table}")
                db.execute("INSERT INTO ent_meta VALUES ('version', ?)", (version,))
            yield db
        except BaseException:
            db.execute("ROLLBACK")
            raise
        db.execute("COMMIT")
    finally:
        db.close()


def _drop(cache_dir: Path) -> None:
    """Forget the tables (found damaged): the next update scans every file again."""
    with contextlib.suppress(sqlite3.Error), contextlib.closing(sqlite3.connect(cache_dir / NAME)) as db:
        for table in _DROP:
            db.execute(f"DROP TABLE IF EXISTS {table}")
        db.commit()


def _update(db: sqlite3.Connection, data_dir: Path, only: Collection[str] | None = None,
            signatures: Signatures | None = None) -> None:
    """Scan the files that changed since their last scan (of ``only``, when given; ``signatures``: the
    build's, ``cached_findings``); recompute the pools their entities touch."""
    now = time.time_ns()
    changed: dict[str, list[NamedEntity]] = {}
    registry = registry_entities(data_dir)
    if [_entity(r) for r in _rows(db, REGISTRY)] != registry:
        changed[REGISTRY] = registry
    if only is not None and db.execute("SELECT 1 FROM ent_files LIMIT 1").fetchone() is None:
        only, signatures = None, None  # the tables were started again (other code, damage): scan every file
    if only is None:
        rows = db.execute("SELECT name, size, mtime, ino, at FROM ent_files").fetchall()
    else:  # 10,000 rows read for a few: 0.03 s of an edit
        rows = [r for n in sorted(only) for r in db.execute(
            "SELECT name, size, mtime, ino, at FROM ent_files WHERE name = ?", (n,))]
    known = {r[0]: r[1:] for r in rows}
    scanned, present = [], set()
    if signatures is None:
        signatures = _signatures(data_dir, article_names(data_dir) if only is None else sorted(only))
    for name, found_sig in signatures.items():
        if found_sig is None:
            continue
        present.add(name)
        sig = tuple(found_sig)
        row = known.get(name)
        if row is not None and row[:3] == sig and row[3] - RACY_NS > sig[1]:
            continue
        found = article_entities(data_dir / ARTICLES_DIR / name, data_dir)
        if row is None or [_entity(r) for r in _rows(db, name)] != found:
            changed[name] = found
        scanned.append((name, *sig, now))
    gone = (set(known) if only is None else set(known) & set(only)) - present
    for name in gone:
        changed[name] = []
    db.executemany("INSERT OR REPLACE INTO ent_files VALUES (?, ?, ?, ?, ?)", scanned)
    db.executemany("DELETE FROM ent_files WHERE name = ?", [(n,) for n in gone])
    touched: set[str] = set()
    for name, entities in changed.items():
        touched.update(p for (p,) in db.execute("SELECT DISTINCT pool FROM ent_pools WHERE name = ?", (name,)))
        for table in ("ent", "ent_pools", "ent_found"):
            db.execute(f"DELETE FROM {table} WHERE name = ?", (name,))
        db.executemany("INSERT INTO ent VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                       [(name, pos, e.id, e.type, e.label, json.dumps(e.aliases, ensure_ascii=False), e.file,
                         e.line, e.article, name_pool(e.label)) for pos, e in enumerate(entities)])
        pools = {(name_pool(n), pos) for pos, e in enumerate(entities) for n in e.names}
        db.executemany("INSERT INTO ent_pools VALUES (?, ?, ?)", [(p, name, pos) for p, pos in pools])
        touched.update(p for p, _ in pools)
    for pool in sorted(touched):
        _recompute(db, pool)


def _signatures(data_dir: Path, names: list[str]) -> Signatures:
    folder = os.path.join(data_dir, ARTICLES_DIR)
    found: Signatures = {}
    for name in names:
        try:
            st = os.stat(os.path.join(folder, name))
        except OSError:
            found[name] = None
            continue
        found[name] = [st.st_size, st.st_mtime_ns, st.st_ino]
    return found


def _recompute(db: sqlite3.Connection, pool: str) -> None:
    """The look-alike messages of the local entities whose label is in ``pool``, compared afresh."""
    rows = db.execute(f"SELECT {_ENTITY}, e.lpool FROM ent_pools p JOIN ent e ON e.name = p.name AND e.pos = p.pos"
                      " WHERE p.pool = ?", (pool,)).fetchall()
    rows.sort(key=lambda r: (r[0], r[1]))
    local = [i for i, r in enumerate(rows) if r[-1] == pool and r[8] is not None]
    found = dict(lookalikes_in([_entity(r) for r in rows], local))
    put = [(rows[i][0], rows[i][1], found[i]) for i in local if i in found]
    drop = [(rows[i][0], rows[i][1]) for i in local if i not in found]
    db.executemany("INSERT OR REPLACE INTO ent_found VALUES (?, ?, ?)", put)
    db.executemany("DELETE FROM ent_found WHERE name = ? AND pos = ?", drop)


def lookalikes_in(pool: list[NamedEntity], local: list[int]) -> Iterator[tuple[int, str]]:
    """(place, message) for each entity of ``pool`` at the places ``local`` that has look-alikes in it."""
    for i in local:
        candidates = similar_labels(pool[i], pool)
        if candidates:
            yield i, lookalike_message(pool[i], candidates)


def _members(db: sqlite3.Connection, pool: str) -> list[NamedEntity]:
    rows = db.execute(f"SELECT {_ENTITY} FROM ent_pools p JOIN ent e ON e.name = p.name AND e.pos = p.pos"
                      " WHERE p.pool = ?", (pool,)).fetchall()
    rows.sort(key=lambda r: (r[0], r[1]))
    return [_entity(r) for r in rows]


def _rows(db: sqlite3.Connection, name: str) -> list[Row]:
    return db.execute(f"SELECT {_ENTITY} FROM ent e WHERE e.name = ? ORDER BY e.pos", (name,)).fetchall()


def _entity(row: tuple[object, ...]) -> NamedEntity:
    _, _, eid, etype, label, aliases, file, line, article = row[:9]
    names = json.loads(str(aliases))
    if not isinstance(names, list) or not all(isinstance(a, str) for a in names):
        raise ValueError("ent.aliases: not a list of names")
    return NamedEntity(str(eid), str(etype), str(label), tuple(names), str(file), int(line),  # type: ignore[call-overload]
                       None if article is None else str(article))


__all__ = ["cached_findings", "check_warnings", "lookalikes_in"]
