"""JSON text as ``json.dumps`` writes it, without its slow path.

With an indent the standard library encodes in Python generators (its C encoder
takes no indent); a build writes every article's JSON-LD chunk indented, so this
module writes the same text directly.
"""

from __future__ import annotations

import json
import json.encoder
from collections.abc import Callable
from typing import Any


def json_key(value: object) -> str:
    """``json.dumps(value, sort_keys=True, ensure_ascii=False)``; text (most values) straight to the C escaper."""
    if type(value) is str:
        return _quote(value)
    return json.dumps(value, sort_keys=True, ensure_ascii=False)


_quote: Callable[[str], str] = json.encoder.encode_basestring  # the C escaper when built
_SCALARS: dict[object, str] = {True: "true", False: "false", None: "null"}


def dumps_indented(value: object) -> str:
    """``json.dumps(value, indent=2, ensure_ascii=False, sort_keys=True)``, the same text.

    With an indent the standard library encodes in Python generators (its C encoder
    takes no indent): 40% of a JSON-LD chunk. This writes the same layout directly,
    for text keys and JSON values (anything else goes to ``json.dumps``).
    """
    out: list[str] = []
    _write(value, out, "\n")
    return "".join(out)


def _write(value: Any, out: list[str], nl: str) -> None:
    kind = type(value)
    if kind is str:
        out.append(_quote(value))
    elif kind is dict and value:
        inner = nl + "  "
        items = value.items()
        if not all(type(k) is str for k, _ in items):
            out.append(json.dumps(value, indent=2, ensure_ascii=False, sort_keys=True).replace("\n", nl))
            return
        sep = "{" + inner
        for k, v in sorted(items, key=_first):
            out.append(sep + _quote(k) + ": ")
            _write(v, out, inner)
            sep = "," + inner
        out.append(nl + "}")
    elif kind is list and value:
        inner = nl + "  "
        sep = "[" + inner
        for v in value:
            out.append(sep)
            _write(v, out, inner)
            sep = "," + inner
        out.append(nl + "]")
    elif kind is bool or value is None:
        out.append(_SCALARS[value])
    elif kind is int:
        out.append(int.__repr__(value))
    else:  # floats (NaN, Infinity), empty containers, subclasses: the standard library's spelling
        out.append(json.dumps(value, indent=2, ensure_ascii=False, sort_keys=True).replace("\n", nl))


def _first(item: tuple[str, object]) -> str:
    return item[0]
