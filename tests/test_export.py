"""Exports re-parse to the same graph (rdflib and pyoxigraph) and are byte-stable."""

import io
import json
import subprocess
import sys
from pathlib import Path

import pyoxigraph
import pytest
from rdflib import XSD, Dataset, Graph, Literal, URIRef

from laborgraph.export import serialize, temp_beside, union, write_atomic
from laborgraph.formats import Format

from .conftest import DATA, ROOT

OX_FORMATS = {Format.TURTLE: pyoxigraph.RdfFormat.TURTLE, Format.TRIG: pyoxigraph.RdfFormat.TRIG,
              Format.NT: pyoxigraph.RdfFormat.N_TRIPLES, Format.NQUADS: pyoxigraph.RdfFormat.N_QUADS,
              Format.JSONLD: pyoxigraph.RdfFormat.JSON_LD}
QUAD_FORMATS = (Format.TRIG, Format.NQUADS, Format.JSONLD)  # formats that keep the named graphs
RDFLIB_FORMATS = {Format.TURTLE: "turtle", Format.TRIG: "trig", Format.NT: "nt",
                  Format.NQUADS: "nquads", Format.JSONLD: "json-ld"}


def _ox_term(term):
    if isinstance(term, pyoxigraph.NamedNode):
        return URIRef(term.value)
    assert isinstance(term, pyoxigraph.Literal), term
    if term.language:
        return Literal(term.value, lang=term.language)
    if term.datatype.value == str(XSD.string):
        return Literal(term.value)
    return Literal(term.value, datatype=URIRef(term.datatype.value))


def _canonical(triples):
    """Triples with literals compared by lexical form and datatype (no normalisation)."""
    return {tuple((t.n3() if not isinstance(t, Literal) else (str(t), t.datatype, t.language))
                  for t in triple) for triple in triples}


@pytest.mark.parametrize("fmt", list(Format), ids=lambda f: f.label)
def test_round_trip_through_rdflib(dataset, fmt):
    text = serialize(dataset, fmt)
    if fmt in QUAD_FORMATS:
        parsed = Dataset()
        parsed.parse(data=text, format=RDFLIB_FORMATS[fmt])
        expected = {(s, p, o, c.identifier) for c in dataset.graphs() for s, p, o in c}
        got = {(s, p, o, c.identifier) for c in parsed.graphs() for s, p, o in c}
        assert got == expected
    else:
        parsed = Graph().parse(data=text, format=RDFLIB_FORMATS[fmt])
        assert _canonical(parsed) == _canonical(union(dataset))


@pytest.mark.parametrize("fmt", list(Format), ids=lambda f: f.label)
def test_round_trip_through_pyoxigraph(dataset, fmt):
    text = serialize(dataset, fmt)
    quads = list(pyoxigraph.parse(io.BytesIO(text.encode()), format=OX_FORMATS[fmt]))
    got = {tuple(_ox_term(t) for t in (q.subject, q.predicate, q.object)) for q in quads}
    assert _canonical(got) == _canonical(union(dataset))
    if fmt in QUAD_FORMATS:
        names = {q.graph_name.value for q in quads if isinstance(q.graph_name, pyoxigraph.NamedNode)}
        assert names == {str(c.identifier) for c in dataset.graphs() if len(c)}


def test_jsonld_carries_its_context_inline(dataset):
    doc = json.loads(serialize(dataset, Format.JSONLD))
    assert isinstance(doc["@context"], dict)
    assert doc["@context"]["lg"] == "https://w3id.org/laborgraph/ns#"
    claim = next(n for g in doc["@graph"] for n in g["@graph"] if n.get("claimId") == "publication")
    assert claim["type"] == "Claim"


SCRIPT = """
import hashlib, sys
from pathlib import Path
from laborgraph.build import load_and_build
from laborgraph.export import serialize
from laborgraph.formats import Format
ds = load_and_build(Path(sys.argv[1]))[1]
print(" ".join(hashlib.sha256(serialize(ds, f).encode()).hexdigest() for f in Format))
"""


def test_output_is_byte_identical_across_hash_seeds():
    digests = set()
    for seed in ("0", "1", "12345"):
        env = {"PYTHONHASHSEED": seed, "PATH": ""}
        out = subprocess.run([sys.executable, "-c", SCRIPT, str(DATA)], env=env, cwd=ROOT,
                             capture_output=True, text=True, check=True)
        digests.add(out.stdout)
    assert len(digests) == 1


def test_atomic_write_leaves_old_file_when_writing_fails_midway(tmp_path):
    target = tmp_path / "graph.ttl"
    target.write_text("old")

    def half_then_fail(fh):
        fh.write(b"@prefix lg: <x:> .\nlg:a lg:b ")  # the temporary file exists and holds half a document
        raise OSError("disk full")

    with pytest.raises(OSError, match="disk full"):
        temp_beside(target, half_then_fail)
    assert target.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["graph.ttl"]


