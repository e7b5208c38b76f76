"""Start a mapping from an article text: the analyst deletes and merges stubs instead of typing quotes.

``new_mapping`` copies the text into ``articles/`` under the naming convention and writes a
skeleton beside it: the article section filled in, every sentence numbered with its character
offsets (YAML comments), and one claim stub per sentence whose quote is that sentence, exactly,
with the registry entities the sentence names. A stub's ``states: {}`` is left for the analyst:
the build refuses it until it says what the sentence states, so no stub slips in unread.

>>> [s.text for s in split_sentences("He left. 그는 떠났다. Why?\\nYes")]
['He left.', '그는 떠났다.', 'Why?', 'Yes']
"""

from __future__ import annotations

import datetime as dt
import re
import shutil
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import yaml

from ..errors import LaborgraphError
from ..export import write_atomic
from ..load import ARTICLES_DIR, article_paths
from ..load.context import ID_RE, SLUG_RE
from ..load.quotes import find_all
from ..load.yamlsrc import LDict, load_file
from .entities import EntityIndex, entity_index

# A sentence ends at . ! ? (and their full-width forms, 。 and the Korean/CJK ones), with any
# closing quotation marks or brackets, before white space; every line break also ends one.
_END = re.compile("[.!?\u3002\uff01\uff1f\uff0e\u2026]+[\"'\u201d\u2019\u300d\u300f)\\]]*(?=\\s)|\n+")
_HANGUL = re.compile(r"[\uac00-\ud7a3]")
DOCS = "docs/mapping.md"
VOICE = "outlet-voice"


@dataclass(frozen=True)
class Sentence:
    """One sentence of the text: its number (from 1), offsets into the text, and its words."""

    number: int
    start: int
    end: int
    text: str


def split_sentences(text: str) -> list[Sentence]:
    """The sentences of ``text`` with code-point offsets (``text[start:end] == sentence``)."""
    out: list[Sentence] = []
    pos = 0
    for match in _END.finditer(text + "\n"):
        end = min(match.end(), len(text)) if not match.group().startswith("\n") else match.start()
        chunk = text[pos:end]
        stripped = chunk.strip()
        if stripped:
            start = pos + len(chunk) - len(chunk.lstrip())
            out.append(Sentence(len(out) + 1, start, start + len(stripped), stripped))
        pos = match.end()
    return out


def slugify(words: str, limit: int = 6) -> str:
    """Lower-case ASCII words joined by hyphens (empty for a title with no Latin letters)."""
    ascii_text = unicodedata.normalize("NFKD", words).encode("ascii", "ignore").decode()
    parts = re.findall(r"[a-z0-9]+", ascii_text.lower())
    return "-".join(parts[:limit])


def mapping_name(published: dt.date, outlet: str, slug: str) -> str:
    """``<date>-<outlet without hyphens>-<slug>``, as the loader requires (load.context.SLUG_RE)."""
    stem = f"{published.isoformat()}-{outlet.replace('-', '')}-{slug}"
    if not SLUG_RE.match(stem):
        raise LaborgraphError(f"cannot name the mapping '{stem}': the slug must be lower-case words joined by "
                              "hyphens; give one with --slug")
    return stem


def _dump(key: str, value: object, indent: int) -> str:
    """One ``key: value`` line, quoted by YAML's own rules (colons, leading quotes, #)."""
    text = yaml.safe_dump({key: value}, allow_unicode=True, width=10**9, default_flow_style=True).strip()
    if text.startswith("{") and text.endswith("}"):
        text = text[1:-1]
    return " " * indent + text


def _quote_note(text: str, sentence: Sentence) -> str | None:
    hits = len(find_all(text, sentence.text))
    if hits > 1:
        return f"    # this sentence occurs {hits} times in the text: quote more words (merge with a neighbour)"
    return None


def _stub(text: str, sentence: Sentence, index: EntityIndex) -> list[str]:
    lines = [f"  # [{sentence.number}] characters {sentence.start}-{sentence.end}",
             f"  - id: s{sentence.number:03d}", _dump("quote", sentence.text, 4),
             f"    source: {VOICE}", "    quotation: narration"]
    note = _quote_note(text, sentence)
    if note:
        lines.append(note)
    for e in index.in_text(sentence.text):
        lines.append(f"    # registry: {e.id} ({e.type}) \"{e.label}\" {e.where()}")
    lines.append("    states: {}  # what the sentence states: thing: {property: value}")
    return lines


