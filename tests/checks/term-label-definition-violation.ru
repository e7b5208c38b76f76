# Makes term-label-definition-violation fire: a class with no label or definition.
PREFIX lg: <https://w3id.org/laborgraph/ns#>
PREFIX owl: <http://www.w3.org/2002/07/owl#>
PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
PREFIX oa: <http://www.w3.org/ns/oa#>
PREFIX lgc: <https://w3id.org/laborgraph/concept/>
INSERT DATA { lg:Undocumented a owl:Class }
