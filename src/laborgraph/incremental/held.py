"""What a build that stays up keeps from one rebuild to the next (`laborgraph build --watch`, ``buildwatch``).

A build computes every article's key to learn which changed: at 10,000 articles 20,000
stat calls, 9 MB of index rows decoded and every entry's chunks looked at (0.3 s of an
edit's 0.8 s), then the registry is parsed again and the split layout's index read again.
A process told by the operating system which mappings changed (``watchfiles``) needs none
of that: it keeps the last rebuild's entries, keys only the mappings it was told of, and
keeps the parsed shared inputs and the split layout's index.

Whenever it cannot say what changed (the first rebuild, the articles folder itself changed,
another command wrote the cache or the outputs in between, the shared inputs changed, a
rebuild stopped half-way), ``entries`` is None and the next rebuild computes every key,
exactly as a build does (``job._refresh``). A key depends on the files and the shared inputs
alone, so an entry kept for an unchanged mapping is the one a build would look up. Its chunks are
trusted as the last rebuild found or wrote them, as long as no other command wrote the cache (a
build checks each chunk's size, mtime and inode; one damaged by hand is caught by the next build).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import Graph

from ..load import ARTICLES_DIR
from ..model import Registry
from ..ontology import Terms
from .cache import Cache, Entry
from .index import Tables
from .layout import SplitIndex


@dataclass(frozen=True)
class Parsed:
    """The shared inputs as a build parses them, for one fingerprint of them."""

    inputs: str
    registry: Registry
    terms: Terms
    reg_graph: Graph
    onto: Graph  # the ontology subset validation reads (``corpus.ontology_subset``)


@dataclass
class Held:
    """The state of one data folder's outputs as the last rebuild left them.

    The caller adds to ``changed`` the name (in ``articles/``) of every mapping whose files may
    have changed since, and calls ``forget`` when it cannot say which did.
    """

    entries: dict[str, Entry] | None = None  # slug -> entry, for ``inputs``; None: compute every key
    names: list[str] = field(default_factory=list)  # the mappings' names in ``articles/``
    inputs: str = ""  # the keyed fingerprint of the shared inputs ``entries`` were computed for
    parsed: Parsed | None = None
    changed: set[str] = field(default_factory=set)
    split: SplitIndex = field(default_factory=SplitIndex)  # the split layout's index as last written
    tables: Tables | None = None  # the cache index's entries and store manifest as last left
    stamp: tuple[object, ...] | None = None  # the cache's and the outputs' index files as last left
    rescanned: bool = True  # the last rebuild computed every key

    def forget(self) -> None:
        """The next rebuild computes every key and reads the outputs' index again."""
        self.entries, self.tables = None, None
        self.split = SplitIndex()

    def usable(self, inputs: str) -> bool:
        return self.entries is not None and self.inputs == inputs

    def kept(self, entries: dict[str, Entry], names: list[str], inputs: str, rescanned: bool) -> None:
        """What a rebuild that finished keeps (a rebuild that stops half-way keeps nothing: ``forget``)."""
        self.entries, self.names, self.inputs, self.rescanned = entries, names, inputs, rescanned
        self.changed.clear()


@dataclass
class Found:
    """What keying the mappings found: the entries in the cache, the articles to build, the names seen."""

    entries: dict[str, Entry]
    misses: list[tuple[Path, str]]
    names: list[str]
    signatures: dict[str, list[int] | None]  # each looked-at mapping file's size, mtime, inode
    partial: bool = False  # ``signatures`` covers only the changed mappings


def find_all(cache: Cache, data_dir: Path, names: list[str], inputs: str) -> Found:
    """Every mapping's key from its files (``Cache.key``) and its entry, if cached: a build's way."""
    entries: dict[str, Entry] = {}
    misses: list[tuple[Path, str]] = []
    folder = data_dir / ARTICLES_DIR
    for name in names:  # strings: a Path each cost 10,000 articles 0.08 s
        slug, key = name[:-5], cache.key(os.path.join(folder, name), inputs)
        hit = cache.get(slug, key)
        if hit is not None:
            entries[slug] = hit
        else:
            misses.append((folder / name, key))
    return Found(entries, misses, names, cache.signatures(os.fspath(folder), names))


def find_changed(held: Held, cache: Cache, data_dir: Path, inputs: str) -> Found:
    """``find_all``'s answer from ``held``: only the mappings in ``held.changed`` are keyed (hashed) again."""
    assert held.entries is not None
    folder = os.path.join(data_dir, ARTICLES_DIR)
    present, entries = set(held.names), dict(held.entries)
    changed = sorted(n for n in held.changed if n.endswith(".yaml") and not n.startswith("."))
    misses: list[tuple[Path, str]] = []
    for name in changed:
        slug = name[:-5]
        entries.pop(slug, None)
        if not os.path.lexists(os.path.join(folder, name)):
            present.discard(name)
            continue
        present.add(name)
        key = cache.key(os.path.join(folder, name), inputs, rehash=True)
        hit = cache.get(slug, key)
        if hit is not None:
            entries[slug] = hit
        else:
            misses.append((Path(folder, name), key))
    return Found(entries, misses, sorted(present), cache.signatures(folder, changed), partial=True)




_LAST_INPUTS: list[str] = []  # the shared inputs' fingerprint this process last parsed them for


def forget_stale_inputs(inputs: str) -> None:
    """Drop what this process cached of the ontology, shapes and JSON-LD context when their fingerprint
    changed since it last built: a watch, or a notebook building twice, would otherwise validate and write
    with the old ones and cache the results under the new key. At the first call of a process they are
    dropped too: a notebook may have filled them (``validate_graph``, ``shapes_graph``) before any build."""
    if not _LAST_INPUTS or _LAST_INPUTS[0] != inputs:
        from .. import ontology, shaclfast, validate
        from ..export import rdf

        for cached in (ontology.ontology_graph, ontology.load_terms, validate.shapes_graph, shaclfast.compiled,
                       rdf._context, rdf._parsed_context, rdf._shrink):
            cached.cache_clear()
    _LAST_INPUTS[:] = [inputs]


__all__ = ["Found", "Held", "Parsed", "find_all", "find_changed", "forget_stale_inputs"]
