"""The incremental build: edits, renames and deletions never serve stale results."""

import json
import os
import pickle
import shutil
import time
from collections.abc import Callable
from dataclasses import asdict
from pathlib import Path

import pytest
from rdflib import Dataset

from laborgraph.build import build_dataset
from laborgraph.incremental import build
from laborgraph.incremental import refresh as check
from laborgraph.incremental.cache import RACY_NS, content_digest
from laborgraph.incremental.corpus import run_constraints
from laborgraph.load import load_corpus
from laborgraph.query import oxigraph_store
from laborgraph.validate import _plain, shapes_graph, validate_dataset, validate_graph

from .conftest import SEED, seed_with_corroboration


@pytest.fixture
def corpus_dir(tmp_path):
    """The seed plus the two corroboration fixture articles, in a scratch folder."""
    return seed_with_corroboration(tmp_path / "corpus")


def outputs(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.glob("laborgraph.*"))}


def fresh(data: Path, tmp: Path, name: str) -> dict[str, bytes]:
    """Outputs of a build with an empty cache."""
    build(data, tmp / name, cache_dir=tmp / f"{name}-cache")
    return outputs(tmp / name)


def test_second_build_comes_from_cache_and_is_identical(corpus_dir, tmp_path):
    first = build(corpus_dir, tmp_path / "out")
    before = outputs(tmp_path / "out")
    again = build(corpus_dir, tmp_path / "out")
    assert (first.cache_misses, again.cache_hits, again.cache_misses) == (3, 3, 0)
    assert outputs(tmp_path / "out") == before


def test_editing_one_article_rebuilds_only_it(corpus_dir, tmp_path):
    build(corpus_dir, tmp_path / "out")
    edited = corpus_dir / "articles" / "2024-08-05-fixturewire-far-east-count.yaml"
    edited.write_text(edited.read_text().replace("Fixture: 1,000 to 1,200 workers", "Fixture: a thousand workers"))
    result = build(corpus_dir, tmp_path / "out")
    assert (result.cache_hits, result.cache_misses) == (2, 1)
    assert b"Fixture: a thousand workers" in outputs(tmp_path / "out")["laborgraph.ttl"]
    assert outputs(tmp_path / "out") == fresh(corpus_dir, tmp_path, "reference")


def test_editing_the_article_text_is_a_change_too(corpus_dir, tmp_path):
    build(corpus_dir, tmp_path / "out")
    text = corpus_dir / "articles" / f"{SEED}.txt"
    text.write_text(text.read_text().replace("Please send any comments", "Please send your comments"))
    result = build(corpus_dir, tmp_path / "out")
    assert result.cache_misses == 1
    assert outputs(tmp_path / "out") == fresh(corpus_dir, tmp_path, "reference")


def test_renaming_and_deleting_articles(corpus_dir, tmp_path):
    build(corpus_dir, tmp_path / "out")
    articles = corpus_dir / "articles"
    for ext in ("yaml", "txt"):
        (articles / f"2024-08-01-fixturenews-far-east-arrivals.{ext}").rename(
            articles / f"2024-08-01-fixturenews-far-east-report.{ext}")
    mapping = articles / "2024-08-01-fixturenews-far-east-report.yaml"
    mapping.write_text(mapping.read_text().replace("far-east-arrivals.txt", "far-east-report.txt"))
    for ext in ("yaml", "txt"):
        (articles / f"2024-08-05-fixturewire-far-east-count.{ext}").unlink()
    result = build(corpus_dir, tmp_path / "out")
    assert (result.cache_hits, result.cache_misses) == (1, 1)
    cached = sorted(p.name for p in (tmp_path / "out" / ".cache" / "articles").iterdir() if p.name[0] != "_")
    assert cached == ["2024-07-15-dailynk-military-construction-workers-russia",
                      "2024-08-01-fixturenews-far-east-report"]
    assert b"far-east-arrivals" not in outputs(tmp_path / "out")["laborgraph.nt"]
    assert outputs(tmp_path / "out") == fresh(corpus_dir, tmp_path, "reference")


