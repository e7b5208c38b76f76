"""Issue 13: each kind of labor fact round-trips YAML -> graph -> SPARQL on the INVENTED fixture corpus.

tests/fixtures/labor holds six invented reports (outlet narration, an anonymous informant, a
named defector, an official report to a fictitious UN body, an NGO study, a Korean-language
article). Each test asks the built graph one question with SPARQL and checks the answer keeps
its hedges, bounds, precision and provenance (the claim and its quote).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from rdflib import Literal, URIRef
from rdflib.namespace import RDF, XSD

from laborgraph.build import build_dataset
from laborgraph.errors import MappingError
from laborgraph.load import load_corpus
from laborgraph.query import query_dataset, resolve_query
from laborgraph.validate import validate_dataset, validate_graph
from laborgraph.vocab import LG, REGISTRY_GRAPH, article_graph_iri, sparql_prefixes

LABOR = Path(__file__).parent / "fixtures" / "labor"
HERALD_2019 = "2019-fixtureherald-journey-to-the-far-east"
INFORMANT = "2019-03-fixtureherald-informant-on-site-conditions"
DEFECTOR = "2023-11-20-fixturenews-defector-testimony"
PANEL = "2020-03-26-fixturepanel-member-state-report"
NGO = "2024-02-fixturewatch-ngo-study"
KOREAN = "2024-05-02-fixtureilbo-moscow-construction"


@pytest.fixture(scope="module")
def corpus():
    return load_corpus(LABOR)


@pytest.fixture(scope="module")
def ds(corpus):
    return query_dataset(build_dataset(corpus))


def select(ds, body: str) -> list[dict[str, str]]:
    """Rows of a SELECT as dicts of plain strings ('' when unbound)."""
    result = ds.query(sparql_prefixes() + body)
    return [{str(v): ("" if r[i] is None else str(r[i])) for i, v in enumerate(result.vars)} for r in result]


def rows(ds, name: str) -> list[dict[str, str]]:
    result = ds.query(resolve_query(name))
    return [{str(v): ("" if r[i] is None else str(r[i])) for i, v in enumerate(result.vars)} for r in result]


def test_fixture_corpus_is_six_invented_reports_of_different_source_kinds(corpus):
    assert len(corpus.articles) == 6
    for article in corpus.articles:
        assert "INVENTED" in article.label and "INVENTED" in (article.text or "")
    kinds = {s.kind.split("/")[-1] for a in corpus.articles for s in a.sources}
    assert {"outlet", "anonymous-informant", "named-person", "official-report", "ngo-report"} <= kinds
    assert {a.language for a in corpus.articles} == {"en", "ko"}


def test_fixture_corpus_conforms(ds):
    report = validate_dataset(ds)
    assert [f for f in report.findings if f.severity == "Violation"] == []
    assert not [f for f in report.findings if "Facts-" in f.shape], "no domain or range finding"


NEW_TERMS = [
    "JourneyLeg", "legOf", "legNumber", "transportMode", "crossingPoint", "legalStatus", "Employment",
    "sector", "employer", "contractor", "sendingCompany", "intermediary", "workHours", "restDays",
    "shifts", "shiftStart", "shiftEnd", "contractTerm", "Payment", "Deduction", "payer", "payee",
    "payStatus", "paymentKind", "shareOf", "deductedFrom", "employment", "Exit", "exitKind",
    "countMethod", "countedBy", "tableRef", "OfficialReport", "submittedBy", "submittedTo",
    "documentSymbol", "reports", "unSanctionsId", "ofacSanctionsId", "euSanctionsId", "ukSanctionsId",
    "statistic", "datePrecision", "translation", "translatedBy",
]


def test_the_fixture_corpus_uses_every_new_term(ds):
    used = {p for _, p, _ in ds.triples((None, None, None))} | set(ds.objects(None, RDF.type))
    assert [t for t in NEW_TERMS if LG[t] not in used] == []


# ---------------------------------------------------------------- 1 journeys


def test_journey_legs_in_order_with_mode_crossing_and_quote(ds):
    legs = select(ds, """
        SELECT ?n ?from ?to ?mode ?crossing ?quote WHERE {
          ?leg a lg:JourneyLeg ; lg:legOf/rdfs:label ?deployment ; lg:legNumber ?n ;
               lg:origin/rdfs:label ?from ; lg:destination/rdfs:label ?to ;
               lg:transportMode/skos:notation ?mode .
          OPTIONAL { ?leg lg:crossingPoint/rdfs:label ?crossing }
          ?claim lg:about ?leg ; lg:quote ?quote .
        } ORDER BY ?n""")
    assert [(r["n"], r["from"], r["to"], r["mode"]) for r in legs] == [
        ("1", "North Korea", "Vladivostok", "bus"), ("2", "Vladivostok", "Khabarovsk", "train")]
    assert legs[0]["crossing"] == "Tumen River bridge (border crossing)"
    assert legs[1]["quote"] == "then by train to Khabarovsk"


# ---------------------------------------------------------------- 2 legal status


def test_legal_status_with_the_share_of_the_larger_group(ds):
    found = {r["status"]: r for r in select(ds, """
        SELECT ?status ?min ?wording ?whole WHERE {
          ?g lg:legalStatus/skos:notation ?status ; lg:subgroupOf/rdfs:label ?whole ; lg:share ?s .
          ?s lg:wording ?wording . OPTIONAL { ?s schema:minValue ?min }
        }""")}
    assert (found["student-visa"]["min"], found["student-visa"]["wording"]) == ("0.5", "most")
    assert (found["no-documents"]["min"], found["no-documents"]["wording"]) == ("", "some")
    (ri,) = select(ds, "SELECT ?s WHERE { ?e a lg:Employment ; lg:legalStatus/skos:notation ?s ; "
                       "lg:location/rdfs:label 'Vladivostok'@en }")
    assert ri["s"] == "student-visa"


# ---------------------------------------------------------------- 3 sectors


def test_sector_at_place_with_isic_code_and_claim_hedge(ds):
    found = {r["sector"]: r for r in select(ds, """
        SELECT ?sector ?isic ?place ?hedge WHERE {
          ?e a lg:Employment ; lg:sector ?s . ?s skos:notation ?sector ; lg:isicCode ?isic .
          OPTIONAL { ?e lg:location/rdfs:label ?place }
          ?claim lg:about ?e ; lg:hedge/skos:notation ?hedge .
        }""")}
    assert (found["forestry-logging"]["isic"], found["forestry-logging"]["place"]) == ("02", "Khabarovsk")
    assert (found["sawmilling"]["isic"], found["sawmilling"]["hedge"]) == ("1610", "typically")
    assert found["seafood-processing"]["isic"] == "1020"


# ---------------------------------------------------------------- 4 working time


def test_working_time_average_typical_and_extreme_with_clock_times(ds):
    hours = {(r["statistic"], r["value"]) for r in select(ds, """
        SELECT ?statistic ?value WHERE {
          ?e lg:workHours ?h . ?h schema:value ?value ; lg:statistic/skos:notation ?statistic ;
             lg:per time:unitDay .
          ?e lg:location/rdfs:label "Khabarovsk"@en .
        }""")}
    assert hours == {("typical", "12"), ("maximum", "16")}
    g = ds.graph(article_graph_iri(INFORMANT))
    site = URIRef(f"{article_graph_iri(INFORMANT)}".replace("graph/article", "article") + "/entity/site")
    assert g.value(site, LG.shiftStart) == Literal("07:00:00", datatype=XSD.time)
    assert g.value(site, LG.shiftEnd) == Literal("19:00:00", datatype=XSD.time)
    (rest,) = select(ds, "SELECT ?n ?w WHERE { ?e lg:restDays ?r . ?r schema:value ?n ; lg:per time:unitMonth ; "
                         "lg:wording ?w . ?e lg:location/rdfs:label 'Khabarovsk'@en }")
    assert (rest["n"], rest["w"]) == ("2", "two days off a month")


# ---------------------------------------------------------------- 5 pay


def test_pay_promised_as_a_lump_sum_for_the_term_and_paid_as_a_share_of_it(ds):
    (promised,) = select(ds, """
        SELECT ?amount ?per ?payee ?term WHERE {
          ?p lg:payStatus lgc:promised ; lg:amount ?m ; lg:payee/rdfs:label ?payee ;
             lg:employment/lg:contractTerm/lg:wording ?term .
          ?m schema:value ?amount ; lg:per ?per ; schema:currency "USD" .
        }""")
    assert (promised["amount"], promised["per"], promised["term"]) == (
        "3000", "https://w3id.org/laborgraph/concept/contract-term", "three years")
    (received,) = select(ds, """
        SELECT ?max ?wording ?whole ?quote WHERE {
          ?p lg:payStatus lgc:paid ; lg:shareOf/lg:payStatus lgc:promised ; lg:shareOf/rdfs:label ?whole ;
             lg:share ?s . ?s schema:maxValue ?max ; lg:wording ?wording .
          ?claim lg:about ?p ; lg:quote ?quote .
        }""")
    assert (received["max"], received["wording"]) == ("0.5", "less than half")
    assert "less than half" in received["quote"]


def test_payer_and_payee_loyalty_payment_and_pay_held_back(ds):
    (loyalty,) = select(ds, """
        SELECT ?payer ?payee ?amount ?valueHedge ?claimHedge WHERE {
          ?p lg:paymentKind lgc:loyalty-payment ; lg:payer/rdfs:label ?payer ; lg:payee/rdfs:label ?payee ;
             lg:amount ?m . ?m schema:value ?amount ; lg:per time:unitMonth ; lg:hedge/skos:notation ?valueHedge .
          ?claim lg:about ?p ; lg:hedge/skos:notation ?claimHedge .
        }""")
    assert loyalty["amount"] == "100" and loyalty["payee"].startswith("North Korean state")
    # the hedge sits on the figure, not on the whole claim
    assert (loyalty["valueHedge"], loyalty["claimHedge"]) == ("approximately", "unhedged")
    statuses = {r["s"] for r in select(ds, "SELECT ?s WHERE { ?p lg:paymentKind lgc:savings ; "
                                           "lg:payStatus/skos:notation ?s }")}
    assert statuses == {"withheld", "delayed"}


# ---------------------------------------------------------------- 6 deductions


def test_deductions_by_kind_as_shares_of_the_wages(ds):
    found = {r["kind"]: r for r in select(ds, """
        SELECT ?kind ?share ?from WHERE {
          ?d a lg:Deduction ; lg:paymentKind/skos:notation ?kind ; lg:deductedFrom/rdfs:label ?from .
          OPTIONAL { ?d lg:share/schema:value ?share }
        }""")}
    assert set(found) == {"state-quota", "food", "lodging"}
    assert found["state-quota"]["share"] == "0.7"
    assert found["food"]["from"] == "The workers' wages (INVENTED)"


# ---------------------------------------------------------------- 7 exits


def test_exits_with_counts_dates_and_precision(ds):
    found = {r["kind"]: r for r in select(ds, """
        SELECT ?kind ?n ?earliest ?latest ?precision WHERE {
          ?x a lg:Exit ; lg:exitKind/skos:notation ?kind .
          OPTIONAL { ?x lg:size/schema:value ?n }
          OPTIONAL { ?x lg:time ?t . ?t lg:precision/skos:notation ?precision .
                     OPTIONAL { ?t lg:earliest ?earliest } OPTIONAL { ?t lg:latest ?latest } }
        }""")}
    assert {"escape", "detention", "death", "injury", "defection", "repatriation-forced",
            "repatriation-on-completion", "repatriation-planned"} <= set(found)
    assert (found["detention"]["n"], found["detention"]["earliest"], found["detention"]["latest"],
            found["detention"]["precision"]) == ("1", "2019-03-01", "2019-03-31", "month")
    done = found["repatriation-on-completion"]
    assert (done["n"], done["earliest"], done["latest"], done["precision"]) == ("1000", "", "2019-12-22", "open-ended")


# ---------------------------------------------------------------- 8 confinement and surveillance


def test_confinement_and_surveillance_measures(ds):
    kinds = {(r["kind"], r["by"]) for r in select(ds, """
        SELECT ?kind ?by WHERE {
          ?m a lg:ControlMeasure ; lg:measureKind/skos:notation ?kind .
          OPTIONAL { ?m lg:appliedBy/rdfs:label ?by }
        }""")}
    assert ("passport-confiscation", "Managers at the Khabarovsk site (INVENTED)") in kinds
    assert ("minder-surveillance", "Security official at the site (INVENTED)") in kinds
    assert {"dormitory-confinement", "movement-restriction", "self-criticism-session"} <= {k for k, _ in kinds}


# ---------------------------------------------------------------- 9 employers and sanctions ids


def test_employer_contractor_sending_company_intermediary_and_list_ids(ds):
    (work,) = select(ds, """
        SELECT ?employer ?contractor ?sender ?broker WHERE {
          ?e lg:employer/rdfs:label ?employer ; lg:contractor/rdfs:label ?contractor ;
             lg:sendingCompany/rdfs:label ?sender ; lg:intermediary/rdfs:label ?broker .
        }""")
    assert work["sender"] == work["contractor"] == "Fixture Construction Bureau (INVENTED sending company)"
    assert work["broker"].startswith("Fixture Labour Link")
    ids = {(r["p"], r["id"], r["by"]) for r in select(ds, """
        SELECT ?p ?id ?by WHERE {
          ?st rdf:subject <https://w3id.org/laborgraph/id/entity/fixture-construction-bureau> ;
              rdf:predicate ?p ; rdf:object ?id .
          ?evidence lg:supports ?st .
          OPTIONAL { ?evidence lg:claimId ?claim }
          BIND (COALESCE(?claim, "note") AS ?by)
        }""")}
    assert ids == {(str(LG.unSanctionsId), "KPe.X01", "bureau-designated"), (str(LG.ofacSanctionsId), "X-0001", "note"),
                   (str(LG.euSanctionsId), "EU.X.01", "note"), (str(LG.ukSanctionsId), "DPR0X01", "note")}


# ---------------------------------------------------------------- 10 counts


def test_stock_and_flow_who_counted_and_table_rows(ds):
    counts = {(r["kind"], r["n"], r["method"], r["by"]) for r in select(ds, """
        SELECT ?kind ?n ?method ?by WHERE {
          VALUES (?class ?kind) { (lg:WorkforcePresence "stock") (lg:Deployment "flow") }
          ?x a ?class ; lg:size/schema:value ?n ; lg:countMethod/skos:notation ?method ;
             lg:countedBy/rdfs:label ?by .
        }""")}
    assert ("flow", "3000", "estimate", "Fixture Rights Watch (INVENTED NGO)") in counts
    assert ("stock", "10000", "estimate", "Fixture Panel of Experts (INVENTED UN-style panel)") in counts
    table = select(ds, """
        SELECT ?row ?year ?n ?quote WHERE {
          ?x lg:tableRef ?row ; lg:size/schema:value ?n ; lg:time/lg:earliest ?start .
          BIND (SUBSTR(STR(?start), 1, 4) AS ?year)
          ?claim lg:about ?x ; lg:quote ?quote .
        } ORDER BY ?year""")
    assert [(r["year"], r["n"], r["quote"]) for r in table] == [
        ("2018", "1500", "Fixturia | 2018 | 1,500"), ("2019", "500", "Fixturia | 2019 | 500")]


# ---------------------------------------------------------------- 11 documents and addressees


def test_report_to_a_body_with_its_date_and_the_date_of_what_it_reports(ds):
    (doc,) = select(ds, """
        SELECT DISTINCT ?by ?to ?symbol ?reportDate ?reportedLatest ?published WHERE {
          ?r a lg:OfficialReport ; lg:submittedBy/rdfs:label ?by ; lg:submittedTo/rdfs:label ?to ;
             lg:documentSymbol ?symbol ; lg:time/lg:earliest ?reportDate ; lg:reports ?x .
          ?x lg:time/lg:latest ?reportedLatest .
          ?claim lg:about ?r ; prov:wasDerivedFrom/schema:datePublished ?published .
        }""")
    assert (doc["to"], doc["symbol"]) == ("Fixture Sanctions Committee (INVENTED UN body)", "FX/2020/1")
    assert (doc["reportDate"], doc["reportedLatest"], doc["published"]) == ("2020-01-15", "2019-12-22", "2020-03-26")


# ---------------------------------------------------------------- 12 imprecise publication dates


def test_year_and_month_publication_dates_keep_their_precision(ds):
    found = {r["slug"]: r for r in select(ds, """
        SELECT ?slug ?published ?type ?precision ?note WHERE {
          ?a a lg:Article ; schema:datePublished ?published .
          BIND (STRAFTER(STR(?a), "/article/") AS ?slug) BIND (DATATYPE(?published) AS ?type)
          OPTIONAL { ?a lg:datePrecision/skos:notation ?precision }
          OPTIONAL { ?a skos:note ?note }
        }""")}
    assert (found[HERALD_2019]["published"], found[HERALD_2019]["type"], found[HERALD_2019]["precision"]) == (
        "2019", str(XSD.gYear), "year")
    assert "no day or month is assumed" in found[HERALD_2019]["note"]
    assert (found[INFORMANT]["published"], found[INFORMANT]["type"], found[INFORMANT]["precision"]) == (
        "2019-03", str(XSD.gYearMonth), "month")
    assert (found[PANEL]["type"], found[PANEL]["precision"]) == (str(XSD.date), "")


def _scratch(tmp_path: Path) -> Path:
    target = tmp_path / "labor"
    shutil.copytree(LABOR, target)
    return target


def test_a_year_date_must_match_a_year_file_name(tmp_path):
    data = _scratch(tmp_path)
    src = data / "articles" / f"{HERALD_2019}.yaml"
    src.rename(data / "articles" / "2019-06-fixtureherald-journey-to-the-far-east.yaml")
    with pytest.raises(MappingError, match=r"published 2019 does not match the date 2019-06"):
        load_corpus(data)


def test_a_clock_time_written_without_quotes_is_refused_with_the_line(tmp_path):
    data = _scratch(tmp_path)
    path = data / "articles" / f"{INFORMANT}.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace('shiftEnd: "19:00"', "shiftEnd: 19:00"), encoding="utf-8")
    with pytest.raises(MappingError, match=r"shiftEnd is a clock time in quotes") as err:
        load_corpus(data)
    assert f"{INFORMANT}.yaml:" in str(err.value)


def test_an_unknown_statistic_names_the_allowed_ones(tmp_path):
    data = _scratch(tmp_path)
    path = data / "articles" / f"{NGO}.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("statistic: average", "statistic: mean"),
                    encoding="utf-8")
    with pytest.raises(MappingError, match=r"'mean' is not a value of statistic; allowed: average, maximum"):
        load_corpus(data)


# ---------------------------------------------------------------- 13 Korean-language sources


def test_korean_quotes_are_verified_in_hangul_and_translated_with_translator(ds, corpus):
    found = {r["id"]: r for r in select(ds, """
        SELECT ?id ?quote ?translation ?lang ?translator ?start ?end WHERE {
          ?c lg:claimId ?id ; lg:quote ?quote ; lg:translation ?translation ;
             lg:translatedBy/rdfs:label ?translator ;
             lg:quoteSpan/oa:hasSelector ?pos . ?pos oa:start ?start ; oa:end ?end .
          BIND (LANG(?translation) AS ?lang)
        }""")}
    hours = found["fourteen-hours-average"]
    assert hours["quote"].startswith("모스크바의 건설 현장에") and hours["lang"] == "en"
    assert hours["translation"].startswith("North Korean workers dispatched")
    assert hours["translator"] == "Fixture translator (invented)"
    assert found["one-day-off"]["translator"] == "Fixture analyst (invented)", "defaults to the mapping's analyst"
    text = next(a.text for a in corpus.articles if a.slug == KOREAN)
    passports = found["passports-kept"]
    # written across two lines in the mapping, found at one place in the text
    assert text[int(passports["start"]):int(passports["end"])] == "노동자들의 여권은 관리인이 보관하고 있다"


def test_labels_in_korean_and_english(ds):
    labels = {(r["l"], r["lang"]) for r in select(ds, """
        SELECT ?l ?lang WHERE { ?x skos:prefLabel ?l . BIND (LANG(?l) AS ?lang)
          FILTER (STRSTARTS(STR(?x), "https://w3id.org/laborgraph/id/")) }""")}
    assert {("모스크바", "ko"), ("Moscow", "en"), ("관리인", "ko"), ("픽스처일보", "ko")} <= labels
    (lang,) = select(ds, f"SELECT ?l WHERE {{ <{str(article_graph_iri(KOREAN)).replace('graph/article', 'article')}> "
                         "schema:inLanguage ?l }")
    assert lang["l"] == "ko"


def test_a_translation_into_the_articles_own_language_is_refused(tmp_path):
    data = _scratch(tmp_path)
    path = data / "articles" / f"{KOREAN}.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("language: en}", "language: ko}"), encoding="utf-8")
    with pytest.raises(MappingError, match=r"differ from the article's \(ko\)"):
        load_corpus(data)


# ---------------------------------------------------------------- domain and range


def _validate_article(data: Path, slug: str):
    built = build_dataset(load_corpus(data), with_ontology=False)
    g = built.graph(article_graph_iri(slug))
    for triple in built.graph(REGISTRY_GRAPH):
        g.add(triple)
    return validate_graph(g).findings


def test_an_organization_as_destination_says_what_it_was_given_and_what_fits(tmp_path):
    data = _scratch(tmp_path)
    path = data / "articles" / f"{NGO}.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("        destination: fixturia\n",
                                                              "        destination: fixture-labour-link\n"),
                    encoding="utf-8")
    (finding,) = [f for f in _validate_article(data, NGO) if f.shape.endswith("Facts-range")]
    assert finding.severity == "Violation" and finding.claim == "3000-arrived-2023"
    assert finding.line is not None and finding.file.endswith(f"{NGO}.yaml")
    assert ("destination of '3,000 arrivals in Fixturia in 2023 (INVENTED)' was given 'Fixture Labour Link"
            in finding.message)
    assert "organization" in finding.message.split(";")[0]
    assert set(finding.message.split("takes: ")[1].rstrip(".").split(" or ")) == {"place", "country"}
    assert finding.fix


def test_counterparty_on_a_report_and_a_share_on_earnings_without_a_whole(tmp_path):
    data = _scratch(tmp_path)
    path = data / "articles" / f"{PANEL}.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace(
        "        documentSymbol: FX/2020/1\n",
        "        documentSymbol: FX/2020/1\n        counterparty: fixture-committee\n"),
        encoding="utf-8")
    path = data / "articles" / f"{DEFECTOR}.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace(
        "        shareOf: promised\n", ""), encoding="utf-8")
    (domain,) = [f for f in _validate_article(data, PANEL) if f.shape.endswith("Facts-domain")]
    assert domain.severity == "Warning" and domain.claim == "report-to-committee"
    assert "counterparty is stated about 'Fixturia's report FX/2020/1" in domain.message
    assert set(domain.message.split("said of: ")[1].rstrip(".").split(" or ")) == {"permission", "practice"}
    (share,) = [f for f in _validate_article(data, DEFECTOR) if f.shape.endswith("Facts-shareOfWhat")]
    assert share.severity == "Violation" and share.claim == "less-than-half"


# ---------------------------------------------------------------- library queries on the fixture corpus


def test_cq15_pay_promised_vs_paid_and_the_share_taken(ds):
    found = {r["payment"]: r for r in rows(ds, "cq15")}
    promised = found["Pay promised for the three-year term (INVENTED)"]
    assert (promised["status"], promised["amount"], promised["per"], promised["claims"]) == (
        "promised", "3000", "contract-term", "promised-3000-for-three-years")
    received = found["Pay Ri received (INVENTED)"]
    assert (received["status"], received["share"], received["share_of"]) == (
        "paid", "<= 0.5", "Pay promised for the three-year term (INVENTED)")
    taken = found["The state's 70 percent of the wages (INVENTED)"]
    assert (taken["share"], taken["wording"], taken["kind"]) == ("0.7", "70 percent", "state quota")
    assert found["Monthly 'loyalty' payment per worker (INVENTED)"]["value_hedge"] == "approximately"


def test_cq16_working_hours_by_sector(ds):
    result = rows(ds, "cq16")
    by = {(r["isic"], r["place"], r["statistic"]): r for r in result}
    assert by[("F", "Khabarovsk", "maximum")]["hours"] == "16"
    typical = by[("F", "Khabarovsk", "typical")]
    assert (typical["hours"], typical["shift_start"], typical["shift_end"], typical["shifts"]) == (
        "12", "07:00:00", "19:00:00", "two shifts a day")
    assert by[("62", "Fixturia (INVENTED country)", "average")]["claim"] == "developers-14-hours"
    assert by[("F", "Moscow", "average")]["wording"] == "하루 평균 14시간"


def test_cq17_exits_by_year(ds):
    result = rows(ds, "cq17")
    dated = [(r["year"], r["kind"], r["count"]) for r in result if r["year"]]
    assert dated == sorted(dated)
    assert ("2019", "escape", "3") in dated and ("2023", "defection", "1") in dated
    (done,) = [r for r in result if r["kind"] == "repatriation on completion"]
    assert (done["precision"], done["time_wording"], done["counted_by"]) == (
        "open-ended", "by 22 December 2019", "Government of Fixturia (INVENTED)")


def test_cq18_workers_by_sector_and_country(ds):
    result = rows(ds, "cq18")
    by = {(r["isic"], r["country"], r["place"]): r for r in result}
    software = by[("62", "Fixturia (INVENTED country)", "Fixturia (INVENTED country)")]
    assert (software["size"], software["value_hedge"], software["size_wording"]) == (
        "800", "approximately", "about 800")
    assert ("F", "Russia", "Moscow") in by and ("02", "Russia", "Khabarovsk") in by
    assert by[("F", "Fixturia (INVENTED country)", "Fixturia (INVENTED country)")]["employer"] == \
        "Fixturian building firms (INVENTED)"


def test_cq19_entities_linked_to_sanctions_designations(ds):
    result = rows(ds, "cq19")
    lists = {(r["list"], r["list_id"], r["id_stated_in"]) for r in result}
    assert lists == {("UN", "KPe.X01", "bureau-designated"), ("OFAC", "X-0001", "fixture-bureau-other-lists"),
                     ("EU", "EU.X.01", "fixture-bureau-other-lists"), ("UK", "DPR0X01", "fixture-bureau-other-lists")}
    un_links = {(r["role"], r["linked_to"]) for r in result if r["list"] == "UN"}
    assert ("sendingCompany", "Ri's three years on building sites in Vladivostok (INVENTED)") in un_links
    assert ("contractor", "Construction in Fixturia (INVENTED)") in un_links
