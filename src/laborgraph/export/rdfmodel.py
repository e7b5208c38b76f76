"""docs/rdf-model.md, "what one claim looks like in RDF", generated from a built mapping.

The page shows real triples of the seed fixture (tests/fixtures/seed), so it cannot drift from
what the builder writes: a test regenerates it and fails when the file differs. Each snippet is
valid Turtle under the page's prefixes and a ``@base`` of the data namespace, so that data IRIs
read as ``<article/…/claim/…>``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from rdflib import Dataset, Literal, URIRef
from rdflib.namespace import RDF

from ..vocab import ID, LG, PREFIXES, article_iri, claim_iri, source_iri

SLUG = "2024-07-15-dailynk-military-construction-workers-russia"
_SIMPLE_LOCAL = re.compile(r"^[A-Za-z_][A-Za-z0-9_-]*$")
Pick = Callable[[Dataset], list[URIRef]]


def term(node: object) -> str:
    """A term as written in the page's Turtle: relative data IRIs, prefixed names, literals."""
    if isinstance(node, URIRef):
        text = str(node)
        if text.startswith(ID):
            return f"<{text[len(ID):]}>"
        for prefix, ns in PREFIXES.items():
            local = text[len(str(ns)):]
            if prefix != "lgid" and text.startswith(str(ns)) and _SIMPLE_LOCAL.match(local):
                return "a" if node == RDF.type else f"{prefix}:{local}"
        return f"<{text}>"
    if isinstance(node, Literal):
        if node.datatype is not None:
            lexical = Literal(str(node)).n3()
            return f"{lexical}^^{term(node.datatype)}"
        return node.n3()
    raise TypeError(f"unexpected node {node!r}")


def turtle(ds: Dataset, subjects: Iterable[URIRef], *, only: dict[URIRef, set[URIRef]] | None = None) -> str:
    """The triples of ``subjects`` (all graphs), grouped by subject, sorted; ``only`` limits predicates."""
    blocks = []
    for s in subjects:
        triples = sorted({(p, o) for _, p, o, _ in ds.quads((s, None, None, None))
                          if only is None or s not in only or p in only[s]},
                         key=lambda po: (po[0] != RDF.type, term(po[0]), term(po[1])))
        lines = [f"    {term(p)} {term(o)}" for p, o in triples]
        blocks.append(term(s) + "\n" + " ;\n".join(lines) + " .")
    return "\n\n".join(blocks)


def _claim(cid: str) -> URIRef:
    return claim_iri(SLUG, cid)


def _under(ds: Dataset, prefix: URIRef) -> list[URIRef]:
    return sorted({s for s, _, _, _ in ds.quads((None, None, None, None))
                   if isinstance(s, URIRef) and str(s).startswith(str(prefix) + "/")})


def _statements(ds: Dataset, claim: URIRef, predicate: URIRef) -> list[URIRef]:
    """The statements ``claim`` supports whose predicate is ``predicate``."""
    found = {o for _, _, o, _ in ds.quads((claim, LG.supports, None, None))}
    return sorted(s for s in found if any(ds.quads((s, RDF.predicate, predicate, None))))


@dataclass(frozen=True)
class Section:
    title: str
    prose: str
    pick: Pick
    only: Callable[[Dataset], dict[URIRef, set[URIRef]]] | None = None


def _claim_without_supports(cid: str) -> Callable[[Dataset], dict[URIRef, set[URIRef]]]:
    def only(ds: Dataset) -> dict[URIRef, set[URIRef]]:
        c = _claim(cid)
        keep = {p for _, p, _, _ in ds.quads((c, None, None, None)) if p != LG.supports}
        return {c: keep}

    return only


