"""The build cache: one entry per article, keyed by everything its result depends on.

An entry holds the article's named graph in each output syntax plus its
validation findings and counts. Its key is a SHA-256 of the mapping file, the
article text, the shared registry, the ontology, the shapes and laborgraph's
own code, so an edit to any of them misses and nothing stale is ever served.
The cache is safe to delete at any time; entries are written atomically.

An index (``index.py``, one SQLite file) keeps a rebuild of a large corpus from
reading every entry: each entry's key, findings and counts, and the size, mtime
and inode its mapping and text had when they were last hashed; the store manifest
(which graph version the corpus store holds) and the corpus findings for exactly
that state (forgotten before the store changes). A build writes only the rows of
what changed. Like git's index, a file whose mtime is too close to the moment it
was hashed is hashed again, so an edit within the clock's granularity is never
missed. The index may be deleted or damaged; it is rebuilt.
The same rule guards the cached chunks: each is hashed again only when its size,
mtime or inode changed since it was last checked.

Long: the entry format, its index, the corpus store's manifest and findings, and
the integrity checks share one set of invariants (what a key means, when a file
is trusted); split apart, each half would need the other's private rules.
"""

from __future__ import annotations

import functools
import gc
import hashlib
import json
import os
import shutil
import sys
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from ..errors import LaborgraphError, MappingError
from ..findings import Finding
from ..load.files import ARTICLES_DIR, read_bytes, text_limit
from ..resources import package_dir
from ..vocab import ARTICLE_GRAPH_BASE, ONTOLOGY_GRAPH_IRI, REGISTRY_GRAPH_IRI
from .index import Index, Tables, finding_row
from .memory import release_memory

FORMAT = "4"
CHUNKS = ("trig", "ttl", "nt", "jsonld")
LEGACY = ("index.json", "store-manifest.json", "store-findings.json",  # the JSON index before ``index.py``
          "lookalikes-memo.json")  # the look-alike memo before ``lookalike.py`` (``entities-memo.json`` is
# ``authoring.check.check_result``'s own memo when it is given no warnings: kept)
RACY_NS = 2_000_000_000  # a file changed this close to its hashing is hashed again
FLUSH_EVERY = 100  # graphs loaded between flushes of the store
FULL_SHARE = 20  # more than 1 in FULL_SHARE graphs changed: re-evaluate the corpus rules in full
FEED_GRAPHS = 1000  # the most graphs a ``BulkFeed`` loads a call (about 380 MB of the loader's at once)
FEED_LOADS = 8  # a ``BulkFeed`` loads about 1/FEED_LOADS of the expected graphs a call


def _digest(h: Any, path: Path, base: Path | None = None, data: bytes | None = None) -> None:
    name = path.relative_to(base) if base is not None and path.is_relative_to(base) else Path(path.name)
    h.update(name.as_posix().encode() + b"\0")
    h.update(data if data is not None else path.read_bytes() if path.is_file() else b"<missing>")
    h.update(b"\0")


@functools.lru_cache(maxsize=1)
def code_fingerprint() -> str:
    """Hash of laborgraph's own source and resources: new code never reuses old results."""
    root = package_dir().resolve()
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


def content_digest(mapping: Path) -> tuple[str, str | None]:
    """SHA-256 of an article's mapping and of the text file the loader will read, and that file's name.

    The name comes from the YAML itself (``load.mapping_text_name``), exactly as the
    loader reads it; a file the loader would refuse or cannot read is hashed as a
    marker, so the article misses and the loader reports why.
    """
    from ..load.mapping import mapping_text_name, text_file_refusal  # the loader (and rdflib): only for a changed file
    from ..load.yamlsrc import MAX_BYTES

    h = hashlib.sha256()
    try:
        data = read_bytes(mapping, MAX_BYTES)
    except MappingError:
        h.update(b"<unreadable>")
        return h.hexdigest(), None
    _digest(h, mapping, data=data)
    name = mapping_text_name(data)
    if name is None:
        return h.hexdigest(), None
    h.update(name.encode("utf-8", "surrogatepass") + b"\0")
    if text_file_refusal(mapping.parent, name):
        h.update(b"<refused>")
        return h.hexdigest(), None
    try:
        h.update(read_bytes(mapping.parent / name, text_limit()))
    except MappingError:
        h.update(b"<unreadable>")
    return h.hexdigest(), name


