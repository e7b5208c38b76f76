"""Mapping files -> model. Every input error is raised here, naming file and line.

>>> from pathlib import Path
>>> corpus = load_corpus(Path("data"))
>>> [a.slug for a in corpus.articles][:1]
['2024-07-15-dailynk-military-construction-workers-russia']
"""

from __future__ import annotations

import calendar
import datetime as dt
import difflib
import os
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rdflib import URIRef

from . import quotes
from .errors import MappingError
from .model import (
    Analyst,
    AnalystNote,
    Article,
    Claim,
    Coding,
    ConceptRef,
    Corpus,
    Entity,
    Money,
    Quantity,
    Quote,
    Ref,
    Registry,
    Source,
    Statement,
    TimeSpec,
    Value,
    Where,
)
from .ontology import PropertyInfo, Terms, load_terms
from .vocab import (
    ENTITY_TYPES,
    LG,
    LGC,
    analyst_iri,
    article_iri,
    claim_iri,
    entity_iri,
    local_entity_iri,
    note_iri,
    source_iri,
)
from .yamlsrc import LDict, LList, load_file

REGISTRY_FILE = "entities.yaml"
ARTICLES_DIR = "articles"
ID_RE = re.compile(r"^[a-z0-9][a-z0-9-]*$")
SLUG_RE = re.compile(r"^(\d{4}-\d{2}-\d{2})-([a-z0-9]+)-([a-z0-9][a-z0-9-]*)$")
WIKIDATA_RE = re.compile(r"^Q[1-9][0-9]*$")
CURRENCY_RE = re.compile(r"^[A-Z]{3}$")
PERIODS = ("day", "week", "month", "year")
PARTS = {"early": (1, 10), "mid": (11, 20), "late": (21, 31)}
CONTEXT = 40  # characters of text kept before and after a quote


@dataclass
class _Ctx:
    """Where we are while reading one file: its paths and what ids it can see."""

    display: str  # the path as the user should read it in an error
    rel: str  # the path relative to the data folder, as stored in the graph
    terms: Terms
    names: dict[str, URIRef]  # ids an analyst may refer to -> IRI

    def error(self, line: int | None, message: str) -> MappingError:
        return MappingError(self.display, line, message)

    def where(self, line: int) -> Where:
        return Where(self.rel, line)

    def resolve(self, name: Any, line: int, what: str = "entity") -> URIRef:
        if not isinstance(name, str) or name not in self.names:
            hint = _did_you_mean(str(name), self.names)
            raise self.error(line, f"unknown {what} '{name}'{hint}; declare it under "
                             f"`entities:` here or in {REGISTRY_FILE}")
        return self.names[name]


def _did_you_mean(word: str, options: Iterable[str]) -> str:
    close = difflib.get_close_matches(word, list(options), n=1)
    return f" (did you mean '{close[0]}'?)" if close else ""


def _mapping(ctx: _Ctx, value: Any, line: int, what: str) -> LDict:
    if not isinstance(value, LDict):
        raise ctx.error(getattr(value, "line", line), f"{what} must be a mapping of `key: value` lines")
    return value


def _check_keys(ctx: _Ctx, d: LDict, what: str, required: set[str], optional: set[str]) -> None:
    allowed = required | optional
    for key in d:
        if key not in allowed:
            hint = _did_you_mean(key, allowed)
            raise ctx.error(d.line_of(key), f"unknown field '{key}' in {what}{hint}; "
                            f"allowed: {', '.join(sorted(allowed))}")
    for key in sorted(required):
        if key not in d or d[key] in (None, ""):
            raise ctx.error(d.line, f"{what} is missing required field '{key}'")


def _text(ctx: _Ctx, d: LDict, key: str, default: str | None = None) -> str | None:
    value = d.get(key, default)
    if value is None:
        return None
    if not isinstance(value, str) or not value.strip():
        raise ctx.error(d.line_of(key), f"'{key}' must be non-empty text")
    return value.strip()


def _id(ctx: _Ctx, value: Any, line: int, what: str) -> str:
    if not isinstance(value, str) or not ID_RE.match(value):
        raise ctx.error(line, f"{what} id '{value}' must be lower-case letters, digits and "
                        "hyphens (for example 'new-workers')")
    return value


