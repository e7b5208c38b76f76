"""Where a build's outputs go: one combined file per syntax, or one file per graph and syntax.

Outputs are streamed from the cached per-graph chunks (no corpus in memory) into
temporary files, then replaced as a set (``commit``): a journal naming every
rename and deletion is written atomically, the renames follow, the journal goes
last. A build killed before the journal exists leaves the previous outputs
untouched; one killed after it is finished by the next command (``recover``,
under the lock), which also removes temporary files a killed build left.
"""

from __future__ import annotations

import functools
import json
import os
import shutil
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..export import JSONLD_FOOTER, jsonld_header, temp_beside, write_atomic
from ..export.rdf import replace
from ..formats import Format, Layout
from ..vocab import PREFIXES
from .cache import Entry

BUILD_NAME = "laborgraph"
JOURNAL = ".laborgraph-commit.json"
SUFFIX = {f.key: f.suffix for f in Format.cached()}  # cache chunk name -> file suffix
# "auto" splits once the combined N-Triples would pass 50 MB: files that size are slow to
# rewrite after every edit, clumsy to diff, and GitHub warns at 50 MB and refuses 100 MB.
SPLIT_ABOVE = 50 * 2**20


@functools.lru_cache(maxsize=1)
def _headers() -> dict[str, str]:
    """Each syntax's document header (cached: a split build writes 40,000 documents at 10,000 articles)."""
    prefixes = "".join(f"@prefix {p}: <{ns}> .\n" for p, ns in sorted(PREFIXES.items()))
    return {"trig": prefixes, "ttl": prefixes, "nt": "", "jsonld": jsonld_header()}


def _stream(fh: Any, name: str, entries: Iterable[Entry]) -> None:
    """One syntax's document: header, then the cached chunks as bytes (no decoding, no corpus in memory)."""
    fh.write(_headers()[name].encode("utf-8"))
    first = True
    for entry in entries:
        path = entry.chunk_path(name)
        if name == "jsonld":
            if os.stat(path).st_size == 0:
                continue
            if not first:
                fh.write(b",\n")
            first = False
        with open(path, "rb") as chunk:
            shutil.copyfileobj(chunk, fh, 1 << 20)
    if name == "jsonld":
        fh.write(JSONLD_FOOTER.encode("utf-8"))


def stream_document(fh: Any, syntax: str, entries: list[tuple[str, Entry]]) -> None:
    """One complete document in ``syntax`` (a key of ``SUFFIX``) into a binary stream."""
    _stream(fh, syntax, (e for _, e in entries))


def _document_temp(path: Path, syntax: str, entries: list[tuple[str, Entry]]) -> Path:
    return temp_beside(path, lambda fh: stream_document(fh, syntax, entries))


def write_document(path: Path, syntax: str, entries: list[tuple[str, Entry]]) -> Path:
    """One complete document in ``syntax`` (a key of ``SUFFIX``) at ``path``, written atomically."""
    replace(_document_temp(path, syntax, entries), path)
    return path


def write_combined(out_dir: Path, entries: list[tuple[str, Entry]]) -> list[Path]:
    """Stream each syntax's chunks into a temporary file, then replace the four files as a set."""
    targets = {name: out_dir / f"{BUILD_NAME}{ext}" for name, ext in SUFFIX.items()}
    temps: list[Path] = []
    try:
        for name, target in targets.items():
            temps.append(_document_temp(target, name, entries))
        # never leave the other layout behind, stale
        commit(out_dir, list(zip(temps, targets.values(), strict=True)), [out_dir / SPLIT_DIR])
        return sorted(targets.values())
    finally:
        for tmp in temps:
            tmp.unlink(missing_ok=True)


def commit(out_dir: Path, renames: list[tuple[Path, Path]], deletes: list[Path]) -> None:
    """Rename ``renames`` (temp, target) into place and remove ``deletes``, as one set.

    The journal makes the set atomic for every reader that comes after the next
    laborgraph command: a kill between two renames is completed by ``recover``.
    """
    journal = out_dir / JOURNAL
    rel = functools.partial(_relative, f"{out_dir}{os.sep}")
    write_atomic(journal, json.dumps({"rename": [[rel(t), rel(p)] for t, p in renames],
                                      "delete": [rel(p) for p in deletes]}))
    _apply(out_dir, renames, deletes)
    journal.unlink()


