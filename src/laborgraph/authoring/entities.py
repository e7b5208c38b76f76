"""Which entities already exist, and which of them a sentence or a new label names.

Matching is fuzzy (rapidfuzz) so that "Russian" finds Russia and "러시아에서" finds an
entity whose alias is 러시아: names are compared case-folded, with punctuation dropped, as
a partial match (a name inside a longer text). Short names (under ``SHORT`` characters, such
as "DPRK" or "UN") must occur whole, or "UN" would be found in "until".
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import time
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from rapidfuzz import fuzz, process, utils

from ..errors import LaborgraphError
from ..load import ARTICLES_DIR, REGISTRY_FILE, article_paths
from ..load.yamlsrc import LDict, load_file
from ..validate import Finding
from ..vocab import local_entity_iri

SHORT = 5
IN_TEXT = 90  # partial-match score (0-100) for a name occurring in a sentence
SIMILAR = 88  # score for two labels naming the same thing
CANDIDATES = 5  # most look-alikes named in one warning
MEMO_FORMAT = "1"
MEMO_FILE = "entities-memo.json"  # in the build cache folder: see ``entity_index``
LOOKALIKE_SHAPE = "look-alike-entities"  # a finding's shape: a check of the mappings, not a SHACL shape


@dataclass(frozen=True)
class NamedEntity:
    """An entity as a person looks for it: id, type, names, and where it is declared."""

    id: str
    type: str
    label: str
    aliases: tuple[str, ...]
    file: str  # relative to the data folder
    line: int
    article: str | None = None  # the mapping's stem for article-local entities, None for the registry

    @property
    def names(self) -> tuple[str, ...]:
        return (self.label, *self.aliases)

    def where(self) -> str:
        return f"{self.file}:{self.line}"

    def describe(self) -> str:
        scope = f"local to {self.article}" if self.article else "registry"
        return f"{self.id} ({self.type}, {scope}) \"{self.label}\" at {self.where()}"


@dataclass(frozen=True)
class EntityIndex:
    """Every entity of a data folder: the registry's and each article's own."""

    entities: tuple[NamedEntity, ...]

    @property
    def registry(self) -> tuple[NamedEntity, ...]:
        return tuple(e for e in self.entities if e.article is None)

    def search(self, query: str, *, limit: int = 20) -> list[tuple[NamedEntity, float]]:
        """Entities whose id, label or an alias resembles ``query``, best first."""
        if not query.strip():
            return [(e, 100.0) for e in self.entities[:limit]]
        scored = []
        for e in self.entities:
            best = max(_name_score(query, name) for name in (e.id.replace("-", " "), *e.names))
            if best >= 70:
                scored.append((e, best))
        scored.sort(key=lambda pair: (-pair[1], pair[0].file, pair[0].line))
        return scored[:limit]

    def in_text(self, text: str) -> list[NamedEntity]:
        """Registry entities one of whose names occurs in ``text`` (fuzzily), in order of first mention."""
        found = []
        for e in self.registry:
            positions = [p for p in (occurs(name, text) for name in e.names) if p is not None]
            if positions:
                found.append((min(positions), e.id, e))
        return [e for _, _, e in sorted(found, key=lambda t: (t[0], t[1]))]


def _name_score(a: str, b: str) -> float:
    return float(fuzz.WRatio(a, b, processor=utils.default_process))


def occurs(name: str, text: str) -> int | None:
    """Where ``name`` occurs in ``text`` (case- and inflection-tolerant), or None.

    >>> occurs("Russia", "workers sent to the Russian Far East")
    20
    >>> occurs("러시아", "북한 노동자들이 러시아에 파견됐다") is not None
    True
    >>> occurs("UN", "until June") is None
    True
    """
    folded = utils.default_process(name)
    if not folded:
        return None
    if len(folded) < SHORT:
        match = re.search(rf"(?<![^\W_]){re.escape(name)}(?![^\W\d_])", text, flags=re.IGNORECASE)
        if match is None and re.search(r"[\uac00-\ud7a3]", name):
            idx = text.find(name)  # Hangul: particles attach to the noun (러시아에)
            return idx if idx >= 0 else None
        return match.start() if match else None
    alignment = fuzz.partial_ratio_alignment(name.lower(), text.lower(), score_cutoff=IN_TEXT)
    return alignment.dest_start if alignment is not None else None


def registry_entities(data_dir: Path) -> list[NamedEntity]:
    path = data_dir / REGISTRY_FILE
    if not path.is_file():
        raise LaborgraphError(f"{path}: registry not found; a data folder holds {REGISTRY_FILE} and {ARTICLES_DIR}/")
    try:  # the line scan reads the registry's block style 100x faster than the line-tracking parser
        found = scan_entities(path.read_text(encoding="utf-8"), REGISTRY_FILE, None)
    except (OSError, UnicodeDecodeError):
        found = []
    if found:
        return found
    doc = load_file(path)
    return list(_declared(doc.get("entities") if isinstance(doc, LDict) else None, REGISTRY_FILE, None))


def _declared(section: object, file: str, article: str | None) -> Iterable[NamedEntity]:
    """The entities of one ``entities:`` section, read leniently (a half-written mapping still helps)."""
    if not isinstance(section, LDict):
        return
    for eid, spec in section.items():
        if not isinstance(spec, LDict) or not isinstance(spec.get("label"), str):
            continue
        aliases = spec.get("aliases") or []
        yield NamedEntity(str(eid), str(spec.get("type", "?")), spec["label"].strip(),
                          tuple(a for a in aliases if isinstance(a, str)) if isinstance(aliases, list) else (),
                          file, section.line_of(eid), article)


def article_entities(path: Path, data_dir: Path, *, exact: bool = False) -> list[NamedEntity]:
    """The entities one mapping declares (empty when the file cannot be read).

    ``exact`` parses the YAML (slow: about 50 ms a file with line tracking); otherwise the
    ``entities:`` section is scanned line by line, which reads the block style that mappings
    use (and ``id: {type: ..., label: ...}`` lines) a hundred times faster, so searching a
    corpus of thousands of articles stays interactive.
    """
    rel = path.relative_to(data_dir).as_posix() if path.is_relative_to(data_dir) else path.name
    if not exact:
        try:
            return scan_entities(path.read_text(encoding="utf-8"), rel, path.stem)
        except (OSError, UnicodeDecodeError):
            return []
    try:
        doc = load_file(path)
    except LaborgraphError:
        return []
    return list(_declared(doc.get("entities") if isinstance(doc, LDict) else None, rel, path.stem))


_FAST = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_TOP = re.compile(r"^[^\s#]")
_ID_LINE = re.compile(r"^  ([a-z0-9][a-z0-9-]*):\s*(\{.*\})?\s*(?:#.*)?$")
_FIELD = re.compile(r"^    (type|label|aliases):\s*(.+?)\s*$")


def _scalar(text: str) -> object:
    """A YAML scalar or flow collection from one line, cheaply for the common forms."""
    if text[:1] not in "\"'[{|>&*!%@`":
        return text.split(" #", 1)[0].strip()  # a plain scalar; its comment dropped
    if len(text) > 1 and text[0] == text[-1] == '"' and "\\" not in text and '"' not in text[1:-1]:
        return text[1:-1]
    if len(text) > 1 and text[0] == text[-1] == "'" and "'" not in text[1:-1].replace("''", ""):
        return text[1:-1].replace("''", "'")
    try:
        return yaml.load(text, Loader=_FAST)
    except yaml.YAMLError:
        return text


def scan_entities(text: str, file: str, article: str | None) -> list[NamedEntity]:
    """Entities of a mapping's ``entities:`` section, read line by line (see ``article_entities``).

    >>> src = "entities:\\n  new-workers:\\n    type: WorkerGroup\\n    label: New workers\\nclaims: []\\n"
    >>> [(e.id, e.type, e.label, e.line) for e in scan_entities(src, "a.yaml", "a")]
    [('new-workers', 'WorkerGroup', 'New workers', 2)]
    """
    lines = text.splitlines()
    try:
        start = next(i for i, line in enumerate(lines) if line.startswith("entities:"))
    except StopIteration:
        return []
    found: dict[str, dict[str, object]] = {}
    current: str | None = None
    for number, line in enumerate(lines[start + 1:], start + 2):
        if _TOP.match(line):
            break
        if (m := _ID_LINE.match(line)) is not None:
            current = m.group(1)
            spec = _scalar(m.group(2)) if m.group(2) else {}
            found[current] = {"line": number, **(spec if isinstance(spec, dict) else {})}
        elif current is not None and (m := _FIELD.match(line)) is not None:
            found[current][m.group(1)] = _scalar(m.group(2))
    out = []
    for eid, spec in found.items():
        label, aliases = spec.get("label"), spec.get("aliases") or []
        if isinstance(label, str):
            names = tuple(a for a in aliases if isinstance(a, str)) if isinstance(aliases, list) else ()
            out.append(NamedEntity(eid, str(spec.get("type", "?")), label.strip(), names, file,
                                   int(spec["line"]), article))  # type: ignore[call-overload]  # YAML value: int() checks it
    return out


RACY_NS = 2_000_000_000  # a file changed this close to when it was scanned is scanned again


def entity_index(data_dir: Path, *, articles: bool = True, memo: Path | None = None) -> EntityIndex:
    """The registry's entities and (unless ``articles`` is false) every article's own.

    ``memo`` (a JSON file in the build cache) keeps each mapping's scanned entities with the
    size, mtime and inode the file had, so a corpus of thousands is not read again on every
    build; a file whose mtime is too close to its scan is scanned again, as git does. The
    file is written atomically and only read back row by row against those signatures, so a
    lost or concurrent update costs a re-scan, never a wrong answer.
    """
    found = registry_entities(data_dir)
    if not articles:
        return EntityIndex(tuple(found))
    known = _read_memo(memo)
    rows: dict[str, list[Any]] = {}
    now = time.time_ns()
    for path in article_paths(data_dir):
        try:
            st = os.stat(path)
        except OSError:
            continue
        sig = [st.st_size, st.st_mtime_ns, st.st_ino]
        row = known.get(path.name)
        if row is not None and row[0] == sig and row[1] - RACY_NS > sig[1]:
            entities = [NamedEntity(e[0], e[1], e[2], tuple(e[3]), e[4], e[5], e[6]) for e in row[2]]
        else:
            entities = article_entities(path, data_dir)
        rows[path.name] = [sig, row[1] if row is not None and row[0] == sig else now,
                           [[e.id, e.type, e.label, list(e.aliases), e.file, e.line, e.article] for e in entities]]
        found.extend(entities)
    if memo is not None and rows != known:
        _write_memo(memo, rows)
    return EntityIndex(tuple(found))


def _read_memo(memo: Path | None) -> dict[str, Any]:
    if memo is None:
        return {}
    try:
        data = json.loads(memo.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data["rows"] if isinstance(data, dict) and data.get("format") == MEMO_FORMAT \
        and isinstance(data.get("rows"), dict) else {}


def _write_memo(memo: Path, rows: dict[str, Any]) -> None:
    from ..export import write_atomic

    with contextlib.suppress(OSError):  # a memo that cannot be written costs a scan next time, nothing else
        write_atomic(memo, json.dumps({"format": MEMO_FORMAT, "rows": rows}, ensure_ascii=False))


def similar_labels(entity: NamedEntity, others: Iterable[NamedEntity]) -> list[NamedEntity]:
    """Entities of ``others`` (outside ``entity``'s own article) whose names closely match its label."""
    pool = [o for o in others if o.article is None or o.article != entity.article]
    names = [(i, name) for i, o in enumerate(pool) for name in o.names]
    hits = process.extract(entity.label, [n for _, n in names], scorer=fuzz.token_sort_ratio,
                           processor=utils.default_process, score_cutoff=SIMILAR, limit=None)
    numbers = _numbers(entity.label)
    best: dict[int, float] = {}
    for name, score, k in hits:  # "workers 12" and "workers 13" are different things
        if _numbers(name) == numbers:
            best[names[k][0]] = max(score, best.get(names[k][0], 0.0))
    chosen = sorted(best, key=lambda i: (-best[i], pool[i].file, pool[i].line))[:CANDIDATES]
    return [pool[i] for i in chosen]


def _numbers(text: str) -> list[str]:
    return re.findall(r"\d+", text)


def lookalikes(index: EntityIndex, only: str | None = None) -> list[tuple[NamedEntity, list[NamedEntity]]]:
    """Each article-local entity (of article ``only``, if given) with the entities elsewhere it looks like.

    Names are compared only with names holding the same numbers (``similar_labels`` drops
    the others anyway), which keeps a corpus of thousands of articles from comparing every
    label with every other. An entity's look-alikes depend on that pool alone: the build
    cache keeps them per pool and compares again only the pools an edit changed
    (``incremental.lookalike``).
    """
    groups: dict[tuple[str, ...], set[int]] = {}
    for i, e in enumerate(index.entities):
        for name in e.names:
            groups.setdefault(tuple(_numbers(name)), set()).add(i)
    # per pool, once: its members (a pool can hold most of a corpus: the labels without numbers)
    pools: dict[tuple[str, ...], list[NamedEntity]] = {}
    out = []
    for e in index.entities:
        if e.article is None or (only is not None and e.article != only):
            continue
        key = tuple(_numbers(e.label))
        if key not in pools:
            pools[key] = [index.entities[m] for m in sorted(groups.get(key, ()))]
        candidates = similar_labels(e, pools[key])
        if candidates:
            out.append((e, candidates))
    return out


LOOKALIKE_FIX = ("refer to the existing id instead of declaring it again, unless they differ "
                 "(docs/mapping.md#entities-the-things-this-article-talks-about; `laborgraph entities QUERY` searches)")


def lookalike_message(entity: NamedEntity, candidates: list[NamedEntity]) -> str:
    """A look-alike finding's message: the entity and every candidate with its file:line."""
    listed = "; ".join(c.describe() for c in candidates)
    return f"entity '{entity.id}' (\"{entity.label}\") looks like {listed}"


def _index_for(data_dir: Path, only: Path | None, memo: Path | None = None) -> EntityIndex:
    index = entity_index(data_dir, memo=memo)
    if only is None:
        return index
    # the article being checked is read exactly; the others are scanned
    return EntityIndex(tuple(e for e in index.entities if e.article != only.stem)
                       + tuple(article_entities(only, data_dir, exact=True)))


def duplicate_warnings(data_dir: Path, only: Path | None = None, *, memo: Path | None = None) -> list[str]:
    """One line per local entity that looks like an entity declared elsewhere, naming the candidates.

    ``only`` limits the check to one mapping (``laborgraph check``); the candidates still come
    from the registry and every other article.
    """
    found = lookalikes(_index_for(data_dir, only, memo), only.stem if only is not None else None)
    return [lookalike_warning(e, candidates) for e, candidates in found]


def lookalike_warning(entity: NamedEntity, candidates: list[NamedEntity]) -> str:
    """The line `laborgraph check` prints for one local entity and its look-alikes."""
    return f"{entity.where()}: {lookalike_message(entity, candidates)}: {LOOKALIKE_FIX}"


def lookalike_finding(entity: NamedEntity, message: str) -> Finding:
    """The warning a report holds for one local entity; ``message`` is ``lookalike_message``'s."""
    return Finding(severity="Warning", message=message, fix=LOOKALIKE_FIX, file=entity.file, line=entity.line,
                   claim=None, focus=str(local_entity_iri(entity.article or "", entity.id)), shape=LOOKALIKE_SHAPE,
                   component="check")


def name_pool(name: str) -> str:
    """The pool a name is compared in (``lookalikes``): the numbers it holds, as text."""
    return ",".join(_numbers(name))


def lookalike_findings(data_dir: Path, *, memo: Path | None = None) -> list[Finding]:
    """The look-alike entities of every article as warnings of a validation report (``build``, ``validate``).

    Each names the file:line of the local declaration (where the finding sits) and of every
    candidate (in its message). Everything is compared; a build keeps the answers in its
    cache and compares only what an edit changed (``incremental.lookalike``).
    """
    found = lookalikes(entity_index(data_dir, memo=memo))
    return [lookalike_finding(e, lookalike_message(e, candidates)) for e, candidates in found]
