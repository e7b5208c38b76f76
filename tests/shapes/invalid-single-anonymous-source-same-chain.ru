# expect: https://w3id.org/laborgraph/id/article/2024-07-15-dailynk-military-construction-workers-russia/claim/fierce-competition-for-jobs lgsh:SingleAnonymousSource-uncorroborated sh:SPARQLConstraintComponent
# Daily NK's own narration stating the same fact is the same chain as its informant: still one chain, still flagged.
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
INSERT {
  <https://w3id.org/laborgraph/id/article/2024-07-15-dailynk-military-construction-workers-russia/claim/second> ?p ?o ; lg:claimId "second" ; prov:wasAttributedTo <https://w3id.org/laborgraph/id/article/2024-07-15-dailynk-military-construction-workers-russia/source/daily-nk-voice> .
} WHERE {
  <https://w3id.org/laborgraph/id/article/2024-07-15-dailynk-military-construction-workers-russia/claim/fierce-competition-for-jobs> ?p ?o .
  FILTER (?p NOT IN (prov:wasAttributedTo, lg:claimId))
}
