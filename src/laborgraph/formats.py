"""Every closed set of names laborgraph uses, defined once: the CLI's choices come from here.

>>> Format.from_name("ttl") is Format.TURTLE
True
>>> Severity("Warning").rank, Severity.VIOLATION == "Violation"
(1, True)
>>> [f.label for f in Format.cached()]
['trig', 'turtle', 'nt', 'json-ld']
"""

from __future__ import annotations

import enum

from .errors import UsageError


class Format(enum.Enum):
    TURTLE = ("turtle", ".ttl", "text/turtle")
    TRIG = ("trig", ".trig", "application/trig")
    NT = ("nt", ".nt", "application/n-triples")
    NQUADS = ("nquads", ".nq", "application/n-quads")
    JSONLD = ("json-ld", ".jsonld", "application/ld+json")

    def __init__(self, label: str, suffix: str, media_type: str) -> None:
        self.label = label
        self.suffix = suffix
        self.media_type = media_type

    @classmethod
    def from_name(cls, name: str) -> Format:
        aliases = {"ttl": "turtle", "n-triples": "nt", "ntriples": "nt", "nq": "nquads",
                   "jsonld": "json-ld"}
        name = aliases.get(name.lower(), name.lower())
        for fmt in cls:
            if fmt.label == name:
                return fmt
        raise UsageError(f"unknown format '{name}'; use one of {', '.join(f.label for f in cls)}")

    @classmethod
    def names(cls) -> list[str]:
        return [f.label for f in cls]

    @classmethod
    def cached(cls) -> list[Format]:
        """The syntaxes a build writes (and the cache keeps per article), in output order."""
        return [cls.TRIG, cls.TURTLE, cls.NT, cls.JSONLD]

    @property
    def key(self) -> str:
        """A short name without punctuation, used in cache file names (``graph.ttl``, ``graph.jsonld``)."""
        return self.suffix[1:]



class Severity(enum.StrEnum):
    """SHACL severities, in the order a report lists them (sh:Violation, sh:Warning, sh:Info)."""

    VIOLATION = "Violation"
    WARNING = "Warning"
    INFO = "Info"

    @property
    def rank(self) -> int:
        return list(Severity).index(self)


class Layout(enum.StrEnum):
    """How a build lays out its outputs (see ``incremental.layout``)."""

    AUTO = "auto"
    COMBINED = "combined"
    SPLIT = "split"


class QueryStore(enum.StrEnum):
    """Where ``laborgraph query`` runs (see ``incremental.snapshot.with_query_store``)."""

    AUTO = "auto"  # memory up to incremental.job.MEMORY_QUERY_TRIPLES, disk above
    MEMORY = "memory"  # an in-memory Oxigraph snapshot loaded from the cache's chunks
    DISK = "disk"  # the cache's on-disk Oxigraph store


class Precision(enum.StrEnum):
    """How precisely a reported time is known (the ``lgc:precisions`` scheme)."""

    MINUTE = "minute"
    DAY = "day"
    PART_OF_MONTH = "part-of-month"
    MONTH = "month"
    YEAR = "year"
    OPEN_ENDED = "open-ended"


def choices(kind: type[enum.Enum]) -> list[str]:
    """The names a CLI option accepts for one of the enums above."""
    if kind is Format:
        return Format.names()
    return [str(m.value) for m in kind]
