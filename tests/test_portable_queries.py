"""The query library runs on any SPARQL 1.1 store: every .rq declares the prefixes it uses."""

from __future__ import annotations

import re
from pathlib import Path

import pyoxigraph
import pytest

from laborgraph.build import build_dataset
from laborgraph.export import serialize
from laborgraph.formats import Format
from laborgraph.load import load_corpus
from laborgraph.query import oxigraph_store, prefix_header
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


LABOR = Path(__file__).parent / "fixtures" / "labor"  # the labor-reporting fixtures: pay, sectors, exits ...


def _plain(ds) -> pyoxigraph.Store:
    """The exported TriG in a store that knows no prefixes."""
    store = pyoxigraph.Store()
    store.load(serialize(ds, Format.TRIG).encode("utf-8"), format=pyoxigraph.RdfFormat.TRIG)
    return store


@pytest.fixture(scope="module")
def corpora(dataset) -> list[tuple[str, object, pyoxigraph.Store]]:
    """(name, laborgraph's dataset, plain store) for the seed and for the labor-reporting fixtures.

    laborgraph's own answers come from its default engine (Oxigraph with the predeclared
    prefixes); rdflib, Oxigraph's server and Virtuoso are compared in test_query and test_servers.
    """
    labor = build_dataset(load_corpus(LABOR))
    return [("seed", dataset, _plain(dataset)), ("labor fixtures", labor, _plain(labor))]


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
def test_library_answers_on_a_plain_store_equal_laborgraphs(path: Path, corpora) -> None:
    text = path.read_text(encoding="utf-8")
    answered = []
    for name, ds, store in corpora:
        plain = rows_from_oxigraph(store.query(text, use_default_graph_as_union=True))
        own = rows_from_oxigraph(oxigraph_store(ds).query(prefix_header() + text, use_default_graph_as_union=True))
        assert normal(plain) == normal(own), name
        if own:
            answered.append(name)
    if path.parent.name == "reports":
        assert answered, f"{path.name} answers nothing on any fixture corpus: the comparison would prove nothing"
