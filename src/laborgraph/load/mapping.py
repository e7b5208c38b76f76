"""Article mappings -> model: article, sources, claims, quotes checked against the text."""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from rdflib import URIRef

from ..errors import MappingError
from ..model import Article, Claim, Coding, Corpus, Quote, Registry, Source, Translation
from ..ontology import Terms, load_terms
from ..vocab import LG, article_iri, claim_iri, local_entity_iri, source_iri
from . import hints, quotes
from .chains import parse_cites, parse_grades, parse_republishes
from .context import (
    ARTICLES_DIR,
    CONTEXT,
    LANGUAGE_RE,
    REGISTRY_FILE,
    SLUG_RE,
    Context,
    as_mapping,
    check_id,
    check_keys,
    did_you_mean,
    labels_field,
    language_field,
    text_field,
)
from .files import article_names as article_names  # its home is files.py: `query` reads it without rdflib
from .files import read_bytes, shown, text_limit
from .registry import load_registry, parse_entities
from .statements import each_value, parse_statements
from .values import parse_date, parse_publication
from .yamlsrc import LDict, LList, load_file

ARTICLE_KEYS = ({"label", "outlet", "published", "mapped_by", "mapped_on"},
                {"language", "text", "url", "title", "note", "labels", "cites", "republishes"})
CLAIM_KEYS = ({"id", "quote", "source", "quotation", "states"},
              {"hedge", "hedge_wording", "note", "indicators", "translation", "grade"})


@hints.documented("article")
def load_article(path: Path, registry: Registry, data_dir: Path, terms: Terms | None = None) -> Article:
    """Read one article mapping and check every quote against the article text."""
    terms = terms or load_terms()
    rel = path.relative_to(data_dir).as_posix() if path.is_relative_to(data_dir) else path.name
    ctx = Context(shown(path), rel, terms, {e.id: e.iri for e in registry.entities})
    slug = path.stem
    match = SLUG_RE.fullmatch(slug)
    if not match:
        raise ctx.error(None, "file name must be <date>-<outlet>-<slug>.yaml in lower case, the date "
                        "as YYYY-MM-DD (or YYYY-MM, YYYY when only that is known), for example "
                        "2024-07-15-dailynk-workers-sent-to-russia.yaml")
    if not path.resolve().is_relative_to(data_dir.resolve()):
        raise ctx.error(None, "the mapping is a link to a file outside the data folder; only files inside it "
                        "are read")
    doc = as_mapping(ctx, load_file(path, ctx.display), 1, "an article mapping")
    check_keys(ctx, doc, "the mapping", {"article", "sources", "claims"}, {"entities"})
    meta = as_mapping(ctx, doc["article"], doc.line_of("article"), "`article`")
    check_keys(ctx, meta, "`article`", *ARTICLE_KEYS)
    iri = article_iri(slug)
    published, precision = parse_publication(ctx, meta["published"], meta.line_of("published"))
    pub_day = published.date() if isinstance(published, dt.datetime) else published
    known = pub_day.isoformat()[:{"year": 4, "month": 7}.get(precision, 10)]
    if known != match.group(1):
        raise ctx.error(meta.line_of("published"), f"published {known} does not match the date "
                        f"{match.group(1)} in the file name (name the file by the date as precisely "
                        "as it is known: YYYY-MM-DD, YYYY-MM or YYYY)")
    language = language_field(ctx, meta)
    outlet = ctx.resolve(meta["outlet"], meta.line_of("outlet"), "outlet")
    analysts = {a.id: a.iri for a in registry.analysts}
    if meta["mapped_by"] not in analysts:
        raise ctx.error(meta.line_of("mapped_by"), f"unknown analyst '{meta['mapped_by']}'; add "
                        f"it under `analysts:` in {REGISTRY_FILE}")
    text = _article_text(ctx, meta, path.parent)

    entities = parse_entities(ctx, doc.get("entities"), doc.line_of("entities"),
                         lambda eid: local_entity_iri(slug, eid))
    ctx.names.update({e.id: e.iri for e in entities})
    mapped_on = parse_date(ctx, meta["mapped_on"], meta.line_of("mapped_on"))
    coder = _Coder(analysts, analysts[meta["mapped_by"]], mapped_on, language)
    sources = _sources(ctx, doc["sources"], doc.line_of("sources"), slug, coder)
    ctx.names.update({s.id: s.iri for s in sources})
    ctx.names["article"] = iri
    claims = _claims(ctx, doc["claims"], doc.line_of("claims"), slug, iri, text, {s.id for s in sources}, coder)
    return Article(
        slug, iri, ctx.where(meta.line), text_field(ctx, meta, "label") or slug, outlet, published,
        language, analysts[meta["mapped_by"]], mapped_on, text,
        text_field(ctx, meta, "url"), text_field(ctx, meta, "title"),
        tuple(entities), tuple(sources), tuple(claims),
        precision, text_field(ctx, meta, "note"), labels_field(ctx, meta),
        parse_cites(ctx, meta), parse_republishes(ctx, meta, slug),
    )