def test_registry_or_shapes_changes_invalidate_everything(corpus_dir, tmp_path, monkeypatch):
    build(corpus_dir, tmp_path / "out")
    registry = corpus_dir / "entities.yaml"
    registry.write_text(registry.read_text().replace("label: Uzbekistan", "label: Republic of Uzbekistan"))
    assert build(corpus_dir, tmp_path / "out").cache_misses == 3
    shapes = tmp_path / "shapes"
    shutil.copytree(Path(__file__).parents[1] / "shapes", shapes)
    (shapes / "article.ttl").write_text((shapes / "article.ttl").read_text() + "\n# a change\n")
    monkeypatch.setattr("laborgraph.incremental.job.default_shapes_dir", lambda: shapes)
    assert build(corpus_dir, tmp_path / "out").cache_misses == 3


def test_cache_is_safe_to_delete(corpus_dir, tmp_path):
    build(corpus_dir, tmp_path / "out")
    before = outputs(tmp_path / "out")
    shutil.rmtree(tmp_path / "out" / ".cache")
    assert build(corpus_dir, tmp_path / "out").cache_misses == 3
    assert outputs(tmp_path / "out") == before


def test_parallel_validation_gives_the_same_result(corpus_dir, tmp_path, monkeypatch):
    monkeypatch.setattr("laborgraph.incremental.workers.BATCH", 1)
    one = build(corpus_dir, tmp_path / "a", jobs=1)
    two = build(corpus_dir, tmp_path / "b", jobs=2)
    key = lambda f: (f.focus, f.shape, f.severity, f.message)  # noqa: E731
    assert sorted(map(key, one.report.findings)) == sorted(map(key, two.report.findings))
    assert outputs(tmp_path / "a") == outputs(tmp_path / "b")


def test_incremental_findings_equal_whole_corpus_validation(corpus_dir, tmp_path):
    result = build(corpus_dir, tmp_path / "out")
    naive = validate_dataset(build_dataset(load_corpus(corpus_dir)))
    key = lambda f: (f.focus, f.shape, f.severity, f.message, f.line, f.claim)  # noqa: E731
    assert sorted(map(key, result.report.findings)) == sorted(map(key, naive.findings))
    assert result.report.counts["Warning"] > 10


def test_fast_corpus_rules_equal_pyshacl(corpus_dir):
    ds = build_dataset(load_corpus(corpus_dir))
    fast = run_constraints(oxigraph_store(ds), shapes_graph(corpus=True))
    slow = validate_graph(_plain(*ds.graphs()), corpus_rules=True).findings
    key = lambda f: (f.focus, f.shape, f.severity, f.message, f.file, f.line, f.claim)  # noqa: E731
    assert sorted(map(key, fast)) == sorted(map(key, slow))
    assert len(fast) > 10


def _all(findings) -> list[str]:
    return sorted(json.dumps(asdict(f), sort_keys=True) for f in findings)


def _edits(data: Path) -> list[tuple[str, Callable[[], None]]]:
    """Edits that change findings, also on claims of articles that were not edited.

    First the wire fixture gains a hedged claim from its anonymous source that the
    seed corroborates (the border closure's cause); the edits then take that
    corroboration away and back, so the wire claim's findings change although
    only the seed was edited.
    """
    articles = data / "articles"
    wire = "2024-08-05-fixturewire-far-east-count"
    seed = articles / f"{SEED}.yaml"
    news = articles / "2024-08-01-fixturenews-far-east-arrivals.yaml"
    sentence = "It appears North Korea closed its borders due to COVID-19 in January 2020."
    with (articles / f"{wire}.txt").open("a") as fh:
        fh.write(sentence + "\n")
    with (articles / f"{wire}.yaml").open("a") as fh:
        fh.write(f"""  - id: border-closure
    quote: {sentence}
    source: trade-source
    quotation: paraphrase
    hedge: appears
    hedge_wording: It appears
    states:
      dprk-border-closure-2020:
        cause: covid-19
""")
    kept = {ext: (articles / f"{wire}.{ext}").read_bytes() for ext in ("yaml", "txt")}
    corroborated = seed.read_text()

    def delete() -> None:
        for ext in kept:
            (articles / f"{wire}.{ext}").unlink()

    def restore() -> None:
        for ext, body in kept.items():
            (articles / f"{wire}.{ext}").write_bytes(body)

    def uncorroborate() -> None:
        seed.write_text(corroborated.replace("        closedBy: north-korea\n        cause: covid-19\n",
                                             "        closedBy: north-korea\n", 1))

    def corroborate() -> None:
        seed.write_text(corroborated)

    def unhedge() -> None:
        news.write_text(news.read_text().replace("    hedge: approximately\n    hedge_wording: about\n", "", 1))

    return [("the seed stops corroborating the wire", uncorroborate), ("and corroborates it again", corroborate),
            ("delete the wire article", delete), ("restore it", restore), ("drop a hedge", unhedge)]


