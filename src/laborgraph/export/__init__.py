"""Stage 4: graph -> outputs: RDF syntaxes (``rdf``), networks (``network``), the view (``viz``),
counts (``stats``) and the ontology reference (``docs``)."""

from .linefmt import ntriples
from .rdf import (
    JSONLD_FOOTER,
    jsonld,
    jsonld_chunk,
    jsonld_context,
    jsonld_dataset,
    jsonld_header,
    nquads,
    serialize,
    temp_beside,
    trig,
    union,
    write_atomic,
    write_atomic_bytes,
)

__all__ = ["JSONLD_FOOTER", "jsonld", "jsonld_chunk", "jsonld_context", "jsonld_dataset", "jsonld_header", "nquads",
           "ntriples", "serialize", "temp_beside", "trig", "union", "write_atomic", "write_atomic_bytes"]