SECTIONS = (
    Section(
        "A claim, its quote and where the quote sits",
        "The claim `deployment-hundreds-early-june` of the seed mapping. `lg:quote` holds the words "
        "exactly as they stand in the article text; `lg:quoteSpan` points at a Web Annotation "
        "`oa:SpecificResource` with two selectors: `oa:TextQuoteSelector` (the exact words with 40 "
        "characters of context either side) and `oa:TextPositionSelector` (code-point offsets into the "
        "text). `prov:wasAttributedTo` names the source, `prov:wasDerivedFrom` the article, "
        "`lg:quotationKind` whether the words are the source's (direct quotation), the outlet reporting "
        "them (paraphrase) or the outlet's own (narration), and `lg:hedge` is `lgc:unhedged` when the "
        "claim carries no hedge. `lg:mappingFile` and `lg:mappingLine` lead back to the YAML. "
        "(`lg:supports` is left out here; see the next section.)",
        lambda ds: [_claim("deployment-hundreds-early-june"),
                    *[v for v in _under(ds, _claim("deployment-hundreds-early-june")) if "/span/" in str(v)]],
        _claim_without_supports("deployment-hundreds-early-june"),
    ),
    Section(
        "Statements: `lg:supports` and `lg:about`",
        "Each fact a claim states is written twice: as the plain triple (in the article's graph, what "
        "queries use) and as an `rdf:Statement` with that subject, predicate and object, which the claim "
        "`lg:supports`. A statement's IRI is a hash of its triple, so two claims (in any article) stating "
        "the same fact support the same statement: that is how corroboration is counted. `lg:about` is "
        "coarser: it links the claim to each thing it says something about, for browsing, without saying "
        "what. Below: the statement that the deployment's destination is the Russian Far East, and the "
        "plain triple beside it.",
        lambda ds: _statements(ds, _claim("deployment-hundreds-early-june"), LG.destination),
    ),
    Section(
        "Bounds and times with their precision",
        "Vague numbers keep their bounds and the article's words: \"hundreds\" is `schema:minValue 100` with "
        "no maximum, `lg:wording \"hundreds\"`. A time is an `lg:TimeSpec` holding the earliest and latest "
        "day it can mean, its `lg:precision` (day, month, part-of-month, year ...) and the wording: "
        "\"early June\" is 1 to 10 June 2024 at part-of-month precision, never 1 June. Value nodes are "
        "minted under the claim that states them (`…/claim/ID/value/THING.PROPERTY`).",
        lambda ds: [v for v in _under(ds, _claim("deployment-hundreds-early-june")) if "/value/" in str(v)],
    ),
    Section(
        "Hedges and money",
        "A hedge is data on the claim: `lg:hedge` (a concept of the hedge scheme) and `lg:hedgeWording` "
        "(the article's words). Money is a `schema:MonetaryAmount` with the amount, the ISO 4217 currency, "
        "the period it is paid per (`lg:per`) and `lg:approximate` for \"about\".",
        lambda ds: [_claim("managers-earn-about-10000-usd"),
                    *[v for v in _under(ds, _claim("managers-earn-about-10000-usd")) if "/value/" in str(v)]],
        lambda ds: {_claim("managers-earn-about-10000-usd"): {LG.hedge, LG.hedgeWording, LG.quote}},
    ),
    Section(
        "Inferred dates",
        "\"Wednesday\" in an article published on Monday 15 July 2024 is worked out as 10 July 2024: "
        "`lg:inferred true` says the analyst derived the day, and `lg:relativeTo` names what it was "
        "derived from (the article, for its publication date).",
        lambda ds: [v for v in _under(ds, _claim("source-anonymous-in-russia")) if "/value/" in str(v)],
    ),
    Section(
        "Sources and their chain",
        "Sources are per article. An anonymous informant (`lgc:anonymous-informant`) `lg:informed` the "
        "outlet; the outlet's own voice is a source `lg:identifiedAs` the outlet. Queries follow "
        "`lg:informed` to see how many links a claim passed through.",
        lambda ds: [source_iri(SLUG, "daily-nk-voice"), source_iri(SLUG, "source-in-russia")],
    ),
    Section(
        "The article, the publication anchor",
        "The article node holds the publication date-time as the article gives it (no time zone when it "
        "gives none), the publisher, the language and the text length; relative dates are anchored to it.",
        lambda ds: [article_iri(SLUG)],
    ),
)


def _plain_triples(ds: Dataset, statements: list[URIRef]) -> str:
    lines = []
    for st in statements:
        s, p, o = (next(q[2] for q in ds.quads((st, x, None, None))) for x in (RDF.subject, RDF.predicate,
                                                                                RDF.object))
        for _ in ds.quads((s, p, o, None)):
            lines.append(f"{term(s)} {term(p)} {term(o)} .")
            break
    return "\n".join(lines)


def prefix_lines() -> str:
    """The Turtle header every snippet on the page is read with."""
    names = [p for p in PREFIXES if p != "lgid"]
    return "\n".join([f"@base <{ID}> ."] + [f"@prefix {p}: <{PREFIXES[p]}> ." for p in names])


def rdf_model_markdown(ds: Dataset) -> str:
    """The page, from the seed mapping's built dataset (``load_and_build(tests/fixtures/seed)``)."""
    out = [
        "# What one claim looks like in RDF",
        "",
        "<!-- Generated from tests/fixtures/seed by laborgraph.export.rdfmodel; a test fails when it is "
        "stale. Regenerate: pytest tests/test_rdfmodel.py --update-golden -->",
        "",
        "Real triples of the seed mapping (`tests/fixtures/seed/articles/" + SLUG + ".yaml`), in Turtle. "
        "Data IRIs live under `" + ID + "` and are written here relative to it. In SPARQL the same "
        "namespace is the predeclared prefix `lgid:`; because the rest of a data IRI contains `/`, write "
        "it in full (`<" + ID + "entity/russia>`) or, with the default Oxigraph engine, escape the "
        "slashes (`lgid:entity\\/russia`); `lgid:entity/russia` is a syntax error. The IRI pattern:",
        "",
        "| thing | IRI under `lgid:` |",
        "|---|---|",
        "| registry entity | `entity/ID` |",
        "| article | `article/SLUG` (its named graph: `graph/article/SLUG`) |",
        "| entity declared in an article | `article/SLUG/entity/ID` |",
        "| source | `article/SLUG/source/ID` |",
        "| claim | `article/SLUG/claim/ID` |",
        "| quote span, selectors | `article/SLUG/claim/ID/span/N`, `…/span/N/quote`, `…/span/N/position` |",
        "| value (time, quantity, money) | `article/SLUG/claim/ID/value/THING.PROPERTY` |",
        "| statement | `statement/HASH` (a hash of its subject, predicate and object) |",
        "| analyst, analyst note | `analyst/ID`, `note/ID` |",
        "",
        "Prefixes used below (every query has them predeclared, see `laborgraph prefixes`):",
        "",
        "```turtle",
        prefix_lines(),
        "```",
    ]
    for section in SECTIONS:
        nodes = section.pick(ds)
        only = section.only(ds) if section.only else None
        out += ["", f"## {section.title}", "", section.prose, "", "```turtle", turtle(ds, nodes, only=only)]
        if section.title.startswith("Statements"):
            out += ["", "# the plain triple, in the article's graph", _plain_triples(ds, nodes)]
        out.append("```")
    return "\n".join(out) + "\n"