def test_incremental_corpus_rules_equal_a_full_evaluation_edit_after_edit(corpus_dir, tmp_path):
    edits = _edits(corpus_dir)
    build(corpus_dir, tmp_path / "out")
    wire_claim = "fixturewire-far-east-count/claim/border-closure"
    on_wire = []
    for step, (name, edit) in enumerate(edits):
        edit()
        incremental = check(corpus_dir, cache_dir=tmp_path / "out" / ".cache")
        full = check(corpus_dir, cache_dir=tmp_path / f"fresh-{step}")
        assert incremental.corpus_focus is not None and full.corpus_focus is None, name
        assert _all(incremental.report.findings) == _all(full.report.findings), name
        on_wire.append(sorted(f.shape.rsplit("#")[-1] for f in full.report.findings if f.focus.endswith(wire_claim)))
    # The edits of the seed alone moved findings of the unedited wire claim.
    assert on_wire[:2] == [["Claim-hedgedSoleSupport", "SingleAnonymousSource-uncorroborated"], []]


def test_an_interrupted_corpus_evaluation_is_redone_in_full(corpus_dir, tmp_path, monkeypatch):
    build(corpus_dir, tmp_path / "out")
    (_, delete), *_ = _edits(corpus_dir)
    delete()

    def crash(*args):
        raise KeyboardInterrupt

    with monkeypatch.context() as m:
        m.setattr("laborgraph.incremental.job._corpus_findings", crash)
        with pytest.raises(KeyboardInterrupt):
            build(corpus_dir, tmp_path / "out")
    again = check(corpus_dir, cache_dir=tmp_path / "out" / ".cache")
    assert again.corpus_focus is None
    assert _all(again.report.findings) == _all(check(corpus_dir, cache_dir=tmp_path / "fresh").report.findings)


def test_an_edit_within_the_clock_granularity_is_not_missed(corpus_dir, tmp_path):
    mapping = corpus_dir / "articles" / "2024-08-05-fixturewire-far-east-count.yaml"
    build(corpus_dir, tmp_path / "out")
    stat = mapping.stat()
    body = mapping.read_text().replace("Fixture: 1,000 to 1,200 workers", "Fixture: 1,000 to 1,300 workers")
    assert len(body) == stat.st_size
    mapping.write_text(body)
    os.utime(mapping, ns=(stat.st_atime_ns, stat.st_mtime_ns))  # same size, same mtime, same inode
    assert build(corpus_dir, tmp_path / "out").cache_misses == 1


def test_an_old_unchanged_file_is_not_read_again(corpus_dir, tmp_path, monkeypatch):
    old = time.time_ns() - 3 * RACY_NS
    for path in (corpus_dir / "articles").iterdir():
        os.utime(path, ns=(old, old))
    build(corpus_dir, tmp_path / "out")
    read = []
    monkeypatch.setattr("laborgraph.incremental.cache.content_digest", lambda p: read.append(p) or content_digest(p))
    assert build(corpus_dir, tmp_path / "out").cache_misses == 0
    assert read == []


