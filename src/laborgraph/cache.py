"""The build cache: one entry per article, keyed by everything its result depends on.

An entry holds the article's named graph in each output syntax plus its
validation findings and counts. Its key is a SHA-256 of the mapping file, the
article text, the shared registry, the ontology, the shapes and laborgraph's
own code, so an edit to any of them misses and nothing stale is ever served.
The cache is safe to delete at any time; entries are written atomically.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import re
import shutil
import tempfile
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from .validate import Finding

FORMAT = "1"
CHUNKS = ("trig", "ttl", "nt", "jsonld")


def _digest(h: Any, path: Path, base: Path | None = None) -> None:
    name = path.relative_to(base) if base is not None and path.is_relative_to(base) else Path(path.name)
    h.update(name.as_posix().encode() + b"\0")
    h.update(path.read_bytes() if path.is_file() else b"<missing>")
    h.update(b"\0")


@functools.lru_cache(maxsize=1)
def code_fingerprint() -> str:
    """Hash of laborgraph's own source and resources: new code never reuses old results."""
    root = Path(__file__).resolve().parent
    h = hashlib.sha256(FORMAT.encode())
    for path in sorted([*root.rglob("*.py"), *(root / "resources").glob("*")]):
        _digest(h, path, root)
    return h.hexdigest()


def inputs_fingerprint(registry: Path, ontology_dir: Path, shapes_dir: Path, checks_dir: Path) -> str:
    h = hashlib.sha256(code_fingerprint().encode())
    _digest(h, registry)
    for base, pattern in ((ontology_dir, "*.ttl"), (shapes_dir, "**/*.ttl"), (checks_dir, "*.rq")):
        for path in sorted(base.glob(pattern)):
            _digest(h, path, base)
    return h.hexdigest()


_TEXT_FIELD = re.compile(r"^\s+text:\s*(\S+)\s*$", re.M)


def article_key(mapping: Path, inputs: str) -> str:
    """The entry key of one article: its mapping, its text file, and every shared input."""
    h = hashlib.sha256(inputs.encode())
    _digest(h, mapping)
    text = _TEXT_FIELD.search(mapping.read_text(encoding="utf-8", errors="replace"))
    if text:
        _digest(h, mapping.parent / text.group(1).strip("'\""))
    return h.hexdigest()[:32]


@dataclass
class Entry:
    """A cached article. Its graph text stays on disk until the outputs stream it."""

    slug: str
    key: str
    graph: str  # named graph IRI
    findings: list[Finding]
    stats: dict[str, int]
    folder: Path | None = None
    chunks: dict[str, str] | None = None  # only while being written

    def chunk_path(self, name: str) -> Path:
        assert self.folder is not None
        return self.folder / f"graph.{name}"


class Cache:
    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.hits = 0
        self.misses = 0

    def _dir(self, slug: str) -> Path:
        return self.folder / "articles" / slug

    def get(self, slug: str, key: str) -> Entry | None:
        entry = self._dir(slug) / key
        meta = entry / "meta.json"
        if not meta.is_file():
            self.misses += 1
            return None
        try:
            data = json.loads(meta.read_text(encoding="utf-8"))
            if not all((entry / f"graph.{name}").is_file() for name in CHUNKS):
                raise ValueError("incomplete entry")
        except (OSError, ValueError):
            self.misses += 1
            return None
        self.hits += 1
        return Entry(slug, key, data["graph"], [Finding(**f) for f in data["findings"]], data["stats"], entry)

    def put(self, entry: Entry) -> Entry:
        """Write the entry (atomically) and return it as read back from disk."""
        assert entry.chunks is not None
        parent = self._dir(entry.slug)
        parent.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(dir=parent, prefix=".tmp-"))
        try:
            for name, text in entry.chunks.items():
                (tmp / f"graph.{name}").write_text(text, encoding="utf-8")
            meta = {"graph": entry.graph, "findings": [asdict(f) for f in entry.findings], "stats": entry.stats}
            (tmp / "meta.json").write_text(json.dumps(meta), encoding="utf-8")
            for old in parent.iterdir():
                if old != tmp and not old.name.startswith(".tmp-"):
                    shutil.rmtree(old, ignore_errors=True)
            os.replace(tmp, parent / entry.key)
        except BaseException:
            shutil.rmtree(tmp, ignore_errors=True)
            raise
        return Entry(entry.slug, entry.key, entry.graph, entry.findings, entry.stats, parent / entry.key)

    def store(self, graphs: list[tuple[str, str, Path]]) -> Any:
        """The corpus in an on-disk Oxigraph store, updated only where a graph's key changed.

        ``graphs`` lists (graph IRI, key, N-Triples file). The manifest is written after
        the store is updated, so an interrupted build reloads those graphs next time.
        """
        import pyoxigraph

        folder, manifest_path = self.folder / "store", self.folder / "store-manifest.json"
        try:
            manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
            store = pyoxigraph.Store(str(folder))
        except (OSError, ValueError):
            shutil.rmtree(folder, ignore_errors=True)
            folder.mkdir(parents=True, exist_ok=True)
            manifest, store = {}, pyoxigraph.Store(str(folder))
        wanted = {name: key for name, key, _ in graphs}
        for name in sorted(set(manifest) - set(wanted)):
            store.remove_graph(pyoxigraph.NamedNode(name))
            del manifest[name]
        for name, key, path in graphs:
            if manifest.get(name) != key:
                graph = pyoxigraph.NamedNode(name)
                if name in manifest:
                    store.remove_graph(graph)
                store.load(path=str(path), format=pyoxigraph.RdfFormat.N_TRIPLES, to_graph=graph)
                manifest[name] = key
        store.flush()
        fd, tmp = tempfile.mkstemp(dir=self.folder, prefix=".manifest-")
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(manifest, fh, sort_keys=True)
        os.replace(tmp, manifest_path)
        return store

    def prune(self, keep: set[str]) -> None:
        """Drop entries of articles that are gone (deleted or renamed)."""
        folder = self.folder / "articles"
        if folder.is_dir():
            for old in folder.iterdir():
                if old.name not in keep:
                    shutil.rmtree(old, ignore_errors=True)
