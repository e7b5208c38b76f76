"""The one definition of independent corroboration, and of when two figures may be compared.

Independence (docs/analysis.md): every claim has one *attribution chain*,
named by its root, the furthest point upstream the mappings record:

1. an article that republishes another (``republishes:``), or whose text has
   the same digest as another's (an exact copy), stands for the original:
   the earliest of those articles by IRI;
2. a source identified as, or informing, an agent other than the publishing
   outlet (a ministry, a news agency, another outlet) roots the claim there;
3. otherwise an article that relays an original (``cites:``) roots its claims
   at that original (two outlets citing one agency are one chain);
4. otherwise the outlet that published the article: its own narration and
   every informant it quotes are one chain.

Two claims corroborate each other only when their roots differ. The rule is
SPARQL text (:func:`chain_subquery`), so the library queries, the network
views and Python callers count with the same words.

>>> "lg:republishes*" in chain_subquery()
True
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from .vocab import sparql_prefixes

CHAIN_BEGIN = "# chain: begin (laborgraph.corroboration.chain_subquery; edit there, then copy)"
CHAIN_END = "# chain: end"
EDITION_BEGIN = "# edition: begin (laborgraph.corroboration.edition_subquery; edit there, then copy)"
EDITION_END = "# edition: end"

# DISTINCT changes no row (one row per claim already); it makes rdflib evaluate the group
# once and join it, where it would otherwise run it again for every row it is joined with.
# The edition's outlet and cited original are looked up on stored nodes (the first twin, found
# through its digest, or the original itself), never on the computed ?chainEdition IRI: Oxigraph
# joins a computed value by a nested loop, which made the chains quadratic in the corpus (1,000
# synthetic articles: 0.76 s -> 0.12 s for all chains, same rows).
_CLAIMS = """    ?claim a lg:Claim ; prov:wasDerivedFrom ?chainArticle ; prov:wasAttributedTo ?chainSource .
    ?chainArticle lg:republishes* ?chainOriginal .
"""
_TWINS = """      ?chainOriginal lg:textDigest ?chainDigest .
      { SELECT ?chainDigest ?chainFirst ?chainFirstOutlet ?chainFirstCited WHERE {
          { SELECT ?chainDigest (MIN(STR(?chainTwin)) AS ?chainFirst)
            WHERE { ?chainTwin lg:textDigest ?chainDigest } GROUP BY ?chainDigest }
          ?chainFirstTwin lg:textDigest ?chainDigest .
          FILTER (STR(?chainFirstTwin) = ?chainFirst)
          OPTIONAL { ?chainFirstTwin schema:publisher ?chainFirstOutlet }
          OPTIONAL { ?chainFirstTwin lg:citesOriginal ?chainFirstCited }
        } }
"""
_CHAIN = """{
  SELECT DISTINCT ?claim (MIN(?chainRoot) AS ?chain) WHERE {
""" + _CLAIMS + """    FILTER NOT EXISTS { ?chainOriginal lg:republishes ?chainFurther }
    OPTIONAL {
""" + _TWINS + """    }
    BIND (IRI(COALESCE(?chainFirst, STR(?chainOriginal))) AS ?chainEdition)
    OPTIONAL { ?chainOriginal schema:publisher ?chainOwnOutlet }
    OPTIONAL { ?chainOriginal lg:citesOriginal ?chainOwnCited }
    BIND (IF(COALESCE(?chainFirst, "") != "", ?chainFirstOutlet, ?chainOwnOutlet) AS ?chainOutlet)
    BIND (IF(COALESCE(?chainFirst, "") != "", ?chainFirstCited, ?chainOwnCited) AS ?chainCited)
    OPTIONAL { ?chainSource lg:identifiedAs|lg:informed ?chainVia .
               FILTER (!BOUND(?chainOutlet) || ?chainVia != ?chainOutlet) }
    BIND (STR(COALESCE(?chainVia, ?chainCited, ?chainOutlet, ?chainEdition)) AS ?chainRoot)
  } GROUP BY ?claim
}"""

CHAIN_PREFIXES = ("lg", "prov", "schema")

_TWINS_WHERE = "WHERE { ?chainTwin lg:textDigest ?chainDigest } GROUP BY ?chainDigest }"

# The bound form (``chain_subquery(bound=True)``): the claims and their originals, and each
# original's twins, are found by one basic graph pattern each that starts from ``among``, since
# Oxigraph joins a sub-select to a triple pattern beside it by evaluating that pattern alone, for
# the whole corpus. Unbound (``among`` a free pattern) it costs more than the plain form: every
# claim comes once per claim it shares a fact with, and the digests are looked up twice.
_BOUND_CLAIMS = """    { SELECT DISTINCT ?claim ?chainArticle ?chainSource ?chainOriginal WHERE {
        @AMONG@
        ?claim a lg:Claim ; prov:wasDerivedFrom ?chainArticle ; prov:wasAttributedTo ?chainSource .
        ?chainArticle lg:republishes* ?chainOriginal } }