def test_split_layout_rewrites_only_the_edited_graph(corpus_dir, tmp_path):
    out = tmp_path / "out"
    first = build(corpus_dir, out, layout="split")
    graphs = out / "graphs"
    assert first.layout == "split" and len(first.written) == 5 * 4  # 3 articles, registry, ontology
    assert not list(out.glob("laborgraph.*"))
    combined = Dataset()
    for path in graphs.glob("*.trig"):
        combined.parse(path, format="trig")
    build(corpus_dir, tmp_path / "ref", layout="combined")
    reference = Dataset().parse(tmp_path / "ref" / "laborgraph.trig", format="trig")
    assert len(combined) == len(reference) > 1000
    assert {str(g.identifier) for g in combined.graphs()} == {str(g.identifier) for g in reference.graphs()}

    edited = corpus_dir / "articles" / "2024-08-05-fixturewire-far-east-count.yaml"
    edited.write_text(edited.read_text().replace("Fixture: 1,000 to 1,200 workers", "Fixture: a thousand workers"))
    second = build(corpus_dir, out, layout="split")
    assert sorted(p.name for p in second.written) == [f"2024-08-05-fixturewire-far-east-count.{ext}"
                                                       for ext in ("jsonld", "nt", "trig", "ttl")]
    assert b"a thousand workers" in (graphs / "2024-08-05-fixturewire-far-east-count.ttl").read_bytes()

    for ext in ("yaml", "txt"):
        edited.with_suffix(f".{ext}").unlink()
    build(corpus_dir, out, layout="split")
    assert not list(graphs.glob("2024-08-05-fixturewire*"))
    index = json.loads((graphs / "index.json").read_text())["graphs"]
    assert sorted(index) == sorted(p.stem for p in graphs.glob("*.trig"))

    build(corpus_dir, out, layout="combined")  # switching layouts leaves nothing stale behind
    assert not graphs.exists() and (out / "laborgraph.trig").is_file()


def test_auto_layout_splits_large_corpora(corpus_dir, tmp_path, monkeypatch):
    assert build(corpus_dir, tmp_path / "a").layout == "combined"
    monkeypatch.setattr("laborgraph.incremental.layout.SPLIT_ABOVE", 1000)
    assert build(corpus_dir, tmp_path / "a").layout == "split"


def test_a_new_store_is_bulk_loaded_with_what_a_load_per_graph_gives(corpus_dir, tmp_path, monkeypatch):
    import pyoxigraph as ox

    from laborgraph.incremental import cache as cache_module
    from laborgraph.incremental import with_corpus_store

    calls: list[int] = []
    real = cache_module.bulk_load_graphs
    monkeypatch.setattr(cache_module, "BULK_GRAPHS", 2)  # several bulk loads, not one
    monkeypatch.setattr(cache_module, "bulk_load_graphs", lambda store, graphs, *per: (calls.append(len(graphs)),
                                                                                     real(store, graphs, *per)))
    cache_dir = tmp_path / "cache"

    def quads_by_graph(store):
        return {str(g.value): {(q.subject, q.predicate, q.object) for q in store.quads_for_pattern(None, None, None, g)}
                for g in store.named_graphs()}

    held = with_corpus_store(corpus_dir, quads_by_graph, cache_dir=cache_dir, jobs=1)
    assert calls and calls[0] > 2
    one_by_one = ox.Store()  # what a load per graph gives (the store keeps typed literals in canonical form)
    for name, entry in check(corpus_dir, cache_dir=cache_dir).ordered:
        one_by_one.load(path=entry.chunk_path("nt"), format=ox.RdfFormat.N_TRIPLES, to_graph=ox.NamedNode(name))
    assert held == quads_by_graph(one_by_one)


def test_the_lenient_snapshot_holds_what_the_corpus_store_holds(corpus_dir, tmp_path):
    """The query snapshot skips re-validating chunks the corpus store has parsed strictly: same quads."""
    import pyoxigraph as ox

    from laborgraph.incremental import load_snapshot, with_corpus_store

    cache_dir = tmp_path / "cache"

    def quads(store):
        return sorted(store.dump(format=ox.RdfFormat.N_QUADS).decode().splitlines())

    strict = with_corpus_store(corpus_dir, quads, cache_dir=cache_dir, jobs=1)
    snapshot = quads(load_snapshot(check(corpus_dir, cache_dir=cache_dir).ordered))
    assert len(snapshot) > 4000 and snapshot == strict


