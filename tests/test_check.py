"""`laborgraph check FILE`: the one-article path gives exactly the findings of a full validation."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from laborgraph.authoring.check import article_report, check_result
from laborgraph.cli import main
from laborgraph.incremental import refresh
from laborgraph.incremental.check import SHARED, check_article

from .conftest import DATA, ROOT, SEED

FIXTURES = ROOT / "tests" / "fixtures"

# (fixture, mapping stem, text replaced, replacement): a violation in the seed (an organization as a
# destination) and, in the corroboration fixture, a claim moved to an anonymous source (corpus rules).
EDITS = [
    ("seed", SEED, "        destination: russian-far-east\n", "        destination: dprk-authorities\n"),
    ("corroboration2", "2024-08-05-epsilon-pay", "    source: epsilon-voice\n", "    source: epsilon-informant\n"),
]


def _copy(name: str, tmp_path: Path) -> Path:
    data = tmp_path / "corpus"
    shutil.copytree(DATA if name == "seed" else FIXTURES / name, data)
    return data


def _rows(report, mapping: Path, data: Path) -> list[tuple]:
    return sorted((f.severity, f.file, f.line or 0, f.claim or "", f.shape, f.focus, f.message, f.value or "")
                  for f in article_report(report, mapping, data).findings)


@pytest.mark.parametrize(("fixture", "stem", "old", "new"), EDITS, ids=[e[0] for e in EDITS])
def test_check_of_an_edited_article_equals_a_full_validation(tmp_path, fixture, stem, old, new):
    data = _copy(fixture, tmp_path)
    mapping = data / "articles" / f"{stem}.yaml"
    cache = tmp_path / "cache"
    before = _rows(refresh(data, cache_dir=cache).report, mapping, data)
    text = mapping.read_text(encoding="utf-8")
    assert old in text
    mapping.write_text(text.replace(old, new, 1), encoding="utf-8")

    checked = check_article(mapping, data, cache_dir=cache)
    assert checked.fast  # the cache described every other article: no full refresh
    full = refresh(data, cache_dir=tmp_path / "fresh").report  # a cold, full validation
    assert _rows(checked.report, mapping, data) == _rows(full, mapping, data)
    assert _rows(full, mapping, data) != before  # the edit changed the findings: the test sees a change
    mine, reference = check_result(checked.report, mapping, data), check_result(full, mapping, data)
    assert (mine.text, mine.conforms) == (reference.text, reference.conforms)
    # the cache check wrote to is still right for every article and the corpus rules
    again = refresh(data, cache_dir=cache)
    assert again.misses == 0
    assert sorted(again.report.findings, key=repr) == sorted(full.findings, key=repr)


def test_check_reports_a_violation_and_exits_1(tmp_path):
    data = _copy("seed", tmp_path)
    mapping = data / "articles" / f"{SEED}.yaml"
    cache = tmp_path / "cache"
    runner = CliRunner()
    assert runner.invoke(main, ["check", str(mapping), "--cache", str(cache)]).exit_code == 0
    _, _, old, new = EDITS[0]
    mapping.write_text(mapping.read_text(encoding="utf-8").replace(old, new, 1), encoding="utf-8")
    result = runner.invoke(main, ["check", str(mapping), "--cache", str(cache)])
    assert result.exit_code == 1, result.output
    assert "VIOLATION" in result.output and "1 violation(s)" in result.output


def test_without_a_build_or_after_a_registry_edit_check_falls_back_to_a_full_refresh(tmp_path):
    data = _copy("corroboration2", tmp_path)
    mapping = data / "articles" / "2024-08-05-epsilon-pay.yaml"
    cache = tmp_path / "cache"
    first = check_article(mapping, data, cache_dir=cache)
    assert not first.fast
    assert check_article(mapping, data, cache_dir=cache).fast
    registry = data / "entities.yaml"
    registry.write_text(registry.read_text(encoding="utf-8") + "\n# an edit\n", encoding="utf-8")
    assert not check_article(mapping, data, cache_dir=cache).fast
    other = data / "articles" / "2024-08-01-alpha-agency-count.yaml"
    other.write_text(other.read_text(encoding="utf-8") + "\n# another edit\n", encoding="utf-8")
    assert not check_article(mapping, data, cache_dir=cache).fast  # another article changed too


def test_a_damaged_shared_pickle_is_rebuilt_not_trusted(tmp_path):
    data = _copy("corroboration2", tmp_path)
    mapping = data / "articles" / "2024-08-05-epsilon-pay.yaml"
    cache = tmp_path / "cache"
    refresh(data, cache_dir=cache)
    _, _, old, new = EDITS[1]
    mapping.write_text(mapping.read_text(encoding="utf-8").replace(old, new, 1), encoding="utf-8")
    reference = _rows(check_article(mapping, data, cache_dir=cache).report, mapping, data)
    pickled = cache / SHARED
    blob = bytearray(pickled.read_bytes())
    blob[-10] ^= 0xFF  # one flipped byte: the checksum no longer matches
    pickled.write_bytes(bytes(blob))
    mapping.write_text(mapping.read_text(encoding="utf-8") + "\n# touched\n", encoding="utf-8")
    checked = check_article(mapping, data, cache_dir=cache)
    assert checked.fast
    assert _rows(checked.report, mapping, data) == reference
    assert pickled.read_bytes() != bytes(blob)  # rewritten


def _declare_lookalike(data: Path) -> Path:
    """The seed article declares its own 'russian-federation' labelled like the registry's Russia."""
    mapping = data / "articles" / f"{SEED}.yaml"
    text = mapping.read_text(encoding="utf-8")
    mapping.write_text(text.replace("entities:\n", "entities:\n  russian-federation:\n    type: Country\n"
                                    "    label: russia\n", 1), encoding="utf-8")
    return mapping