"""
_BOUND_TWINS = """      { SELECT ?chainOriginal ?chainDigest ?chainFirst ?chainFirstOutlet ?chainFirstCited WHERE {
          { SELECT ?chainDigest (MIN(STR(?chainTwin)) AS ?chainFirst) WHERE {
              @AMONG@
              @DIGESTS@ ?chainTwin lg:textDigest ?chainDigest } GROUP BY ?chainDigest }
          { SELECT DISTINCT ?chainOriginal ?chainDigest ?chainFirstTwin ?chainFirstOutlet ?chainFirstCited WHERE {
              @AMONG@
              @DIGESTS@ ?chainFirstTwin lg:textDigest ?chainDigest .
              OPTIONAL { ?chainFirstTwin schema:publisher ?chainFirstOutlet }
              OPTIONAL { ?chainFirstTwin lg:citesOriginal ?chainFirstCited } } }
          FILTER (STR(?chainFirstTwin) = ?chainFirst)
        } }
"""
_DIGESTS = ("?claim prov:wasDerivedFrom ?chainArticle . ?chainArticle lg:republishes* ?chainOriginal .\n"
            "              ?chainOriginal lg:textDigest ?chainDigest .")


def chain_subquery(claim: str = "?claim", chain: str = "?chain", among: str = "", bound: bool = False) -> str:
    """A SPARQL group binding every claim to the root of its attribution chain (a string).

    Embed it in a WHERE clause; ``claim`` and ``chain`` rename the two projected variables.
    Needs the PREFIXes ``lg``, ``prov`` and ``schema``. ``among``, triple patterns binding
    ``claim``, limits the claims whose chains are computed (a rule bound to one claim needs
    only the claims sharing a fact with it, not every claim of the corpus), and the text
    digests whose first twin is looked up to those of their articles and what they republish:
    a sub-select sees nothing of the pattern around it, so unlimited it grouped every
    article of the corpus for each bound run (0.028 -> 0.005 s a claim at 1,000 synthetic
    articles, growing with the corpus). Every digest a chain of those claims reads is
    kept with all its twins, so the chains are the same.

    ``bound`` gives the same rows in the form for ``among`` bound to a node (``bound_chains``):
    46 -> 3 ms a claim at 10,000 synthetic articles, but 3.3 times the plain form's cost unbound.
    """
    text = _CHAIN
    if among and bound:
        for part, form in ((_CLAIMS, _BOUND_CLAIMS), (_TWINS, _BOUND_TWINS)):  # _CHAIN is made of them
            text = text.replace(part, form)
        text = text.replace("@DIGESTS@", _DIGESTS)
    text = text.replace("?claim", claim).replace("AS ?chain)", f"AS {chain})")
    if not among:
        return text
    if bound:
        return text.replace("@AMONG@", among.rstrip(" .") + " .")
    group = f"{{ SELECT DISTINCT {claim} WHERE {{ {among} }} }}"
    assert _TWINS_WHERE in text, "the chain definition's twins sub-select changed: update _TWINS_WHERE"
    pad = " " * 16
    digests = (f"WHERE {{ {{ SELECT DISTINCT ?chainDigest WHERE {{\n{pad}    {group}\n"
               f"{pad}    {claim} prov:wasDerivedFrom ?chainArticle . ?chainArticle lg:republishes* ?chainOriginal .\n"
               f"{pad}    ?chainOriginal lg:textDigest ?chainDigest }} }}\n"
               f"{pad}?chainTwin lg:textDigest ?chainDigest }} GROUP BY ?chainDigest }}")
    text = text.replace(_TWINS_WHERE, digests)
    brace, select, rest = text.split("\n", 2)
    return f"{brace}\n{select}\n    {group}\n{rest}"


_BLOCK = re.compile(rf"^([ \t]*){re.escape(CHAIN_BEGIN)}\n(.*?)\n[ \t]*{re.escape(CHAIN_END)}$", re.S | re.M)


def chain_parts(block: str) -> tuple[str, str, str]:
    """The ``claim``, ``chain`` and ``among`` arguments that make a chain block (its lines stripped)."""
    lines = [line.strip() for line in block.splitlines()]
    names = re.fullmatch(r"SELECT DISTINCT ([?$]\w+) \(MIN\(\?chainRoot\) AS ([?$]\w+)\) WHERE \{", lines[1])
    assert names is not None, "not a chain block"
    among = re.fullmatch(r"\{ SELECT DISTINCT [?$]\w+ WHERE \{ (.*) \} \}", lines[2])
    return names.group(1), names.group(2), among.group(1) if among else ""


def bound_chains(query: str) -> str:
    """``query`` with each chain block limited by ``among`` in the bound form (the same rows); others left alone."""
    def bound(m: re.Match[str]) -> str:
        indent, body = m.group(1), m.group(2)
        claim, chain, among = chain_parts(body)
        plain = [line.strip() for line in chain_subquery(claim, chain, among).splitlines()]
        if not among or plain != [line.strip() for line in body.splitlines()]:
            return m.group(0)
        lines = chain_subquery(claim, chain, among, bound=True).splitlines()
        return "\n".join([indent + CHAIN_BEGIN, *(indent + line for line in lines), indent + CHAIN_END])

    return _BLOCK.sub(bound, query)


def chain_block(claim: str = "?claim", chain: str = "?chain", indent: str = "  ") -> str:
    """The subquery as the library's .rq files carry it, between marker comments."""
    body = "\n".join(indent + line for line in chain_subquery(claim, chain).splitlines())
    return f"{indent}{CHAIN_BEGIN}\n{body}\n{indent}{CHAIN_END}"