def _relative(prefix: str, path: Path) -> str:
    """``os.path.relpath`` for paths inside the output folder (a split build journals 4,000 of them)."""
    text = str(path)
    return text[len(prefix):] if text.startswith(prefix) else os.path.relpath(text, prefix)


def _apply(out_dir: Path, renames: Iterable[tuple[Path, Path]], deletes: Iterable[Path]) -> None:
    for tmp, target in renames:
        if tmp.exists():
            os.replace(tmp, target)
    for path in deletes:
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path, ignore_errors=True)
        else:
            path.unlink(missing_ok=True)


def recover(out_dir: Path, temps: bool = True) -> None:
    """Finish a set of renames a killed build began, then remove temporary files it left (under the lock).

    ``temps`` false: the journal alone (a build that stays up, that wrote the outputs last: listing
    ``graphs/``, 40,000 names at 10,000 articles, cost an edit 0.04 s)."""
    journal = out_dir / JOURNAL
    try:
        plan = json.loads(journal.read_text(encoding="utf-8"))
        _apply(out_dir, [(out_dir / t, out_dir / p) for t, p in plan["rename"]],
               [out_dir / p for p in plan["delete"]])
    except FileNotFoundError:
        pass
    except (OSError, ValueError, KeyError, TypeError):
        pass  # a journal we cannot read was never complete (it is written atomically): nothing was renamed
    journal.unlink(missing_ok=True)
    for folder in (out_dir, out_dir / SPLIT_DIR) if temps else ():
        try:
            names = os.listdir(folder)
        except OSError:
            continue
        for name in names:
            if name.startswith(".") and name.endswith(".tmp"):
                (folder / name).unlink(missing_ok=True)


SPLIT_DIR = "graphs"


@dataclass
class SplitIndex:
    """``graphs/index.json``'s graphs and the folder's file names, as the last ``write_split`` left them
    (a build that stays up keeps them: reading them back cost an edit 0.07 s at 10,000 articles)."""

    known: dict[str, Any] | None = None  # None: read them from the folder; else as written by this process
    present: set[str] = field(default_factory=set)
    texts: dict[str, str] = field(default_factory=dict)  # each graph's '"slug": {row}' as index.json has it


def write_split(out_dir: Path, entries: list[tuple[str, Entry]], held: SplitIndex | None = None) -> list[Path]:
    """One document per named graph and syntax in ``out_dir/graphs/``; only changed graphs are rewritten.

    ``graphs/index.json`` lists each graph's IRI, files and cache key; the changed
    documents, the index and the removals are committed as one set (``commit``).
    ``held``: the index and names as the last call left them (read from the folder when it holds none),
    and afterwards as this call leaves them.
    """
    folder = out_dir / SPLIT_DIR
    folder.mkdir(parents=True, exist_ok=True)
    index_path = folder / "index.json"
    trusted = held is not None and held.known is not None  # rows and files this process wrote
    if held is not None and held.known is not None:
        known, present = held.known, held.present
    else:
        try:
            known = json.loads(index_path.read_text(encoding="utf-8"))["graphs"]
        except (OSError, ValueError, KeyError, TypeError):
            known = {}
        present = set(os.listdir(folder))
    renames: list[tuple[Path, Path]] = []
    current: dict[str, Any] = {}
    syntaxes, exts = list(SUFFIX), list(SUFFIX.values())
    try:
        for name, entry in entries:  # per graph: 10,000 of them after each edit
            slug = entry.slug
            names = [slug + ext for ext in exts]
            old = known.get(slug)
            if trusted and old is not None and old["key"] == entry.key and old["graph"] == name:
                current[slug] = old  # written by this process: its files are the slug's
                continue
            if (type(old) is dict and old.get("key") == entry.key and old.get("graph") == name and len(old) == 3
                    and old.get("files") == dict(zip(syntaxes, names, strict=True))
                    and present.issuperset(names)):
                current[slug] = old  # as it was: an unchanged graph costs no new row
                continue
            files = dict(zip(syntaxes, names, strict=True))
            current[slug] = {"graph": name, "key": entry.key, "files": files}
            for syntax, file in files.items():
                renames.append((_split_temp(folder, file, syntax, name, entry), folder / file))
        deletes = [folder / file for slug in sorted(set(known) - set(current))
                   for file in known[slug].get("files", {}).values()]
        if current != known or not index_path.is_file():
            text = _index_text(current, known, held)
            renames.append((temp_beside(index_path, lambda fh: fh.write(text.encode("utf-8"))), index_path))
        # never leave the other layout behind, stale
        commit(out_dir, renames, deletes + [out_dir / f"{BUILD_NAME}{ext}" for ext in SUFFIX.values()])
        if held is not None:
            if not trusted:
                held.texts = {slug: _index_row(slug, row) for slug, row in current.items()}
            held.known, held.present = current, (present - {p.name for p in deletes}) | {t.name for _, t in renames}
    finally:
        for tmp, _ in renames:
            tmp.unlink(missing_ok=True)
    return [target for _, target in renames if target != index_path]


