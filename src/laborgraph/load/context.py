"""Reading one mapping file: where errors point, which ids are visible, small field readers."""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from rdflib import URIRef

from ..errors import MappingError
from ..model import Where
from ..ontology import Terms
from .files import ARTICLES_DIR as ARTICLES_DIR  # defined beside the file reader, which needs no rdflib
from .files import REGISTRY_FILE as REGISTRY_FILE
from .hints import see, see_for
from .yamlsrc import LDict

ID_RE = re.compile(r"^[a-z0-9][a-z0-9-]*$")
# The file name starts with the publication date at the precision known: 2024-07-15, 2019-03 or 2019.
SLUG_RE = re.compile(r"^(\d{4}(?:-\d{2}(?:-\d{2})?)?)-([a-z0-9]+)-([a-z0-9][a-z0-9-]*)$")
WIKIDATA_RE = re.compile(r"^Q[1-9][0-9]*$")
CURRENCY_RE = re.compile(r"^[A-Z]{3}$")
PERIODS = ("day", "week", "month", "year", "contract-term")
LANGUAGE_RE = re.compile(r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$")  # BCP 47, as analysts write it: en, ko, ko-Latn
PARTS = {"early": (1, 10), "mid": (11, 20), "late": (21, 31)}
CONTEXT = 40  # characters of text kept before and after a quote
# Field names are short: at difflib's default 0.6, 'place' suggests 'label'; a typo such as
# 'quot' or 'lable' still scores above this.
FIELD_CUTOFF = 0.75


@dataclass
class Context:
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
            hint = did_you_mean(str(name), self.names)
            raise self.error(line, f"unknown {what} '{name}'{hint}; declare it under "
                             f"`entities:` here or in {REGISTRY_FILE}{see('entity')}")
        return self.names[name]


def did_you_mean(word: str, options: Iterable[str], cutoff: float = 0.6) -> str:
    close = difflib.get_close_matches(word, list(options), n=1, cutoff=cutoff)
    return f" (did you mean '{close[0]}'?)" if close else ""


def as_mapping(ctx: Context, value: Any, line: int, what: str) -> LDict:
    if not isinstance(value, LDict):
        raise ctx.error(getattr(value, "line", line), f"{what} must be a mapping of `key: value` lines")
    return value


def check_keys(ctx: Context, d: LDict, what: str, required: set[str], optional: set[str]) -> None:
    allowed = required | optional
    for key in d:
        if key not in allowed:
            hint = did_you_mean(key, allowed, cutoff=FIELD_CUTOFF)
            raise ctx.error(d.line_of(key), f"unknown field '{key}' in {what}{hint}; "
                            f"allowed: {', '.join(sorted(allowed))}{see_for(what)}")
    for key in sorted(required):
        if key not in d or d[key] in (None, ""):
            raise ctx.error(d.line, f"{what} is missing required field '{key}'{see_for(what)}")


def text_field(ctx: Context, d: LDict, key: str, default: str | None = None) -> str | None:
    value = d.get(key, default)
    if value is None:
        return None
    if not isinstance(value, str) or not value.strip():
        raise ctx.error(d.line_of(key), f"'{key}' must be non-empty text")
    return value.strip()


def concept(ctx: Context, d: LDict, key: str, scheme_class: URIRef) -> URIRef | None:
    """The concept a field names by its notation (``hedge: approximately``), or None when absent."""
    if key not in d:
        return None
    scheme = ctx.terms.concepts.get(scheme_class, {})
    if d[key] not in scheme:
        raise ctx.error(d.line_of(key), f"'{d[key]}' is not a value of {key}{did_you_mean(str(d[key]), scheme)}; "
                        f"allowed: {', '.join(sorted(scheme))}")
    return scheme[d[key]]


def labels_field(ctx: Context, d: LDict, key: str = "labels") -> tuple[tuple[str, str], ...]:
    """Language-tagged names, written ``labels: {ko: 북한 노동자, en: North Korean workers}``."""
    if key not in d:
        return ()
    raw = as_mapping(ctx, d[key], d.line_of(key), f"`{key}`")
    out = []
    for lang, text in raw.items():
        if not LANGUAGE_RE.match(lang):
            raise ctx.error(raw.line_of(lang), f"'{lang}' is not a language tag such as ko or en")
        if not isinstance(text, str) or not text.strip():
            raise ctx.error(raw.line_of(lang), f"the {lang} label must be non-empty text")
        out.append((lang, text.strip()))
    return tuple(sorted(out))


def language_field(ctx: Context, d: LDict) -> str:
    """A ``language:`` value (default ``en``): a BCP 47 tag, since it becomes the labels' language tag."""
    value = text_field(ctx, d, "language", "en") or "en"
    if not re.fullmatch(r"[A-Za-z]{2,8}(-[A-Za-z0-9]{1,8})*", value):
        raise ctx.error(d.line_of("language"), f"language '{value}' is not a language tag; write for example "
                        "'en', 'ko' or 'ru'")
    return value


def check_id(ctx: Context, value: Any, line: int, what: str) -> str:
    if not isinstance(value, str) or not ID_RE.match(value):
        raise ctx.error(line, f"{what} id '{value}' must be lower-case letters, digits and "
                        "hyphens (for example 'new-workers')")
    return value


