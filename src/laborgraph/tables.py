"""Plain-text tables that a person can read in a terminal (``laborgraph query --format table``).

Pure functions over strings. IRIs become prefixed names (``lgid:`` included, although a
local part with ``/`` is not a legal SPARQL prefixed name: this is for reading, not for
pasting); a cell too wide for its column loses its middle, not its end, because the end of
an IRI or id is where rows differ; each row stays on one line (newlines shown as ⏎); the
columns share the width of the terminal. Korean and other wide characters count as two
columns.

>>> print(format_table(["id", "quote"], [["c1", "line one\\nline two"]], width=40), end="")
id | quote
---+------------------
c1 | line one⏎line two
(1 row)
"""

from __future__ import annotations

import functools
import re
import unicodedata

from .vocab import NAMESPACE_IRIS

ELLIPSIS = "…"
NEWLINE_MARK = "⏎"
SEPARATOR = " | "
MIN_COLUMN = 6

_NON_ASCII = re.compile(r"[^\x00-\x7f]")
_BY_LENGTH = sorted(NAMESPACE_IRIS.items(), key=lambda kv: (-len(kv[1]), kv[0]))


def prefixed(iri: str) -> str:
    """The IRI as ``prefix:local`` with the longest predeclared namespace that fits, else unchanged.

    >>> from laborgraph.vocab import LG, claim_iri
    >>> prefixed(str(claim_iri("x", "y")))
    'lgid:article/x/claim/y'
    >>> prefixed(str(LG.Claim))
    'lg:Claim'
    >>> prefixed("urn:x")
    'urn:x'
    """
    for prefix, ns in _BY_LENGTH:
        if iri.startswith(ns) and len(iri) > len(ns):
            return f"{prefix}:{iri[len(ns):]}"
    return iri


def one_line(text: str) -> str:
    """Line breaks shown as ⏎ and tabs as a space, so that one row stays one line."""
    return text.replace("\r\n", NEWLINE_MARK).replace("\n", NEWLINE_MARK).replace("\r", NEWLINE_MARK) \
        .replace("\t", " ")


@functools.lru_cache(maxsize=4096)
def char_width(ch: str) -> int:
    """Terminal columns of one character: 2 for wide (Hangul, CJK), 0 for combining marks."""
    if unicodedata.combining(ch):
        return 0
    return 2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1


def display_width(text: str) -> int:
    """Terminal columns of a string.

    >>> display_width("노동자 ab")
    9
    >>> display_width("lgid:x")
    6
    """
    if text.isascii():  # every ASCII character is one column: most cells, without a lookup per character
        return len(text)
    return len(text) + sum(char_width(ch) - 1 for ch in _NON_ASCII.findall(text))  # a quote with a ⏎: one lookup


def _take(text: str, width: int, *, from_end: bool = False) -> str:
    """The longest start (or end) of ``text`` that fits in ``width`` columns."""
    if text.isascii():
        return text[max(len(text) - width, 0):] if from_end else text[:max(width, 0)]
    chars = reversed(text) if from_end else iter(text)
    kept: list[str] = []
    used = 0
    for ch in chars:
        used += char_width(ch)
        if used > width:
            break
        kept.append(ch)
    return "".join(reversed(kept)) if from_end else "".join(kept)


def truncate_middle(text: str, width: int) -> str:
    """``text`` cut to ``width`` columns by dropping its middle; two thirds of the room go to the end.

    >>> truncate_middle("lgid:article/2024-07-15-dailynk-x/claim/publication", 30)
    'lgid:arti…-x/claim/publication'
    """
    if display_width(text) <= width:
        return text
    if width <= 1:
        return ELLIPSIS[:width]
    room = width - 1
    head = room // 3
    tail = room - head
    return _take(text, head) + ELLIPSIS + _take(text, tail, from_end=True)


def _pad(text: str, width: int) -> str:
    return text + " " * (width - display_width(text))


def column_widths(natural: list[int], total: int | None) -> list[int]:
    """Share ``total`` columns (separators included) among columns wanting ``natural`` widths.

    Narrow columns keep their width; the rest share what is left equally (no column below
    ``MIN_COLUMN`` unless it wants less), so one long column cannot squeeze out the others.

    >>> column_widths([2, 50, 50], 40)
    [2, 16, 16]
    >>> column_widths([2, 10], None)
    [2, 10]
    """
    if total is None or not natural:
        return list(natural)
    room = max(total - len(SEPARATOR) * (len(natural) - 1), 0)
    if sum(natural) <= room:
        return list(natural)
    widths = list(natural)
    pending = set(range(len(natural)))
    while pending:
        share = room // len(pending)
        fits = {i for i in pending if natural[i] <= share}
        if not fits:
            for i in sorted(pending):
                widths[i] = max(share, min(natural[i], MIN_COLUMN))
            break
        for i in fits:
            room -= natural[i]
        pending -= fits
    return widths


def format_table(header: list[str], rows: list[list[str]], width: int | None = None) -> str:
    """A table of ``rows`` under ``header``, fitted into ``width`` terminal columns (None: no limit).

    Built column by column, each cell measured once: a query's table can have hundreds
    of thousands of cells, and one check of a whole column (ASCII, no line breaks)
    spares most of them any per-character work.
    """
    count = f"({len(rows)} row{'s' if len(rows) != 1 else ''})"
    if not header:  # no columns: an empty line for the header, the rule and each row
        return "\n" * (len(rows) + 2) + count + "\n"
    columns = [_measured(list(column)) for column in zip(header, *rows, strict=True)]
    widths = column_widths([max(sizes) for _, sizes in columns], width)
    fitted = [_fitted(texts, sizes, w) for (texts, sizes), w in zip(columns, widths, strict=True)]
    lines = [SEPARATOR.join(cells).rstrip() for cells in zip(*fitted, strict=True)]
    rule = "-+-".join("-" * w for w in widths)
    return "\n".join([lines[0], rule, *lines[1:], count]) + "\n"


def _measured(texts: list[str]) -> tuple[list[str], list[int]]:
    """A column's cells on one line each, and their widths; an ASCII column without line breaks as it is."""
    joined = "".join(texts)
    if joined.isascii() and joined.isprintable():
        return texts, [len(t) for t in texts]
    lined = [one_line(t) for t in texts]
    return lined, [display_width(t) for t in lined]


def _fitted(texts: list[str], sizes: list[int], width: int) -> list[str]:
    """Each cell cut to ``width`` columns if wider (:func:`truncate_middle`), then padded to it.

    An ASCII cell is cut by slicing, as truncate_middle cuts it (one column a character, so
    the cut is exactly ``width`` wide): a library query's table at 10,000 articles cuts about
    two million cells, and the general rule measured each one again, several seconds of CPU.
    """
    if width <= 1:
        return [t + " " * (width - n) if n <= width else _pad(truncate_middle(t, width), width)
                for t, n in zip(texts, sizes, strict=True)]
    head = (width - 1) // 3
    tail = width - 1 - head
    return [t + " " * (width - n) if n <= width else
            t[:head] + ELLIPSIS + t[len(t) - tail:] if t.isascii() else _pad(truncate_middle(t, width), width)
            for t, n in zip(texts, sizes, strict=True)]
