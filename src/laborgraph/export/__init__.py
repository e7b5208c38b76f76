"""Stage 4: graph -> outputs: RDF syntaxes (``rdf``), networks (``network``), the view (``viz``),
counts (``stats``) and the ontology reference (``docs``)."""

from .rdf import (
    jsonld,
    jsonld_context,
    jsonld_nodes,
    nquads,
    ntriples,
    serialize,
    temp_beside,
    trig,
    union,
    write_atomic,
    write_atomic_bytes,
)

__all__ = ["jsonld", "jsonld_context", "jsonld_nodes", "nquads", "ntriples", "serialize", "temp_beside", "trig",
           "union", "write_atomic", "write_atomic_bytes"]
