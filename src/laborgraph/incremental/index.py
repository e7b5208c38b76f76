"""The cache's index in one SQLite file: entries, the store manifest and the corpus findings.

Rewriting ``index.json`` and ``store-findings.json`` (every entry, every corpus
finding) after each edit cost most of an edit's rebuild in a large corpus; here a
build changes only the rows of what changed, each step in one transaction
(stdlib ``sqlite3``, WAL: a committed step survives a kill). Commits are synced to
disk (``synchronous=FULL``) only where a lost one could mislead a later build: the
step that forgets the store's manifest before the store changes; the others
(``NORMAL``) could at worst lose the last steps in a power cut, which costs
recomputation, never a wrong answer. Every row can be recomputed: entries from their ``meta.json``,
the manifest and the corpus findings by evaluating the corpus in full. So a file
that is not a database, or is damaged (truncated, overwritten), is deleted and
started again; everything is read once when the index is opened, so damage is
found before anything is trusted. The cache's lock serialises builds; SQLite's own
locking is a second guard. An edit's build reads none of the corpus findings it keeps:
its report (``LazyReport``) reads them from a read snapshot (``Recorded``) when asked.

>>> import tempfile
>>> from pathlib import Path
>>> index = Index(Path(tempfile.mkdtemp()))
>>> index.write_entries({"a": ("k1", "g", "{}")}, set())
>>> Index(index.folder).entries["a"]
('k1', 'g', '{}')
"""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, fields
from operator import attrgetter
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..findings import Finding, Report

if TYPE_CHECKING:
    from rdflib import Graph

NAME = "index.sqlite"
SCHEMA = "1"
_COLUMNS = "severity, message, fix, file, line, claim, focus, shape, component, path, value"
# The corpus findings come back in ``corpus.order``'s order (SQLite compares text as UTF-8 bytes,
# which is code point order, as Python does); ties keep the order they were recorded in.
_ORDER = "shape, focus, message, severity, file, coalesce(line, 0), id"
_TABLES = (
    "CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY, value TEXT NOT NULL)",
    "CREATE TABLE IF NOT EXISTS entries (slug TEXT PRIMARY KEY, key TEXT NOT NULL, graph TEXT NOT NULL,"
    " row TEXT NOT NULL)",
    "CREATE TABLE IF NOT EXISTS held (graph TEXT PRIMARY KEY, key TEXT NOT NULL)",
    f"CREATE TABLE IF NOT EXISTS corpus (id INTEGER PRIMARY KEY, {_COLUMNS})",
)


@dataclass(frozen=True)
class Tables:
    """An index's entries and store manifest as read or written by this process (``Index.tables``)."""

    entries: dict[str, tuple[str, str, str]]
    held: dict[str, str]


