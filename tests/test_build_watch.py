"""`laborgraph build --watch`: a real watcher on a copy of a corpus writes, after each save, the bytes a fresh
`laborgraph build` of the same data writes; bad input and violations leave the outputs and the watch goes on."""

from __future__ import annotations

import contextlib
import hashlib
import shutil
import signal
import subprocess
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from laborgraph.incremental import build
from laborgraph.incremental.buildwatch import Options, Rebuilt, watch_builds

from .conftest import DATA, ROOT, SEED
from .test_shaclfast import _synth
from .test_watch import ENV, VIOLATION, Watching, _edit, _python, _save, running

WAIT = 60.0  # seconds a rebuild may take on a busy machine (the first, a full build, included)


def _corpus(tmp_path: Path, articles: int = 6) -> Path:
    """A synthetic corpus that conforms (``_save`` renames into it from ``tmp_path``)."""
    return _synth(tmp_path / "corpus", articles, 3)


def _outputs(out: Path) -> dict[str, str]:
    """Every output file's SHA-256 by its path in ``out`` (the cache left out)."""
    return {p.relative_to(out).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(out.rglob("*")) if p.is_file() and ".cache" not in p.relative_to(out).parts}


def _as_fresh(out: Path, data: Path, tmp_path: Path, name: str, layout: str = "auto") -> None:
    """The watcher's outputs are those a fresh build of the same data writes, byte for byte."""
    fresh = tmp_path / name
    build(data, fresh, layout=layout)
    assert _outputs(out) == _outputs(fresh) != {}


@contextlib.contextmanager
def watching(data: Path, out: Path, layout: str = "auto") -> Iterator[Watching]:
    def watch(stop: threading.Event, ready: threading.Event) -> Iterator[Rebuilt]:
        return watch_builds(data, out, options=Options(layout=layout), stop_event=stop, ready=ready)

    with running(Watching(watch, lambda got: isinstance(got, Rebuilt) and got.result is None)) as w:
        first = w.next()  # the build when the watch starts
        assert first.changed == () and first.rescanned
        yield w


def _label(mapping: Path, new: str) -> None:
    _edit(mapping, 'label: "SYNTHETIC benchmark article', f'label: "SYNTHETIC {new} article')


@pytest.mark.parametrize("layout", ["combined", "split"])
def test_each_edit_rebuilds_one_article_and_writes_a_fresh_builds_bytes(tmp_path, layout):
    data = _corpus(tmp_path)
    out = tmp_path / "out"
    mappings = sorted((data / "articles").glob("*.yaml"))
    with watching(data, out, layout) as w:
        _label(mappings[1], "edited")
        done = w.next()
        assert done.changed == (mappings[1].name,) and not done.rescanned
        assert (done.result.cache_misses, done.result.cache_hits) == (1, len(mappings) - 1)
        assert done.result.layout.value == layout
        _as_fresh(out, data, tmp_path, "fresh", layout)
        _label(mappings[3], "again")
        assert w.next().result.cache_misses == 1
        _as_fresh(out, data, tmp_path, "fresh2", layout)
        text = mappings[2].with_suffix(".txt")
        _save(text, text.read_text(encoding="utf-8") + "\nA line added.\n")
        done = w.next()  # the text's reader, by its name
        assert done.changed == (mappings[2].name,) and done.result.cache_misses == 1
        for probe in ("4913", f"{mappings[2].name}~", f".{mappings[2].name}.swp"):  # an editor's: read by no mapping
            (data / "articles" / probe).write_text("x", encoding="utf-8")
        assert w.quiet()
    _as_fresh(out, data, tmp_path, "fresh3", layout)


def test_added_and_deleted_mappings_and_a_registry_edit(tmp_path):
    data = _corpus(tmp_path)
    out = tmp_path / "out"
    mappings = sorted((data / "articles").glob("*.yaml"))
    with watching(data, out, "split") as w:
        mappings[0].unlink()
        done = w.next()
        assert done.result.stats.articles == len(mappings) - 1 and not done.rescanned
        _as_fresh(out, data, tmp_path, "fresh", "split")
        spare = tmp_path / "spare"
        _synth(spare, 8, 3)
        extra = sorted((spare / "articles").glob("*.yaml"))[-1]
        shutil.copy(extra.with_suffix(".txt"), data / "articles")
        _save(data / "articles" / extra.name, extra.read_text(encoding="utf-8"))
        done = w.next()
        assert done.result.stats.articles == len(mappings) and done.result.cache_misses == 1
        _as_fresh(out, data, tmp_path, "fresh2", "split")
        registry = data / "entities.yaml"
        _save(registry, registry.read_text(encoding="utf-8") + "\n# an edit\n")
        done = w.next()
        assert done.rescanned and done.result.cache_misses == len(mappings)  # the shared inputs changed
    _as_fresh(out, data, tmp_path, "fresh3", "split")


