"""Mapping keys that make attribution chains and gradings data: `cites`, `republishes`, `grade`.

Kept apart from ``mapping.py`` so the corroboration rules (docs/analysis.md)
read in one place: what an article relays, what it republishes, and how an
analyst grades a source or claim on the Admiralty (NATO) scale.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from rdflib import URIRef

from ..model import Grade
from ..vocab import LG, article_iri
from .context import SLUG_RE, Context, as_mapping, check_keys, text_field
from .statements import each_value
from .values import parse_date
from .yamlsrc import LDict

GRADE_RE = re.compile(r"^([A-F])?([1-6])?$")


def parse_cites(ctx: Context, meta: LDict) -> tuple[URIRef, ...]:
    """``cites: [entity, ...]``: the originals (agency, statement, report) the article relays."""
    if "cites" not in meta:
        return ()
    out = [ctx.resolve(v, line, "original") for v, line in each_value(meta["cites"], meta.line_of("cites"))]
    return tuple(sorted(set(out)))


def parse_republishes(ctx: Context, meta: LDict, own_slug: str) -> URIRef | None:
    """``republishes: <article file name without .yaml>``: the article this one copies or syndicates."""
    if "republishes" not in meta:
        return None
    slug, line = str(meta["republishes"]).removesuffix(".yaml"), meta.line_of("republishes")
    if not SLUG_RE.match(slug):
        raise ctx.error(line, f"republishes '{slug}' is not an article name such as "
                        "2024-07-15-dailynk-workers-sent-to-russia")
    if slug == own_slug:
        raise ctx.error(line, "an article cannot republish itself")
    return article_iri(slug)


def parse_grades(ctx: Context, spec: LDict, analysts: dict[str, URIRef], by: URIRef,
                 on: dt.date) -> tuple[Grade, ...]:
    """``grade: B2`` or ``grade: {code: B2, by: analyst, on: date, note: why}`` (or a list of them)."""
    if "grade" not in spec:
        return ()
    reliability = ctx.terms.concepts.get(LG.Reliability, {})
    credibility = ctx.terms.concepts.get(LG.Credibility, {})
    out = []
    for item, line in each_value(spec["grade"], spec.line_of("grade")):
        item = _as_grade_mapping(ctx, item, line)
        check_keys(ctx, item, "a grade", {"code"}, {"by", "on", "note"})
        code = str(item["code"]).strip().upper()
        match = GRADE_RE.match(code)
        if not code or not match:
            raise ctx.error(item.line_of("code"), f"grade '{item['code']}' is not an Admiralty code: a "
                            "reliability letter A-F and/or a credibility digit 1-6, such as B2, C or 3")
        who = by
        if "by" in item:
            if item["by"] not in analysts:
                raise ctx.error(item.line_of("by"), f"unknown analyst '{item['by']}'")
            who = analysts[item["by"]]
        when = parse_date(ctx, item["on"], item.line_of("on")) if "on" in item else on
        out.append(Grade(code, reliability.get(match.group(1) or ""), credibility.get(match.group(2) or ""),
                         who, when, ctx.where(line), text_field(ctx, item, "note")))
    return tuple(out)


def _as_grade_mapping(ctx: Context, item: Any, line: int) -> LDict:
    if isinstance(item, str | int):
        d = LDict(code=str(item))
        d.line, d.key_lines = line, {"code": line}
        return d
    return as_mapping(ctx, item, line, "a grade")
