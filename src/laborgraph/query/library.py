"""The library of analyst queries (queries/reports/cq*.rq) and how a command-line argument becomes a query."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..errors import LaborgraphError
from ..resources import reports_dir, rq_header

MAX_QUERY_FILE = 1_000_000


def default_library_dir() -> Path:
    return reports_dir()


@dataclass(frozen=True)
class LibraryQuery:
    name: str
    title: str
    question: str
    columns: str
    path: Path

    @property
    def text(self) -> str:
        return self.path.read_text(encoding="utf-8")

    def as_dict(self) -> dict[str, str]:
        return {"name": self.name, "title": self.title, "question": self.question, "columns": self.columns,
                "query": self.text}


def library(folder: Path | None = None) -> list[LibraryQuery]:
    out = []
    for path in sorted((folder or default_library_dir()).glob("cq*.rq")):
        text = path.read_text(encoding="utf-8")
        out.append(LibraryQuery(path.stem, rq_header(text, "title"), rq_header(text, "question"),
                                rq_header(text, "columns"), path))
    return out


def _looks_like_query(arg: str) -> bool:
    """Text with braces, or with whitespace inside it, is a query, never a file name to try."""
    return any(c in arg for c in "{}") or any(c.isspace() for c in arg.strip())


def read_query_file(path: Path) -> str:
    """A query file's text: a regular file, at most 1 MB, UTF-8; one clear error otherwise."""
    try:
        if path.is_dir():
            raise LaborgraphError(f"{path}: is a folder, not a query file")
        if not path.is_file():
            raise LaborgraphError(f"{path}: not a regular file")
        if path.stat().st_size > MAX_QUERY_FILE:
            raise LaborgraphError(f"{path}: larger than {MAX_QUERY_FILE:,} bytes; not a query file")
        return path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise LaborgraphError(f"{path}: not UTF-8 text (byte {exc.start})") from None
    except OSError as exc:
        raise LaborgraphError(f"{path}: cannot read: {exc.strerror or exc}") from None


def resolve_query(arg: str, folder: Path | None = None) -> str:
    """A library name (``cq01`` or ``cq01-deployments``), a .rq file path, or the query text itself.

    >>> resolve_query("ASK { ?s ?p ?o }")
    'ASK { ?s ?p ?o }'
    """
    if _looks_like_query(arg):
        return arg
    for q in library(folder):
        if arg in (q.name, q.name.split("-", 1)[0]):
            return q.text
    path = Path(arg)
    try:
        exists = path.exists() or path.is_symlink()
    except (OSError, ValueError):  # too long a name, or a NUL in it
        exists = False
    if exists:
        return read_query_file(path)
    hint = " (the name ends with a line break)" if arg != arg.rstrip() else ""
    raise LaborgraphError(f"{arg!r}: no such query file{hint}, and not a library query "
                          "(see `laborgraph queries`) nor SPARQL text")