def claim_chains(graph: Any) -> dict[str, str]:
    """Claim IRI -> chain root, on an rdflib Graph/Dataset (union) or a pyoxigraph Store."""
    text = sparql_prefixes(*CHAIN_PREFIXES) + "SELECT ?claim ?chain WHERE " + chain_subquery()
    if hasattr(graph, "named_graphs"):  # pyoxigraph.Store
        rows = graph.query(text, use_default_graph_as_union=True)
        return {r["claim"].value: r["chain"].value for r in rows}
    return {str(r[0]): str(r[1]) for r in graph.query(text)}


def _edition_pattern() -> str:
    """The lines of the chain definition that find a claim's original edition (copies and republications)."""
    lines = _CHAIN.splitlines()
    start = next(i for i, line in enumerate(lines) if "lg:republishes*" in line)
    end = next(i for i, line in enumerate(lines) if "AS ?chainEdition)" in line)
    return "\n".join(lines[start:end + 1])


# Every claim with its edition and the claim that stands for it: of a claim and its copies (the same
# quoted words in the same original edition) the first by IRI. Editions are found per article with the
# chain's own edition lines (see edition_subquery), so copies are found by one rule; per article, not per
# claim, because rdflib runs the OPTIONAL inside them again for every row it is given.
_EDITION = """{
  SELECT DISTINCT ?claim ?edition ?first WHERE {
    {
      SELECT DISTINCT ?claim ?edition (MIN(STR(?copyQuote)) AS ?copyWords) WHERE {
        ?claim a lg:Claim ; prov:wasDerivedFrom ?chainArticle ; lg:quote ?copyQuote .
@ARTICLES@
      } GROUP BY ?claim ?edition
    }
    {
      SELECT DISTINCT ?edition ?copyWords (MIN(STR(?copyClaim)) AS ?first) WHERE {
        {
          SELECT DISTINCT ?copyClaim ?edition (MIN(STR(?copyQuote)) AS ?copyWords) WHERE {
            ?copyClaim a lg:Claim ; prov:wasDerivedFrom ?chainArticle ; lg:quote ?copyQuote .
@ARTICLES@
          } GROUP BY ?copyClaim ?edition
        }
      } GROUP BY ?edition ?copyWords
    }
  }
}"""


