# expect: https://w3id.org/laborgraph/id/article/2024-07-15-dailynk-military-construction-workers-russia/claim/managers-earn-about-10000-usd lgsh:Facts-shareOfWhat sh:SPARQLConstraintComponent
# A share on an earnings entity that says neither what it is a share of nor whose pay it is taken from.
PREFIX lg: <https://w3id.org/laborgraph/ns#>
PREFIX lgc: <https://w3id.org/laborgraph/concept/>
PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>
PREFIX prov: <http://www.w3.org/ns/prov#>
PREFIX schema: <https://schema.org/>
PREFIX oa: <http://www.w3.org/ns/oa#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX time: <http://www.w3.org/2006/time#>
PREFIX art: <https://w3id.org/laborgraph/id/article/2024-07-15-dailynk-military-construction-workers-russia>
PREFIX e: <https://w3id.org/laborgraph/id/entity/>
PREFIX n: <https://w3id.org/laborgraph/id/note/>
INSERT DATA {
  <https://w3id.org/laborgraph/id/article/2024-07-15-dailynk-military-construction-workers-russia/entity/manager-earnings> lg:share <https://w3id.org/laborgraph/id/article/2024-07-15-dailynk-military-construction-workers-russia/claim/managers-earn-about-10000-usd/value/x> .
  <https://w3id.org/laborgraph/id/article/2024-07-15-dailynk-military-construction-workers-russia/claim/managers-earn-about-10000-usd/value/x> a schema:QuantitativeValue ; schema:value 0.7 .
  <https://w3id.org/laborgraph/id/article/2024-07-15-dailynk-military-construction-workers-russia/statement/x> a rdf:Statement ; rdf:subject <https://w3id.org/laborgraph/id/article/2024-07-15-dailynk-military-construction-workers-russia/entity/manager-earnings> ;
      rdf:predicate lg:share ; rdf:object <https://w3id.org/laborgraph/id/article/2024-07-15-dailynk-military-construction-workers-russia/claim/managers-earn-about-10000-usd/value/x> .
  <https://w3id.org/laborgraph/id/article/2024-07-15-dailynk-military-construction-workers-russia/claim/managers-earn-about-10000-usd> lg:supports <https://w3id.org/laborgraph/id/article/2024-07-15-dailynk-military-construction-workers-russia/statement/x> .
}
