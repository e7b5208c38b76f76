"""What a mapping says, as plain frozen values passed from stage to stage.

``load`` builds these from YAML (and raises every input error); ``build``
turns them into RDF and never has to check input again.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from rdflib import URIRef


@dataclass(frozen=True)
class Where:
    """The mapping file (relative to the data folder) and line a thing is written at."""

    file: str
    line: int


@dataclass(frozen=True)
class Ref:
    """A reference to an entity, source, or the article itself, resolved to its IRI."""

    iri: URIRef


@dataclass(frozen=True)
class ConceptRef:
    iri: URIRef


@dataclass(frozen=True)
class TimeSpec:
    """A reported time with its bounds, precision and wording; never sharpened."""

    earliest: dt.date | dt.datetime | None
    latest: dt.date | dt.datetime | None
    precision: str
    wording: str | None = None
    relative_to: URIRef | None = None
    inferred: bool = False
    before: URIRef | None = None
    hedge: URIRef | None = None  # a hedge on this value alone, not on the whole claim


@dataclass(frozen=True)
class Quantity:
    """A count or measure: exact (``value``), bounded, approximate, or words only."""

    value: float | int | None = None
    minimum: float | int | None = None
    maximum: float | int | None = None
    approximate: bool = False
    wording: str | None = None
    unit: str | None = None
    per: str | None = None  # hours per day, rest days per month
    statistic: URIRef | None = None  # average, typical, maximum, minimum
    hedge: URIRef | None = None


@dataclass(frozen=True)
class Money:
    amount: float | int | None
    currency: str
    minimum: float | int | None = None
    maximum: float | int | None = None
    per: str | None = None
    approximate: bool = False
    wording: str | None = None
    statistic: URIRef | None = None
    hedge: URIRef | None = None


Literal = str | bool | int | float | dt.date | dt.datetime | dt.time
Value = Ref | ConceptRef | TimeSpec | Quantity | Money | Literal


@dataclass(frozen=True)
class Statement:
    """One fact a claim states: ``subject property value``."""

    subject: URIRef
    subject_id: str
    prop: URIRef
    value: Value
    where: Where


@dataclass(frozen=True)
class Quote:
    """An exact quote and, when the article text is at hand, where it sits in it."""

    text: str
    where: Where
    start: int | None = None
    end: int | None = None
    prefix: str | None = None
    suffix: str | None = None


@dataclass(frozen=True)
class Coding:
    """An analyst's tag: this claim evidences a forced labour indicator (not the article's words)."""

    indicator: URIRef
    notation: str
    by: URIRef
    on: dt.date
    where: Where
    note: str | None = None


@dataclass(frozen=True)
class Translation:
    """An analyst's translation of a claim's quote: never checked against the text, always tagged."""

    text: str
    language: str
    by: URIRef


@dataclass(frozen=True)
class Claim:
    id: str
    iri: URIRef
    where: Where
    quotes: tuple[Quote, ...]
    source: URIRef
    quotation: URIRef
    hedges: tuple[URIRef, ...]
    hedge_wording: str | None
    note: str | None
    statements: tuple[Statement, ...]
    codings: tuple[Coding, ...] = ()
    translation: Translation | None = None


@dataclass(frozen=True)
class Entity:
    id: str
    iri: URIRef
    where: Where
    type: URIRef
    label: str
    note: str | None = None
    aliases: tuple[str, ...] = ()
    wikidata: str | None = None
    labels: tuple[tuple[str, str], ...] = ()  # (language, label): @ko and @en names


@dataclass(frozen=True)
class Source:
    id: str
    iri: URIRef
    where: Where
    label: str
    kind: URIRef
    informed: URIRef | None = None
    identified_as: URIRef | None = None


@dataclass(frozen=True)
class AnalystNote:
    """A fact from outside any mapped article, with the analyst's words and citation."""

    id: str
    iri: URIRef
    where: Where
    by: URIRef
    date: dt.date
    text: str
    cites: str
    statements: tuple[Statement, ...]


@dataclass(frozen=True)
class Analyst:
    id: str
    iri: URIRef
    where: Where
    label: str


@dataclass(frozen=True)
class Article:
    slug: str
    iri: URIRef
    where: Where
    label: str
    outlet: URIRef
    published: dt.date | dt.datetime
    language: str
    mapped_by: URIRef
    mapped_on: dt.date
    text: str | None
    url: str | None = None
    title: str | None = None
    entities: tuple[Entity, ...] = ()
    sources: tuple[Source, ...] = ()
    claims: tuple[Claim, ...] = ()
    precision: str = "day"  # of ``published``: "year" and "month" keep only what is known
    note: str | None = None
    labels: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class Registry:
    file: str
    entities: tuple[Entity, ...] = ()
    analysts: tuple[Analyst, ...] = ()
    notes: tuple[AnalystNote, ...] = ()
    language: str = "en"  # the language entity labels are written in (a BCP 47 tag)


@dataclass(frozen=True)
class Corpus:
    registry: Registry
    articles: tuple[Article, ...] = field(default=())