def test_bad_input_and_a_violation_leave_the_outputs_and_the_watch_goes_on(tmp_path):
    data = tmp_path / "corpus"
    shutil.copytree(DATA, data)
    out = tmp_path / "out"
    mapping = data / "articles" / f"{SEED}.yaml"
    with watching(data, out) as w:
        before = _outputs(out)
        _edit(mapping, *VIOLATION)
        refused = w.next(refused=True)
        assert refused.violations > 0 and "nothing was written" in refused.error
        assert _outputs(out) == before
        good = mapping.read_text(encoding="utf-8").replace(*reversed(VIOLATION))
        _save(mapping, "article: [\n")
        broken = w.next(refused=True)
        assert broken.violations == 0 and broken.error and _outputs(out) == before
        _save(mapping, good + "\n# fixed\n")
        done = w.next()
        assert done.rescanned  # after a rebuild that stopped half-way, every key is computed again
    _as_fresh(out, data, tmp_path, "fresh")


def test_a_build_between_two_edits_is_noticed(tmp_path):
    data = _corpus(tmp_path)
    out = tmp_path / "out"
    mappings = sorted((data / "articles").glob("*.yaml"))
    with watching(data, out, "split") as w:
        _label(mappings[0], "edited")
        assert not w.next().rescanned
        built = subprocess.run(_python("-q", "build", "--data", str(data), "--out", str(out), "--layout", "combined"),
                               env=ENV, timeout=WAIT, capture_output=True, text=True)
        assert built.returncode == 0, built.stderr
        _label(mappings[1], "again")
        done = w.next()
        assert done.rescanned and done.result.cache_misses == 1  # every key once more; one article rebuilt
    _as_fresh(out, data, tmp_path, "fresh", "split")


@pytest.mark.parametrize("stop", [signal.SIGINT, signal.SIGTERM])
def test_the_cli_rebuilds_on_each_save_and_ctrl_c_or_sigterm_exits_0(tmp_path, stop):
    data = _corpus(tmp_path)
    out = tmp_path / "out"
    mapping = sorted((data / "articles").glob("*.yaml"))[2]
    proc = subprocess.Popen(_python("build", "--watch", "--data", str(data), "--out", str(out)),
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=ENV)
    watchdog = threading.Timer(WAIT, proc.kill)  # a hang closes the pipes: the reads below fail, not block
    watchdog.start()
    try:
        assert proc.stderr is not None and proc.stdout is not None
        assert "watching" in proc.stderr.readline()
        lines = []
        for _ in range(2):  # the build at the start, then the edit's
            if lines:
                _label(mapping, "edited")
            while not (lines and lines[-1].startswith(("rebuilt ", "nothing written "))):
                line = proc.stdout.readline()
                assert line, "the watcher stopped"
                lines.append(line)
            lines.append("")
        proc.send_signal(stop)
        assert proc.wait(WAIT) == 0
    finally:
        watchdog.cancel()
        if proc.poll() is None:
            proc.kill()
    text = "".join(lines)
    assert "start, every key)" in text and "rebuilt in " in text and "(CPU " in text and ", 1 changed)" in text
    assert f"built {len(list((data / 'articles').glob('*.yaml')))} article(s)" in text
    assert "(5 from cache, 1 rebuilt)" in text
    _as_fresh(out, data, tmp_path, "fresh")


def test_a_held_rebuild_keys_only_the_named_mapping_and_equals_a_build(tmp_path, monkeypatch):
    """``rebuild`` with what ``Held`` kept: one key computed (the named mapping's, hashed), the same outputs."""
    from laborgraph.incremental.buildwatch import rebuild
    from laborgraph.incremental.cache import Cache
    from laborgraph.incremental.held import Held

    data = _corpus(tmp_path)
    out = tmp_path / "out"
    held = Held()
    first = rebuild(data, out, out / ".cache", held, Options(layout="split"))
    assert first.result is not None and first.rescanned and held.entries is not None
    keyed: list[tuple[str, bool]] = []
    real = Cache.key

    def key(self, mapping, inputs, *, rehash=False):
        keyed.append((Path(mapping).name, rehash))
        return real(self, mapping, inputs, rehash=rehash)

    monkeypatch.setattr(Cache, "key", key)
    mapping = sorted((data / "articles").glob("*.yaml"))[4]
    _label(mapping, "held")
    held.changed.add(mapping.name)
    done = rebuild(data, out, out / ".cache", held, Options(layout="split"))
    assert keyed == [(mapping.name, True)] and not done.rescanned and done.result.cache_misses == 1
    _as_fresh(out, data, tmp_path, "fresh", "split")
    (out / ".cache" / "index.sqlite-wal").touch()  # as another command's write looks
    _edit(mapping, "SYNTHETIC held", "SYNTHETIC again")
    held.changed.add(mapping.name)
    keyed.clear()
    again = rebuild(data, out, out / ".cache", held, Options(layout="split"))
    assert again.rescanned and len(keyed) == 6 and not any(rehash for _, rehash in keyed)
    _as_fresh(out, data, tmp_path, "fresh2", "split")


