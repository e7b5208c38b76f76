"""Errors that show the fix: where a quote departs from the text, and which doc section explains a field.

A quote that is not found is usually one character off: a hyphen typed for a dash, a straight
apostrophe where the text has none, a dropped letter. The message shows the closest passage of
the text and brackets the first character that differs, naming invisible or look-alike
characters (spaces, dashes, quotation marks) instead of printing them.

>>> print(quote_hint("They sent hundreds of new workers in June.", "sent hundred of new workers"))
closest passage: "sent hundred[s] of new workers in June."; the quote has [a space] where the text has [s]
"""

from __future__ import annotations

import functools
import unicodedata
from collections.abc import Callable
from typing import Any, TypeVar

from rapidfuzz import fuzz

from ..errors import MappingError
from .quotes import find_all, normalise

F = TypeVar("F", bound=Callable[..., Any])

MAPPING_DOC = "docs/mapping.md"
ONTOLOGY_DOC = "docs/ontology.md"
# GitHub's heading anchors of docs/mapping.md (lower case, punctuation dropped, spaces as hyphens).
SECTIONS = {
    "article": f"{MAPPING_DOC}#article",
    "source": f"{MAPPING_DOC}#sources-who-told-the-outlet",
    "entity": f"{MAPPING_DOC}#entities-the-things-this-article-talks-about",
    "claim": f"{MAPPING_DOC}#claims-one-per-statement-of-the-article",
    "time": f"{MAPPING_DOC}#times",
    "quantity": f"{MAPPING_DOC}#quantities-and-money",
    "indicator": f"{MAPPING_DOC}#forced-labour-indicators",
    "registry": f"{MAPPING_DOC}#the-registry-entitiesyaml",
    "files": f"{MAPPING_DOC}#the-files",
    "mapping": f"{MAPPING_DOC}#a-mapping-section-by-section",
    "property": f"{ONTOLOGY_DOC}#writing-values-in-mappings",
    "concept": f"{ONTOLOGY_DOC}#concept-schemes",
}
_NAMES = {
    " ": "a space", "\n": "a line break", "\t": "a tab", "\u00a0": "a no-break space",
    "-": "a hyphen (-)", "\u2010": "a hyphen (\u2010)", "\u2011": "a non-breaking hyphen",
    "\u2012": "a figure dash (\u2012)", "\u2013": "an en dash (\u2013)", "\u2014": "an em dash (\u2014)",
    "\u2212": "a minus sign (\u2212)", '"': 'a straight double quote (")', "'": "a straight apostrophe (')",
    "\u2018": "a curly opening single quote (\u2018)", "\u2019": "a curly apostrophe (\u2019)",
    "\u201c": "a curly opening double quote (\u201c)", "\u201d": "a curly closing double quote (\u201d)",
    "`": "a backtick (`)", "\u2026": "an ellipsis character (\u2026)",
}
SHOWN = 30  # characters of context either side of the difference
HEAD = 30  # leading characters of a quote tried away when its start is not in the text


def see(section: str) -> str:
    """The ``; see docs/...#anchor`` tail every mapping error ends with."""
    return f"; see {SECTIONS[section]}"


def char_name(ch: str) -> str:
    """How a character is named in a message: invisible and look-alike ones spelled out.

    >>> char_name("\u2014") == "an em dash (\u2014)", char_name("x"), char_name("")
    (True, 'x', 'the end of the passage')
    """
    if not ch:
        return "the end of the passage"
    if ch in _NAMES:
        return _NAMES[ch]
    if unicodedata.category(ch)[0] in "CZ":
        return f"U+{ord(ch):04X} {unicodedata.name(ch, 'an invisible character').lower()}"
    return ch


def _longest_found_prefix(text: str, quote: str) -> int:
    """Length of the longest start of ``quote`` found in ``text`` (quote matching rules)."""
    lo, hi = 0, len(quote)
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if find_all(text, quote[:mid]):
            lo = mid
        else:
            hi = mid - 1
    return lo


def _aligned_start(text: str, quote: str, enough: int) -> int:
    """Where in ``text`` the passage most like ``quote`` starts, when its first characters differ.

    First try dropping up to ``HEAD`` leading characters of the quote (a wrong first letter or
    word); else rapidfuzz's best partial alignment.
    """
    for skip in range(1, min(HEAD, len(quote) - enough) + 1):
        k = _longest_found_prefix(text, quote[skip:])
        if k >= enough:
            return max(0, find_all(text, quote[skip:skip + k])[0][0] - skip)
    found = fuzz.partial_ratio_alignment(quote, text)
    return found.dest_start if found is not None else 0


def quote_hint(text: str, quote: str) -> str:
    """The closest passage of ``text`` to ``quote`` with the first differing character marked."""
    needle = normalise(quote)
    if not needle:
        return "the quote is empty"
    k = _longest_found_prefix(text, needle)
    enough = min(len(needle), max(8, len(needle) // 3))
    start = find_all(text, needle[:k])[0][0] if k >= enough else _aligned_start(text, needle, enough)
    passage = text[start:start + len(quote) + SHOWN]
    # walk both in step under the quote rules (space runs and curly quotes equal their plain forms)
    i = j = 0
    q = needle
    p = passage
    while i < len(q) and j < len(p):
        a, b = q[i], p[j]
        if a == " " and b.isspace():
            i += 1
            while j < len(p) and p[j].isspace():
                j += 1
            continue
        if normalise(a) == normalise(b) or (a == b):
            i += 1
            j += 1
            continue
        break
    if i >= len(q):
        return f"closest passage: \"{_flat(p[:j])}\""
    lead = max(0, j - SHOWN)
    shown = f"{_flat(p[lead:j])}[{_flat(p[j:j + 1])}]{_flat(p[j + 1:j + SHOWN])}"
    text_has = char_name(p[j:j + 1]) if j < len(p) else char_name("")
    return (f"closest passage: \"{shown}\"; the quote has [{char_name(q[i])}] where the text has "
            f"[{text_has}]")


def _flat(s: str) -> str:
    return " ".join(s.split("\n")).replace("\r", " ")


def documented(section: str) -> Callable[[F], F]:
    """Mapping errors raised inside the decorated reader end with the doc section that explains it.

    The innermost reader wins: a time error inside a claim points at Times, not at claims.
    """

    def wrap(func: F) -> F:
        @functools.wraps(func)
        def inner(*args: Any, **kwargs: Any) -> Any:
            try:
                return func(*args, **kwargs)
            except MappingError as exc:
                if "; see docs/" in exc.message:
                    raise
                raise MappingError(exc.path, exc.line, exc.message + see(section)) from None

        return inner  # type: ignore[return-value]  # functools.wraps keeps the signature mypy cannot see

    return wrap


def section_of(what: str) -> str | None:
    """The doc section for a field list named as in ``check_keys`` ("`article`", "claim at line 9" ...)."""
    for start, section in (("`article`", "article"), ("source", "source"), ("claim", "claim"),
                           ("entity", "entity"), ("an indicator", "indicator"), ("the registry", "registry"),
                           ("analyst", "registry"), ("a note", "registry")):
        if what.startswith(start):
            return section
    return None


def see_for(what: str) -> str:
    """``see(...)`` for a field list named as in ``check_keys``, or nothing when no section fits
    (an enclosing ``documented`` reader then adds its own)."""
    section = section_of(what)
    return see(section) if section else ""