def test_a_full_corpus_evaluation_runs_in_memory_with_the_findings_of_the_on_disk_store(corpus_dir, tmp_path):
    from laborgraph.incremental import with_corpus_store
    from laborgraph.incremental.cache import StoreState
    from laborgraph.incremental.corpus import run_checks
    from laborgraph.incremental.job import _corpus_findings

    cache_dir = tmp_path / "cache"
    on_disk = with_corpus_store(corpus_dir, lambda store: run_constraints(store, shapes_graph(corpus=True))
                                + run_checks(store), cache_dir=cache_dir, jobs=1)
    paths = [entry.chunk_path("nt") for _, entry in check(corpus_dir, cache_dir=cache_dir).ordered]
    # no on-disk store given: a full evaluation must not need one
    in_memory, focus = _corpus_findings(StoreState(None, None, None), paths, tmp_path / "scratch", 1)
    assert focus is None
    assert _all(in_memory) == _all(on_disk)
    assert len(in_memory) > 10


def test_a_corpus_too_large_for_memory_is_evaluated_on_the_on_disk_store(corpus_dir, tmp_path, monkeypatch):
    from laborgraph.incremental import corpus, with_corpus_store
    from laborgraph.incremental.cache import StoreState
    from laborgraph.incremental.job import _corpus_findings

    cache_dir = tmp_path / "cache"
    paths = [entry.chunk_path("nt") for _, entry in check(corpus_dir, cache_dir=cache_dir).ordered]
    assert corpus.fits_in_memory(paths)
    in_memory, _ = _corpus_findings(StoreState(None, None, None), paths, tmp_path / "scratch", 1)
    monkeypatch.setattr(corpus, "RULES_IN_MEMORY_BYTES", 1000)
    assert not corpus.fits_in_memory(paths)
    on_disk = with_corpus_store(corpus_dir, lambda store: _corpus_findings(StoreState(store, None, None), paths,
                                                                           tmp_path / "scratch", 1)[0],
                                cache_dir=cache_dir, jobs=1)
    assert _all(on_disk) == _all(in_memory)


@pytest.mark.parametrize("where", ["memory", "disk"])
def test_a_full_pass_shared_out_among_processes_finds_what_one_process_finds(corpus_dir, tmp_path, monkeypatch,
                                                                             where):
    from laborgraph.incremental import corpus, fullpass, with_corpus_store

    cache_dir, scratch = tmp_path / "cache", tmp_path / "tmp" / "checkpoint"
    paths = [entry.chunk_path("nt") for _, entry in check(corpus_dir, cache_dir=cache_dir).ordered]
    if where == "disk":
        monkeypatch.setattr(corpus, "RULES_IN_MEMORY_BYTES", 1000)

    def both(store):
        alone = fullpass.full_findings(paths, store, scratch, jobs=1)
        monkeypatch.setattr(fullpass, "PARALLEL_FROM", 0)
        shared = fullpass.full_findings(paths, store, scratch, jobs=2)
        monkeypatch.setattr(fullpass, "PARALLEL_FROM", 10**9)
        return alone, shared, len(store)

    alone, shared, held = with_corpus_store(corpus_dir, both, cache_dir=cache_dir, jobs=1)
    assert len(alone) > 10
    assert shared == alone  # the same findings in the same order
    assert not scratch.exists()  # the checkpoint (disk) is gone once the pass is over
    assert held > 1000  # the build's own store was read, not emptied


def test_the_full_pass_runs_every_rule_and_check_once_the_longest_first():
    from laborgraph.checks import load_checks
    from laborgraph.incremental import fullpass
    from laborgraph.incremental.corpus import sparql_constraints
    from laborgraph.validate import shapes_graph

    shapes = shapes_graph(corpus=True)
    tasks = fullpass._longest_first(shapes)
    rules, checks = sparql_constraints(shapes), load_checks()
    every = [("rule", i) for i in range(len(rules))] + [("check", i) for i in range(len(checks))]
    assert sorted(tasks) == sorted(every)
    names = [rules[i].iri.rsplit("#", 1)[-1] if kind == "rule" else checks[i].name for kind, i in tasks]
    assert names[:len(fullpass.LONGEST_FIRST)] == list(fullpass.LONGEST_FIRST)  # a renamed rule fails here


def _quads(store) -> dict[str, set]:
    return {str(g.value): {(q.subject, q.predicate, q.object) for q in store.quads_for_pattern(None, None, None, g)}
            for g in store.named_graphs()}