class Index:
    """The index of one cache folder (the caller holds the cache's lock).

    ``entries`` maps slug -> (key, graph, JSON row); ``held`` the store's graphs -> key,
    valid only while ``manifest`` is true; ``findings`` the corpus findings of exactly
    that state, or None. The corpus rows are read when first asked for (``findings``), or
    only those located in one file (``findings_in``: `laborgraph check` reads no others);
    opening counts them, which reads every page of the table, so damage is still found then.
    """

    def __init__(self, folder: Path, fmt: str = "", *, rows: bool = True, kept: Tables | None = None) -> None:
        """``rows`` false: ``entries`` hold "" for each row, read when asked for (``row``): a watched build
        reads a few of 10,000 (9 MB); the pages are read all the same, so damage is still found.
        ``kept``: ``entries`` and ``held`` as this process left them (``tables``), when no other process
        wrote the file since (a watched build's stamp says so): read again, they cost an edit 0.08 s."""
        self.folder = folder
        self._with_rows = rows
        self._kept = kept
        self.path = folder / NAME
        self.format = f"{SCHEMA}.{fmt}"
        self.damaged = False
        self.db: sqlite3.Connection | None = None
        self.meta: dict[str, str] = {}
        self.entries: dict[str, tuple[str, str, str]] = {}
        self.held: dict[str, str] = {}
        self._findings: list[Finding] | None = None
        self._unread = False  # the recorded corpus findings are in the table, not read yet
        self._ids: list[int] | None = None
        self._recorded: list[tuple[Any, ...]] = []
        if not self.path.exists():
            return  # created by the first write: a build refused for bad input leaves no folder behind
        try:
            self._open()
        except sqlite3.DatabaseError:
            self.damaged = True
            self._kept = None
            self._discard()
            self._open()

    def _open(self) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        self.db = db = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
        try:
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("PRAGMA synchronous=NORMAL")
            with self._txn():
                for sql in _TABLES:
                    db.execute(sql)
                meta = dict(db.execute("SELECT name, value FROM meta"))
                if meta.get("format") != self.format:  # another laborgraph's index: start again
                    self._kept = None
                    for table in ("meta", "entries", "held", "corpus"):
                        db.execute(f"DELETE FROM {table}")
                    db.execute("INSERT INTO meta VALUES ('format', ?)", (self.format,))
                    meta = {"format": self.format}
            self.meta = meta
            if self._kept is not None:
                self.entries, self.held = self._kept.entries, self._kept.held
            elif self._with_rows:
                self.entries = {
                    slug: (key, graph, row) for slug, key, graph, row in db.execute("SELECT * FROM entries")}
            else:
                self.entries = {slug: (key, graph, "") for slug, key, graph, _ in
                                db.execute("SELECT slug, key, graph, length(row) FROM entries")}
            if self._kept is None:
                self.held = dict(db.execute("SELECT graph, key FROM held"))
                db.execute("SELECT count(*) FROM corpus").fetchone()  # reads every page: damage is found now
        except BaseException:
            db.close()
            raise
        self._findings, self._ids, self._recorded = None, None, []
        self._unread = "findings" in meta

    def _read_findings(self) -> None:
        assert self.db is not None
        rows = self.db.execute(f"SELECT id, {_COLUMNS} FROM corpus ORDER BY {_ORDER}").fetchall()
        self._ids = [r[0] for r in rows]
        self._recorded = [r[1:] for r in rows]  # as tuples: what ``write_findings`` compares
        self._findings = [Finding(*r) for r in self._recorded]
        self._unread = False

    @property
    def findings(self) -> list[Finding] | None:
        if self._unread and "findings" in self.meta:
            self._read_findings()
        return self._findings if "findings" in self.meta else None

    def recorded(self) -> Recorded:
        """The recorded corpus findings, read when first asked for (the caller knows they are recorded)."""
        assert "findings" in self.meta
        return Recorded(self.path)

    def findings_in(self, file: str) -> list[Finding] | None:
        """The recorded corpus findings located in ``file`` (in ``findings``' order), reading no others."""
        if "findings" not in self.meta:
            return None
        if not self._unread:
            return [f for f in self._findings or [] if f.file == file]
        assert self.db is not None
        return [Finding(*r) for r in self.db.execute(
            f"SELECT {_COLUMNS} FROM corpus WHERE file = ? ORDER BY {_ORDER}", (file,))]

    def _discard(self) -> None:
        with contextlib.suppress(sqlite3.Error):
            if self.db is not None:
                self.db.close()
        for suffix in ("", "-wal", "-shm", "-journal"):
            Path(f"{self.path}{suffix}").unlink(missing_ok=True)

    @contextlib.contextmanager
    def _txn(self) -> Iterator[sqlite3.Connection]:
        if self.db is None:
            self._open()
        db = self.db
        assert db is not None
        db.execute("BEGIN IMMEDIATE")
        try:
            yield db
        except BaseException:
            db.execute("ROLLBACK")
            raise
        db.execute("COMMIT")

    def close(self) -> None:
        if self.db is not None:
            self.db.close()

    @property
    def manifest(self) -> bool:
        return "manifest" in self.meta

    @property
    def inputs(self) -> str | None:
        return self.meta.get("inputs")

    @property
    def findings_graphs(self) -> int | None:
        value = self.meta.get("findings")
        return int(value) if value is not None else None

    def tables(self) -> Tables:
        """``entries`` and ``held`` as this index left them, for the next ``Index(kept=)`` of this process."""
        return Tables(self.entries, self.held)

    def row(self, slug: str) -> str | None:
        """The JSON row of ``slug`` (read now when the index was opened without rows), or None."""
        found = self.entries.get(slug)
        if found is None or found[2] or self.db is None:
            return None if found is None else found[2]
        got = self.db.execute("SELECT row FROM entries WHERE slug = ?", (slug,)).fetchone()
        return None if got is None else str(got[0])

    def write_entries(self, rows: dict[str, tuple[str, str, str]], gone: Iterable[str]) -> None:
        """Replace the rows of ``rows`` (slug -> key, graph, JSON) and drop those of ``gone``, as one step."""
        gone = list(gone)
        if not rows and not gone:
            return
        with self._txn() as db:
            db.executemany("INSERT OR REPLACE INTO entries VALUES (?, ?, ?, ?)",
                                [(slug, *row) for slug, row in rows.items()])
            db.executemany("DELETE FROM entries WHERE slug = ?", [(slug,) for slug in gone])
        self.entries.update(rows)
        for slug in gone:
            self.entries.pop(slug, None)

    def forget_store(self) -> None:
        """Say the store's state is unknown (before it changes): the next build re-creates it."""
        if self.db is None:
            self._open()
        assert self.db is not None
        self.db.execute("PRAGMA synchronous=FULL")
        with self._txn() as db:
            db.execute("DELETE FROM meta WHERE name IN ('manifest', 'findings')")
        db.execute("PRAGMA synchronous=NORMAL")
        self.meta.pop("manifest", None)
        self.meta.pop("findings", None)
        self._findings, self._unread = None, False

    def write_manifest(self, held: dict[str, str], inputs: str) -> None:
        """Record what the store holds now: only the graphs whose key changed are written.

        ``self.held`` always mirrors the table (read when opened, changed only here), also while
        the manifest is forgotten, so the rows are diffed against it: rewriting all of them
        after every edit cost 0.1 s at 10,000 articles.
        """
        put = [(g, k) for g, k in held.items() if self.held.get(g) != k]
        drop = [(g,) for g in self.held if g not in held]
        with self._txn() as db:
            db.executemany("INSERT OR REPLACE INTO held VALUES (?, ?)", put)
            db.executemany("DELETE FROM held WHERE graph = ?", drop)
            db.executemany("INSERT OR REPLACE INTO meta VALUES (?, ?)",
                                [("inputs", inputs), ("manifest", "1")])
        self.held = dict(held)
        self.meta.update(inputs=inputs, manifest="1")

    def replace_findings(self, focus: set[str], fresh: list[Finding], findings: list[Finding] | None,
                         graphs: int) -> None:
        """Record an evaluation bound to ``focus``: the recorded rows of those nodes give way to ``fresh``.

        ``findings`` is everything the table then holds (the other rows, kept, and ``fresh``),
        or None when the caller did not read them (then they are read again when asked for).
        Only the rows of the focus nodes are touched: after an edit the whole table was
        rewritten (35,000 rows at 10,000 synthetic articles). The caller vouches that the rows
        the table holds are the findings the evaluation started from (the store manifest's
        forgetting leaves them in place; a write since replaced them with what it was given).
        """
        nodes = sorted(focus)
        with self._txn() as db:
            for i in range(0, len(nodes), _BATCH):  # each a pass over the table, in SQLite's C
                batch = nodes[i:i + _BATCH]
                db.execute(f"DELETE FROM corpus WHERE focus IN ({', '.join('?' * len(batch))})", batch)
            db.executemany(f"INSERT INTO corpus ({_COLUMNS}) VALUES ({', '.join('?' * 11)})",
                           [finding_row(f) for f in fresh])
            db.execute("INSERT OR REPLACE INTO meta VALUES ('findings', ?)", (str(graphs),))
        self.meta["findings"] = str(graphs)
        self._ids, self._recorded = None, []
        self._findings, self._unread = (None, True) if findings is None else (list(findings), False)

    def write_findings(self, findings: list[Finding], graphs: int) -> None:
        """Record the corpus findings of the store's state: rows that went are deleted, new ones added."""
        if self._unread and "findings" in self.meta:
            self._read_findings()
        stale = self._findings is None or self._ids is None  # nothing recorded, or not read back since writing
        old: dict[tuple[Any, ...], list[int]] = {}
        if not stale:
            assert self._ids is not None
            for rid, row in zip(self._ids, self._recorded, strict=True):
                old.setdefault(row, []).append(rid)
        added = []
        for f in findings:
            ids = old.get(row := finding_row(f))
            if ids:
                ids.pop()
            else:
                added.append(row)
        with self._txn() as db:
            if stale:
                db.execute("DELETE FROM corpus")
            else:
                db.executemany("DELETE FROM corpus WHERE id = ?", [(i,) for ids in old.values() for i in ids])
            db.executemany(f"INSERT INTO corpus ({_COLUMNS}) VALUES ({', '.join('?' * 11)})", added)
            db.execute("INSERT OR REPLACE INTO meta VALUES ('findings', ?)", (str(graphs),))
        self.meta["findings"] = str(graphs)
        self._findings, self._ids, self._recorded, self._unread = list(findings), None, [], False