def _index_text(current: dict[str, Any], known: dict[str, Any], held: SplitIndex | None) -> str:
    """``graphs/index.json``'s text: ``json.dumps({"graphs": current}, sort_keys=True)`` and a newline; with
    ``held`` rows, each unchanged row's text is reused (encoding 10,000 rows cost an edit 0.08 s)."""
    if held is None or held.known is None:
        return json.dumps({"graphs": current}, sort_keys=True) + "\n"  # no indent: the C encoder
    texts = held.texts
    for slug in set(texts) - set(current):
        del texts[slug]
    for slug, row in current.items():
        if row is not known.get(slug) or slug not in texts:
            texts[slug] = _index_row(slug, row)
    return '{"graphs": {' + ", ".join(texts[slug] for slug in sorted(current)) + "}}\n"


def _index_row(slug: str, row: Any) -> str:
    """One graph's member of ``graphs/index.json``, as ``json.dumps(..., sort_keys=True)`` writes it."""
    return f"{json.dumps(slug)}: {json.dumps(row, sort_keys=True)}"


def _split_temp(folder: Path, file: str, syntax: str, name: str, entry: Entry) -> Path:
    """A temporary file for one graph's document, named after this process (the build holds the lock).

    ``temp_beside`` costs a random name, a ``chmod`` and two ``umask`` calls a file;
    with 4,000 files a 1,000-article split build spent 3 s there. ``os.open`` with
    mode 0666 gives the ordinary permissions through the umask; ``recover``
    removes leftovers of a killed build (names start with "." and end with ".tmp").
    """
    tmp = f"{folder}/.{file}.{os.getpid()}.tmp"
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o666)
    with open(fd, "wb") as fh:
        try:
            _stream(fh, syntax, (entry,))
        except BaseException:
            os.unlink(tmp)
            raise
    return Path(tmp)


def choose_layout(layout: Layout, entries: list[tuple[str, Entry]]) -> Layout:
    """``auto`` means combined files until their N-Triples would pass ``SPLIT_ABOVE`` bytes."""
    if layout is not Layout.AUTO:
        return layout
    size = 0
    for _, entry in entries:
        size += os.stat(entry.chunk_path("nt")).st_size
        if size > SPLIT_ABOVE:
            return Layout.SPLIT
    return Layout.COMBINED



def graph_documents(entries: list[tuple[str, Entry]]) -> Iterator[tuple[str, bytes, int]]:
    """Each named graph as a standalone Turtle document: (graph IRI, Turtle, triple count)."""
    header = _headers()["ttl"].encode("utf-8")
    for name, entry in entries:
        body = Path(entry.chunk_path("ttl")).read_bytes()
        if body.strip():
            with open(entry.chunk_path("nt"), "rb") as nt:
                count = sum(1 for line in nt if line.strip())
            yield name, header + body, count
