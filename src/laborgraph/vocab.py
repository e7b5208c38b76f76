"""The one place where laborgraph writes IRIs.

``LG`` is closed: a misspelt term name raises instead of minting a new IRI,
and a test checks that ``LG`` and ``ontology/laborgraph.ttl`` list the same
terms. Data IRIs are minted only by the helpers below, from article slugs and
mapping ids, so re-building the same mappings gives the same IRIs.

Importing this module imports no rdflib: the namespaces and graph IRIs are plain strings
(``NAMESPACE_IRIS`` ...), and the rdflib-valued names (``LG``, ``PREFIXES``, the IRI helpers'
``URIRef``) are made from them when first used, so ``laborgraph query`` on an up-to-date
cache never pays for rdflib's import.

Long: the closed ``LG`` namespace lists every ontology term, one per line, so that a
diff shows each term added or removed.

>>> from laborgraph.vocab import LG  # made on first use (a doctest's globals are copied before)
>>> str(LG.Claim)
'https://w3id.org/laborgraph/ns#Claim'
>>> str(claim_iri("2024-07-15-dailynk-x", "c01-deployment"))
'https://w3id.org/laborgraph/id/article/2024-07-15-dailynk-x/claim/c01-deployment'
"""

from __future__ import annotations

import hashlib
import threading
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from rdflib import Graph, Namespace, URIRef
    from rdflib.namespace import (
        DCTERMS,
        ORG,
        OWL,
        PROV,
        RDF,
        RDFS,
        SDO,
        SKOS,
        TIME,
        XSD,
        DefinedNamespace,
    )

__all__ = [
    "DCTERMS", "LG", "LGC", "OA", "ORG", "OWL", "PREFIXES", "PROV", "RDF", "RDFS",
    "SDO", "SKOS", "TIME", "XSD",
]

ID = "https://w3id.org/laborgraph/id/"

# The namespaces as plain strings. Importing this module imports no rdflib: `laborgraph query`
# reads only these strings, and rdflib's import (about 0.08 s) was a third of that command's
# fixed cost. rdflib's terms (LG, PREFIXES, URIRef constants ...) are made from them on first use.
NAMESPACE_IRIS: dict[str, str] = {
    "lg": "https://w3id.org/laborgraph/ns#",
    "lgc": "https://w3id.org/laborgraph/concept/",
    "lgid": ID,
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "owl": "http://www.w3.org/2002/07/owl#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "prov": "http://www.w3.org/ns/prov#",
    "schema": "https://schema.org/",
    "org": "http://www.w3.org/ns/org#",
    "time": "http://www.w3.org/2006/time#",
    "oa": "http://www.w3.org/ns/oa#",
    "dcterms": "http://purl.org/dc/terms/",
}
ONTOLOGY_IRI_TEXT = "https://w3id.org/laborgraph/ns"
WIKIDATA_IRI = "http://www.wikidata.org/entity/"
SHACL = "http://www.w3.org/ns/shacl#"  # SHACL's namespace, for validation reports
REGISTRY_GRAPH_IRI = f"{ID}graph/registry"
ONTOLOGY_GRAPH_IRI = f"{ID}graph/ontology"
ARTICLE_GRAPH_BASE = f"{ID}graph/article/"
# only in the compiled shapes' scratch store: every typed node's rdf:type/rdfs:subClassOf* classes
INSTANCES_GRAPH = f"{ID}graph/instances"


