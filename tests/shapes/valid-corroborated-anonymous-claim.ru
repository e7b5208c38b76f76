# A claim from an anonymous source whose fact an independent chain also states (here an official
# statement the article quotes, rooted at the DPRK authorities, not at Daily NK) is not flagged.
# expect-none: https://w3id.org/laborgraph/id/article/2024-07-15-dailynk-military-construction-workers-russia/claim/fierce-competition-for-jobs lgsh:SingleAnonymousSource-uncorroborated
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
  <https://w3id.org/laborgraph/id/article/2024-07-15-dailynk-military-construction-workers-russia/claim/second> ?p ?o ; lg:claimId "second" ; prov:wasAttributedTo <https://w3id.org/laborgraph/id/article/2024-07-15-dailynk-military-construction-workers-russia/source/official-statement> .
  <https://w3id.org/laborgraph/id/article/2024-07-15-dailynk-military-construction-workers-russia/source/official-statement> a lg:Source ; rdfs:label "An official statement quoted by Daily NK" ;
      lg:sourceKind lgc:official-report ; lg:identifiedAs e:dprk-authorities ;
      lg:mappingFile "articles/2024-07-15-dailynk-military-construction-workers-russia.yaml" ; lg:mappingLine "19"^^xsd:positiveInteger .
} WHERE {
  <https://w3id.org/laborgraph/id/article/2024-07-15-dailynk-military-construction-workers-russia/claim/fierce-competition-for-jobs> ?p ?o .
  FILTER (?p NOT IN (prov:wasAttributedTo, lg:claimId))
}
