"""Read RDF produced elsewhere for validation, refusing what could reach the network.

JSON-LD with a ``@context`` given by reference (a URL or a ``file://`` path) or
an ``@import`` makes rdflib fetch or open it, at any depth: top level, nested
node objects, property-scoped contexts. Two walls stop that: every object of the
document is checked before parsing and any context by reference is refused; and
rdflib's context fetcher is replaced by one that refuses everything (rdflib 7
takes no document loader, so this is its equivalent). RDF/XML can carry
entity-expansion bombs and is not accepted.
"""

from __future__ import annotations

import json
from pathlib import Path

from rdflib import Dataset

from .errors import LaborgraphError

SYNTAX_BY_SUFFIX = {".ttl": "turtle", ".trig": "trig", ".nt": "nt", ".nq": "nquads",
                    ".jsonld": "json-ld", ".json": "json-ld"}


MAX_JSON_DEPTH = 500


class DocumentLoadingRefused(LaborgraphError):
    """A JSON-LD document asked for another document (a context by URL or file, or an @import)."""


def _refuses_loading(context: object) -> bool:
    """True when a @context value would make a JSON-LD processor load a document."""
    items = context if isinstance(context, list) else [context]
    return any(isinstance(c, str) or (isinstance(c, dict) and "@import" in c) for c in items)


def check_jsonld(doc: object, where: str) -> None:
    """Refuse any context given by reference, and any @import, anywhere in ``doc`` (iteratively:
    a deep document must not exhaust the stack)."""
    stack: list[tuple[object, int]] = [(doc, 0)]
    while stack:
        node, depth = stack.pop()
        if depth > MAX_JSON_DEPTH:
            raise LaborgraphError(f"{where}: JSON nested deeper than {MAX_JSON_DEPTH} levels")
        if isinstance(node, dict):
            if "@context" in node and _refuses_loading(node["@context"]):
                raise DocumentLoadingRefused(
                    f"{where}: JSON-LD @context must be inline; contexts by URL or file and @import are "
                    "refused at any depth (laborgraph never fetches or opens other documents)")
            stack.extend((v, depth + 1) for v in node.values())
        elif isinstance(node, list):
            stack.extend((v, depth + 1) for v in node)


def _refuse_fetch(url: object, *args: object, **kwargs: object) -> object:
    raise DocumentLoadingRefused(f"JSON-LD document loading is refused ({str(url)[:200]})")


def refuse_document_loading() -> None:
    """Make rdflib's JSON-LD context fetcher refuse every URL and file (the loader-level wall)."""
    from rdflib.plugins.shared.jsonld import context

    setattr(context, "source_to_json", _refuse_fetch)  # noqa: B010 - replacing a module attribute of rdflib


def _check_jsonld(path: Path, text: str) -> None:
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as exc:
        raise LaborgraphError(f"{path}:{exc.lineno}: not valid JSON: {exc.msg}") from None
    except RecursionError:
        raise LaborgraphError(f"{path}: JSON nested too deeply to read") from None
    check_jsonld(doc, str(path))


def read_rdf(path: Path) -> Dataset:
    """Parse one RDF file into a Dataset (named graphs kept for TriG and N-Quads)."""
    syntax = SYNTAX_BY_SUFFIX.get(path.suffix.lower())
    if syntax is None:
        raise LaborgraphError(f"{path}: unsupported file type '{path.suffix}'; use .ttl, .trig, .nt, .nq "
                              "or .jsonld (RDF/XML is not accepted)")
    if not path.is_file():
        raise LaborgraphError(f"{path}: not a regular file" if path.exists() else f"{path}: no such file")
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise LaborgraphError(f"{path}: cannot read: {exc}") from None
    if syntax == "json-ld":
        refuse_document_loading()
        _check_jsonld(path, text)
    ds = Dataset()
    try:
        if syntax in ("trig", "nquads"):
            ds.parse(data=text, format=syntax)
        else:
            ds.default_graph.parse(data=text, format=syntax)
    except DocumentLoadingRefused as exc:
        raise LaborgraphError(f"{path}: {exc}") from None
    except Exception as exc:
        first = " ".join(str(exc).split())[:300] or type(exc).__name__
        raise LaborgraphError(f"{path}: cannot parse {syntax}: {first}") from None
    return ds