class _LGTerms:
    """laborgraph's own terms (ontology/laborgraph.ttl); ``LG`` is made from these names."""

    # classes
    Analyst: URIRef
    AnalystNote: URIRef
    Article: URIRef
    Attitude: URIRef
    Behaviour: URIRef
    BorderClosure: URIRef
    Brokerage: URIRef
    Claim: URIRef
    Company: URIRef
    ControlMeasure: URIRef
    CountMethod: URIRef
    Deduction: URIRef
    Credibility: URIRef
    Deployment: URIRef
    Earnings: URIRef
    Employment: URIRef
    Exit: URIRef
    ExitKind: URIRef
    ForcedLabourIndicator: URIRef
    Grading: URIRef
    Hedge: URIRef
    IndicatorCoding: URIRef
    JourneyLeg: URIRef
    LegalStatus: URIRef
    MaritalStatus: URIRef
    MeasureKind: URIRef
    MediaKind: URIRef
    Occupation: URIRef
    OfficialReport: URIRef
    Outlet: URIRef
    Payment: URIRef
    PaymentKind: URIRef
    PayStatus: URIRef
    Penalty: URIRef
    PenaltyKind: URIRef
    Permission: URIRef
    PersonGroup: URIRef
    Practice: URIRef
    Precision: URIRef
    Price: URIRef
    Prohibition: URIRef
    QuotationKind: URIRef
    Rank: URIRef
    Reliability: URIRef
    Role: URIRef
    Rule: URIRef
    SanctionsProvision: URIRef
    Sector: URIRef
    Situation: URIRef
    Source: URIRef
    SourceKind: URIRef
    SourceNetwork: URIRef
    Stage: URIRef
    StateAuthority: URIRef
    Statistic: URIRef
    TimeSpec: URIRef
    TransportMode: URIRef
    WorkerGroup: URIRef
    WorkforcePresence: URIRef

    # properties
    about: URIRef
    adoptedOn: URIRef
    affiliatedWith: URIRef
    ageBand: URIRef
    aheadOf: URIRef
    amount: URIRef
    anonymous: URIRef
    appliedBy: URIRef
    appliedTo: URIRef
    approximate: URIRef
    before: URIRef
    behaviour: URIRef
    broker: URIRef
    cause: URIRef
    children: URIRef
    circumstance: URIRef
    cites: URIRef
    citesOriginal: URIRef
    claimId: URIRef
    closedBy: URIRef
    coding: URIRef
    concerns: URIRef
    concernsBehaviour: URIRef
    contactTime: URIRef
    contractor: URIRef
    contractTerm: URIRef
    contrastedWith: URIRef
    countedBy: URIRef
    counterparty: URIRef
    countMethod: URIRef
    crossingPoint: URIRef
    datePrecision: URIRef
    credibility: URIRef
    deadline: URIRef
    deductedFrom: URIRef
    description: URIRef
    destination: URIRef
    device: URIRef
    documentSymbol: URIRef
    earliest: URIRef
    earner: URIRef
    employer: URIRef
    employment: URIRef
    euSanctionsId: URIRef
    exitKind: URIRef
    frequency: URIRef
    gradeCode: URIRef
    grading: URIRef
    hedge: URIRef
    hedgeWording: URIRef
    holder: URIRef
    identifiedAs: URIRef
    immediate: URIRef
    indicator: URIRef
    inferred: URIRef
    informed: URIRef
    intermediary: URIRef
    isicCode: URIRef
    item: URIRef
    latest: URIRef
    legalStatus: URIRef
    legNumber: URIRef
    legOf: URIRef
    linksParty: URIRef
    locatedIn: URIRef
    location: URIRef
    maintainedBy: URIRef
    manages: URIRef
    mappedBy: URIRef
    mappedOn: URIRef
    mappingFile: URIRef
    mappingLine: URIRef
    maritalStatus: URIRef
    measureKind: URIRef
    media: URIRef
    obtainedThrough: URIRef
    occupation: URIRef
    ofacSanctionsId: URIRef
    ongoing: URIRef
    origin: URIRef
    paragraph: URIRef
    payee: URIRef
    payer: URIRef
    paymentKind: URIRef
    payStatus: URIRef
    penalty: URIRef
    penaltyKind: URIRef
    per: URIRef
    permittedAt: URIRef
    playsRole: URIRef
    practitioner: URIRef
    precision: URIRef
    prevents: URIRef
    priorDeployment: URIRef
    quotationKind: URIRef
    quote: URIRef
    quoteSpan: URIRef
    rank: URIRef
    reasonText: URIRef
    regulates: URIRef
    relativeTo: URIRef
    reliability: URIRef
    repetition: URIRef
    reports: URIRef
    republishes: URIRef
    requirement: URIRef
    resolution: URIRef
    restDays: URIRef
    sector: URIRef
    sendingCompany: URIRef
    sentBy: URIRef
    share: URIRef
    shareOf: URIRef
    shiftEnd: URIRef
    shifts: URIRef
    shiftStart: URIRef
    size: URIRef
    sourceKind: URIRef
    stage: URIRef
    stance: URIRef
    statistic: URIRef
    subgroupOf: URIRef
    submittedBy: URIRef
    submittedTo: URIRef
    supports: URIRef
    tableRef: URIRef
    target: URIRef
    textDigest: URIRef
    textLength: URIRef
    time: URIRef
    translatedBy: URIRef
    translation: URIRef
    transportMode: URIRef
    ukSanctionsId: URIRef
    unSanctionsId: URIRef
    wording: URIRef
    workers: URIRef
    workHours: URIRef