@pytest.fixture
def feeding(monkeypatch):
    """Every cold build feeds its store as graphs arrive, one graph per bulk load, one article per batch."""
    from laborgraph.incremental import cache, job, workers

    loads: list[int] = []
    real = cache.bulk_load_graphs
    monkeypatch.setattr(job, "FEED_FROM", 0)
    monkeypatch.setattr(cache, "BULK_GRAPHS", 1)
    monkeypatch.setattr(workers, "BATCH", 1)
    monkeypatch.setattr(cache, "bulk_load_graphs", lambda store, graphs, *per: (loads.append(len(graphs)),
                                                                                real(store, graphs, *per)))
    return loads


def test_a_store_fed_while_articles_are_built_holds_what_a_load_after_them_holds(corpus_dir, tmp_path, feeding):
    from laborgraph.incremental import with_corpus_store

    fed = build(corpus_dir, tmp_path / "fed", jobs=2)
    assert feeding[:3] == [1, 1, 1]  # the three articles, one at a time, then the registry and ontology
    plain = build(corpus_dir, tmp_path / "plain", jobs=1)
    assert outputs(tmp_path / "fed") == outputs(tmp_path / "plain")
    assert _all(fed.report.findings) == _all(plain.report.findings)
    held = [with_corpus_store(corpus_dir, _quads, cache_dir=tmp_path / name / ".cache", jobs=1)
            for name in ("fed", "plain")]
    assert held[0] == held[1]
    assert len(held[0]) == 5


def test_a_feed_loads_a_share_of_the_expected_graphs_a_call_within_its_bounds(corpus_dir, tmp_path, feeding,
                                                                              monkeypatch):
    """Fewer, larger bulk loads for a large build (RocksDB compacts each load's files into the rest),
    with the same quads as a store loaded after the build."""
    from laborgraph.incremental import cache, with_corpus_store
    from laborgraph.incremental.cache import BulkFeed, Cache

    monkeypatch.setattr(cache, "FEED_GRAPHS", 2)
    monkeypatch.setattr(cache, "FEED_LOADS", 1)
    unused = Cache(tmp_path / "c")
    assert [BulkFeed(unused, True, n).per for n in (0, 1, 2, 3, 50)] == [1, 1, 2, 2, 2]
    unused.close()
    fed = build(corpus_dir, tmp_path / "fed", jobs=2)
    assert feeding[:2] == [2, 1]  # three articles expected: two a load, then the last as the feed is taken
    plain = build(corpus_dir, tmp_path / "plain", jobs=1)
    assert outputs(tmp_path / "fed") == outputs(tmp_path / "plain")
    assert _all(fed.report.findings) == _all(plain.report.findings)
    held = [with_corpus_store(corpus_dir, _quads, cache_dir=tmp_path / name / ".cache", jobs=1)
            for name in ("fed", "plain")]
    assert held[0] == held[1]


def test_a_feeds_last_stretch_goes_in_small_loads(tmp_path, monkeypatch):
    """What is left to load after the last graph comes stays at most ``BULK_GRAPHS`` graphs."""
    from laborgraph.incremental import cache
    from laborgraph.incremental.cache import BulkFeed, Cache

    loads: list[list[str]] = []
    monkeypatch.setattr(cache, "BULK_GRAPHS", 2)
    monkeypatch.setattr(cache, "FEED_GRAPHS", 3)
    monkeypatch.setattr(cache, "FEED_LOADS", 1)
    monkeypatch.setattr(cache, "bulk_load_graphs", lambda store, graphs, per: loads.append([n for n, _ in graphs]))
    store_cache = Cache(tmp_path / "c")
    with BulkFeed(store_cache, True, 7) as feed:
        for i in range(7):
            feed.add(f"g{i}", f"k{i}", f"p{i}")
        assert loads == [["g0", "g1", "g2"], ["g3", "g4"], ["g5", "g6"]]  # not 3, 3, then 1 at the end
        store, loaded = feed.take()
    assert loaded == {f"g{i}": f"k{i}" for i in range(7)}
    del store
    store_cache.close()


