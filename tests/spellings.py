"""Hypothesis strategies: hostile SPARQL spelled the ways a person would not think of.

Each strategy takes the URL that must never be contacted and draws a query
that, read by the SPARQL 1.1 grammar, calls it (SERVICE), loads from it (FROM,
FROM NAMED) or changes data (LOAD and other updates).
"""

from __future__ import annotations

from hypothesis import strategies as st

# What SPARQL counts as whitespace, and characters other readers might (they end or fill comments).
WS = [" ", "\t", "\n", "\r", "\r\n"]
ODD = ["\x0b", "\x0c", "\x1c", "\x85", "\u00a0", "\u2028", "\u2029", "\ufeff"]


@st.composite
def gap(draw: st.DrawFn) -> str:
    """Whitespace and comments between tokens; comments end with CR, LF or CRLF and hold odd characters."""
    parts = []
    for _ in range(draw(st.integers(1, 3))):
        if draw(st.booleans()):
            body = "".join(draw(st.lists(st.sampled_from(["x", " ", "#", "}", "{", *ODD]), max_size=5)))
            parts.append("#" + body + draw(st.sampled_from(["\n", "\r", "\r\n"])))
        elif draw(st.integers(0, 39)) == 0:  # not SPARQL whitespace: must be refused as a syntax error
            parts.append(draw(st.sampled_from(ODD)))
        else:
            parts.append(draw(st.sampled_from(WS)))
    return "".join(parts)


def _escape(ch: str) -> str:
    return f"\\u{ord(ch):04X}" if ord(ch) < 0x10000 else f"\\U{ord(ch):08X}"


@st.composite
def spelled(draw: st.DrawFn, word: str) -> str:
    """A keyword in any case, some letters as \\u escapes (SPARQL expands them before parsing)."""
    out = []
    for ch in word:
        ch = ch.upper() if draw(st.booleans()) else ch.lower()
        out.append(_escape(ch) if draw(st.integers(0, 5)) == 0 else ch)
    return "".join(out)


@st.composite
def iri(draw: st.DrawFn, url: str) -> tuple[str, str]:
    """(prologue, reference) naming ``url``: an IRI with escapes, a prefixed name, or BASE + relative IRI."""
    kind = draw(st.sampled_from(["iri", "prefixed", "escaped-local", "base"]))
    if kind == "iri":
        chars = [(_escape(c) if draw(st.integers(0, 4)) == 0 else c) for c in url + "sparql"]
        return "", "<" + "".join(chars) + ">"
    name = draw(st.sampled_from(["p", "svc", "SERVICE", "a.b", "x_1"]))
    if kind == "prefixed":
        return f"PREFIX {name}: <{url}>{draw(gap())}", f"{name}:" + draw(st.sampled_from(["", "sparql", "a.b"]))
    if kind == "escaped-local":
        return f"PREFIX {name}: <{url}>{draw(gap())}", f"{name}:a\\/b\\?c"
    return f"BASE <{url}>{draw(gap())}", draw(st.sampled_from(["<>", "<sparql>", "<./x>"]))


def _wrap(draw: st.DrawFn, pattern: str) -> str:
    """Bury a pattern in nested groups, OPTIONAL, UNION, MINUS, a sub-SELECT, EXISTS or GRAPH."""
    for _ in range(draw(st.integers(0, 3))):
        g = draw(gap())
        pattern = draw(st.sampled_from([
            f"{{{g}{pattern}{g}}}",
            f"OPTIONAL{g}{{ {pattern} }}",
            f"{{ ?s ?p ?o }}{g}UNION{g}{{ {pattern} }}",
            f"?s ?p ?o{g}MINUS{g}{{ {pattern} }}",
            f"{{ SELECT * WHERE {{ {pattern} }} }}",
            f"FILTER{g}EXISTS{g}{{ {pattern} }}",
            f"FILTER NOT EXISTS {{ {pattern} }}",
            f"GRAPH ?g {{ {pattern} }}",
        ]))
    return pattern


def _form(draw: st.DrawFn, where: str) -> str:
    g = draw(gap())
    return draw(st.sampled_from([
        f"SELECT{g}*{g}WHERE{g}{{{g}{where}{g}}}",
        f"SELECT * {{ {where} }}",
        f"ASK{g}{{ {where} }}",
        f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ {where} }}",
        f"DESCRIBE ?s WHERE {{ {where} }}",
    ]))


@st.composite
def service_queries(draw: st.DrawFn, url: str) -> str:
    prologue, target = draw(iri(url))
    g = draw(gap())
    silent = f"{draw(spelled('SILENT'))}{g}" if draw(st.booleans()) else ""
    if draw(st.integers(0, 4)) == 0:  # SERVICE ?var, bound to the URL
        prologue = ""
        pattern = f"VALUES ?svc {{ <{url}> }} {draw(spelled('SERVICE'))}{g}{silent}?svc{g}{{ ?s ?p ?o }}"
    else:
        pattern = f"{draw(spelled('SERVICE'))}{g}{silent}{target}{draw(gap())}{{ ?s ?p ?o }}"
    return prologue + _form(draw, _wrap(draw, pattern))


@st.composite
def dataset_queries(draw: st.DrawFn, url: str) -> str:
    prologue, target = draw(iri(url))
    g = draw(gap())
    clause = f"{draw(spelled('FROM'))}{g}" + (f"{draw(spelled('NAMED'))}{g}" if draw(st.booleans()) else "")
    form = draw(st.sampled_from(["SELECT *", "ASK", "CONSTRUCT { ?s ?p ?o }", "DESCRIBE ?s"]))
    return f"{prologue}{form}{g}{clause}{target}{draw(gap())}WHERE {{ ?s ?p ?o }}"


@st.composite
def update_requests(draw: st.DrawFn, url: str) -> str:
    prologue, target = draw(iri(url))
    g = draw(gap())
    return prologue + draw(st.sampled_from([
        f"{draw(spelled('LOAD'))}{g}{target}",
        f"{draw(spelled('LOAD'))} SILENT {target} INTO GRAPH <urn:g>",
        f"{draw(spelled('INSERT'))}{g}DATA {{ <urn:a> <urn:b> <urn:c> }}",
        f"{draw(spelled('DELETE'))}{g}WHERE {{ ?s ?p ?o }}",
        f"{draw(spelled('CLEAR'))}{g}ALL",
        f"DROP{g}GRAPH {target}",
        f"INSERT {{ ?s ?p ?o }} WHERE {{ {draw(spelled('SERVICE'))} {target} {{ ?s ?p ?o }} }}",
    ]))


def hostile(url: str) -> st.SearchStrategy[str]:
    """Any of the above."""
    return st.one_of(service_queries(url), dataset_queries(url), update_requests(url))