def article_key(inputs: str, digest: str) -> str:
    """The entry key of one article: its mapping and text files' digest, and every shared input."""
    return hashlib.sha256(f"{inputs}\0{digest}".encode()).hexdigest()[:32]


def _signature(path: str | Path) -> list[int] | None:
    try:
        st = os.stat(path)
    except OSError:
        return None
    return [st.st_size, st.st_mtime_ns, st.st_ino]


@dataclass
class StoreState:
    """The corpus store after an update, and what the corpus rules need to know of the update."""

    store: Any
    touched: set[str] | None  # IRIs in changed graphs, before and after; None: evaluate everything
    findings: list[Finding] | None  # corpus findings of the previous state, if still valid
    dirty: bool = True  # the recorded findings no longer describe the store
    graphs: int = 0  # named graphs the store holds
    recorded: bool = False  # the index holds the previous state's findings (in ``findings`` if read), touched is set


@dataclass
class Entry:
    """A cached article. Its graph text stays on disk until the outputs stream it."""

    slug: str
    key: str
    graph: str  # named graph IRI
    findings: list[Finding]
    stats: dict[str, int]
    folder: str | None = None  # a string: 10,000 entries' pathlib objects cost a rebuild ~0.3 s
    chunks: dict[str, str] | None = None  # only while being written
    sums: dict[str, str] | None = None  # SHA-256 of each chunk file, checked before any output uses it
    sigs: dict[str, list[int]] | None = None  # size, mtime and inode of each chunk when last checked
    sigs_at: int = 0  # when they were checked (ns): a file changed this close to it is hashed again

    def chunk_path(self, name: str) -> str:
        assert self.folder is not None
        return f"{self.folder}{os.sep}graph.{name}"  # os.path.join's checks: 50,000 calls an edit, 0.1 s