# ---------------------------------------------------------------- dates and times

def _period(ctx: _Ctx, raw: Any, line: int) -> tuple[dt.date, dt.date, str]:
    """First day, last day and precision of '2024', '2024-06' or '2024-06-05'."""
    text = str(raw).strip()
    try:
        if re.fullmatch(r"\d{4}", text):
            year = int(text)
            return dt.date(year, 1, 1), dt.date(year, 12, 31), "year"
        if re.fullmatch(r"\d{4}-\d{2}", text):
            year, month = map(int, text.split("-"))
            last = calendar.monthrange(year, month)[1]
            return dt.date(year, month, 1), dt.date(year, month, last), "month"
        day = dt.date.fromisoformat(text)
        return day, day, "day"
    except ValueError as exc:
        raise ctx.error(line, f"impossible date '{text}' ({exc}); write YYYY, YYYY-MM or "
                        "YYYY-MM-DD") from None


def _date(ctx: _Ctx, raw: Any, line: int) -> dt.date:
    start, _end, precision = _period(ctx, raw, line)
    if precision != "day":
        raise ctx.error(line, f"'{raw}' must be a full date YYYY-MM-DD")
    return start


def _datetime(ctx: _Ctx, raw: Any, line: int) -> dt.date | dt.datetime:
    text = str(raw).strip()
    if "T" not in text:
        return _date(ctx, text, line)
    try:
        return dt.datetime.fromisoformat(text)
    except ValueError as exc:
        raise ctx.error(line, f"impossible date-time '{text}' ({exc}); write "
                        "YYYY-MM-DDTHH:MM") from None


TIME_KEYS = {"on", "in", "part", "before", "after", "from", "until", "wording", "relative_to",
             "inferred", "before_event"}


def _time(ctx: _Ctx, raw: Any, line: int, publication: URIRef | None) -> TimeSpec:
    if not isinstance(raw, LDict):
        raise ctx.error(line, "a time is written like {in: 2024-06, part: early, wording: early June}")
    _check_keys(ctx, raw, "time", set(), TIME_KEYS)
    anchors = [k for k in ("on", "in", "before", "after", "from") if k in raw]
    if len(anchors) != 1:
        raise ctx.error(raw.line, "a time needs exactly one of on / in / before / after / from")
    key = anchors[0]
    kline = raw.line_of(key)
    earliest: dt.date | dt.datetime | None
    latest: dt.date | dt.datetime | None
    if key == "on" and "T" in str(raw["on"]):
        earliest = latest = _datetime(ctx, raw["on"], kline)
        precision = "minute"
    else:
        first, last, precision = _period(ctx, raw[key], kline)
        earliest, latest = first, last
        if key == "before":
            earliest, latest, precision = None, first - dt.timedelta(days=1), "open-ended"
        elif key == "after":
            earliest, latest, precision = last + dt.timedelta(days=1), None, "open-ended"
        elif key == "from":
            latest = None if "until" not in raw else _period(ctx, raw["until"], raw.line_of("until"))[1]
            precision = precision if latest is not None else "open-ended"
            if latest is not None and latest < first:
                raise ctx.error(raw.line_of("until"), "'until' is before 'from'")
    if "part" in raw:
        if key != "in" or precision != "month":
            raise ctx.error(raw.line_of("part"), "'part' goes with a month: {in: 2024-06, part: early}")
        if raw["part"] not in PARTS:
            raise ctx.error(raw.line_of("part"), f"'part' is one of {', '.join(PARTS)}")
        lo, hi = PARTS[raw["part"]]
        assert isinstance(earliest, dt.date) and isinstance(latest, dt.date)
        earliest = earliest.replace(day=lo)
        latest = latest.replace(day=min(hi, latest.day))
        precision = "part-of-month"
    relative_to = None
    if "relative_to" in raw:
        rel = raw["relative_to"]
        relative_to = publication if rel == "publication" else ctx.resolve(rel, raw.line_of("relative_to"))
    inferred = raw.get("inferred", False)
    if not isinstance(inferred, bool):
        raise ctx.error(raw.line_of("inferred"), "'inferred' is true or false")
    before = ctx.resolve(raw["before_event"], raw.line_of("before_event")) if "before_event" in raw else None
    return TimeSpec(earliest, latest, precision, _text(ctx, raw, "wording"), relative_to, inferred, before)