def _article_text(ctx: Context, meta: LDict, folder: Path) -> str | None:
    name = meta.get("text")
    if name is None:
        return None
    line = meta.line_of("text")
    if not isinstance(name, str):
        raise ctx.error(line, "`text` is the file name of the article text beside the mapping, e.g. x.txt")
    refusal = text_file_refusal(folder, name)
    if refusal:
        raise ctx.error(line, refusal)
    try:
        return decode_text(read_bytes(folder / name, text_limit(), shown(folder / name), "article text"))
    except UnicodeDecodeError:
        raise ctx.error(line, f"article text '{name}' is not UTF-8") from None
    except MappingError as exc:
        raise ctx.error(line, f"'{shown(name)}': {exc.message}") from None


def text_file_refusal(folder: Path, name: str) -> str | None:
    """Why ``name`` may not be read as an article text, or None; decided before anything is opened.

    A text is a plain file name beside its mapping: no folders, no absolute paths,
    no ``..``, and (through symlinks) nothing outside the mapping's folder.
    """
    path = folder / name
    if not name or os.path.isabs(name) or os.sep in name or "/" in name or name in (".", "..") \
            or not name.isprintable():
        return f"article text '{shown(name)}' must be a file name beside the mapping (no folders, no absolute path)"
    if not path.exists() or path.resolve().parent != folder.resolve():
        return f"article text '{name}' not found beside the mapping"
    return None


def decode_text(data: bytes) -> str:
    r"""An article text as quote offsets count it: UTF-8, a leading BOM dropped, line endings kept.

    ``oa:start``/``oa:end`` are indexes into exactly this string, so a tool that
    decodes the file the same way (Python: ``open(f, encoding="utf-8-sig",
    newline="").read()``) finds the quote at ``text[start:end]``.

    >>> decode_text(b"\xef\xbb\xbfa\r\nb")
    'a\r\nb'
    """
    return data.decode("utf-8-sig")


def mapping_text_name(data: bytes) -> str | None:
    """The ``article: text:`` value of a mapping, read from YAML events (as the loader reads it).

    The cache keys an article on this file: a regular expression over the YAML
    misses ``text: x.txt  # a comment``, quoted names and flow mappings. Events,
    not a document, so a deeply nested file costs no recursion.
    """
    frames: list[list[Any]] = []  # per open collection: [is mapping, expecting a key, current key]
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    try:
        for event in yaml.parse(data, Loader=loader):
            if isinstance(event, yaml.ScalarEvent):
                top = frames[-1] if frames else None
                if top is not None and top[0] and top[1]:
                    top[1], top[2] = False, event.value
                    continue
                if len(frames) == 2 and [f[2] for f in frames] == ["article", "text"] and frames[0][0] \
                        and frames[1][0]:
                    return event.value
                if top is not None and top[0]:
                    top[1] = True
            elif isinstance(event, yaml.CollectionStartEvent):
                frames.append([isinstance(event, yaml.MappingStartEvent), True, None])
            elif isinstance(event, yaml.CollectionEndEvent):
                frames.pop()
                if frames and frames[-1][0]:
                    frames[-1][1] = True
    except yaml.YAMLError:
        return None  # the loader reports it, with a line
    return None


