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
    if fmt in (Format.TRIG, Format.NQUADS):
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
    if fmt in (Format.TRIG, Format.NQUADS):
        names = {q.graph_name.value for q in quads if isinstance(q.graph_name, pyoxigraph.NamedNode)}
        assert names == {str(c.identifier) for c in dataset.graphs() if len(c)}


def test_jsonld_carries_its_context_inline(dataset):
    doc = json.loads(serialize(dataset, Format.JSONLD))
    assert isinstance(doc["@context"], dict)
    assert doc["@context"]["lg"] == "https://w3id.org/laborgraph/ns#"
    claim = next(n for n in doc["@graph"] if n.get("claimId") == "publication")
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
    if fmt is Format.TRIG:
        parsed = Dataset().parse(path, format="trig")
        assert {str(c.identifier) for c in parsed.graphs() if len(c)} == {str(c.identifier) for c in dataset.graphs()
                                                                          if len(c)}
        assert _canonical((s, p, o) for s, p, o, _ in parsed.quads()) == expected
    else:
        assert _canonical(Graph().parse(path, format=RDFLIB_FORMATS[fmt])) == expected
    quads = pyoxigraph.parse(path=str(path), format=OX_FORMATS[fmt])
    assert _canonical({tuple(_ox_term(t) for t in (q.subject, q.predicate, q.object)) for q in quads}) == expected
