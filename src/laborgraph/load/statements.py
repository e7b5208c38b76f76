"""What a claim or note states: subject -> property -> value, each value read by the property's range."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from rdflib import URIRef

from ..model import ConceptRef, Ref, Statement, Value
from ..ontology import PropertyInfo
from .context import Context, as_mapping, did_you_mean
from .hints import SECTIONS, documented, see
from .values import parse_clock, parse_date, parse_datetime, parse_money, parse_quantity, parse_time
from .yamlsrc import LList


def each_value(raw: Any, line: int) -> Iterator[tuple[Any, int]]:
    if isinstance(raw, LList):
        for i, item in enumerate(raw):
            yield item, raw.line_of(i)
    else:
        yield raw, line


def _value(ctx: Context, prop: PropertyInfo, raw: Any, line: int, publication: URIRef | None) -> Value:
    kind = prop.kind
    if kind == "entity":
        return Ref(ctx.resolve(raw, line))
    if kind == "concept":
        assert prop.range is not None
        scheme = ctx.terms.concepts.get(prop.range, {})
        if raw not in scheme:
            raise ctx.error(line, f"'{raw}' is not a value of {prop.name}"
                            f"{did_you_mean(str(raw), scheme)}; allowed: {', '.join(sorted(scheme))}{see('concept')}")
        return ConceptRef(scheme[raw])
    if kind == "time":
        return parse_time(ctx, raw, line, publication)
    if kind == "quantity":
        return parse_quantity(ctx, raw, line)
    if kind == "money":
        return parse_money(ctx, raw, line)
    if kind == "boolean":
        if not isinstance(raw, bool):
            raise ctx.error(line, f"{prop.name} is true or false, not '{raw}'")
        return raw
    if kind == "date":
        return parse_date(ctx, raw, line)
    if kind == "integer":
        if isinstance(raw, bool) or not isinstance(raw, int):
            raise ctx.error(line, f"{prop.name} must be a whole number, not '{raw}'")
        return raw
    if kind == "clock":
        return parse_clock(ctx, raw, line, prop.name)
    if kind == "datetime":
        return parse_datetime(ctx, raw, line)
    if not isinstance(raw, str) or not raw.strip():
        raise ctx.error(line, f"{prop.name} must be text")
    return raw.strip()


@documented("claim")
def parse_statements(ctx: Context, raw: Any, line: int, publication: URIRef | None) -> tuple[Statement, ...]:
    states = as_mapping(ctx, raw, line, "`states`")
    if not states:
        raise ctx.error(states.line, "`states` is empty: say what the claim states")
    out: list[Statement] = []
    for subject_id, props in states.items():
        sline = states.line_of(subject_id)
        subject = ctx.resolve(subject_id, sline)
        props = as_mapping(ctx, props, sline, f"what is stated about '{subject_id}'")
        if not props:
            raise ctx.error(sline, f"nothing is stated about '{subject_id}'")
        for name, raw_value in props.items():
            pline = props.line_of(name)
            info = ctx.terms.properties.get(name)
            if info is None:
                raise ctx.error(pline, f"unknown property '{name}'"
                                f"{did_you_mean(name, ctx.terms.properties)}; the properties and the values "
                                f"they take are listed in {SECTIONS['property']}")
            for item, iline in each_value(raw_value, pline):
                value = _value(ctx, info, item, iline, publication)
                out.append(Statement(subject, subject_id, info.iri, value, ctx.where(iline)))
    return tuple(out)


