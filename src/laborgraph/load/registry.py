"""The shared registry (``entities.yaml``): entities, analysts and analyst notes."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ..model import Analyst, AnalystNote, Entity, Registry
from ..ontology import Terms, load_terms
from ..vocab import ENTITY_TYPES, analyst_iri, entity_iri, note_iri
from .context import (
    REGISTRY_FILE,
    WIKIDATA_RE,
    Context,
    as_mapping,
    check_id,
    check_keys,
    did_you_mean,
    labels_field,
    language_field,
    text_field,
)
from .hints import documented
from .statements import parse_statements
from .values import parse_date
from .yamlsrc import LDict, LList, load_file


@documented("registry")
def load_registry(path: Path, display: str | None = None, terms: Terms | None = None) -> Registry:
    """Read the shared registry of entities, analysts and analyst notes."""
    terms = terms or load_terms()
    ctx = Context(display or str(path), path.name, terms, {})
    doc = load_file(path, ctx.display)
    doc = as_mapping(ctx, doc, 1, "the registry")
    check_keys(ctx, doc, "the registry", {"entities"}, {"analysts", "notes", "language"})
    analysts = []
    for aid, spec in (doc.get("analysts") or LDict()).items():
        aline = doc["analysts"].line_of(aid)
        check_id(ctx, aid, aline, "analyst")
        spec = as_mapping(ctx, spec, aline, f"analyst '{aid}'")
        check_keys(ctx, spec, f"analyst '{aid}'", {"label"}, set())
        analysts.append(Analyst(aid, analyst_iri(aid), ctx.where(aline), text_field(ctx, spec, "label") or aid))
    entities = parse_entities(ctx, doc["entities"], doc.line_of("entities"), entity_iri)
    ctx.names.update({e.id: e.iri for e in entities})
    analyst_ids = {a.id: a.iri for a in analysts}
    notes = []
    seen: set[str] = set()
    raw_notes = doc.get("notes") or LList()
    if not isinstance(raw_notes, LList):
        raise ctx.error(doc.line_of("notes"), "`notes` is a list of notes, each starting with '- id:'")
    for i, raw in enumerate(raw_notes):
        nline = raw_notes.line_of(i)
        spec = as_mapping(ctx, raw, nline, "a note")
        check_keys(ctx, spec, "a note", {"id", "by", "date", "text", "cites", "states"}, set())
        nid = check_id(ctx, spec["id"], spec.line_of("id"), "note")
        if nid in seen:
            raise ctx.error(spec.line_of("id"), f"duplicate note id '{nid}'")
        seen.add(nid)
        if spec["by"] not in analyst_ids:
            raise ctx.error(spec.line_of("by"), f"unknown analyst '{spec['by']}'; add it under `analysts:`")
        notes.append(AnalystNote(
            nid, note_iri(nid), ctx.where(nline), analyst_ids[spec["by"]],
            parse_date(ctx, spec["date"], spec.line_of("date")), text_field(ctx, spec, "text") or "",
            text_field(ctx, spec, "cites") or "",
            parse_statements(ctx, spec["states"], spec.line_of("states"), None),
        ))
    return Registry(ctx.rel, tuple(entities), tuple(analysts), tuple(notes), language_field(ctx, doc))


@documented("entity")
def parse_entities(ctx: Context, raw: Any, line: int, mint: Any) -> list[Entity]:
    if raw is None:
        return []
    raw = as_mapping(ctx, raw, line, "`entities`")
    out = []
    for eid, spec in raw.items():
        eline = raw.line_of(eid)
        check_id(ctx, eid, eline, "entity")
        if eid in ctx.names:
            raise ctx.error(eline, f"entity '{eid}' is already declared (in {REGISTRY_FILE} or "
                            "above); refer to it without declaring it again")
        spec = as_mapping(ctx, spec, eline, f"entity '{eid}'")
        check_keys(ctx, spec, f"entity '{eid}'", {"type", "label"}, {"note", "aliases", "wikidata", "labels"})
        etype = spec["type"]
        if etype not in ENTITY_TYPES:
            raise ctx.error(spec.line_of("type"), f"unknown entity type '{etype}'"
                            f"{did_you_mean(str(etype), ENTITY_TYPES)}; allowed: "
                            f"{', '.join(sorted(ENTITY_TYPES))}")
        wikidata = spec.get("wikidata")
        if wikidata is not None and not (isinstance(wikidata, str) and WIKIDATA_RE.match(wikidata)):
            raise ctx.error(spec.line_of("wikidata"), f"wikidata id '{wikidata}' must look like Q159")
        aliases = spec.get("aliases") or []
        if not isinstance(aliases, list) or not all(isinstance(a, str) for a in aliases):
            raise ctx.error(spec.line_of("aliases"), "aliases is a list of names: [DPRK, North Korea]")
        out.append(Entity(eid, mint(eid), ctx.where(eline), ENTITY_TYPES[etype],
                          text_field(ctx, spec, "label") or eid, text_field(ctx, spec, "note"),
                          tuple(aliases), wikidata, labels_field(ctx, spec)))
    return out


# ---------------------------------------------------------------- articles
