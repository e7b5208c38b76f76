# Makes orphan-statement-violation fire: a statement no claim supports.
PREFIX lg: <https://w3id.org/laborgraph/ns#>
PREFIX owl: <http://www.w3.org/2002/07/owl#>
PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
PREFIX oa: <http://www.w3.org/ns/oa#>
PREFIX lgc: <https://w3id.org/laborgraph/concept/>
INSERT DATA { <urn:x:st> a rdf:Statement ; rdf:subject <urn:x:s> ; rdf:predicate <urn:x:p> ; rdf:object <urn:x:o> }