@hints.documented("source")
def _sources(ctx: Context, raw: Any, line: int, slug: str, coder: _Coder) -> list[Source]:
    raw = as_mapping(ctx, raw, line, "`sources`")
    kinds = ctx.terms.concepts.get(LG.SourceKind, {})
    out = []
    for sid, spec in raw.items():
        sline = raw.line_of(sid)
        check_id(ctx, sid, sline, "source")
        if sid in ctx.names:
            raise ctx.error(sline, f"source id '{sid}' is already used by an entity")
        spec = as_mapping(ctx, spec, sline, f"source '{sid}'")
        check_keys(ctx, spec, f"source '{sid}'", {"label", "kind"}, {"informed", "identified_as", "grade"})
        if spec["kind"] not in kinds:
            raise ctx.error(spec.line_of("kind"), f"unknown source kind '{spec['kind']}'; allowed: "
                            f"{', '.join(sorted(kinds))}")
        informed = (ctx.resolve(spec["informed"], spec.line_of("informed"))
                    if "informed" in spec else None)
        identified = (ctx.resolve(spec["identified_as"], spec.line_of("identified_as"))
                      if "identified_as" in spec else None)
        out.append(Source(sid, source_iri(slug, sid), ctx.where(sline), text_field(ctx, spec, "label") or sid,
                          kinds[spec["kind"]], informed, identified,
                          parse_grades(ctx, spec, coder.analysts, coder.by, coder.on)))
    return out


@dataclass(frozen=True)
class _Coder:
    """Who codes indicators in an article, by default: the analyst and date of the mapping."""

    analysts: dict[str, URIRef]
    by: URIRef
    on: dt.date
    language: str  # the article's: a translation must be into another language


def _translation(ctx: Context, spec: LDict, coder: _Coder) -> Translation | None:
    """``translation: English text`` (by the mapping's analyst, into English) or a mapping of
    ``text``, ``language`` and ``by``."""
    if "translation" not in spec:
        return None
    raw = spec["translation"]
    line = spec.line_of("translation")
    if isinstance(raw, str):
        raw_d = LDict(text=raw)
        raw_d.line, raw_d.key_lines = line, {"text": line}
        raw = raw_d
    raw = as_mapping(ctx, raw, line, "a translation")
    check_keys(ctx, raw, "a translation", {"text"}, {"language", "by"})
    language = text_field(ctx, raw, "language", "en") or "en"
    if not LANGUAGE_RE.match(language) or language == coder.language:
        raise ctx.error(raw.line_of("language"), f"a translation's language must be a tag such as en, "
                        f"and differ from the article's ({coder.language})")
    by = coder.by
    if "by" in raw:
        if raw["by"] not in coder.analysts:
            raise ctx.error(raw.line_of("by"), f"unknown analyst '{raw['by']}'")
        by = coder.analysts[raw["by"]]
    return Translation(text_field(ctx, raw, "text") or "", language, by)


@hints.documented("indicator")
def _codings(ctx: Context, spec: LDict, coder: _Coder) -> tuple[Coding, ...]:
    if "indicators" not in spec:
        return ()
    raw = spec["indicators"]
    if not isinstance(raw, LList):
        raise ctx.error(spec.line_of("indicators"), "`indicators` is a list, e.g. [withholding-of-wages]")
    scheme = ctx.terms.concepts.get(LG.ForcedLabourIndicator, {})
    out = []
    for item, line in each_value(raw, raw.line):
        if isinstance(item, str):
            item_d = LDict(code=item)
            item_d.line, item_d.key_lines = line, {"code": line}
            item = item_d
        item = as_mapping(ctx, item, line, "an indicator")
        check_keys(ctx, item, "an indicator", {"code"}, {"note", "by", "on"})
        code = item["code"]
        if code not in scheme:
            raise ctx.error(item.line_of("code"), f"unknown forced labour indicator '{code}'"
                            f"{did_you_mean(str(code), scheme)}; allowed: {', '.join(sorted(scheme))}")
        by = coder.by
        if "by" in item:
            if item["by"] not in coder.analysts:
                raise ctx.error(item.line_of("by"), f"unknown analyst '{item['by']}'")
            by = coder.analysts[item["by"]]
        on = parse_date(ctx, item["on"], item.line_of("on")) if "on" in item else coder.on
        out.append(Coding(scheme[code], code, by, on, ctx.where(item.line), text_field(ctx, item, "note")))
    return tuple(out)