class _OATerms:
    """The W3C Web Annotation terms laborgraph uses to locate quotes; ``OA`` is made from these names."""

    SpecificResource: URIRef
    TextQuoteSelector: URIRef
    TextPositionSelector: URIRef
    hasSource: URIRef
    hasSelector: URIRef
    exact: URIRef
    prefix: URIRef
    suffix: URIRef
    start: URIRef
    end: URIRef


if TYPE_CHECKING:
    class LG(_LGTerms, DefinedNamespace):
        """laborgraph's own terms (ontology/laborgraph.ttl)."""

    class OA(_OATerms, DefinedNamespace):
        """The W3C Web Annotation terms laborgraph uses to locate quotes."""

    LGC: Namespace  # concepts are data (ontology/concepts.ttl), so their namespace stays open
    WIKIDATA: Namespace
    PREFIXES: dict[str, Namespace]
    ENTITY_TYPES: dict[str, URIRef]  # entity types an analyst may write in a mapping, by name
    REUSED_PROPERTIES: dict[str, tuple[URIRef, str]]  # standard properties a mapping may state, with their values
    BUILDER_PROPERTIES: frozenset[URIRef]  # lg properties the builder writes itself; `states` may not use them
    ONTOLOGY_IRI: URIRef
    REGISTRY_GRAPH: URIRef
    ONTOLOGY_GRAPH: URIRef
    ENTITY_BASE: URIRef  # registry entities; validated once, with the registry
else:
    def URIRef(value: str) -> Any:
        """Stands in for rdflib's class until the first IRI is made, which loads rdflib's terms and this name."""
        _load_terms()
        return URIRef(value)

    def __getattr__(name: str) -> Any:
        """rdflib's terms, made on first use (PEP 562): ``from .vocab import LG`` loads rdflib; reading
        the plain strings above does not."""
        if name in _RDFLIB_NAMES:
            _load_terms()
            return globals()[name]
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


_RDFLIB_NAMES = frozenset({
    "DCTERMS", "ORG", "OWL", "PROV", "RDF", "RDFS", "SDO", "SKOS", "TIME", "XSD", "Namespace",
    "LG", "OA", "LGC", "WIKIDATA", "PREFIXES", "ENTITY_TYPES", "REUSED_PROPERTIES", "BUILDER_PROPERTIES",
    "ONTOLOGY_IRI", "REGISTRY_GRAPH", "ONTOLOGY_GRAPH", "ENTITY_BASE",
})


def _load_terms() -> None:
    """Import rdflib and make this module's rdflib-valued names (once; the same values as ever)."""
    if _made:
        return
    with _making:
        if not _made:
            _make_terms()
            _made.append(True)


_made: list[bool] = []  # [True] once the names are made
_making = threading.Lock()  # a thread of `serve` never sees half of them