class Recorded:
    """The corpus findings the index holds now, read (and made into ``Finding`` objects) only when asked for.

    After an edit a build needs to know only whether they hold a violation; reading the
    whole table cost 0.2 s at 10,000 synthetic articles (35,000 rows). The read transaction
    begun here is a snapshot (SQLite's WAL): a later build's writes leave what ``findings``
    returns as it was when this was made. It ends when the rows are read or this is dropped.
    Made under the cache's lock, after the build's last write to the table.
    """

    def __init__(self, path: Path) -> None:
        db = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
        self._db: sqlite3.Connection | None = db
        self._findings: list[Finding] | None = None
        wal = db.execute("PRAGMA journal_mode").fetchone() == ("wal",)
        db.execute("BEGIN")
        (self.violations,) = db.execute("SELECT count(*) FROM corpus WHERE severity = 'Violation'").fetchone()
        if not wal:  # outside WAL mode an open reader would block the next build's writes: read now
            self.findings()

    def findings(self) -> list[Finding]:
        """The rows in ``Index.findings``' order (read once)."""
        if self._findings is None:
            assert self._db is not None
            rows = self._db.execute(f"SELECT {_COLUMNS} FROM corpus ORDER BY {_ORDER}").fetchall()
            self._db.execute("COMMIT")
            self._db.close()
            self._db, self._findings = None, [Finding(*r) for r in rows]
        return self._findings