class Cache:
    def __init__(self, folder: Path, *, whole_rows: bool = True, rows: bool = True, kept: Tables | None = None) -> None:
        """``whole_rows`` false: ``key`` decodes only each index row's "files", and ``get`` only its own row
        (`check`, which reads one entry; a watched build, which reads those of the changed articles).
        ``rows`` false: the index's rows are read from it one at a time too (``Index.row``: a watched build's);
        ``kept``: the index's tables as this process left them (``Index``)."""
        self.folder = folder
        self._whole = whole_rows
        self._articles = os.path.join(folder, "articles")  # entries' folders, as a string (``get``)
        self.hits = 0
        self.misses = 0
        self._clean_temps()
        self.index = Index(folder, FORMAT, rows=rows or whole_rows, kept=kept)
        if self.index.damaged:
            notice(f"the cache index in {folder} was damaged; rebuilt it (the cache is safe to delete)")
        self._rows: dict[str, dict[str, Any]] = {}  # index rows decoded so far
        self._files: dict[str, Any] | None = None  # each row's "files" alone, when only those were needed
        self._single: dict[str, dict[str, Any] | None] = {}  # rows decoded one at a time (not ``whole_rows``)
        self._seen: dict[str, dict[str, Any]] = {}
        self._changed: set[str] = set()  # entries whose index row needs writing
        self.damaged: list[str] = []  # entries whose files no longer match their checksums

    def close(self) -> None:
        self.index.close()

    def _known(self, slug: str) -> dict[str, Any] | None:
        """The index row of ``slug`` (decoded once; its key and graph are in ``index.entries``), or None.

        Without ``whole_rows``, rows are decoded one at a time (`check` and a watched build read a few)."""
        if not self._whole and not self._rows:
            if slug not in self._single:
                text = self.index.row(slug)
                found = _decoded(text) if text is not None else None
                self._single[slug] = found if type(found) is dict else None
            return self._single[slug]
        if not self._rows and self.index.entries:  # all rows in one decoding: 10x fewer calls into json
            slugs, rows = list(self.index.entries), self.index.entries.values()
            try:
                decoded = json.loads("[" + ",".join(text for _, _, text in rows) + "]")
            except ValueError:
                decoded = [_decoded(text) for _, _, text in rows]
            self._rows = {slug: d for slug, d in zip(slugs, decoded, strict=True) if type(d) is dict}
        return self._rows.get(slug)

    def _recorded_files(self, slug: str) -> Any:
        """The "files" of ``slug``'s index row: the signatures and digest ``key`` reuses.

        `check` needs these alone for every article; decoding whole rows (findings, checksums)
        was a third of its key computation at 10,000 articles. ``save_index`` writes "files"
        last, so each row's tail is decoded by itself; a row whose tail does not parse falls
        back to decoding every row.
        """
        if self._whole or self._rows or not self.index.entries:
            return (self._known(slug) or {}).get("files")
        if self._files is None:
            tails = []
            for _, _, text in self.index.entries.values():
                at = text.rfind(', "files": ')  # escaped inside strings: only the top-level key matches
                tails.append(text[at + 11:-1] if at >= 0 and text.endswith("}") else "null")
            try:
                self._files = dict(zip(self.index.entries, json.loads("[" + ",".join(tails) + "]"), strict=True))
            except ValueError:
                return (self._known(slug) or {}).get("files")
        return self._files.get(slug)

    def _clean_temps(self) -> None:
        """Remove what a killed command left half-written (the caller holds the lock)."""
        shutil.rmtree(self.folder / "tmp", ignore_errors=True)
        try:
            names = os.listdir(self.folder)
        except OSError:
            return
        for name in names:
            if (name.startswith(".") and name.endswith(".tmp")) or name in LEGACY:
                (self.folder / name).unlink(missing_ok=True)

    def _dir(self, slug: str) -> Path:
        return self.folder / "articles" / slug

    def describes_store(self, inputs: str) -> bool:
        """Whether the index's store manifest and corpus findings are those of a build with ``inputs``: then
        the store is current exactly when every graph's key (``graph_keys``) is the one it holds."""
        index = self.index
        return bool(index.manifest) and index.inputs == inputs and index.findings_graphs == len(index.held)

    def graph_keys(self, data_dir: str | os.PathLike[str], names: list[str], inputs: str) -> dict[str, str]:
        """Every graph's key as the files give it: each mapping's in ``names`` (``key``), and the shared graphs'."""
        graph, folder = ARTICLE_GRAPH_BASE, os.path.join(data_dir, ARTICLES_DIR)  # strings: 10,000 of them
        wanted = {f"{graph}{n[:-5]}": self.key(os.path.join(folder, n), inputs) for n in names}
        wanted[REGISTRY_GRAPH_IRI] = wanted[ONTOLOGY_GRAPH_IRI] = inputs[:32]
        return wanted

    def key(self, mapping: str | os.PathLike[str], inputs: str, *, rehash: bool = False) -> str:
        """``article_key``, reusing the recorded digest while both files' size, mtime and inode hold.

        ``rehash``: the files are known to have changed (a file watcher said so): they are hashed
        without reading the recorded digests (which decodes every index row).
        """
        path, now = os.fspath(mapping), time.time_ns()  # strings: pathlib cost 10,000 keys 0.05 s
        name = os.path.basename(path)
        slug = name[:-5] if name.endswith(".yaml") and len(name) > 5 else Path(path).stem
        known = None if rehash else self._recorded_files(slug)
        sig = _signature(path)
        if known and sig and known["mapping"] == sig and now - RACY_NS > sig[1] and known["at"] - RACY_NS > sig[1]:
            text_sig = _signature(os.path.join(os.path.dirname(path), known["text"])) if known["text"] else None
            if known["text_sig"] == text_sig and (text_sig is None or known["at"] - RACY_NS > text_sig[1]):
                self._seen[slug] = known
                return article_key(inputs, known["digest"])
        digest, text = content_digest(Path(path))
        self._changed.add(slug)
        self._seen[slug] = {"mapping": sig, "text": text, "at": now, "digest": digest,
                            "text_sig": _signature(os.path.join(os.path.dirname(path), text)) if text else None}
        return article_key(inputs, digest)

    def get(self, slug: str, key: str) -> Entry | None:
        """The entry for ``key`` if it is there and every chunk matches its checksum; a damaged one is removed."""
        folder = f"{self._articles}{os.sep}{slug}{os.sep}{key}"
        row = self.index.entries.get(slug)
        known = self._known(slug) if row is not None and row[0] == key else None  # a new key decodes no row
        if known is not None:
            entry = self._recorded_entry(slug, key, known, folder)
            sigs = _intact(entry)  # the chunks' stat calls say the folder is there: no isdir for a hit
            if sigs is not None or os.path.isdir(folder):
                return self._judged(entry, sigs)
        meta = os.path.join(folder, "meta.json")
        if not os.path.isfile(meta):
            self.misses += 1
            return None
        try:
            with open(meta, encoding="utf-8") as fh:
                data = json.load(fh)
            entry = Entry(slug, key, data["graph"], [Finding(**f) for f in data["findings"]], data["stats"],
                          folder, sums=data.get("sums"))
        except (OSError, ValueError, KeyError, TypeError):
            entry = Entry(slug, key, "", [], {}, folder)
        return self._checked(entry)

    def _recorded_entry(self, slug: str, key: str, known: dict[str, Any], folder: str) -> Entry:
        return Entry(slug, key, self.index.entries[slug][1], [Finding(*f) for f in known["findings"]],
                     known["stats"], folder, sums=known.get("sums"), sigs=known.get("sigs"),
                     sigs_at=known.get("sigs_at", 0))

    def signatures(self, folder: str, names: list[str]) -> dict[str, list[int] | None]:
        """Each mapping file's size, mtime and inode as ``key`` found it (stat now if it did not look)."""
        seen = self._seen
        return {name: seen[name[:-5]].get("mapping") if name[:-5] in seen else _signature(os.path.join(folder, name))
                for name in names}

    def _checked(self, entry: Entry) -> Entry | None:
        return self._judged(entry, _intact(entry))

    def _judged(self, entry: Entry, sigs: dict[str, list[int]] | None) -> Entry | None:
        """``entry`` if ``sigs`` (``_intact``'s answer) says its chunks are intact; else it is removed."""
        if sigs is not None:
            self.hits += 1
            if sigs is not entry.sigs:  # hashed again: remember the files as they are now
                entry.sigs, entry.sigs_at = sigs, time.time_ns()
                self._changed.add(entry.slug)
            return entry
        self.misses += 1
        self.damaged.append(entry.slug)
        assert entry.folder is not None
        shutil.rmtree(entry.folder, ignore_errors=True)
        return None

    def put(self, entry: Entry) -> Entry:
        """Write the entry (atomically, with its chunks' checksums) and return it as read back from disk."""
        assert entry.chunks is not None
        self._changed.add(entry.slug)
        parent = self._dir(entry.slug)
        parent.mkdir(parents=True, exist_ok=True)
        (self.folder / "tmp").mkdir(exist_ok=True)
        tmp = Path(tempfile.mkdtemp(dir=self.folder / "tmp"))
        sums = {}
        try:
            for name, text in entry.chunks.items():
                data = text.encode("utf-8")
                (tmp / f"graph.{name}").write_bytes(data)
                sums[name] = hashlib.sha256(data).hexdigest()
            meta = {"graph": entry.graph, "findings": [asdict(f) for f in entry.findings], "stats": entry.stats,
                    "sums": sums}
            (tmp / "meta.json").write_text(json.dumps(meta), encoding="utf-8")
            for old in parent.iterdir():
                shutil.rmtree(old, ignore_errors=True)
            os.replace(tmp, parent / entry.key)
        except BaseException:
            shutil.rmtree(tmp, ignore_errors=True)
            raise
        folder = str(parent / entry.key)
        return Entry(entry.slug, entry.key, entry.graph, entry.findings, entry.stats, folder, sums=sums,
                     sigs=_chunk_signatures(folder), sigs_at=time.time_ns())

    def save_index(self, entries: list[Entry]) -> None:
        """Record the entries that changed (and their files' signatures) for the next build; drop those gone."""
        rows = {}
        for e in entries:
            if e.slug in self.index.entries and e.slug not in self._changed:
                continue
            row: dict[str, Any] = {"stats": e.stats, "findings": [finding_row(f) for f in e.findings], "sums": e.sums,
                                   "sigs": e.sigs, "sigs_at": e.sigs_at}
            files = self._seen.get(e.slug) or (self._known(e.slug) or {}).get("files")
            if files:
                row["files"] = files
            rows[e.slug] = (e.key, e.graph, json.dumps(row))
        self.index.write_entries(rows, set(self.index.entries) - {e.slug for e in entries})
        self._changed.clear()
        self._rows.clear()
        self._single.clear()
        self._files = None

    def _opened_store(self, fresh: bool) -> Any:
        """The on-disk store, opened; rebuilt empty when found damaged or when ``fresh``."""
        folder = self.folder / "store"
        if fresh:
            self.index.forget_store()
            shutil.rmtree(folder, ignore_errors=True)
        store = open_store(folder)  # raises, deleting nothing, if another program has it open
        if store is None:
            if self.index.manifest:
                notice(f"the query store in {self.folder} was damaged; rebuilt it (the cache is safe to delete)")
                self.index.forget_store()
            shutil.rmtree(folder, ignore_errors=True)
            folder.mkdir(parents=True, exist_ok=True)
            store = open_store(folder)
            if store is None:
                raise LaborgraphError(f"{folder}: cannot create the query store (the cache is safe to delete)")
        return store

    def bulk_feed(self, wanted: bool, graphs: int = 0) -> BulkFeed:
        """A feed that bulk-loads built graphs (about ``graphs`` of them) into the store while workers
        build the rest: active when ``wanted`` and the store is new or emptied (it has no manifest:
        every graph is to be loaded)."""
        return BulkFeed(self, wanted and not self.index.manifest, graphs)

    def store(self, graphs: list[tuple[str, str, str]], inputs: str, *, fresh: bool = False,
              feed: BulkFeed | None = None, read_findings: bool = True) -> StoreState:
        """The corpus in an on-disk Oxigraph store, updated only where a graph's key changed.

        ``graphs`` lists (graph IRI, key, N-Triples file). The corpus findings of the
        store's state live in their own file, deleted before the store changes, so an
        interrupted build evaluates the rules in full next time; the manifest records
        the graph keys after the update. ``fresh`` rebuilds the store from nothing
        (it was found damaged while in use). Without ``read_findings`` the previous
        findings stay in the index (``state.recorded``; `check` reads one file's).
        """
        import pyoxigraph

        index = self.index
        store, loaded = feed.take() if feed is not None and not fresh else (None, {})
        store = store if store is not None else self._opened_store(fresh)
        # no manifest: a new store, or an update was interrupted: start from an empty store
        held: dict[str, str] = dict(index.held) if index.manifest else {}
        wanted = {name: key for name, key, _ in graphs}
        if index.manifest or any(wanted.get(name) != key for name, key in loaded.items()):
            loaded = {}  # a feed is only taken for a store without a manifest, of graphs still wanted
        if not index.manifest and not loaded:
            store.clear()
        changed = sorted([n for n, k in wanted.items() if held.get(n) != k] + [n for n in held if n not in wanted])
        recorded = index.inputs == inputs and index.findings_graphs == len(held)
        findings = index.findings if recorded and read_findings else None
        incremental = recorded and len(changed) * FULL_SHARE <= max(len(wanted), FULL_SHARE)
        touched: set[str] | None = set() if incremental else None
        if changed and index.manifest:  # until the new manifest is written, the store's state is unknown
            index.forget_store()
        paths = {name: path for name, _, path in graphs}
        bulk = touched is None and not held  # a new or emptied store: no graph to replace, nothing to trace
        if bulk:
            bulk_load_graphs(store, [(name, paths[name]) for name in changed if loaded.get(name) != wanted[name]])
            held.update((name, wanted[name]) for name in changed)
        for done, name in enumerate([] if bulk else changed, 1):
            graph = pyoxigraph.NamedNode(name)
            if name in held:
                touched = _mentioned(store, graph, touched)
                store.remove_graph(graph)
                del held[name]
            if name in wanted:
                store.load(path=paths[name], format=pyoxigraph.RdfFormat.N_TRIPLES, to_graph=graph)
                touched = _mentioned(store, graph, touched)
                held[name] = wanted[name]
            if done % FLUSH_EVERY == 0:
                store.flush()  # bounds RocksDB's write buffers: 1,000 graphs, 424 MB -> 82 MB, and faster
        store.flush()
        if changed or index.inputs != inputs or not index.manifest:
            index.write_manifest(held, inputs)
        previous = findings if touched is not None else None
        return StoreState(store, touched, previous, bool(changed) or not recorded, len(held),
                          recorded and touched is not None)

    def save_findings(self, state: StoreState, findings: list[Finding] | None,
                      bound: tuple[set[str], list[Finding]] | None = None) -> None:
        """Record the corpus findings of the store's current state (unless they are what is recorded).

        ``bound`` (focus nodes, their fresh findings) says the evaluation ran for those nodes only,
        on the recorded findings: then only their rows are replaced (``findings`` may then be None:
        not read).
        """
        if bound is not None and state.recorded:
            focus, fresh = bound
            if state.dirty or focus:
                self.index.replace_findings(focus, fresh, findings, state.graphs)
        elif findings is not None and (state.dirty or findings != state.findings):
            self.index.write_findings(findings, state.graphs)

    def prune(self, keep: set[str], among: set[str] | None = None) -> None:
        """Drop entries of articles that are gone (deleted or renamed); of ``among`` only, when given."""
        folder = self.folder / "articles"
        if folder.is_dir():
            for name in os.listdir(folder) if among is None else sorted(among):  # names: a Path each cost 0.02 s
                if name not in keep:
                    shutil.rmtree(folder / name, ignore_errors=True)


