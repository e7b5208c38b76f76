"""Find a quote in its article, forgiving only whitespace, typographic quotes and Unicode normal form.

Analysts type straight quotes and wrap long lines; articles use curly quotes;
an "é" may be one code point in the mapping and two (e + combining accent) in
the text. Nothing else is normalised: a changed word is a changed quote.
Spans count code points of the text as given (``mapping.decode_text``), so a
match never splits a character from its combining marks.

>>> text = "He said: \u201cNeither guns nor swords\u201d  will stop them."
>>> find(text, '"Neither guns nor\\nswords"')
(9, 34)
>>> find(text, "Neither guns nor knives") is None
True
"""

from __future__ import annotations

import functools
import re
import unicodedata

_TYPOGRAPHIC = str.maketrans({
    "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u201f": '"', "\u00ab": '"', "\u00bb": '"',
    "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'", "\u2032": "'",
    "\u00a0": " ",
})
_SPACE = re.compile(r"\s+")


def normalise(text: str) -> str:
    return _SPACE.sub(" ", unicodedata.normalize("NFC", text).translate(_TYPOGRAPHIC)).strip()


def _clusters(text: str) -> list[tuple[str, int, int]]:
    """``text`` in NFC as (piece, start, end): each piece is NFC of ``text[start:end]``.

    Text already in NFC (nearly every article) is its own pieces; otherwise a
    piece grows while the next character composes with it.
    """
    if unicodedata.is_normalized("NFC", text):
        return [(ch, i, i + 1) for i, ch in enumerate(text)]
    out: list[tuple[str, int, int]] = []
    start = 0
    for i in range(1, len(text) + 1):
        if i == len(text) or (unicodedata.combining(text[i]) == 0 and unicodedata.normalize(
                "NFC", text[start:i + 1]) == unicodedata.normalize("NFC", text[start:i]) + unicodedata.normalize(
                "NFC", text[i])):
            out.append((unicodedata.normalize("NFC", text[start:i]), start, i))
            start = i
    return out


@functools.lru_cache(maxsize=4)
def _normalised_with_positions(text: str) -> tuple[str, list[int], list[int]]:
    """Normalised text and, for each of its characters, where it starts and ends in ``text``.

    Kept for the last few texts: every quote of an article searches the same text
    (five quotes an article took 1 ms of its 12 ms of building). Callers only read the lists.
    """
    out: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    in_space = False
    for piece, start, end in _clusters(text):
        for ch in piece.translate(_TYPOGRAPHIC):
            if ch.isspace():
                if in_space:
                    ends[-1] = end
                    continue
                ch, in_space = " ", True
            else:
                in_space = False
            out.append(ch)
            starts.append(start)
            ends.append(end)
    return "".join(out), starts, ends


def find_all(text: str, quote: str) -> list[tuple[int, int]]:
    """Every ``(start, end)`` span of ``text`` (code points) that matches ``quote``."""
    needle = normalise(quote)
    if not needle:
        return []
    hay, starts, ends = _normalised_with_positions(text)
    spans = []
    at = hay.find(needle)
    while at != -1:
        last = at + len(needle) - 1
        # a match must not cut a composed character: it starts and ends on piece boundaries
        if (at == 0 or starts[at - 1] != starts[at]) and (last + 1 == len(hay) or starts[last + 1] != starts[last]):
            spans.append((starts[at], ends[last] if not hay[last].isspace() else starts[last] + 1))
        at = hay.find(needle, at + 1)
    return spans


def find(text: str, quote: str) -> tuple[int, int] | None:
    """The first span matching ``quote``, or None."""
    spans = find_all(text, quote)
    return spans[0] if spans else None
