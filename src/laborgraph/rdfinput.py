"""Read RDF produced elsewhere for validation, refusing what could reach the network.

JSON-LD with a remote ``@context`` would make rdflib fetch it, and RDF/XML can
carry entity-expansion bombs; neither is accepted.
"""

from __future__ import annotations

import json
from pathlib import Path

from rdflib import Dataset

from .errors import LaborgraphError

SYNTAX_BY_SUFFIX = {".ttl": "turtle", ".trig": "trig", ".nt": "nt", ".nq": "nquads",
                    ".jsonld": "json-ld", ".json": "json-ld"}


def _remote_context(value: object) -> bool:
    if isinstance(value, str):
        return True  # a context given by reference (URL or file) would be fetched
    if isinstance(value, list):
        return any(_remote_context(v) for v in value)
    if isinstance(value, dict):
        return any(_remote_context(v) for k, v in value.items() if k == "@context")
    return False


def _check_jsonld(path: Path, text: str) -> None:
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as exc:
        raise LaborgraphError(f"{path}:{exc.lineno}: not valid JSON: {exc.msg}") from None
    docs = doc if isinstance(doc, list) else [doc]
    for d in docs:
        if isinstance(d, dict) and _remote_context(d.get("@context", {})):
            raise LaborgraphError(f"{path}: JSON-LD @context must be inline; remote or file contexts "
                                  "are refused (laborgraph never fetches over the network)")


def read_rdf(path: Path) -> Dataset:
    """Parse one RDF file into a Dataset (named graphs kept for TriG and N-Quads)."""
    syntax = SYNTAX_BY_SUFFIX.get(path.suffix.lower())
    if syntax is None:
        raise LaborgraphError(f"{path}: unsupported file type '{path.suffix}'; use .ttl, .trig, .nt, .nq "
                              "or .jsonld (RDF/XML is not accepted)")
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise LaborgraphError(f"{path}: cannot read: {exc}") from None
    if syntax == "json-ld":
        _check_jsonld(path, text)
    ds = Dataset()
    try:
        if syntax in ("trig", "nquads"):
            ds.parse(data=text, format=syntax)
        else:
            ds.default_graph.parse(data=text, format=syntax)
    except Exception as exc:
        first = " ".join(str(exc).split())[:300] or type(exc).__name__
        raise LaborgraphError(f"{path}: cannot parse {syntax}: {first}") from None
    return ds