LOOKALIKE = (f"articles/{SEED}.yaml:25: entity 'russian-federation' (\"russia\") looks like "
             'russia (Country, registry) "Russia" at entities.yaml:21')


def test_validate_reports_look_alike_entities_as_warnings(tmp_path):
    data = _copy("seed", tmp_path)
    clean = CliRunner().invoke(main, ["validate", str(data), "--cache", str(tmp_path / "c0")])
    assert "looks like" not in clean.output
    _declare_lookalike(data)
    result = CliRunner().invoke(main, ["validate", str(data), "--cache", str(tmp_path / "cache")])
    assert result.exit_code == 0, result.output  # a warning, not a violation
    assert f"WARNING   {LOOKALIKE}" in result.output
    strict = CliRunner().invoke(main, ["validate", "--strict", str(data), "--cache", str(tmp_path / "cache")])
    assert strict.exit_code == 1


def test_build_reports_look_alike_entities_as_warnings(tmp_path):
    from laborgraph.incremental import build

    data = _copy("seed", tmp_path)
    _declare_lookalike(data)
    result = CliRunner().invoke(main, ["build", "--data", str(data), "--out", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    assert f"warning: {LOOKALIKE}" in result.stderr
    found = [f for f in build(data, tmp_path / "out").report.findings if "looks like" in f.message]
    assert [(f.severity, f.location()) for f in found] == [("Warning", f"articles/{SEED}.yaml:25")]


def test_the_entity_memo_is_used_only_while_a_file_is_unchanged(tmp_path):
    import json
    import os
    import time

    from laborgraph.authoring.entities import entity_index

    data = _copy("corroboration2", tmp_path)
    past = time.time() - 60
    for path in (data / "articles").glob("*.yaml"):
        os.utime(path, (past, past))
    memo = tmp_path / "memo.json"
    scanned = entity_index(data)
    assert entity_index(data, memo=memo) == scanned
    doc = json.loads(memo.read_text(encoding="utf-8"))
    row = doc["rows"]["2024-08-05-epsilon-pay.yaml"]
    row[2][0][2] = "from the memo"
    memo.write_text(json.dumps(doc), encoding="utf-8")
    assert "from the memo" in [e.label for e in entity_index(data, memo=memo).entities]  # unchanged file: memo
    os.utime(data / "articles" / "2024-08-05-epsilon-pay.yaml", (past + 5, past + 5))
    assert entity_index(data, memo=memo) == scanned  # its mtime changed: scanned again


class _CountingStore:
    """A store that counts the queries run per projection (the rows are the real store's)."""

    def __init__(self, store):
        self.store, self.runs = store, {}

    def query(self, text, **kwargs):
        head = text.split("{", 1)[0]  # prefixes and projection: the same whatever node is bound
        self.runs[head] = self.runs.get(head, 0) + 1
        return self.store.query(text, **kwargs)


def test_a_costly_rule_runs_once_over_the_corpus_not_once_per_focus_node(tmp_path, monkeypatch):
    """Bound per node, a rule whose sub-select spans the corpus costs a full pass per node;
    past ``ONE_PASS_AFTER`` the other nodes' rows come from one unbound run, and they are the same rows."""
    import pyoxigraph

    from laborgraph.incremental import corpus
    from laborgraph.validate import shapes_graph

    data = _copy("corroboration2", tmp_path)
    refresh(data, cache_dir=tmp_path / "cache")
    store = pyoxigraph.Store.read_only(str(tmp_path / "cache" / "store"))
    focus = {r["c"].value for r in store.query("SELECT ?c WHERE { ?c a <https://w3id.org/laborgraph/ns#Claim> }",
                                                  use_default_graph_as_union=True)}
    assert len(focus) > 3
    shapes = shapes_graph(corpus=True)
    per_node = corpus.run_constraints(store, shapes, focus)  # the default budget: cheap rules run per node
    monkeypatch.setattr(corpus, "ONE_PASS_AFTER", 0.0)
    monkeypatch.setattr(corpus, "ONE_PASS_NODES", 1)
    counting = _CountingStore(store)
    one_pass = corpus.run_constraints(counting, shapes, focus)
    assert one_pass == per_node == [f for f in corpus.run_constraints(store, shapes) if f.focus in focus]
    assert per_node  # the fixture has corpus findings: the comparison sees rows
    rules = [c.query for c in corpus.sparql_constraints(shapes)]
    assert [counting.runs.get(q.split("{", 1)[0]) for q in rules] == [2] * len(rules)  # one node bound, one pass


def test_a_rule_pre_bound_in_its_text_gives_the_rows_of_a_bound_run_for_every_claim(tmp_path):
    """SHACL pre-binding substitutes $this in nested selects too (the anonymous-source rule computes
    chains only for the claims sharing a fact with it, in the chain's bound form): the rows stay
    those of a substitution alone into the rule as written."""
    import pyoxigraph

    from laborgraph.incremental import corpus
    from laborgraph.validate import shapes_graph

    data = _copy("corroboration2", tmp_path)
    refresh(data, cache_dir=tmp_path / "cache")
    store = pyoxigraph.Store.read_only(str(tmp_path / "cache" / "store"))
    claims = sorted(r["c"].value for r in store.query(
        "SELECT ?c WHERE { ?c a <https://w3id.org/laborgraph/ns#Claim> }", use_default_graph_as_union=True))
    found = 0
    for rule in corpus.sparql_constraints(shapes_graph(corpus=True)):
        for claim in claims:
            text = corpus.prebound(rule.bound, "this", claim)  # what a bound run evaluates
            assert "?this lg:" not in text
            assert f"<{claim}> lg:supports ?chainFact" in text or "chain" not in text  # the chains it needs
            bound = {pyoxigraph.Variable("this"): pyoxigraph.NamedNode(claim)}
            rows, plain = ([sorted(map(str, r)) for r in store.query(q, use_default_graph_as_union=True,
                                                                     substitutions=bound)] for q in (text, rule.query))
            assert sorted(rows) == sorted(plain), (rule.iri, claim)
            found += len(rows)
    assert found  # some rule fires on the fixture