def _article_editions(indent: int) -> str:
    """A sub-select binding every article (?chainArticle) to its edition (?edition, a string).

    No MIN(): Virtuoso 7.2 cannot compare two editions that are aggregates of nested sub-selects
    (SQ156), and an article has one edition (its republication chain ends once; twins take the first).
    """
    pattern = _edition_pattern()  # its lines are indented 4 already
    text = ("{ SELECT DISTINCT ?chainArticle (STR(?chainEdition) AS ?edition) WHERE {\n"
            "    ?chainArticle a lg:Article .\n" + pattern + "\n  } }")
    return "\n".join(" " * indent + line for line in text.splitlines())


def edition_subquery(claim: str = "?claim", edition: str = "?edition", first: str = "?first") -> str:
    """A SPARQL group binding every claim to its edition (a string) and to the claim that stands for it.

    A claim and its copy in an identical or republished text (the same quoted words of the same
    original edition, :func:`claim_editions`) have the same ``first``: the first claim by IRI.
    Keep rows where ``STR(claim) = first`` to count or pair editions, not claims, and compare
    ``edition`` to keep two claims of one edition apart.
    """
    text = _EDITION.replace("@ARTICLES@\n          }", _article_editions(12) + "\n          }", 1)
    text = text.replace("@ARTICLES@", _article_editions(8))
    for name, new in (("claim", claim), ("edition", edition), ("first", first)):
        text = re.sub(rf"\?{name}\b", new, text)
    return text


def edition_block(claim: str = "?claim", edition: str = "?edition", first: str = "?first", indent: str = "  ") -> str:
    """The edition subquery as the library's .rq files carry it, between marker comments."""
    body = "\n".join(indent + line for line in edition_subquery(claim, edition, first).splitlines())
    return f"{indent}{EDITION_BEGIN}\n{body}\n{indent}{EDITION_END}"


def claim_editions(graph: Any) -> dict[str, str]:
    """Claim IRI -> "original edition|quote": equal for a claim and its copy in an identical or republished text.

    Counting these keys counts a copied claim once (the same words of the same original), with the
    same edition rule as :func:`chain_subquery`.
    """
    text = (sparql_prefixes(*CHAIN_PREFIXES)
            + "SELECT ?claim (MIN(STR(?chainEdition)) AS ?edition) (MIN(?q) AS ?quote) "
            "WHERE { ?claim a lg:Claim ; prov:wasDerivedFrom ?chainArticle ; lg:quote ?q .\n"
            + _edition_pattern() + "\n} GROUP BY ?claim")
    if hasattr(graph, "named_graphs"):  # pyoxigraph.Store
        rows = graph.query(text, use_default_graph_as_union=True)
        return {r["claim"].value: f'{r["edition"].value}|{r["quote"].value}' for r in rows}
    return {str(r[0]): f"{r[1]}|{r[2]}" for r in graph.query(text)}


def count_chains(claims: Iterable[str], chains: dict[str, str]) -> int:
    """How many independent attribution chains a set of claims rests on.

    >>> count_chains(["a", "b", "c"], {"a": "outlet:x", "b": "outlet:x", "c": "agency:y"})
    2
    """
    return len({chains.get(str(c), str(c)) for c in claims})


def independent_chains(graph: Any, claims: Iterable[str]) -> int:
    """:func:`count_chains` for claims of ``graph``, computing their chains first."""
    return count_chains(claims, claim_chains(graph))


# ---------------------------------------------------------------- comparability

# Months per period: figures are compared per month. ``None`` (a lump sum, or no period
# given) is compared with a periodic figure only when the contract term is known.
MONTHS = {"day": Decimal(12) / Decimal(365), "week": Decimal(12) / Decimal(52), "month": Decimal(1),
          "year": Decimal(12)}
APPROXIMATE = Decimal("0.1")  # "about N" is read as N +/- 10 %: a stated convention, see docs/analysis.md
FLOWS = frozenset({"deployment"})  # counts of people sent: a flow; everything else counted is a stock


