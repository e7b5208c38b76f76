"""The built graph: provenance of every fact, quote positions, stable IRIs."""

from rdflib import BNode, Literal, URIRef
from rdflib.namespace import OWL, PROV, RDF, RDFS, SDO, SKOS, XSD

from laborgraph.build import article_graph
from laborgraph.load import load_corpus
from laborgraph.load.quotes import normalise
from laborgraph.vocab import LG, LGC, OA, article_graph_iri, claim_iri, local_entity_iri

from .conftest import SEED

# Triples that describe provenance or identity rather than state a fact of the article.
BOOKKEEPING = {RDF.type, RDFS.label, SKOS.altLabel, SKOS.note, OWL.sameAs, LG.mappingFile,
               LG.mappingLine}


def _article(dataset):
    return dataset.graph(article_graph_iri(SEED))


def test_every_claim_has_article_source_and_quote(dataset, corpus):
    g = _article(dataset)
    claims = set(g.subjects(RDF.type, LG.Claim))
    assert len(claims) == len(corpus.articles[0].claims)
    for c in claims:
        assert g.value(c, PROV.wasDerivedFrom) == corpus.articles[0].iri
        assert (g.value(c, PROV.wasAttributedTo), RDF.type, LG.Source) in g
        assert g.value(c, LG.quote) is not None


def test_every_stated_fact_traces_to_a_claim(dataset):
    g = _article(dataset)
    provenance_nodes = set(g.subjects(RDF.type, LG.Claim)) | set(g.subjects(RDF.type, RDF.Statement))
    provenance_nodes |= set(g.subjects(RDF.type, LG.Source)) | set(g.subjects(RDF.type, LG.Article))
    provenance_nodes |= set(g.subjects(RDF.type, OA.SpecificResource))
    provenance_nodes |= set(g.subjects(RDF.type, LG.IndicatorCoding))
    provenance_nodes |= set(g.subjects(RDF.type, OA.TextQuoteSelector))
    provenance_nodes |= set(g.subjects(RDF.type, OA.TextPositionSelector))
    supported = {(g.value(st, RDF.subject), g.value(st, RDF.predicate), g.value(st, RDF.object))
                 for st in g.subjects(RDF.type, RDF.Statement)
                 if (None, LG.supports, st) in g}
    facts = [(s, p, o) for s, p, o in g
             if s not in provenance_nodes and p not in BOOKKEEPING
             and not (p == RDF.type and o in (SDO.QuantitativeValue, SDO.MonetaryAmount, LG.TimeSpec))]
    assert len(facts) > 100
    untraced = [t for t in facts if t not in supported]
    assert untraced == []


def test_quote_positions_point_at_the_quote(dataset, corpus):
    g = _article(dataset)
    text = corpus.articles[0].text
    for claim in g.subjects(RDF.type, LG.Claim):
        span = g.value(claim, LG.quoteSpan)
        selectors = list(g.objects(span, OA.hasSelector))
        position = next(s for s in selectors if (s, RDF.type, OA.TextPositionSelector) in g)
        start, end = int(g.value(position, OA.start)), int(g.value(position, OA.end))
        assert normalise(text[start:end]) == normalise(str(g.value(claim, LG.quote)))


def test_hundreds_is_a_lower_bound_with_its_wording(dataset):
    g = _article(dataset)
    deployment = local_entity_iri(SEED, "june-2024-deployment")
    size = g.value(deployment, LG.size)
    assert g.value(size, SDO.minValue) == Literal(100)
    assert g.value(size, SDO.value) is None
    assert g.value(size, LG.wording) == Literal("hundreds")
    when = g.value(deployment, LG.time)
    assert g.value(when, LG.precision) == LGC["part-of-month"]
    assert g.value(when, LG.earliest) == Literal("2024-06-01", datatype=XSD.date)


def test_claims_of_the_same_fact_share_one_statement(dataset):
    g = _article(dataset)
    deployment = local_entity_iri(SEED, "june-2024-deployment")
    sender = URIRef("https://w3id.org/laborgraph/id/entity/dprk-authorities")
    st = next(s for s in g.subjects(RDF.subject, deployment)
              if g.value(s, RDF.predicate) == LG.sentBy and g.value(s, RDF.object) == sender)
    assert set(g.subjects(LG.supports, st)) == {
        claim_iri(SEED, "deployment-ahead-of-summit"),
        claim_iri(SEED, "deployment-hundreds-early-june"),
    }