def _decoded(text: str) -> Any:
    try:
        return json.loads(text)
    except ValueError:
        return None


def notice(line: str) -> None:
    """One line for the person at the terminal about something laborgraph repaired by itself."""
    print(f"note: {line}", file=sys.stderr, flush=True)


def damaged_notice(slugs: list[str], cache_dir: Path) -> None:
    """The notice for entries whose files no longer matched their checksums (removed; rebuilt next)."""
    notice(f"{len(slugs)} damaged cache entr{'y' if len(slugs) == 1 else 'ies'} in {cache_dir} "
           f"rebuilt ({', '.join(sorted(slugs)[:3])}{' ...' if len(slugs) > 3 else ''})")


BULK_GRAPHS = 250  # graphs a bulk load by default (about 18 MB of N-Quads for synthetic articles)


def bulk_load_graphs(store: Any, graphs: list[tuple[str, str]], per: int | None = None) -> None:
    """Named graphs from N-Triples files into an empty Oxigraph store by its bulk loader,
    ``per`` graphs a call (``BULK_GRAPHS`` by default).

    About half the CPU of one ``load`` per graph (1,000 synthetic articles: 8.0 s
    against 17-19 s). Each file becomes N-Quads by naming the graph before every
    line's final `` .``, which N-Triples writes nowhere else (newlines in literals
    are escaped).
    """
    import pyoxigraph

    per = per or BULK_GRAPHS
    for i in range(0, len(graphs), per):
        quads = b"".join(Path(path).read_bytes().replace(b" .\n", f" <{name}> .\n".encode())
                         for name, path in graphs[i:i + per])
        store.bulk_load(quads, format=pyoxigraph.RdfFormat.N_QUADS)