@dataclass(frozen=True)
class Measure:
    """One stated figure with what it measures: enough to decide whether two may be compared."""

    kind: str  # class of the thing measured: earnings, price, deployment, workforce presence ...
    prop: str  # amount or size
    population: frozenset[str]  # roles/occupations (or the item) it is about
    low: Decimal | None
    high: Decimal | None
    approximate: bool = False
    currency: str | None = None
    per: str | None = None  # day, week, month, year; None: a lump sum or no period stated
    term_months: Decimal | None = None  # contract term, when a lump sum covers a known term
    earliest: str | None = None  # as-of or event interval (ISO dates), either side open
    latest: str | None = None
    places: frozenset[str] = frozenset()  # the place and every place containing it
    label: str = ""

    @property
    def stock(self) -> bool:
        return self.kind not in FLOWS


@dataclass(frozen=True)
class Comparison:
    verdict: str  # agree, disagree, not comparable
    why: str
    low: tuple[Decimal | None, Decimal | None] = (None, None)
    high: tuple[Decimal | None, Decimal | None] = (None, None)


def monthly(m: Measure) -> tuple[Decimal | None, Decimal | None]:
    """The figure's bounds per month (approximate figures widened), never low > high."""
    if m.per is not None:
        factor = Decimal(1) / MONTHS[m.per]
    elif m.term_months:
        factor = Decimal(1) / m.term_months
    else:
        factor = Decimal(1)
    low = m.low * factor if m.low is not None else None
    high = m.high * factor if m.high is not None else None
    if m.approximate:
        low = low * (1 - APPROXIMATE) if low is not None else None
        high = high * (1 + APPROXIMATE) if high is not None else None
    if low is not None and high is not None and low > high:
        low, high = high, low
    return low, high


def _why_not(a: Measure, b: Measure) -> str | None:
    if (a.kind, a.prop) != (b.kind, b.prop):
        if a.prop == b.prop == "size" and a.stock != b.stock:
            return "stock vs flow: a count of people present is never compared with a count of people sent"
        return f"different measures ({a.kind} {a.prop} vs {b.kind} {b.prop})"
    if a.population != b.population:
        return (f"different populations ({', '.join(sorted(a.population)) or 'unstated'} vs "
                f"{', '.join(sorted(b.population)) or 'unstated'})")
    if a.currency != b.currency:
        return f"different currencies ({a.currency} vs {b.currency})"
    if (a.per is None) != (b.per is None) and not (a.term_months or b.term_months):
        return "a lump sum vs a periodic figure, and the contract term is not known"
    if a.places and b.places and not (a.places & b.places):
        return "different places"
    if (a.earliest and b.latest and a.earliest > b.latest) or (b.earliest and a.latest and b.earliest > a.latest):
        return "times or as-of dates do not overlap"
    return None


def _what(m: Measure) -> str:
    period = "monthly " if m.per or m.term_months else ""
    unit = f", {m.currency}" if m.currency else ""
    return f"{period}{m.kind} {m.prop} of {', '.join(sorted(m.population)) or 'the same group'}{unit}"


def compare(a: Measure, b: Measure) -> Comparison:
    """Agree (intervals overlap), disagree (disjoint) or not comparable, saying why.

    >>> pay = Measure("earnings", "amount", frozenset({"manager"}), Decimal(10000), Decimal(10000),
    ...               approximate=True, currency="USD", per="year")
    >>> worker = Measure("earnings", "amount", frozenset({"rank-and-file worker"}), Decimal(100),
    ...                  Decimal(100), currency="USD", per="month")
    >>> compare(pay, worker).verdict
    'not comparable'
    """
    reason = _why_not(a, b)
    if reason:
        return Comparison("not comparable", f"not comparable: {reason}")
    la, ha = monthly(a)
    lb, hb = monthly(b)
    overlap = (la is None or hb is None or la <= hb) and (lb is None or ha is None or lb <= ha)
    verdict = "agree" if overlap else "disagree"
    return Comparison(verdict, f"comparable: both {_what(a)}", (la, ha), (lb, hb))


__all__ = ["CHAIN_BEGIN", "CHAIN_END", "EDITION_BEGIN", "EDITION_END", "Comparison", "Measure", "chain_block",
           "chain_subquery", "claim_chains", "claim_editions", "compare", "count_chains", "edition_block",
           "edition_subquery", "independent_chains", "monthly"]