@hints.documented("claim")
def _claims(ctx: Context, raw: Any, line: int, slug: str, article: URIRef, text: str | None,
            source_ids: set[str], coder: _Coder) -> list[Claim]:
    if not isinstance(raw, LList) or not raw:
        raise ctx.error(line, "`claims` is a list of claims, each starting with '- id:'")
    hedges = ctx.terms.concepts.get(LG.Hedge, {})
    kinds = ctx.terms.concepts.get(LG.QuotationKind, {})
    out: list[Claim] = []
    seen: dict[str, int] = {}
    for i, item in enumerate(raw):
        cline = raw.line_of(i)
        spec = as_mapping(ctx, item, cline, "a claim")
        check_keys(ctx, spec, f"claim at line {cline}", *CLAIM_KEYS)
        cid = check_id(ctx, spec["id"], spec.line_of("id"), "claim")
        if cid in seen:
            raise ctx.error(spec.line_of("id"), f"duplicate claim id '{cid}' (first at line {seen[cid]}); "
                            "claim ids must be unique within an article")
        seen[cid] = spec.line_of("id")
        if spec["source"] not in source_ids:
            raise ctx.error(spec.line_of("source"), f"unknown source '{spec['source']}'"
                            f"{did_you_mean(str(spec['source']), source_ids)}; declare it under `sources:`")
        if spec["quotation"] not in kinds:
            raise ctx.error(spec.line_of("quotation"), f"quotation is one of {', '.join(sorted(kinds))}")
        hedge_names = [spec.get("hedge", "unhedged")]
        if isinstance(hedge_names[0], list):
            hedge_names = list(hedge_names[0])
        for h in hedge_names:
            if h not in hedges:
                raise ctx.error(spec.line_of("hedge"), f"unknown hedge '{h}'{did_you_mean(str(h), hedges)}; "
                                f"allowed: {', '.join(sorted(hedges))}")
        out.append(Claim(
            cid, claim_iri(slug, cid), ctx.where(cline),
            _quotes(ctx, spec, text),
            ctx.names[spec["source"]], kinds[spec["quotation"]],
            tuple(hedges[h] for h in hedge_names), text_field(ctx, spec, "hedge_wording"),
            text_field(ctx, spec, "note"),
            parse_statements(ctx, spec["states"], spec.line_of("states"), article),
            _codings(ctx, spec, coder),
            _translation(ctx, spec, coder),
            parse_grades(ctx, spec, coder.analysts, coder.by, coder.on),
        ))
    return out


def _quotes(ctx: Context, spec: LDict, text: str | None) -> tuple[Quote, ...]:
    raw = spec["quote"]
    qline = spec.line_of("quote")
    items = list(each_value(raw, qline))
    out = []
    for value, line in items:
        if not isinstance(value, str) or not value.strip():
            raise ctx.error(line, "a quote must be non-empty text copied from the article")
        value = quotes.normalise(value) if "\n" in value.strip() and text is None else value.strip()
        if text is None:
            out.append(Quote(value, ctx.where(line)))
            continue
        spans = quotes.find_all(text, value)
        if not spans:
            raise ctx.error(line, f"quote not found in the article text; {hints.quote_hint(text, value)}; copy it "
                            f"exactly (only spacing and curly vs straight quotes may differ){hints.see('claim')}")
        if len(spans) > 1:
            raise ctx.error(line, f"quote occurs {len(spans)} times in the article; quote more "
                            f"words so it points at one place{hints.see('claim')}")
        start, end = spans[0]
        out.append(Quote(text[start:end], ctx.where(line), start, end,
                         text[max(0, start - CONTEXT):start], text[end:end + CONTEXT]))
    return tuple(out)


# ---------------------------------------------------------------- corpus

def article_paths(data_dir: Path) -> list[Path]:
    """The mapping files, in name order (one directory listing; no per-file path parsing)."""
    folder = data_dir / ARTICLES_DIR
    return [folder / n for n in article_names(data_dir)]


def load_corpus(data_dir: Path, terms: Terms | None = None, *, registry_only: bool = False) -> Corpus:
    """Read ``entities.yaml`` and every ``articles/*.yaml`` under ``data_dir`` (or the registry alone)."""
    terms = terms or load_terms()
    registry_path = data_dir / REGISTRY_FILE
    if not registry_path.is_file():
        raise MappingError(str(registry_path), None, "registry not found; a data folder holds "
                           f"{REGISTRY_FILE} and {ARTICLES_DIR}/")
    registry = load_registry(registry_path, str(registry_path), terms)
    if registry_only:
        return Corpus(registry)
    articles = tuple(load_article(p, registry, data_dir, terms) for p in article_paths(data_dir))
    return Corpus(registry, articles)


__all__ = ["article_names", "article_paths", "decode_text", "load_article", "load_corpus", "mapping_text_name",
           "text_file_refusal"]