def _make_terms() -> None:
    from rdflib import Namespace, URIRef
    from rdflib import namespace as std

    g = globals()
    g.update(URIRef=URIRef, Namespace=Namespace, DCTERMS=std.DCTERMS, ORG=std.ORG, OWL=std.OWL, PROV=std.PROV,
             RDF=std.RDF, RDFS=std.RDFS, SDO=std.SDO, SKOS=std.SKOS, TIME=std.TIME, XSD=std.XSD,
             LGC=Namespace(NAMESPACE_IRIS["lgc"]), WIKIDATA=Namespace(WIKIDATA_IRI),
             ONTOLOGY_IRI=URIRef(ONTOLOGY_IRI_TEXT), REGISTRY_GRAPH=URIRef(REGISTRY_GRAPH_IRI),
             ONTOLOGY_GRAPH=URIRef(ONTOLOGY_GRAPH_IRI), ENTITY_BASE=URIRef(f"{ID}entity/"))
    oa = _defined("OA", _OATerms, NAMESPACE_IRIS["oa"])
    g["OA"] = oa
    g["LG"] = _defined("LG", _LGTerms, NAMESPACE_IRIS["lg"])
    g["PREFIXES"] = {**{p: Namespace(iri) for p, iri in NAMESPACE_IRIS.items()},
                     "lg": LG._NS, "lgc": g["LGC"], "oa": oa._NS}
    g["ENTITY_TYPES"] = {
        "Country": SDO.Country,
        "Place": SDO.Place,
        "Person": SDO.Person,
        "Organization": ORG.Organization,
        "Event": SDO.Event,
        "Product": SDO.Product,
        "MedicalCondition": SDO.MedicalCondition,
        "Outlet": LG.Outlet,
        "StateAuthority": LG.StateAuthority,
        "Company": LG.Company,
        "PersonGroup": LG.PersonGroup,
        "WorkerGroup": LG.WorkerGroup,
        "Deployment": LG.Deployment,
        "WorkforcePresence": LG.WorkforcePresence,
        "BorderClosure": LG.BorderClosure,
        "ControlMeasure": LG.ControlMeasure,
        "Prohibition": LG.Prohibition,
        "Permission": LG.Permission,
        "Penalty": LG.Penalty,
        "Earnings": LG.Earnings,
        "Price": LG.Price,
        "Practice": LG.Practice,
        "Attitude": LG.Attitude,
        "Brokerage": LG.Brokerage,
        "Situation": LG.Situation,
        "SourceNetwork": LG.SourceNetwork,
        "SanctionsProvision": LG.SanctionsProvision,
        "JourneyLeg": LG.JourneyLeg,
        "Employment": LG.Employment,
        "Payment": LG.Payment,
        "Deduction": LG.Deduction,
        "Exit": LG.Exit,
        "OfficialReport": LG.OfficialReport,
    }
    g["REUSED_PROPERTIES"] = {
        "schema:attendee": (SDO.attendee, "entity"),
        "schema:location": (SDO.location, "entity"),
        "schema:containedInPlace": (SDO.containedInPlace, "entity"),
        "schema:publisher": (SDO.publisher, "entity"),
        "schema:datePublished": (SDO.datePublished, "datetime"),
        "schema:startDate": (SDO.startDate, "date"),
    }
    g["BUILDER_PROPERTIES"] = frozenset({
        LG.about, LG.approximate, LG.before, LG.cites, LG.claimId, LG.earliest, LG.hedge,
        LG.hedgeWording, LG.inferred, LG.latest, LG.mappedBy, LG.mappedOn, LG.mappingFile,
        LG.mappingLine, LG.per, LG.precision, LG.quotationKind, LG.quote, LG.quoteSpan,
        LG.relativeTo, LG.supports, LG.textLength, LG.wording, LG.sourceKind, LG.informed,
        LG.identifiedAs, LG.coding, LG.indicator, LG.statistic, LG.datePrecision, LG.translation,
        LG.translatedBy, LG.isicCode,
        # corroboration (ontology/corroboration.ttl): written from article/source/claim keys, not `states`
        LG.citesOriginal, LG.republishes, LG.textDigest, LG.grading, LG.reliability, LG.credibility,
        LG.gradeCode,
    })


def _defined(name: str, terms: type, iri: str) -> Any:
    """A closed rdflib ``DefinedNamespace`` of ``terms``' names, each term stored on the class: rdflib
    resolves a term in its metaclass's ``__getattr__`` on every use, minting a new, IRI-checked URIRef
    each time (the builder looks up hundreds an article). Undeclared names still go there, and still fail."""
    from rdflib import Namespace
    from rdflib.namespace import DefinedNamespace, DefinedNamespaceMeta

    names = dict(terms.__annotations__)
    ns = DefinedNamespaceMeta(name, (DefinedNamespace,), {
        "__doc__": (terms.__doc__ or "").split(";")[0] + ".", "__module__": __name__, "__qualname__": name,
        "__annotations__": names, "_NS": Namespace(iri), "_fail": True})
    for term in names:
        setattr(ns, term, ns._NS[term])
    return ns


def article_iri(slug: str) -> URIRef:
    return URIRef(f"{ID}article/{slug}")


def article_graph_iri(slug: str) -> URIRef:
    return URIRef(f"{ARTICLE_GRAPH_BASE}{slug}")


def claim_iri(slug: str, claim_id: str) -> URIRef:
    return URIRef(f"{ID}article/{slug}/claim/{claim_id}")


def source_iri(slug: str, source_id: str) -> URIRef:
    return URIRef(f"{ID}article/{slug}/source/{source_id}")


def local_entity_iri(slug: str, entity_id: str) -> URIRef:
    return URIRef(f"{ID}article/{slug}/entity/{entity_id}")


def entity_iri(entity_id: str) -> URIRef:
    """A registry entity, shared by every article that mentions it."""
    return URIRef(f"{ID}entity/{entity_id}")


def analyst_iri(analyst_id: str) -> URIRef:
    return URIRef(f"{ID}analyst/{analyst_id}")