class BulkFeed:
    """Graphs bulk-loaded into a new (or emptied) corpus store as the workers send them.

    During a cold build the parent process only files what the workers send; loading
    the store there overlaps the load (4-7 ms of CPU an article) with the building
    instead of following it. Each bulk load is ingested by RocksDB as new files that
    overlap all it holds, which its compaction threads merge again and again: at
    10,000 articles 250 graphs a load cost 72 s of CPU, 37 s of it compaction, and
    1,000 a load 60 s, 20 s of it compaction (but 380 MB more at once). So a feed
    loads about an eighth of the expected graphs a call, within ``BULK_GRAPHS`` and
    ``FEED_GRAPHS``: several loads still overlap the building. The last stretch goes in
    loads of ``BULK_GRAPHS``, so what is left to load once the workers are done stays
    small (a load starts only when its last graph has come). ``Cache.store`` takes
    the store over and loads only what the feed has not. The store is opened at the
    first graph, after the workers have forked (RocksDB's threads do not survive a fork);
    an interrupted feed leaves a store without a manifest, which the next build empties.
    Used as a context manager, it lets go of the store however the block ends.
    """

    def __init__(self, cache: Cache, active: bool, graphs: int = 0) -> None:
        self.cache, self.active = cache, active
        self.per = max(BULK_GRAPHS, min(FEED_GRAPHS, graphs // FEED_LOADS))
        self.left = graphs  # graphs still expected
        self.store: Any = None
        self.pending: list[tuple[str, str, str]] = []
        self.loaded: dict[str, str] = {}

    def __enter__(self) -> BulkFeed:
        return self

    def __exit__(self, *exc: object) -> None:
        held = self.store is not None
        self.close()
        if held:  # an error ended the block: the store must be closed before anything opens it again
            gc.collect()

    def add(self, name: str, key: str, path: str) -> None:
        if not self.active:
            return
        self.pending.append((name, key, path))
        self.left -= 1
        if len(self.pending) >= (self.per if self.left >= self.per else BULK_GRAPHS):
            self._load()

    def _load(self) -> None:
        if not self.pending:
            return
        if self.store is None:
            self.store = self.cache._opened_store(fresh=False)
            self.store.clear()
        bulk_load_graphs(self.store, [(name, path) for name, _, path in self.pending], self.per)
        self.loaded.update((name, key) for name, key, _ in self.pending)
        self.pending = []
        release_memory()  # a load of 1,000 graphs leaves about 140 MB the workers' results would stack on

    def take(self) -> tuple[Any, dict[str, str]]:
        """The store and the graphs (name -> key) loaded into it; the feed lets go of both."""
        self._load()
        store, loaded = self.store, self.loaded
        self.close()
        return store, loaded

    def close(self) -> None:
        self.store, self.loaded, self.pending = None, {}, []


def open_store(folder: Path) -> Any:
    """The on-disk Oxigraph store in ``folder``, or None when it is damaged (it is then rebuilt).

    A store open in another program is an error, never "damaged": deleting it
    would corrupt what that program holds.
    """
    import pyoxigraph

    try:
        return pyoxigraph.Store(str(folder))
    except OSError as exc:
        if "lock" in str(exc).lower():
            raise LaborgraphError(f"{folder}: the query store is open in another program (a laborgraph "
                                  "from before the cache lock, or a script); close it and try again") from None
        return None
    except RuntimeError:  # RocksDB "Corruption: ...", e.g. a truncated file
        return None


def _chunk_signatures(folder: str) -> dict[str, list[int]] | None:
    sigs = {name: _signature(os.path.join(folder, f"graph.{name}")) for name in CHUNKS}
    return None if any(v is None for v in sigs.values()) else sigs  # type: ignore[return-value]


def _intact(entry: Entry) -> dict[str, list[int]] | None:
    """The chunk files' signatures if every chunk of ``entry`` is there with the SHA-256 recorded when it
    was written; None if one is missing or differs.

    As with the mapping files (``Cache.key``), a chunk whose size, mtime and inode are
    what they were when it was last hashed, longer than ``RACY_NS`` before that, is not
    read again: hashing every chunk of 10,000 articles (about 1.9 GB) on every build
    was most of the cost of an edit. Anything that rewrites a file changes its mtime.
    Returns ``entry.sigs`` itself when nothing needed hashing.
    """
    sums = entry.sums
    if not isinstance(sums, dict) or set(sums) != set(CHUNKS) or entry.folder is None:
        return None
    known = entry.sigs if isinstance(entry.sigs, dict) else {}
    now: dict[str, list[int]] = {}
    hashed = False
    for name in CHUNKS:
        path = entry.chunk_path(name)
        sig = _signature(path)
        if sig is None:
            return None
        now[name] = sig
        if known.get(name) == sig and entry.sigs_at - RACY_NS > sig[1]:
            continue
        hashed = True
        try:
            with open(path, "rb") as fh:
                if hashlib.file_digest(fh, "sha256").hexdigest() != sums[name]:
                    return None
        except OSError:
            return None
    return now if hashed else entry.sigs


def _mentioned(store: Any, graph: Any, touched: set[str] | None) -> set[str] | None:
    """Add the IRIs a graph mentions to ``touched``; a blank node makes it None (evaluate everything)."""
    import pyoxigraph

    if touched is None:
        return None
    for quad in store.quads_for_pattern(None, None, None, graph):
        for term in (quad.subject, quad.predicate, quad.object):
            if isinstance(term, pyoxigraph.NamedNode):
                touched.add(term.value)
            elif isinstance(term, pyoxigraph.BlankNode):
                return None
    return touched
