"""The query library runs on any SPARQL 1.1 store: every .rq declares the prefixes it uses."""

from __future__ import annotations

import re
from pathlib import Path

import pyoxigraph
import pytest

from laborgraph.export import serialize
from laborgraph.formats import Format
from laborgraph.query import query_dataset
from laborgraph.vocab import PREFIXES

ROOT = Path(__file__).resolve().parents[1]
QUERIES = sorted((ROOT / "queries").glob("*/*.rq"))


def _ids(path: Path) -> str:
    return f"{path.parent.name}/{path.stem}"


def rows_from_oxigraph(solutions: pyoxigraph.QuerySolutions) -> list[dict[str, str]]:
    names = [v.value for v in solutions.variables]
    return [{n: s[n].value for n in names if s[n] is not None} for s in solutions]


def rows_from_rdflib(result) -> list[dict[str, str]]:
    return [{str(v): str(r[i]) for i, v in enumerate(result.vars) if r[i] is not None} for r in result]


def _cell(value: str) -> tuple[str, ...]:
    """Order-free form of a cell: GROUP_CONCAT's order is unspecified; numbers compared as numbers."""
    out = []
    for part in re.split(r"; |, ", value):
        try:
            out.append(repr(float(part)))
        except ValueError:
            out.append(part)
    return tuple(sorted(out))


def normal(rows: list[dict[str, str]]) -> list[tuple]:
    return sorted(tuple(sorted((k, _cell(v)) for k, v in r.items() if v != "")) for r in rows)


@pytest.fixture(scope="module")
def plain_store(dataset) -> pyoxigraph.Store:
    """The exported TriG in a store that knows no prefixes."""
    store = pyoxigraph.Store()
    store.load(serialize(dataset, Format.TRIG).encode("utf-8"), format=pyoxigraph.RdfFormat.TRIG)
    return store


@pytest.mark.parametrize("path", QUERIES, ids=_ids)
def test_every_query_declares_its_prefixes(path: Path) -> None:
    """A store without predeclared prefixes parses it; each declared prefix is the project's namespace."""
    text = path.read_text(encoding="utf-8")
    pyoxigraph.Store().query(text)  # raises SyntaxError on an undeclared prefix
    for prefix, iri in re.findall(r"^PREFIX\s+([\w-]*):\s*<([^>]*)>", text, re.M | re.I):
        assert str(PREFIXES[prefix]) == iri, f"{path.name}: {prefix}: is not the project's <{PREFIXES[prefix]}>"


def test_an_undeclared_prefix_is_caught() -> None:
    with pytest.raises(SyntaxError):
        pyoxigraph.Store().query("SELECT * WHERE { ?s lg:claimId ?id }")


@pytest.mark.parametrize("path", QUERIES, ids=_ids)
def test_library_answers_on_a_plain_store_equal_laborgraphs(path: Path, plain_store, dataset) -> None:
    text = path.read_text(encoding="utf-8")
    plain = rows_from_oxigraph(plain_store.query(text, use_default_graph_as_union=True))
    own = rows_from_rdflib(query_dataset(dataset).query(text))
    assert normal(plain) == normal(own)
    if path.parent.name == "reports":
        assert own, f"{path.name} answers nothing on the seed: the comparison would prove nothing"
