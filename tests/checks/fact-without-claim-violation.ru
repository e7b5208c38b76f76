# Makes fact-without-claim-violation fire: a fact slipped in without a claim.
PREFIX lg: <https://w3id.org/laborgraph/ns#>
PREFIX owl: <http://www.w3.org/2002/07/owl#>
PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
PREFIX oa: <http://www.w3.org/ns/oa#>
PREFIX lgc: <https://w3id.org/laborgraph/concept/>
INSERT DATA { <https://w3id.org/laborgraph/id/article/2024-07-15-dailynk-military-construction-workers-russia/entity/new-workers> lg:rank lgc:conscript }