def test_a_feed_cut_short_by_an_input_error_leaves_a_store_the_next_build_empties(corpus_dir, tmp_path, feeding):
    from laborgraph.errors import LaborgraphError
    from laborgraph.incremental import with_corpus_store

    last = sorted((corpus_dir / "articles").glob("*.yaml"))[-1]
    good = last.read_text()
    last.write_text(good.replace("quote: ", "quote: NOT IN THE TEXT ", 1))
    with pytest.raises(LaborgraphError):
        build(corpus_dir, tmp_path / "out", jobs=2)
    assert feeding  # graphs were loaded before the error
    last.write_text(good)
    build(corpus_dir, tmp_path / "out", jobs=2)
    again = with_corpus_store(corpus_dir, _quads, cache_dir=tmp_path / "out" / ".cache", jobs=1)
    build(corpus_dir, tmp_path / "fresh", jobs=1)
    assert again == with_corpus_store(corpus_dir, _quads, cache_dir=tmp_path / "fresh" / ".cache", jobs=1)


def test_an_error_after_the_feed_lets_go_of_the_store_for_the_next_build(corpus_dir, tmp_path, feeding,
                                                                         monkeypatch):
    from laborgraph.errors import LaborgraphError
    from laborgraph.incremental.cache import Cache

    real = Cache.save_index

    def fail(self, entries):
        raise LaborgraphError("index: disk full")

    monkeypatch.setattr(Cache, "save_index", fail)
    with pytest.raises(LaborgraphError) as failed:  # keeps the traceback, and so its frames, alive
        build(corpus_dir, tmp_path / "out", jobs=2)
    assert feeding  # the feed had opened the store
    monkeypatch.setattr(Cache, "save_index", real)
    again = build(corpus_dir, tmp_path / "out", jobs=2)  # the store is not held by the failed build
    assert again.stats.articles == 3
    assert failed.value is not None


def test_an_edits_report_reads_the_corpus_findings_as_its_build_left_them(corpus_dir, tmp_path):
    """After an edit the corpus findings stay in the index until the report is read (``index.Recorded``);
    read after a later build rewrote them, they are still the findings of the build that made the report."""
    out = tmp_path / "out"
    build(corpus_dir, out)
    edited = corpus_dir / "articles" / "2024-08-05-fixturewire-far-east-count.yaml"
    edited.write_text(edited.read_text().replace("Fixture: 1,000 to 1,200 workers", "Fixture: a thousand workers"))
    lazy = build(corpus_dir, out)
    assert lazy.corpus_focus is not None  # an evaluation bound to the edit: the findings were left in the index
    reference = build(corpus_dir, tmp_path / "reference", cache_dir=tmp_path / "reference-cache")
    for ext in ("yaml", "txt"):  # the other article of the corroboration: the corpus findings change
        (corpus_dir / "articles" / f"2024-08-01-fixturenews-far-east-arrivals.{ext}").unlink()
    later = build(corpus_dir, out)
    assert _all(later.report.findings) != _all(reference.report.findings)
    assert lazy.report.findings == reference.report.findings and lazy.report == reference.report
    assert lazy.report.conforms and lazy.report.counts == reference.report.counts
    assert pickle.loads(pickle.dumps(lazy.report)) == reference.report  # a plain Report, no connection


def test_a_deleted_split_output_is_written_again_by_the_next_build(corpus_dir, tmp_path):
    """What the split layout's index says was written is checked against the folder: a missing file is rewritten."""
    out = tmp_path / "out"
    build(corpus_dir, out, layout="split")
    graphs = out / "graphs"
    before = {p.name: p.read_bytes() for p in graphs.iterdir()}
    (graphs / "2024-08-05-fixturewire-far-east-count.ttl").unlink()
    again = build(corpus_dir, out, layout="split")
    assert sorted(p.name for p in again.written) == [f"2024-08-05-fixturewire-far-east-count.{ext}"
                                                      for ext in ("jsonld", "nt", "trig", "ttl")]
    assert {p.name: p.read_bytes() for p in graphs.iterdir()} == before
    (graphs / "index.json").unlink()
    assert len(build(corpus_dir, out, layout="split").written) == len(before) - 1  # every graph's files
    assert {p.name: p.read_bytes() for p in graphs.iterdir()} == before


def _snapshot_quads(store) -> list[str]:
    import pyoxigraph as ox

    return sorted(store.dump(format=ox.RdfFormat.N_QUADS).decode().splitlines())


