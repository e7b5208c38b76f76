"""The forms of the corpus rules and QC checks that a full pass runs: other words, the same rows.

A rule's text is written to be fast bound to a few nodes (an edit's). Over the whole
corpus some read it faster in another form: Oxigraph joins a triple pattern to the rows
before it by a lookup per row, and a lookup in RocksDB costs about 10 us, while a pattern
in a sub-select of its own is read by one scan and joined by hashing. Each form is the
rule's text (comments dropped, whitespace collapsed) with fragments replaced; when a
fragment is no longer in the text (the rule was edited), the rule runs as written.
Tests check that each form is in use and gives the rule's rows
(tests/test_fullpass_forms.py, tests/test_checks.py).
"""

from __future__ import annotations

from collections.abc import Iterable

from ..corroboration import chain_subquery

# The forms of the QC checks and corpus rules that read an on-disk store by scans (``scanning_form``): each
# replaces fragments of the text (compared with its whitespace collapsed) by others with the same rows.
_STATEMENT = "{ SELECT ?statement WHERE { ?statement a rdf:Statement } }"
SCANS = {
    "orphan-statement-violation": (
        ("?statement a rdf:Statement . FILTER NOT EXISTS { ?evidence lg:supports ?statement }",
         _STATEMENT + " MINUS { ?evidence lg:supports ?statement }"),
        # the triples of the predicates statements have, but rdf:type, are one scan each and a MINUS: at 10,000
        # synthetic articles 425,000 lookups of 14 us, 10.5 -> 5.2 s of CPU for 150 MB more (460 MB); a typed
        # statement's triple (50,000; rdf:type has 15 times as many triples) is still looked up. As MINUS over
        # every triple of those predicates it was 800 MB; over those of the nodes statements are about, 637 MB.
        ("?statement a rdf:Statement ; rdf:subject ?s ; rdf:predicate ?p ; rdf:object ?o . "
         "FILTER NOT EXISTS { ?s ?p ?o }",
         _STATEMENT + " { SELECT ?statement ?s WHERE { ?statement rdf:subject ?s } }"
         " { SELECT ?statement ?p WHERE { ?statement rdf:predicate ?p } }"
         " { SELECT ?statement ?o WHERE { ?statement rdf:object ?o } }"
         " MINUS { { SELECT DISTINCT ?p WHERE { ?stated rdf:predicate ?p FILTER (!sameTerm(?p, rdf:type)) } }"
         " ?s ?p ?o }"
         " FILTER (!sameTerm(?p, rdf:type) || NOT EXISTS { ?s ?p ?o })")),
    "fact-without-claim-violation": (
        ("OPTIONAL { ?st rdf:subject ?subject ; rdf:predicate ?predicate ; rdf:object ?object . "
         "?support lg:supports ?st . } FILTER (!BOUND(?support))",
         "MINUS { { SELECT ?st ?subject WHERE { ?st rdf:subject ?subject } }"
         " { SELECT ?st ?predicate WHERE { ?st rdf:predicate ?predicate } }"
         " { SELECT ?st ?object WHERE { ?st rdf:object ?object } }"
         " { SELECT DISTINCT ?st WHERE { ?support lg:supports ?st } } }"),),
    "claim-quote-violation": (
        ("?claim a lg:Claim . FILTER NOT EXISTS { ?claim lg:quote ?q }",
         "{ SELECT ?claim WHERE { ?claim a lg:Claim } } MINUS { ?claim lg:quote ?q }"),
        ("?claim a lg:Claim ; prov:wasDerivedFrom ?article ; lg:quoteSpan ?span . ?article lg:textLength ?length . "
         "OPTIONAL { ?span oa:hasSelector ?sel . ?sel a oa:TextPositionSelector }",
         "{ SELECT ?claim WHERE { ?claim a lg:Claim } } "
         "{ SELECT ?claim ?article WHERE { ?claim prov:wasDerivedFrom ?article } } "
         "{ SELECT ?claim ?span WHERE { ?claim lg:quoteSpan ?span } } "
         "{ SELECT ?article ?length WHERE { ?article lg:textLength ?length } } "
         "OPTIONAL { { SELECT ?span ?sel WHERE { ?span oa:hasSelector ?sel } } "
         "{ SELECT ?sel WHERE { ?sel a oa:TextPositionSelector } } }")),
    # no other claim supports ?st exactly when ?st has one supporter: ?this, which supports it
    "Claim-hedgedSoleSupport": (
        ("?this lg:hedge ?h ; lg:supports ?st . FILTER (?h != lgc:unhedged) "
         'BIND (STRAFTER(STR(?h), "concept/") AS ?hedge) ?st rdf:subject ?about . ?this lg:about ?about . '
         "FILTER NOT EXISTS { ?other lg:supports ?st . FILTER (?other != ?this) }",
         "{ SELECT ?this ?h WHERE { ?this lg:hedge ?h } } FILTER (?h != lgc:unhedged) "
         'BIND (STRAFTER(STR(?h), "concept/") AS ?hedge) { SELECT ?this ?st WHERE { ?this lg:supports ?st } } '
         "{ SELECT ?st ?about WHERE { ?st rdf:subject ?about } } "
         "{ SELECT ?this ?about WHERE { ?this lg:about ?about } } "
         "{ SELECT ?st WHERE { ?other lg:supports ?st } GROUP BY ?st HAVING (COUNT(DISTINCT ?other) = 1) }"),),
}


