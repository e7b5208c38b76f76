"""The one place where laborgraph writes IRIs.

``LG`` is closed: a misspelt term name raises instead of minting a new IRI,
and a test checks that ``LG`` and ``ontology/laborgraph.ttl`` list the same
terms. Data IRIs are minted only by the helpers below, from article slugs and
mapping ids, so re-building the same mappings gives the same IRIs.

Long: the closed ``LG`` namespace lists every ontology term, one per line, so that a
diff shows each term added or removed.

>>> str(LG.Claim)
'https://w3id.org/laborgraph/ns#Claim'
>>> str(claim_iri("2024-07-15-dailynk-x", "c01-deployment"))
'https://w3id.org/laborgraph/id/article/2024-07-15-dailynk-x/claim/c01-deployment'
"""

from __future__ import annotations

import hashlib

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

ONTOLOGY_IRI = URIRef("https://w3id.org/laborgraph/ns")
ID = "https://w3id.org/laborgraph/id/"


class LG(DefinedNamespace):
    """laborgraph's own terms (ontology/laborgraph.ttl)."""

    _NS = Namespace("https://w3id.org/laborgraph/ns#")
    _fail = True

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


class OA(DefinedNamespace):
    """The W3C Web Annotation terms laborgraph uses to locate quotes."""

    _NS = Namespace("http://www.w3.org/ns/oa#")
    _fail = True

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


def _terms_as_attributes(ns: type[DefinedNamespace]) -> None:
    """Each declared term stored on the class: rdflib resolves a ``DefinedNamespace`` term in its
    metaclass's ``__getattr__`` on every use, minting a new, IRI-checked URIRef each time (the
    builder looks up hundreds an article). Undeclared names still go there, and still fail."""
    for name in ns.__annotations__:
        setattr(ns, name, ns._NS[name])


_terms_as_attributes(LG)
_terms_as_attributes(OA)

# Concepts are data (ontology/concepts.ttl), so their namespace stays open.
LGC = Namespace("https://w3id.org/laborgraph/concept/")

PREFIXES: dict[str, Namespace] = {
    "lg": LG._NS,
    "lgc": LGC,
    "lgid": Namespace(ID),
    "rdf": Namespace(str(RDF)),
    "rdfs": Namespace(str(RDFS)),
    "owl": Namespace(str(OWL)),
    "xsd": Namespace(str(XSD)),
    "skos": Namespace(str(SKOS)),
    "prov": Namespace(str(PROV)),
    "schema": Namespace(str(SDO)),
    "org": Namespace(str(ORG)),
    "time": Namespace(str(TIME)),
    "oa": OA._NS,
    "dcterms": Namespace(str(DCTERMS)),
}

# Entity types an analyst may write in a mapping, by name. Standard classes first.
ENTITY_TYPES: dict[str, URIRef] = {
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

# Standard properties an analyst may state, with the kind of value each takes.
REUSED_PROPERTIES: dict[str, tuple[URIRef, str]] = {
    "schema:attendee": (SDO.attendee, "entity"),
    "schema:location": (SDO.location, "entity"),
    "schema:containedInPlace": (SDO.containedInPlace, "entity"),
    "schema:publisher": (SDO.publisher, "entity"),
    "schema:datePublished": (SDO.datePublished, "datetime"),
    "schema:startDate": (SDO.startDate, "date"),
}

# lg properties the builder writes itself; a mapping's `states` may not use them.
BUILDER_PROPERTIES: frozenset[URIRef] = frozenset({
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

WIKIDATA = Namespace("http://www.wikidata.org/entity/")


def article_iri(slug: str) -> URIRef:
    return URIRef(f"{ID}article/{slug}")


def article_graph_iri(slug: str) -> URIRef:
    return URIRef(f"{ID}graph/article/{slug}")


REGISTRY_GRAPH = URIRef(f"{ID}graph/registry")
ONTOLOGY_GRAPH = URIRef(f"{ID}graph/ontology")
# Only in the compiled shapes' scratch store: every node's rdf:type/rdfs:subClassOf* classes
INSTANCES_GRAPH = URIRef(f"{ID}graph/instances")


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
    if not isinstance(node, URIRef):
        raise TypeError(f"expected an IRI, got {node!r}")
    return node


ENTITY_BASE = URIRef(f"{ID}entity/")  # registry entities; validated once, with the registry


def bind_prefixes(graph: Graph) -> None:
    """Bind the project's prefixes on a graph, replacing rdflib's defaults."""
    for prefix, ns in PREFIXES.items():
        graph.bind(prefix, ns, override=True, replace=True)


def sparql_prefixes(*names: str) -> str:
    """PREFIX lines for SPARQL text written in code (all project prefixes when no names are given)."""
    chosen = names or tuple(sorted(PREFIXES))
    return "".join(f"PREFIX {n}: <{PREFIXES[n]}>\n" for n in chosen)


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