def note_iri(note_id: str) -> URIRef:
    return URIRef(f"{ID}note/{note_id}")


def value_iri(owner: URIRef, key: str) -> URIRef:
    """A time, quantity or money node, minted under the claim or note that states it."""
    return URIRef(f"{owner}/value/{key}")


def span_iri(claim: URIRef, index: int) -> URIRef:
    """The ``index``-th quote span of a claim (a Web Annotation SpecificResource)."""
    return URIRef(f"{claim}/span/{index}")


def selector_iri(span: URIRef, kind: str) -> URIRef:
    """A span's selector: ``kind`` is "quote" (TextQuoteSelector) or "position" (TextPositionSelector)."""
    return URIRef(f"{span}/{kind}")


def coding_iri(claim: URIRef, notation: str) -> URIRef:
    return URIRef(f"{claim}/coding/{notation}")


def grading_iri(owner: URIRef, index: int) -> URIRef:
    """The ``index``-th grading of a source or claim."""
    return URIRef(f"{owner}/grading/{index}")


def claim_of(iri: str) -> str | None:
    """The claim a node is minted under (its span, value or coding), or the claim itself; None if none.

    >>> claim_of(f"{ID}article/a/claim/c01/span/1")
    'https://w3id.org/laborgraph/id/article/a/claim/c01'
    """
    if not iri.startswith(f"{ID}article/") or "/claim/" not in iri:
        return None
    head, tail = iri.split("/claim/", 1)
    return f"{head}/claim/{tail.split('/', 1)[0]}"


def article_slug_of(iri: str) -> str | None:
    """The slug of the article an IRI is minted under (article, claim, source, local entity ...).

    >>> article_slug_of(f"{ID}article/2024-07-15-x-y/claim/c01")
    '2024-07-15-x-y'
    """
    for base in (f"{ID}article/", f"{ID}graph/article/"):
        if iri.startswith(base):
            return iri[len(base):].split("/", 1)[0]
    return None


def local_entity_of(iri: str) -> tuple[str, str] | None:
    """(article slug, entity id) of an article-local entity IRI; None for anything else.

    >>> local_entity_of(f"{ID}article/2024-07-15-x-y/entity/workers")
    ('2024-07-15-x-y', 'workers')
    """
    slug = article_slug_of(iri)
    head = f"{ID}article/{slug}/entity/"
    if slug is None or not iri.startswith(head) or "/" in iri[len(head):]:
        return None
    return slug, iri[len(head):]


def local_id(iri: str) -> str:
    """The last segment of an IRI: what a person reads as its name."""
    for sep in ("#", "/"):
        if sep in iri:
            iri = iri.rsplit(sep, 1)[-1]
    return iri


def as_iri(node: object) -> URIRef:
    """A node that must be an IRI (a subject or class read back from a graph), typed as one.

    >>> as_iri(URIRef("http://e/a"))
    rdflib.term.URIRef('http://e/a')
    """
    _load_terms()  # URIRef is rdflib's class from here on
    if not isinstance(node, URIRef):
        raise TypeError(f"expected an IRI, got {node!r}")
    return node


def bind_prefixes(graph: Graph) -> None:
    """Bind the project's prefixes on a graph, replacing rdflib's defaults."""
    _load_terms()
    for prefix, ns in globals()["PREFIXES"].items():
        graph.bind(prefix, ns, override=True, replace=True)


def sparql_prefixes(*names: str) -> str:
    """PREFIX lines for SPARQL text written in code (all project prefixes when no names are given)."""
    chosen = names or tuple(sorted(NAMESPACE_IRIS))
    return "".join(f"PREFIX {n}: <{NAMESPACE_IRIS[n]}>\n" for n in chosen)


def check_iri(name: str) -> URIRef:
    """A quality-control query (``queries/checks/NAME.rq``) as the source shape of its findings."""
    return URIRef(f"{ID}check/{name}")


def statement_iri(s: URIRef, p: URIRef, o: object) -> URIRef:
    """One IRI per distinct triple, so claims from several articles share it.

    >>> a = statement_iri(URIRef("x:s"), URIRef("x:p"), URIRef("x:o"))
    >>> a == statement_iri(URIRef("x:s"), URIRef("x:p"), URIRef("x:o"))
    True
    """
    key = " ".join(t.n3() for t in (s, p, o))  # type: ignore[attr-defined]  # o is any rdflib term; all have n3()
    return URIRef(f"{ID}statement/{hashlib.sha1(key.encode()).hexdigest()[:16]}")