def test_no_blank_nodes_and_iris_are_stable(dataset, corpus):
    assert not any(isinstance(t, BNode) for q in dataset.quads() for t in q[:3])
    again = article_graph(corpus.articles[0])
    assert set(again) == set(_article(dataset))


def test_analyst_notes_are_not_article_claims(dataset):
    registry = dataset.graph(URIRef("https://w3id.org/laborgraph/id/graph/registry"))
    summit = URIRef("https://w3id.org/laborgraph/id/entity/kim-putin-summit-2024")
    assert registry.value(summit, SDO.startDate) == Literal("2024-06-19", datatype=XSD.date)
    assert (summit, SDO.startDate, None) not in _article(dataset)
    (note,) = registry.subjects(LG.about, summit)
    assert (note, RDF.type, LG.AnalystNote) in registry
    assert registry.value(note, LG.cites) is not None


def test_publication_without_a_zone_is_a_date_and_with_a_zone_a_zoned_datetime(dataset, edit_seed):
    from laborgraph.build import build_dataset
    from laborgraph.load import load_corpus

    article = URIRef(str(_article(dataset).value(predicate=RDF.type, object=LG.Article)))
    assert _article(dataset).value(article, SDO.datePublished) == Literal("2024-07-15", datatype=XSD.date)
    path = edit_seed("  published: 2024-07-15T07:00\n", "  published: 2024-07-15T07:00+09:00\n")
    zoned = build_dataset(load_corpus(path.parents[1])).graph(article_graph_iri(SEED))
    assert zoned.value(article, SDO.datePublished) == Literal("2024-07-15T07:00:00+09:00", datatype=XSD.dateTime)


def test_entity_labels_carry_the_language_they_are_written_in(dataset):
    g = _article(dataset)
    label = g.value(URIRef(local_entity_iri(SEED, "new-workers")), RDFS.label)
    assert (str(label), label.language) == ("New military construction workers sent to Russia in June 2024", "en")
    registry = dataset.graph(URIRef("https://w3id.org/laborgraph/id/graph/registry"))
    assert {o.language for o in registry.objects(URIRef("https://w3id.org/laborgraph/id/entity/north-korea"),
                                                 SKOS.altLabel)} == {"en"}


def test_a_bad_language_tag_is_an_input_error(edit_seed):
    import pytest

    from laborgraph.errors import LaborgraphError
    from laborgraph.load import load_corpus

    path = edit_seed("  language: en\n", "  language: English (UK)\n")
    with pytest.raises(LaborgraphError, match=r"\.yaml:9: language 'English \(UK\)' is not a language tag"):
        load_corpus(path.parents[1])


def test_builder_triples_are_the_graphs_in_its_order(corpus, tmp_path):
    """``article_triples`` (what build workers fill) holds the graph's triples in the order rdflib's
    store gives them, so the JSON-LD writer (which follows that order) writes the same chunk."""
    from laborgraph.build import article_triples
    from laborgraph.incremental.workers import graph_chunks

    from .test_shaclfast import _synth

    synthetic = load_corpus(_synth(tmp_path / "synth", 8, 4)).articles
    for article in [*corpus.articles, *synthetic]:
        graph, triples = article_graph(article), article_triples(article)
        assert list(triples) == list(graph) and len(triples) == len(graph) > 0
        for s in graph.subjects(unique=True):
            assert list(triples.predicate_objects(s)) == list(graph.predicate_objects(s))
        name = str(article_graph_iri(article.slug))
        assert graph_chunks(triples, name) == graph_chunks(graph, name)
        assert set(triples.graph()) == set(graph)


def test_builder_triples_write_literals_as_rdflib_keeps_them():
    """Equal to rdflib is not always spelled the same (language tags compare case-blind): each
    literal is written as added, as the graph writes it."""
    from laborgraph.export import ntriples
    from laborgraph.triples import Triples

    s, p = URIRef("https://example.org/s"), URIRef("https://example.org/p")
    added = [(s, p, Literal("x", lang="EN")), (URIRef("https://example.org/t"), p, Literal("x", lang="en")),
             (s, p, Literal("1", datatype=XSD.integer)), (s, p, Literal("01", datatype=XSD.integer)),
             (s, p, URIRef("https://example.org/o")), (s, p, Literal("https://example.org/o"))]
    triples = Triples()
    for triple in added:
        triples.add(triple)
    assert ntriples(triples) == ntriples(triples.graph())
    assert len(ntriples(triples).splitlines()) == len(triples.graph())
