"""Find a quote in its article, forgiving only whitespace and typographic quotes.

Analysts type straight quotes and wrap long lines; articles use curly quotes.
Nothing else is normalised: a changed word is a changed quote.

>>> text = "He said: \u201cNeither guns nor swords\u201d  will stop them."
>>> find(text, '"Neither guns nor\\nswords"')
(9, 34)
>>> find(text, "Neither guns nor knives") is None
True
"""

from __future__ import annotations

import re

_TYPOGRAPHIC = str.maketrans({
    "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u201f": '"', "\u00ab": '"', "\u00bb": '"',
    "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'", "\u2032": "'",
    "\u00a0": " ",
})
_SPACE = re.compile(r"\s+")


def normalise(text: str) -> str:
    return _SPACE.sub(" ", text.translate(_TYPOGRAPHIC)).strip()


def _normalised_with_positions(text: str) -> tuple[str, list[int]]:
    """Normalised text and, for each of its characters, the index in ``text``."""
    out: list[str] = []
    pos: list[int] = []
    translated = text.translate(_TYPOGRAPHIC)
    in_space = False
    for i, ch in enumerate(translated):
        if ch.isspace():
            if not in_space:
                out.append(" ")
                pos.append(i)
            in_space = True
        else:
            out.append(ch)
            pos.append(i)
            in_space = False
    return "".join(out), pos


def find_all(text: str, quote: str) -> list[tuple[int, int]]:
    """Every ``(start, end)`` span of ``text`` (code points) that matches ``quote``."""
    needle = normalise(quote)
    if not needle:
        return []
    hay, pos = _normalised_with_positions(text)
    spans = []
    start = hay.find(needle)
    while start != -1:
        end = pos[start + len(needle) - 1] + 1
        spans.append((pos[start], end))
        start = hay.find(needle, start + 1)
    return spans


def find(text: str, quote: str) -> tuple[int, int] | None:
    """The first span matching ``quote``, or None."""
    spans = find_all(text, quote)
    return spans[0] if spans else None