# A corpus rule's form for a run over every focus node (``full_form``), the same way.
# SingleAnonymousSource: unbound, the claims sharing a fact with ``$this`` are every claim that supports
# a fact, so its chain block, limited to them for a bound run, is the plain one; and only claims with an
# anonymous source can be reported, so only their facts are grouped.
_SHARING = "?this lg:supports ?chainFact . ?claim lg:supports ?chainFact"
_SUPPORTED = "?this lg:supports ?st . ?claim lg:supports ?st ."
FULL = {
    "SingleAnonymousSource-uncorroborated": (
        (chain_subquery(among=_SHARING), chain_subquery()),
        (_SUPPORTED, "?this prov:wasAttributedTo ?anonymous . ?anonymous lg:sourceKind lgc:anonymous-informant . "
                     + _SUPPORTED)),
}


# SingleAnonymousSource on disk: its full form with the chain block read by scans. The claims' three patterns
# are sub-selects joined by hashing, and what the chain reads of an article (its original, the original's first
# twin, outlet and citation) is found once an article, not once a claim (10,000 articles, 50,000 claims); the
# sources' identities are one scan. The same rows: the article block projects all the rest of the chain reads.
_CLAIM_PATTERNS = ("?claim a lg:Claim ; prov:wasDerivedFrom ?chainArticle ; prov:wasAttributedTo ?chainSource . "
                   "?chainArticle lg:republishes* ?chainOriginal .")
_CLAIM_SCANS = ("{ SELECT ?claim WHERE { ?claim a lg:Claim } } "
                "{ SELECT ?claim ?chainArticle WHERE { ?claim prov:wasDerivedFrom ?chainArticle } } "
                "{ SELECT ?claim ?chainSource WHERE { ?claim prov:wasAttributedTo ?chainSource } } "
                "{ SELECT ?chainArticle ?chainEdition ?chainOutlet ?chainCited WHERE { "
                "{ SELECT DISTINCT ?chainArticle WHERE { ?chainCopy prov:wasDerivedFrom ?chainArticle } } "
                "?chainArticle lg:republishes* ?chainOriginal .")
_VIA = ('BIND (IF(COALESCE(?chainFirst, "") != "", ?chainFirstCited, ?chainOwnCited) AS ?chainCited) '
        "OPTIONAL { ?chainSource lg:identifiedAs|lg:informed ?chainVia .")
_VIA_SCANS = ('BIND (IF(COALESCE(?chainFirst, "") != "", ?chainFirstCited, ?chainOwnCited) AS ?chainCited) } } '
              "OPTIONAL { { SELECT ?chainSource ?chainVia WHERE "
              "{ ?chainSource lg:identifiedAs|lg:informed ?chainVia } }")
SCANS["SingleAnonymousSource-uncorroborated"] = (
    *FULL["SingleAnonymousSource-uncorroborated"], (_CLAIM_PATTERNS, _CLAIM_SCANS), (_VIA, _VIA_SCANS))


def _collapsed(query: str) -> str:
    """``query`` without its comment lines, its whitespace runs made one space."""
    return " ".join(" ".join(line for line in query.splitlines() if not line.lstrip().startswith("#")).split())


def _rewritten(query: str, fragments: Iterable[tuple[str, str]]) -> str | None:
    """``query`` (collapsed) with each fragment replaced, or None when one is not in its text."""
    text = _collapsed(query)
    for old, new in fragments:
        old, new = _collapsed(old), _collapsed(new)
        if old not in text:
            return None
        text = text.replace(old, new)
    return text


def full_form(name: str, query: str) -> str:
    """The corpus rule ``name``'s ``query`` in its form for every focus node at once (``FULL``), the same rows.

    At 10,000 synthetic articles SingleAnonymousSource took 17.5 s of CPU on the on-disk
    store, 10.1 s in this form (0.64 -> 0.31 s in memory at 2,000). A form whose fragments
    are no longer in the rule's text is not used: the rule then runs as written.
    """
    return (_rewritten(query, FULL[name]) or query) if name in FULL else query


def scanning_form(name: str, query: str) -> str | None:
    """The check or rule ``name``'s ``query`` in the form an on-disk store answers fastest in full, or None.

    Oxigraph joins a triple pattern to the rows before it by a lookup per row, and a
    lookup in RocksDB costs about 10 us: the orphan-statement and fact-without-claim
    checks made several per reified statement (15.5 and 16.4 s of CPU at 10,000 synthetic
    articles, 9.4 (now 6.9) and 5.2 s in these forms; hedgedSoleSupport 5.0 -> 3.1 s, claim-quote 3.5 -> 0.4 s,
    SingleAnonymousSource in its full form 13.4 -> 7.5 s, its chains read once an article). Each pattern
    in a sub-select of its own is read by one scan and joined by hashing, and ``FILTER NOT
    EXISTS`` or ``OPTIONAL ... !BOUND`` over patterns whose variables the row binds is
    ``MINUS`` (the same rows: the row binds the variables they share). In memory a lookup
    is cheap and these forms are slower (hedgedSoleSupport at 2,000 articles 0.16 -> 0.43 s),
    and bound to a few nodes they would still read the whole corpus: only a full pass on
    disk uses them. None when ``name`` has none or a fragment is no longer in its text.
    """
    return _rewritten(query, SCANS[name]) if name in SCANS else None


__all__ = ["FULL", "SCANS", "full_form", "scanning_form"]