# ---------------------------------------------------------------- quantities

def _number(ctx: _Ctx, d: LDict, key: str) -> int | float | None:
    value = d.get(key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ctx.error(d.line_of(key), f"'{key}' must be a number, not '{value}'")
    if value < 0:
        raise ctx.error(d.line_of(key), f"negative count or amount {value} for '{key}'; "
                        "quantities are zero or more")
    return value


def _bounds(ctx: _Ctx, d: LDict, value_key: str) -> tuple[Any, Any, Any]:
    value, low, high = (_number(ctx, d, k) for k in (value_key, "at_least", "at_most"))
    if low is not None and high is not None and low > high:
        raise ctx.error(d.line_of("at_least"), f"at_least {low} is more than at_most {high}")
    if value is not None and ((low is not None and value < low) or (high is not None and value > high)):
        raise ctx.error(d.line_of(value_key), f"{value_key} {value} lies outside its bounds")
    return value, low, high


def _approximate(ctx: _Ctx, d: LDict) -> bool:
    approx = d.get("approximate", False)
    if not isinstance(approx, bool):
        raise ctx.error(d.line_of("approximate"), "'approximate' is true or false")
    return approx


def _quantity(ctx: _Ctx, raw: Any, line: int) -> Quantity:
    if isinstance(raw, int | float) and not isinstance(raw, bool):
        raw_d = LDict(value=raw)
        raw_d.line, raw_d.key_lines = line, {}
        raw = raw_d
    if not isinstance(raw, LDict):
        raise ctx.error(line, "a quantity is a number or like {at_least: 100, wording: hundreds}")
    _check_keys(ctx, raw, "quantity", set(), {"value", "at_least", "at_most", "approximate",
                                              "wording", "unit"})
    value, low, high = _bounds(ctx, raw, "value")
    wording = _text(ctx, raw, "wording")
    if value is None and low is None and high is None and wording is None:
        raise ctx.error(raw.line, "a quantity needs a value, a bound or at least its wording")
    return Quantity(value, low, high, _approximate(ctx, raw), wording, _text(ctx, raw, "unit"))


def _money(ctx: _Ctx, raw: Any, line: int) -> Money:
    if not isinstance(raw, LDict):
        raise ctx.error(line, "money is written like {amount: 50, currency: USD, approximate: true}")
    _check_keys(ctx, raw, "money", {"currency"}, {"amount", "at_least", "at_most", "per",
                                                  "approximate", "wording"})
    amount, low, high = _bounds(ctx, raw, "amount")
    if amount is None and low is None and high is None:
        raise ctx.error(raw.line, "money needs an amount or a bound")
    currency = raw["currency"]
    if not isinstance(currency, str) or not CURRENCY_RE.match(currency):
        raise ctx.error(raw.line_of("currency"), f"currency '{currency}' must be an ISO 4217 "
                        "code such as USD, EUR, RUB, KPW")
    per = raw.get("per")
    if per is not None and per not in PERIODS:
        raise ctx.error(raw.line_of("per"), f"'per' is one of {', '.join(PERIODS)}")
    return Money(amount, currency, low, high, per, _approximate(ctx, raw), _text(ctx, raw, "wording"))


# ---------------------------------------------------------------- statements

def _values(raw: Any, line: int) -> Iterator[tuple[Any, int]]:
    if isinstance(raw, LList):
        for i, item in enumerate(raw):
            yield item, raw.line_of(i)
    else:
        yield raw, line


def _value(ctx: _Ctx, prop: PropertyInfo, raw: Any, line: int, publication: URIRef | None) -> Value:
    kind = prop.kind
    if kind == "entity":
        return Ref(ctx.resolve(raw, line))
    if kind == "concept":
        assert prop.range is not None
        scheme = ctx.terms.concepts.get(prop.range, {})
        if raw not in scheme:
            raise ctx.error(line, f"'{raw}' is not a value of {prop.name}"
                            f"{_did_you_mean(str(raw), scheme)}; allowed: {', '.join(sorted(scheme))}")
        return ConceptRef(scheme[raw])
    if kind == "time":
        return _time(ctx, raw, line, publication)
    if kind == "quantity":
        return _quantity(ctx, raw, line)
    if kind == "money":
        return _money(ctx, raw, line)
    if kind == "boolean":
        if not isinstance(raw, bool):
            raise ctx.error(line, f"{prop.name} is true or false, not '{raw}'")
        return raw
    if kind == "date":
        return _date(ctx, raw, line)
    if kind == "integer":
        if isinstance(raw, bool) or not isinstance(raw, int):
            raise ctx.error(line, f"{prop.name} must be a whole number, not '{raw}'")
        return raw
    if kind == "datetime":
        return _datetime(ctx, raw, line)
    if not isinstance(raw, str) or not raw.strip():
        raise ctx.error(line, f"{prop.name} must be text")
    return raw.strip()


def _statements(ctx: _Ctx, raw: Any, line: int, publication: URIRef | None) -> tuple[Statement, ...]:
    states = _mapping(ctx, raw, line, "`states`")
    if not states:
        raise ctx.error(states.line, "`states` is empty: say what the claim states")
    out: list[Statement] = []
    for subject_id, props in states.items():
        sline = states.line_of(subject_id)
        subject = ctx.resolve(subject_id, sline)
        props = _mapping(ctx, props, sline, f"what is stated about '{subject_id}'")
        if not props:
            raise ctx.error(sline, f"nothing is stated about '{subject_id}'")
        for name, raw_value in props.items():
            pline = props.line_of(name)
            info = ctx.terms.properties.get(name)
            if info is None:
                raise ctx.error(pline, f"unknown property '{name}'"
                                f"{_did_you_mean(name, ctx.terms.properties)}; see docs/mapping.md "
                                "for the list")
            for item, iline in _values(raw_value, pline):
                value = _value(ctx, info, item, iline, publication)
                out.append(Statement(subject, subject_id, info.iri, value, ctx.where(iline)))
    return tuple(out)


# ---------------------------------------------------------------- registry

def load_registry(path: Path, display: str | None = None, terms: Terms | None = None) -> Registry:
    """Read the shared registry of entities, analysts and analyst notes."""
    terms = terms or load_terms()
    ctx = _Ctx(display or str(path), path.name, terms, {})
    doc = load_file(path, ctx.display)
    doc = _mapping(ctx, doc, 1, "the registry")
    _check_keys(ctx, doc, "the registry", {"entities"}, {"analysts", "notes"})
    analysts = []
    for aid, spec in (doc.get("analysts") or LDict()).items():
        aline = doc["analysts"].line_of(aid)
        _id(ctx, aid, aline, "analyst")
        spec = _mapping(ctx, spec, aline, f"analyst '{aid}'")
        _check_keys(ctx, spec, f"analyst '{aid}'", {"label"}, set())
        analysts.append(Analyst(aid, analyst_iri(aid), ctx.where(aline), _text(ctx, spec, "label") or aid))
    entities = _entities(ctx, doc["entities"], doc.line_of("entities"), entity_iri)
    ctx.names.update({e.id: e.iri for e in entities})
    analyst_ids = {a.id: a.iri for a in analysts}
    notes = []
    seen: set[str] = set()
    raw_notes = doc.get("notes") or LList()
    if not isinstance(raw_notes, LList):
        raise ctx.error(doc.line_of("notes"), "`notes` is a list of notes, each starting with '- id:'")
    for i, raw in enumerate(raw_notes):
        nline = raw_notes.line_of(i)
        spec = _mapping(ctx, raw, nline, "a note")
        _check_keys(ctx, spec, "a note", {"id", "by", "date", "text", "cites", "states"}, set())
        nid = _id(ctx, spec["id"], spec.line_of("id"), "note")
        if nid in seen:
            raise ctx.error(spec.line_of("id"), f"duplicate note id '{nid}'")
        seen.add(nid)
        if spec["by"] not in analyst_ids:
            raise ctx.error(spec.line_of("by"), f"unknown analyst '{spec['by']}'; add it under `analysts:`")
        notes.append(AnalystNote(
            nid, note_iri(nid), ctx.where(nline), analyst_ids[spec["by"]],
            _date(ctx, spec["date"], spec.line_of("date")), _text(ctx, spec, "text") or "",
            _text(ctx, spec, "cites") or "",
            _statements(ctx, spec["states"], spec.line_of("states"), None),
        ))
    return Registry(ctx.rel, tuple(entities), tuple(analysts), tuple(notes))


def _entities(ctx: _Ctx, raw: Any, line: int, mint: Any) -> list[Entity]:
    if raw is None:
        return []
    raw = _mapping(ctx, raw, line, "`entities`")
    out = []
    for eid, spec in raw.items():
        eline = raw.line_of(eid)
        _id(ctx, eid, eline, "entity")
        if eid in ctx.names:
            raise ctx.error(eline, f"entity '{eid}' is already declared (in {REGISTRY_FILE} or "
                            "above); refer to it without declaring it again")
        spec = _mapping(ctx, spec, eline, f"entity '{eid}'")
        _check_keys(ctx, spec, f"entity '{eid}'", {"type", "label"}, {"note", "aliases", "wikidata"})
        etype = spec["type"]
        if etype not in ENTITY_TYPES:
            raise ctx.error(spec.line_of("type"), f"unknown entity type '{etype}'"
                            f"{_did_you_mean(str(etype), ENTITY_TYPES)}; allowed: "
                            f"{', '.join(sorted(ENTITY_TYPES))}")
        wikidata = spec.get("wikidata")
        if wikidata is not None and not (isinstance(wikidata, str) and WIKIDATA_RE.match(wikidata)):
            raise ctx.error(spec.line_of("wikidata"), f"wikidata id '{wikidata}' must look like Q159")
        aliases = spec.get("aliases") or []
        if not isinstance(aliases, list) or not all(isinstance(a, str) for a in aliases):
            raise ctx.error(spec.line_of("aliases"), "aliases is a list of names: [DPRK, North Korea]")
        out.append(Entity(eid, mint(eid), ctx.where(eline), ENTITY_TYPES[etype],
                          _text(ctx, spec, "label") or eid, _text(ctx, spec, "note"),
                          tuple(aliases), wikidata))
    return out


# ---------------------------------------------------------------- articles

ARTICLE_KEYS = ({"label", "outlet", "published", "mapped_by", "mapped_on"},
                {"language", "text", "url", "title"})
CLAIM_KEYS = ({"id", "quote", "source", "quotation", "states"}, {"hedge", "hedge_wording", "note", "indicators"})


def load_article(path: Path, registry: Registry, data_dir: Path, terms: Terms | None = None) -> Article:
    """Read one article mapping and check every quote against the article text."""
    terms = terms or load_terms()
    rel = path.relative_to(data_dir).as_posix() if path.is_relative_to(data_dir) else path.name
    ctx = _Ctx(str(path), rel, terms, {e.id: e.iri for e in registry.entities})
    slug = path.stem
    match = SLUG_RE.match(slug)
    if not match:
        raise ctx.error(None, "file name must be <YYYY-MM-DD>-<outlet>-<slug>.yaml in lower case, "
                        "for example 2024-07-15-dailynk-workers-sent-to-russia.yaml")
    doc = _mapping(ctx, load_file(path, ctx.display), 1, "an article mapping")
    _check_keys(ctx, doc, "the mapping", {"article", "sources", "claims"}, {"entities"})
    meta = _mapping(ctx, doc["article"], doc.line_of("article"), "`article`")
    _check_keys(ctx, meta, "`article`", *ARTICLE_KEYS)
    iri = article_iri(slug)
    published = _datetime(ctx, meta["published"], meta.line_of("published"))
    pub_day = published.date() if isinstance(published, dt.datetime) else published
    if pub_day.isoformat() != match.group(1):
        raise ctx.error(meta.line_of("published"), f"published {pub_day} does not match the date "
                        f"{match.group(1)} in the file name")
    outlet = ctx.resolve(meta["outlet"], meta.line_of("outlet"), "outlet")
    analysts = {a.id: a.iri for a in registry.analysts}
    if meta["mapped_by"] not in analysts:
        raise ctx.error(meta.line_of("mapped_by"), f"unknown analyst '{meta['mapped_by']}'; add "
                        f"it under `analysts:` in {REGISTRY_FILE}")
    text = _article_text(ctx, meta, path.parent)

    entities = _entities(ctx, doc.get("entities"), doc.line_of("entities"),
                         lambda eid: local_entity_iri(slug, eid))
    ctx.names.update({e.id: e.iri for e in entities})
    sources = _sources(ctx, doc["sources"], doc.line_of("sources"), slug)
    ctx.names.update({s.id: s.iri for s in sources})
    ctx.names["article"] = iri
    mapped_on = _date(ctx, meta["mapped_on"], meta.line_of("mapped_on"))
    coder = _Coder(analysts, analysts[meta["mapped_by"]], mapped_on)
    claims = _claims(ctx, doc["claims"], doc.line_of("claims"), slug, iri, text, {s.id for s in sources}, coder)
    return Article(
        slug, iri, ctx.where(meta.line), _text(ctx, meta, "label") or slug, outlet, published,
        _text(ctx, meta, "language", "en") or "en", analysts[meta["mapped_by"]], mapped_on, text,
        _text(ctx, meta, "url"), _text(ctx, meta, "title"),
        tuple(entities), tuple(sources), tuple(claims),
    )


def _article_text(ctx: _Ctx, meta: LDict, folder: Path) -> str | None:
    name = meta.get("text")
    if name is None:
        return None
    path = folder / str(name)
    if not path.is_file() or path.resolve().parent != folder.resolve():
        raise ctx.error(meta.line_of("text"), f"article text '{name}' not found beside the mapping")
    try:
        return path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise ctx.error(meta.line_of("text"), f"article text '{name}' is not UTF-8") from None


def _sources(ctx: _Ctx, raw: Any, line: int, slug: str) -> list[Source]:
    raw = _mapping(ctx, raw, line, "`sources`")
    kinds = ctx.terms.concepts.get(LG.SourceKind, {})
    out = []
    for sid, spec in raw.items():
        sline = raw.line_of(sid)
        _id(ctx, sid, sline, "source")
        if sid in ctx.names:
            raise ctx.error(sline, f"source id '{sid}' is already used by an entity")
        spec = _mapping(ctx, spec, sline, f"source '{sid}'")
        _check_keys(ctx, spec, f"source '{sid}'", {"label", "kind"}, {"informed", "identified_as"})
        if spec["kind"] not in kinds:
            raise ctx.error(spec.line_of("kind"), f"unknown source kind '{spec['kind']}'; allowed: "
                            f"{', '.join(sorted(kinds))}")
        informed = (ctx.resolve(spec["informed"], spec.line_of("informed"))
                    if "informed" in spec else None)
        identified = (ctx.resolve(spec["identified_as"], spec.line_of("identified_as"))
                      if "identified_as" in spec else None)
        out.append(Source(sid, source_iri(slug, sid), ctx.where(sline), _text(ctx, spec, "label") or sid,
                          kinds[spec["kind"]], informed, identified))
    return out


@dataclass(frozen=True)
class _Coder:
    """Who codes indicators in an article, by default: the analyst and date of the mapping."""

    analysts: dict[str, URIRef]
    by: URIRef
    on: dt.date


def _codings(ctx: _Ctx, spec: LDict, coder: _Coder) -> tuple[Coding, ...]:
    if "indicators" not in spec:
        return ()
    raw = spec["indicators"]
    if not isinstance(raw, LList):
        raise ctx.error(spec.line_of("indicators"), "`indicators` is a list, e.g. [withholding-of-wages]")
    scheme = ctx.terms.concepts.get(LG.ForcedLabourIndicator, {})
    out = []
    for item, line in _values(raw, raw.line):
        if isinstance(item, str):
            item_d = LDict(code=item)
            item_d.line, item_d.key_lines = line, {"code": line}
            item = item_d
        item = _mapping(ctx, item, line, "an indicator")
        _check_keys(ctx, item, "an indicator", {"code"}, {"note", "by", "on"})
        code = item["code"]
        if code not in scheme:
            raise ctx.error(item.line_of("code"), f"unknown forced labour indicator '{code}'"
                            f"{_did_you_mean(str(code), scheme)}; allowed: {', '.join(sorted(scheme))}")
        by = coder.by
        if "by" in item:
            if item["by"] not in coder.analysts:
                raise ctx.error(item.line_of("by"), f"unknown analyst '{item['by']}'")
            by = coder.analysts[item["by"]]
        on = _date(ctx, item["on"], item.line_of("on")) if "on" in item else coder.on
        out.append(Coding(scheme[code], code, by, on, ctx.where(item.line), _text(ctx, item, "note")))
    return tuple(out)


def _claims(ctx: _Ctx, raw: Any, line: int, slug: str, article: URIRef, text: str | None,
            source_ids: set[str], coder: _Coder) -> list[Claim]:
    if not isinstance(raw, LList) or not raw:
        raise ctx.error(line, "`claims` is a list of claims, each starting with '- id:'")
    hedges = ctx.terms.concepts.get(LG.Hedge, {})
    kinds = ctx.terms.concepts.get(LG.QuotationKind, {})
    out: list[Claim] = []
    seen: dict[str, int] = {}
    for i, item in enumerate(raw):
        cline = raw.line_of(i)
        spec = _mapping(ctx, item, cline, "a claim")
        _check_keys(ctx, spec, f"claim at line {cline}", *CLAIM_KEYS)
        cid = _id(ctx, spec["id"], spec.line_of("id"), "claim")
        if cid in seen:
            raise ctx.error(spec.line_of("id"), f"duplicate claim id '{cid}' (first at line {seen[cid]}); "
                            "claim ids must be unique within an article")
        seen[cid] = spec.line_of("id")
        if spec["source"] not in source_ids:
            raise ctx.error(spec.line_of("source"), f"unknown source '{spec['source']}'"
                            f"{_did_you_mean(str(spec['source']), source_ids)}; declare it under `sources:`")
        if spec["quotation"] not in kinds:
            raise ctx.error(spec.line_of("quotation"), f"quotation is one of {', '.join(sorted(kinds))}")
        hedge_names = [spec.get("hedge", "unhedged")]
        if isinstance(hedge_names[0], list):
            hedge_names = list(hedge_names[0])
        for h in hedge_names:
            if h not in hedges:
                raise ctx.error(spec.line_of("hedge"), f"unknown hedge '{h}'{_did_you_mean(str(h), hedges)}; "
                                f"allowed: {', '.join(sorted(hedges))}")
        out.append(Claim(
            cid, claim_iri(slug, cid), ctx.where(cline),
            _quotes(ctx, spec, text),
            ctx.names[spec["source"]], kinds[spec["quotation"]],
            tuple(hedges[h] for h in hedge_names), _text(ctx, spec, "hedge_wording"),
            _text(ctx, spec, "note"),
            _statements(ctx, spec["states"], spec.line_of("states"), article),
            _codings(ctx, spec, coder),
        ))
    return out


def _quotes(ctx: _Ctx, spec: LDict, text: str | None) -> tuple[Quote, ...]:
    raw = spec["quote"]
    qline = spec.line_of("quote")
    items = list(_values(raw, qline))
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
            shown = value if len(value) <= 60 else value[:57] + "..."
            raise ctx.error(line, f"quote not found in the article text: \"{shown}\"; copy it exactly "
                            "(only spacing and curly vs straight quotes may differ)")
        if len(spans) > 1:
            raise ctx.error(line, f"quote occurs {len(spans)} times in the article; quote more "
                            "words so it points at one place")
        start, end = spans[0]
        out.append(Quote(text[start:end], ctx.where(line), start, end,
                         text[max(0, start - CONTEXT):start], text[end:end + CONTEXT]))
    return tuple(out)


# ---------------------------------------------------------------- corpus

def article_paths(data_dir: Path) -> list[Path]:
    """The mapping files, in name order (one directory listing; no per-file path parsing)."""
    folder = data_dir / ARTICLES_DIR
    try:
        names = sorted(n for n in os.listdir(folder) if n.endswith(".yaml") and not n.startswith("."))
    except OSError:
        return []
    return [folder / n for n in names]


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


__all__ = ["LGC", "load_article", "load_corpus", "load_registry"]