class LazyReport(Report):
    """A report whose corpus findings (``index.Recorded``) are read from the cache's index when first asked for.

    ``findings`` is what ``Report(head + corpus + tail)`` holds; ``conforms`` needs only the
    count of recorded violations. Equal to any ``Report`` with the same findings and raw graphs.
    """

    def __init__(self, head: list[Finding], corpus: Recorded, tail: list[Finding] | None = None) -> None:
        self._parts = (head, corpus, tail or [])
        self._findings: list[Finding] | None = None
        self.raw: list[Graph] = []

    @property
    def findings(self) -> list[Finding]:
        if self._findings is None:
            head, corpus, tail = self._parts
            self._findings = head + corpus.findings() + tail
        return self._findings

    @findings.setter
    def findings(self, value: list[Finding]) -> None:
        self._findings = value

    @property
    def conforms(self) -> bool:
        if self._findings is not None:
            return super().conforms
        head, corpus, tail = self._parts
        return corpus.violations == 0 and all(f.severity != "Violation" for part in (head, tail) for f in part)

    def extended(self, more: list[Finding]) -> Report:
        """This report with ``more`` after its findings (a new report; this one is left as it is)."""
        if self._findings is not None:
            return Report(self._findings + more)
        head, corpus, tail = self._parts
        return LazyReport(head, corpus, tail + more)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Report) and (self.findings, self.raw) == (other.findings, other.raw)

    def __reduce__(self) -> tuple[type[Report], tuple[list[Finding], list[Graph]]]:
        """Pickled or copied, a plain ``Report`` (the snapshot's connection goes with neither)."""
        return Report, (self.findings, self.raw)

    __hash__ = None  # type: ignore[assignment]


_BATCH = 500  # focus nodes per DELETE: under SQLite's oldest limit of 999 parameters
finding_row = attrgetter(*(f.name for f in fields(Finding)))  # a finding as a row: the table's columns, the
# cache entries' JSON (attrgetter is C; no asdict deep copies)