def test_lookalike_tables_emptied_are_filled_from_every_file_even_when_told_of_one(tmp_path):
    from laborgraph.authoring.entities import lookalike_findings
    from laborgraph.incremental.lookalike import _drop, cached_findings

    data = tmp_path / "corpus"
    shutil.copytree(DATA, data)
    mapping = data / "articles" / f"{SEED}.yaml"
    _edit(mapping, "entities:\n", "entities:\n  russian-federation:\n    type: Country\n    label: russia\n")
    cache = tmp_path / "cache"
    assert cached_findings(data, cache) == lookalike_findings(data) != []
    _drop(cache)
    assert cached_findings(data, cache, only=[]) == lookalike_findings(data)


EXTRA_SHAPE = """
<urn:x:Extra> a <http://www.w3.org/ns/shacl#NodeShape> ;
  <http://www.w3.org/ns/shacl#targetClass> <https://w3id.org/laborgraph/ns#Claim> ;
  <http://www.w3.org/ns/shacl#severity> <http://www.w3.org/ns/shacl#Warning> ;
  <http://www.w3.org/ns/shacl#sparql> [ a <http://www.w3.org/ns/shacl#SPARQLConstraint> ;
     <http://www.w3.org/ns/shacl#message> "extra" ;
     <http://www.w3.org/ns/shacl#select> "SELECT $this WHERE { $this a ?t }" ] .
"""


def test_a_shapes_change_between_rebuilds_validates_with_the_new_shapes(tmp_path, monkeypatch):
    """A process that stays up parses the shapes again when their fingerprint changes, rather than validating
    every article with the old ones and caching that under the new key."""
    from laborgraph.incremental.buildwatch import rebuild
    from laborgraph.incremental.held import Held

    shutil.copytree(ROOT / "shapes", tmp_path / "shapes")
    monkeypatch.setenv("LABORGRAPH_SHAPES", str(tmp_path / "shapes"))
    data, out, held = _corpus(tmp_path, 3), tmp_path / "out", Held()
    first = rebuild(data, out, out / ".cache", held, Options(jobs=1))
    assert first.result is not None and not any(f.message == "extra" for f in first.result.report.findings)
    (tmp_path / "shapes" / "extra.ttl").write_text(EXTRA_SHAPE)
    held.changed.add(sorted(p.name for p in (data / "articles").glob("*.yaml"))[0])
    done = rebuild(data, out, out / ".cache", held, Options(jobs=1))
    assert done.result is not None and done.result.cache_misses == 3
    assert sum(f.message == "extra" for f in done.result.report.findings) == 15  # one a claim: 3 articles x 5


def test_a_layout_switch_and_a_hand_deleted_output_are_written_again(tmp_path):
    """After a combined write (which removes graphs/) and after an output deleted by hand, the next split
    rebuild writes every file a fresh build writes, not only the changed graph's."""
    from laborgraph.incremental.buildwatch import rebuild
    from laborgraph.incremental.held import Held

    data, out, held = _corpus(tmp_path), tmp_path / "out", Held()
    mappings = sorted((data / "articles").glob("*.yaml"))
    for mapping, layout in zip(mappings, ("split", "combined", "split"), strict=False):
        _label(mapping, "switched")
        held.changed.add(mapping.name)
        assert rebuild(data, out, out / ".cache", held, Options(jobs=1, layout=layout)).result is not None
    deleted = out / "graphs" / f"{mappings[5].stem}.ttl"  # a graph the next edit does not touch
    deleted.unlink()
    _label(mappings[3], "deleted")
    held.changed.add(mappings[3].name)
    assert rebuild(data, out, out / ".cache", held, Options(jobs=1, layout="split")).result is not None
    assert deleted.is_file()
    _as_fresh(out, data, tmp_path, "fresh", "split")


def test_a_shapes_change_between_checks_of_a_process_that_stays_up(tmp_path, monkeypatch):
    """`check --watch`'s path: after a shapes change the next check validates with the new shapes, even
    when this process's first check came after a build it did not run (its fingerprint not yet seen)."""
    from laborgraph.incremental import held as held_module
    from laborgraph.incremental.check import Kept, check_article

    shutil.copytree(ROOT / "shapes", tmp_path / "shapes")
    monkeypatch.setenv("LABORGRAPH_SHAPES", str(tmp_path / "shapes"))
    data, out = _corpus(tmp_path, 3), tmp_path / "out"
    build(data, out, jobs=1)
    monkeypatch.setattr(held_module, "_LAST_INPUTS", [])  # as a watcher started after that build
    mapping, kept = sorted((data / "articles").glob("*.yaml"))[0], Kept()
    first = check_article(mapping, data, cache_dir=out / ".cache", kept=kept)
    assert not any(f.message == "extra" for f in first.report.findings)
    (tmp_path / "shapes" / "extra.ttl").write_text(EXTRA_SHAPE)
    again = check_article(mapping, data, cache_dir=out / ".cache", kept=kept)
    assert sum(f.message == "extra" for f in again.report.findings) == 15  # one a claim: 3 articles x 5