def test_atomic_write_leaves_no_temporary_file_when_the_rename_fails(tmp_path, monkeypatch):
    target = tmp_path / "graph.ttl"
    target.write_text("old")
    renamed = []

    def refuse(src, dst):
        renamed.append(Path(src).name)
        raise PermissionError("read-only folder")

    monkeypatch.setattr("laborgraph.export.rdf.os.replace", refuse)
    with pytest.raises(PermissionError):
        write_atomic(target, "new")
    assert renamed and renamed[0].endswith(".tmp")  # the failure came after a temporary file was written
    assert target.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["graph.ttl"]


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """The build's combined files (written from per-graph chunks, not by export.serialize)."""
    from laborgraph.incremental import build

    out = tmp_path_factory.mktemp("built")
    build(DATA, out, layout="combined")
    return out


@pytest.mark.parametrize("fmt", [Format.TRIG, Format.TURTLE, Format.JSONLD, Format.NT], ids=lambda f: f.label)
def test_build_outputs_round_trip_through_rdflib_and_pyoxigraph(built, dataset, fmt):
    path = built / f"laborgraph{fmt.suffix}"
    expected = _canonical(union(dataset))
    if fmt in QUAD_FORMATS:
        parsed = Dataset().parse(path, format=RDFLIB_FORMATS[fmt])
        assert {str(c.identifier) for c in parsed.graphs() if len(c)} == {str(c.identifier) for c in dataset.graphs()
                                                                          if len(c)}
        assert _canonical((s, p, o) for s, p, o, _ in parsed.quads()) == expected
    else:
        assert _canonical(Graph().parse(path, format=RDFLIB_FORMATS[fmt])) == expected
    quads = pyoxigraph.parse(path=str(path), format=OX_FORMATS[fmt])
    assert _canonical({tuple(_ox_term(t) for t in (q.subject, q.predicate, q.object)) for q in quads}) == expected


# ---------------------------------------------------------------- JSON-LD as a JSON-LD processor reads it

FETCHES: list[str] = []


def _refuse(url, options=None):
    FETCHES.append(url)
    raise AssertionError(f"the JSON-LD processor tried to fetch {url}")


def _pyld_dataset(text: str) -> Dataset:
    """The quads pyld (an independent JSON-LD processor) reads, never fetching anything."""
    from pyld import jsonld as pyld

    FETCHES.clear()
    nquads = pyld.to_rdf(json.loads(text), {"format": "application/n-quads", "documentLoader": _refuse})
    assert not FETCHES
    return Dataset().parse(data=nquads, format="nquads")


def _graphs(ds: Dataset) -> dict[str, Graph]:
    out = {}
    for ctx in ds.graphs():
        if len(ctx):
            g = Graph()
            for triple in ctx:
                g.add(triple)
            out[str(ctx.identifier)] = g
    return out


def _same_graphs(got: Dataset, expected: Dataset) -> None:
    from rdflib.compare import isomorphic

    got_graphs, expected_graphs = _graphs(got), _graphs(expected)
    assert sorted(got_graphs) == sorted(expected_graphs)
    for name, g in expected_graphs.items():
        assert isomorphic(got_graphs[name], g), name
        assert _canonical(got_graphs[name]) == _canonical(g), name  # lexical forms and datatypes too


def test_jsonld_has_one_object_per_named_graph(dataset):
    doc = json.loads(serialize(dataset, Format.JSONLD))
    names = [g["@id"] for g in doc["@graph"]]
    assert names == sorted(str(c.identifier) for c in dataset.graphs() if len(c))
    assert all(set(g) == {"@id", "@graph"} and g["@graph"] for g in doc["@graph"])


def test_jsonld_round_trips_to_the_trig_quads_with_pyld(dataset):
    trig = Dataset().parse(data=serialize(dataset, Format.TRIG), format="trig")
    _same_graphs(_pyld_dataset(serialize(dataset, Format.JSONLD)), trig)


def test_built_jsonld_round_trips_with_pyld_and_equals_the_export(built, dataset):
    text = (built / "laborgraph.jsonld").read_text(encoding="utf-8")
    assert text == serialize(dataset, Format.JSONLD)  # streamed from the cache, byte for byte
    _same_graphs(_pyld_dataset(text), Dataset().parse(built / "laborgraph.trig", format="trig"))


def test_the_refusing_loader_stops_a_remote_context():
    """The round-trip tests would notice a fetch: the loader they use refuses and records it."""
    with pytest.raises(Exception, match="Could not expand"):
        _pyld_dataset('{"@context": "http://example.org/context.jsonld", "@id": "urn:x:a", "urn:x:p": "v"}')
    assert FETCHES == ["http://example.org/context.jsonld"]
