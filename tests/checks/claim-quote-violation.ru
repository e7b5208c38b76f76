# Makes claim-quote-violation fire: a quote whose position selector is gone.
PREFIX lg: <https://w3id.org/laborgraph/ns#>
PREFIX owl: <http://www.w3.org/2002/07/owl#>
PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
PREFIX oa: <http://www.w3.org/ns/oa#>
PREFIX lgc: <https://w3id.org/laborgraph/concept/>
DELETE WHERE { <https://w3id.org/laborgraph/id/article/2024-07-15-dailynk-military-construction-workers-russia/claim/publication/span/1> oa:hasSelector <https://w3id.org/laborgraph/id/article/2024-07-15-dailynk-military-construction-workers-russia/claim/publication/span/1/position> }