def scaffold_text(text: str, *, text_file: str, outlet: str, published: str, analyst: str,
                  index: EntityIndex, mapped_on: dt.date, title: str | None = None,
                  url: str | None = None) -> str:
    """The skeleton mapping for ``text`` as YAML text (pure: nothing is read or written)."""
    sentences = split_sentences(text)
    language = "ko" if _HANGUL.search(text) else "en"
    label = title or (sentences[0].text if sentences else text_file)
    outlet_label = next((e.label for e in index.registry if e.id == outlet), outlet)
    out = [f"# Started by `laborgraph new` from {text_file}: one claim stub per sentence.",
           "# Delete the stubs that state nothing, merge the ones that belong together, choose each",
           f"# claim's source and quotation, and say what it states. Format: {DOCS}.", "",
           "article:", _dump("label", label, 2), f"  outlet: {outlet}", f"  published: {published}",
           f"  language: {language}", _dump("text", text_file, 2), f"  mapped_by: {analyst}",
           f"  mapped_on: {mapped_on.isoformat()}"]
    if title:
        out.append(_dump("title", title, 2))
    if url:
        out.append(_dump("url", url, 2))
    out += ["", "sources:", f"  {VOICE}:", _dump("label", f"{outlet_label}, in its own voice", 4),
            "    kind: outlet", f"    identified_as: {outlet}",
            "  # add informants here (kind: anonymous-informant, informed: " + outlet + ")", "",
            "entities: {}  # things only this article talks about; search existing ones: laborgraph entities WORD",
            "", "claims:"]
    for sentence in sentences:
        out += _stub(text, sentence, index)
        out.append("")
    return "\n".join(out).rstrip("\n") + "\n"


def _analyst(data_dir: Path, given: str | None) -> str:
    if given:
        return given
    doc = load_file(data_dir / "entities.yaml")
    analysts = doc.get("analysts") if isinstance(doc, LDict) else None
    if not isinstance(analysts, LDict) or not analysts:
        raise LaborgraphError("no analysts in entities.yaml; add one under `analysts:` or give --analyst")
    return sorted(analysts)[0]


def parse_published(value: str) -> dt.date | dt.datetime:
    """``YYYY-MM-DD`` or ``YYYY-MM-DDTHH:MM`` (no time zone: articles rarely give one).

    >>> parse_published("2024-07-15"), parse_published("2024-07-15T07:00")
    (datetime.date(2024, 7, 15), datetime.datetime(2024, 7, 15, 7, 0))
    """
    try:
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
            return dt.date.fromisoformat(value)
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}", value):
            return dt.datetime.fromisoformat(value)
    except ValueError:
        pass
    raise LaborgraphError(f"published '{value}' must be a real date, YYYY-MM-DD or YYYY-MM-DDTHH:MM")


def new_mapping(text_path: Path, data_dir: Path, *, outlet: str, published: str | dt.date | dt.datetime,
                slug: str | None = None, title: str | None = None, url: str | None = None,
                analyst: str | None = None, mapped_on: dt.date | None = None) -> tuple[Path, Path]:
    """Copy ``text_path`` into ``data_dir/articles/`` and write its skeleton mapping; return both paths.

    Refuses (exit 2) to overwrite an existing mapping or text, and an outlet id the registry lacks.
    """
    try:
        text = text_path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise LaborgraphError(f"{text_path}: cannot read the article text as UTF-8 ({exc})") from None
    index = entity_index(data_dir, articles=False)
    if outlet not in {e.id for e in index.registry}:
        raise LaborgraphError(f"unknown outlet '{outlet}': declare it in {data_dir / 'entities.yaml'} "
                              "(type: Outlet) first; `laborgraph entities` lists the registry")
    if not ID_RE.match(outlet):
        raise LaborgraphError(f"outlet id '{outlet}' must be lower-case letters, digits and hyphens")
    if isinstance(published, str):
        published = parse_published(published)
    day = published.date() if isinstance(published, dt.datetime) else published
    stem = mapping_name(day, outlet, slug or slugify(title or "") or slugify(text_path.stem) or "article")
    folder = data_dir / ARTICLES_DIR
    mapping, copy = folder / f"{stem}.yaml", folder / f"{stem}.txt"
    for path in (mapping, copy):
        if path.exists():
            raise LaborgraphError(f"{path} already exists; choose another --slug or edit that file")
    if any(p.stem == stem for p in article_paths(data_dir)):
        raise LaborgraphError(f"a mapping named {stem} already exists")
    stamp = published.isoformat(timespec="minutes") if isinstance(published, dt.datetime) else published.isoformat()
    body = scaffold_text(text, text_file=copy.name, outlet=outlet, published=stamp,
                         analyst=_analyst(data_dir, analyst), index=index,
                         mapped_on=mapped_on or dt.date.today(), title=title, url=url)
    folder.mkdir(parents=True, exist_ok=True)
    tmp = copy.with_name(f".{copy.name}.tmp")
    shutil.copyfile(text_path, tmp)
    tmp.replace(copy)
    write_atomic(mapping, body)
    return mapping, copy