@pytest.mark.parametrize("change", ["none", "edit", "add", "remove", "registry", "damaged chunk", "entry gone",
                                    "checked"])
def test_the_query_store_skips_the_refresh_only_when_it_would_change_nothing(corpus_dir, tmp_path, monkeypatch,
                                                                             change, capsys):
    """`laborgraph query`'s snapshot equals a refresh's whatever changed; the refresh runs unless nothing did."""
    from laborgraph.incremental import job, load_snapshot, with_query_store

    cache_dir = tmp_path / "cache"
    with_query_store(corpus_dir, len, cache_dir=cache_dir)  # the first: a full refresh fills the cache
    articles = sorted((corpus_dir / "articles").glob("*.yaml"))
    fixture = corpus_dir / "articles" / "2024-08-05-fixturewire-far-east-count.yaml"
    if change == "edit":
        fixture.write_text(fixture.read_text().replace("Fixture: 1,000 to 1,200 workers",
                                                       "Fixture: a thousand workers"))
    elif change == "add":
        shutil.copy(fixture, fixture.with_name("2024-08-05-a-copy.yaml"))
    elif change == "remove":
        articles[-1].unlink()
    elif change == "registry":
        registry = corpus_dir / "entities.yaml"
        registry.write_text(registry.read_text() + "\n# a comment changes the file\n")
    elif change == "damaged chunk":
        chunk = next((cache_dir / "articles").glob("*/*/graph.nt"))
        chunk.write_bytes(chunk.read_bytes()[:-40])
    elif change == "entry gone":  # a user cleaning the cache by hand: no damage, but no graph either
        shutil.rmtree(next((cache_dir / "articles").glob("2024-08-05-fixturewire-far-east-count/*")))
    elif change == "checked":  # `laborgraph check` of an edit: the store is current, the snapshot follows it
        from laborgraph.incremental.check import check_article

        fixture.write_text(fixture.read_text().replace("Fixture: 1,000 to 1,200 workers",
                                                       "Fixture: a thousand workers"))
        assert check_article(fixture, corpus_dir, cache_dir=cache_dir).fast
    calls: list[int] = []
    real = job.refresh
    monkeypatch.setattr(job, "refresh", lambda *a, **k: calls.append(1) or real(*a, **k))
    got = with_query_store(corpus_dir, _snapshot_quads, cache_dir=cache_dir, store="memory")
    assert calls == ([] if change in ("none", "checked") else [1])
    assert got == _snapshot_quads(load_snapshot(check(corpus_dir, cache_dir=tmp_path / "fresh").ordered))
    assert ("damaged cache entry" in capsys.readouterr().err) == (change == "damaged chunk")


def test_the_query_store_on_an_unchanged_cache_still_goes_to_disk_above_the_memory_limit(corpus_dir, tmp_path,
                                                                                        monkeypatch):
    """The triple count read from the index is a refresh's count: `auto` picks the same store."""
    from laborgraph.incremental import snapshot, with_query_store

    cache_dir = tmp_path / "cache"
    with_query_store(corpus_dir, len, cache_dir=cache_dir)
    with snapshot.locked(cache_dir):
        _, triples = snapshot.current_entries(corpus_dir, cache_dir)
    counted = check(corpus_dir, cache_dir=cache_dir).stats
    assert triples == counted.triples + counted.ontology_triples
    monkeypatch.setattr(snapshot, "MEMORY_QUERY_TRIPLES", triples - 1)
    disk = with_query_store(corpus_dir, lambda store: type(store).__name__ + str(len(store)), cache_dir=cache_dir)
    monkeypatch.setattr(snapshot, "MEMORY_QUERY_TRIPLES", triples)
    memory = with_query_store(corpus_dir, lambda store: type(store).__name__ + str(len(store)), cache_dir=cache_dir)
    assert disk == memory  # the same quads either way; which store served is checked below
    seen = []
    monkeypatch.setattr(snapshot, "MEMORY_QUERY_TRIPLES", triples - 1)
    monkeypatch.setattr(snapshot, "load_snapshot", lambda ordered: seen.append(1))
    with_query_store(corpus_dir, len, cache_dir=cache_dir)
    assert seen == []
