"""`laborgraph check --watch`: a real watcher on a copy of a fixture corpus gives check_article's answers."""

from __future__ import annotations

import contextlib
import os
import queue
import shutil
import signal
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from laborgraph.authoring.check import article_report, check_result
from laborgraph.authoring.entities import duplicate_warnings
from laborgraph.incremental import refresh
from laborgraph.incremental.check import check_article
from laborgraph.incremental.watch import Rechecked, watch_checks

from .conftest import DATA, ROOT, SEED

FIXTURES = ROOT / "tests" / "fixtures"
WAIT = 60.0  # seconds a report may take on a busy machine (a full refresh included) before the test fails
EPSILON = "2024-08-05-epsilon-pay"
ALPHA = "2024-08-01-alpha-agency-count"
ANONYMOUS = ("    source: epsilon-voice\n", "    source: epsilon-informant\n")  # a corpus rule's finding
VIOLATION = ("        destination: russian-far-east\n", "        destination: dprk-authorities\n")


def _corpus(name: str, tmp_path: Path) -> tuple[Path, Path]:
    """A copy of a fixture corpus and a cache built for it."""
    data = tmp_path / "corpus"
    shutil.copytree(DATA if name == "seed" else FIXTURES / name, data)
    cache = tmp_path / "cache"
    refresh(data, cache_dir=cache)
    return data, cache


def _python(*args: str) -> list[str]:
    """A laborgraph command in another process, on this source tree."""
    return [sys.executable, "-c", "from laborgraph.cli import main; main()", *args]


ENV = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT / "src"), *sys.path])}


class Watching:
    """A watch (``watch_checks`` or ``watch_builds``) in a thread: each result, or the thread's exception,
    arrives on a queue. ``refused`` tells a result that answered bad input from one that went through."""

    def __init__(self, watch: Callable[[threading.Event, threading.Event], Iterator[Any]],
                 refused: Callable[[Any], bool]) -> None:
        self.stop, self.ready, self.out = threading.Event(), threading.Event(), queue.Queue[object]()
        self.refused = refused
        self.thread = threading.Thread(target=self._run, args=(watch,), daemon=True)

    def _run(self, watch: Callable[[threading.Event, threading.Event], Iterator[Any]]) -> None:
        try:
            for done in watch(self.stop, self.ready):
                self.out.put(done)
        except BaseException as exc:
            self.out.put(exc)
            self.ready.set()

    def next(self, refused: bool = False) -> Any:
        """The next result: one that went through, or (``refused``) the bad input's."""
        got = self.out.get(timeout=WAIT)
        if isinstance(got, BaseException):
            raise got
        assert self.refused(got) == refused, got.error
        return got

    def quiet(self) -> bool:
        """No further result comes within a second."""
        try:
            self.out.get(timeout=1.0)
        except queue.Empty:
            return True
        return False


@contextlib.contextmanager
def running(w: Watching) -> Iterator[Watching]:
    """``w``'s thread started and watching; stopped (and checked to stop) when the block ends."""
    w.thread.start()
    assert w.ready.wait(WAIT), "the watcher did not start"
    try:
        yield w
    finally:
        w.stop.set()
        w.thread.join(WAIT)
    assert not w.thread.is_alive(), "the stop event did not end the watch"


@contextlib.contextmanager
def watching(data: Path, cache: Path, *files: Path) -> Iterator[Watching]:
    def watch(stop: threading.Event, ready: threading.Event) -> Iterator[Rechecked]:
        return watch_checks(data, cache_dir=cache, files=files, stop_event=stop, ready=ready)

    with running(Watching(watch, lambda got: isinstance(got, Rechecked) and got.checked is None)) as w:
        yield w


def _save(path: Path, text: str) -> None:
    """Written whole, then renamed into place from outside the data folder: one change, never half a file
    (a write in place, descheduled on a busy machine between truncating and writing, could be seen half-way)."""
    tmp = next(p for p in path.parents if p.name == "corpus").parent / f"saving-{path.name}"  # _corpus's
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    _save(path, text.replace(old, new, 1))


def _rows(report, mapping: Path, data: Path) -> list[tuple]:
    return sorted((f.severity, f.file, f.line or 0, f.claim or "", f.shape, f.focus, f.message, f.value or "")
                  for f in article_report(report, mapping, data).findings)


def _as_full(done: Rechecked, data: Path, tmp_path: Path, name: str) -> None:
    """The watcher's report is a cold full validation's, as far as its article is concerned."""
    full = refresh(data, cache_dir=tmp_path / name).report
    assert _rows(done.checked.report, done.mapping, data) == _rows(full, done.mapping, data)


def test_an_edit_gives_check_articles_report_and_keeps_the_other_keys(tmp_path):
    data, cache = _corpus("corroboration2", tmp_path)
    mapping = data / "articles" / f"{EPSILON}.yaml"
    before = _rows(check_article(mapping, data, cache_dir=cache).report, mapping, data)
    with watching(data, cache) as w:
        _edit(mapping, *ANONYMOUS)
        first = w.next()
        assert first.mapping == mapping.resolve() and first.checked.fast and first.rescanned
        _edit(mapping, "\n", "\n# a comment\n")
        second = w.next()
        assert second.checked.fast and not second.rescanned  # only the edited mapping got a new key
        assert w.quiet()  # the cache's writes (outside the data folder) and nothing else: no report
        _as_full(second, data, tmp_path, "fresh")
        text = mapping.with_suffix(".txt")
        _save(text, text.read_text(encoding="utf-8") + "\nA line added.\n")
        third = w.next()  # the text's one reader, by its name
        assert third.mapping == mapping.resolve() and third.checked.fast and not third.rescanned
        _as_full(third, data, tmp_path, "fresh2")
    again = check_article(mapping, data, cache_dir=cache)  # a separate check of the same state
    assert _rows(again.report, mapping, data) == _rows(third.checked.report, mapping, data)
    assert again.warnings == third.checked.warnings
    assert _rows(second.checked.report, mapping, data) != before  # the edit changed the findings


def test_an_edit_that_breaks_a_shape_is_reported_as_a_violation_and_a_lookalike_warned(tmp_path):
    data, cache = _corpus("seed", tmp_path)
    mapping = data / "articles" / f"{SEED}.yaml"
    with watching(data, cache, mapping) as w:
        start = w.next()  # a named file is checked when the watch starts
        assert start.mapping == mapping.resolve() and start.checked.fast and start.rescanned
        assert check_result(start.checked.report, mapping, data).conforms
        _edit(mapping, *VIOLATION)
        done = w.next()
        result = check_result(done.checked.report, mapping, data, warnings=done.checked.warnings)
        assert not result.conforms and "VIOLATION" in result.text
        _as_full(done, data, tmp_path, "fresh")
        assert done.checked.warnings == []
        _edit(mapping, "entities:\n", "entities:\n  russian-federation:\n    type: Country\n    label: russia\n")
        lookalike = w.next()
    assert not lookalike.rescanned  # the look-alike tables were brought up to date from this mapping alone
    assert lookalike.checked.warnings == duplicate_warnings(data, only=mapping) != []


def _declare(mapping: Path, eid: str, label: str) -> None:
    _edit(mapping, "entities:\n", f"entities:\n  {eid}:\n    type: Organization\n    label: {label}\n")


def test_a_lookalike_in_another_article_edited_under_the_watcher_is_warned(tmp_path):
    data, cache = _corpus("corroboration2", tmp_path)
    alpha, epsilon = (data / "articles" / f"{n}.yaml" for n in (ALPHA, EPSILON))
    with watching(data, cache) as w:
        zeta = data / "articles" / "2024-08-06-zeta-presence.yaml"
        _edit(zeta, "\n", "\n# a comment\n")
        assert w.next().rescanned  # the first check reads every file's signature
        _declare(alpha, "sakhalin-builders-7", "Sakhalin Builders 7")
        assert not w.next().rescanned
        _declare(epsilon, "sakhalin-builders-seven", "Sakhalin Builders 7 LLC")
        done = w.next()
    assert done.mapping == epsilon.resolve() and not done.rescanned
    # alpha's entity reached the look-alike tables when alpha was checked, from its name alone
    assert done.checked.warnings == duplicate_warnings(data, only=epsilon)
    assert "sakhalin-builders-7" in done.checked.warnings[0]


def test_a_new_mapping_is_checked_and_a_deleted_one_noticed(tmp_path):
    data, cache = _corpus("corroboration2", tmp_path)
    epsilon = data / "articles" / f"{EPSILON}.yaml"
    misnamed, copy = (data / "articles" / f"2024-08-0{d}-eta-copy.yaml" for d in (7, 5))
    with watching(data, cache) as w:
        _edit(epsilon, "\n", "\n# a comment\n")
        assert w.next().rescanned
        _save(misnamed, epsilon.read_text(encoding="utf-8"))
        refused = w.next(refused=True)  # a file named by another date: refused, reported, and the watch goes on
        assert refused.checked is None and "does not match the date 2024-08-07 in the file name" in refused.error
        misnamed.rename(copy)
        added = w.next()
        assert added.mapping == copy.resolve() and added.checked.fast
        assert added.rescanned  # after a refusal, every key is computed again
        _as_full(added, data, tmp_path, "fresh")
        copy.unlink()
        _edit(epsilon, "\n", "\n# another comment\n")
        after = w.next()
        assert after.mapping == epsilon.resolve()
        assert not after.checked.fast  # the store still holds the deleted article: the full refresh answers
    _as_full(after, data, tmp_path, "fresh2")


def test_a_text_file_edit_checks_its_reader_and_a_registry_edit_the_full_refresh(tmp_path):
    data, cache = _corpus("corroboration2", tmp_path)
    mapping = data / "articles" / f"{EPSILON}.yaml"
    shared = "shared-text.txt"  # read by two mappings: an edit of it concerns both
    text = data / "articles" / shared
    text.write_text("\n".join((data / "articles" / f"{n}.txt").read_text(encoding="utf-8") for n in (ALPHA, EPSILON)),
                    encoding="utf-8")
    for name in (ALPHA, EPSILON):
        (data / "articles" / f"{name}.txt").unlink()
        _edit(data / "articles" / f"{name}.yaml", f"text: {name}.txt", f"text: {shared}")
    refresh(data, cache_dir=cache)
    with watching(data, cache) as w:
        _edit(mapping, "\n", "\n# a comment\n")
        assert w.next().rescanned  # the first check computes every key
        for probe in ("4913", f"{EPSILON}.yaml~", f".{EPSILON}.yaml.swp"):  # an editor's: read by no mapping
            (data / "articles" / probe).write_text("x", encoding="utf-8")
        assert w.quiet()
        _save(text, text.read_text(encoding="utf-8") + "\nA line added.\n")
        done = [w.next(), w.next()]
        assert sorted(d.mapping.name for d in done) == sorted(f"{n}.yaml" for n in (ALPHA, EPSILON))
        assert not done[0].checked.fast  # the other reader's key changed too: the full refresh answers
        assert done[1].checked.fast and done[1].rescanned  # after a full refresh, every key is computed again
        registry = data / "entities.yaml"
        _save(registry, registry.read_text(encoding="utf-8") + "\n# an edit\n")
        after = [w.next(), w.next()]  # the articles in view, checked again
        assert not after[0].checked.fast  # the shared inputs changed
    for d in (*done, *after):
        _as_full(d, data, tmp_path, "fresh")


def test_a_text_link_pointed_elsewhere_is_followed_to_its_new_target(tmp_path):
    """A mapping's text is a symbolic link; once it points at another file, edits of that file are checked."""
    data, cache = _corpus("corroboration2", tmp_path)
    articles = data / "articles"
    mapping, text = articles / f"{EPSILON}.yaml", articles / f"{EPSILON}.txt"
    first, second = articles / "first-target.txt", articles / "second-target.txt"
    first.write_text(text.read_text(encoding="utf-8"), encoding="utf-8")
    second.write_text(text.read_text(encoding="utf-8"), encoding="utf-8")
    text.unlink()
    text.symlink_to(first.name)
    refresh(data, cache_dir=cache)
    with watching(data, cache) as w:
        _save(first, first.read_text(encoding="utf-8") + "\n")  # the readers' table is read now
        assert w.next().mapping == mapping
        link = tmp_path / "link.txt"
        link.symlink_to(second.name)
        os.replace(link, text)  # the link now points at the second file
        assert w.next().mapping == mapping
        _save(second, " ".join(reversed(second.read_text(encoding="utf-8").split())))  # no quote is found now
        broken = w.next(refused=True)
    assert broken.mapping == mapping and "quote not found" in broken.error


def test_a_build_between_two_edits_is_noticed_and_the_answer_stays_right(tmp_path):
    data, cache = _corpus("corroboration2", tmp_path)
    mapping = data / "articles" / f"{EPSILON}.yaml"
    with watching(data, cache, mapping) as w:
        assert w.next().rescanned  # the check at the start
        (data / "articles" / f"{ALPHA}.yaml").write_text("# not a named file\n", encoding="utf-8")
        assert w.quiet()  # only the named file is checked when it changes
        (data / "articles" / f"{ALPHA}.yaml").write_text(
            (FIXTURES / "corroboration2" / "articles" / f"{ALPHA}.yaml").read_text(encoding="utf-8"), encoding="utf-8")
        _edit(mapping, *ANONYMOUS)
        assert w.next().checked.fast
        built = subprocess.run(_python("-q", "build", "--data", str(data), "--out", str(tmp_path / "out"),
                                       "--cache", str(cache)), env=ENV, timeout=WAIT, capture_output=True, text=True)
        assert built.returncode == 1, built.stderr  # 1: the fixture has violations (the cache is written all the same)
        _edit(mapping, "\n", "\n# after the build\n")
        done = w.next()
        assert done.checked.fast and done.rescanned  # the build wrote the cache: every key once more
    _as_full(done, data, tmp_path, "fresh")


@pytest.mark.parametrize("stop", [signal.SIGINT, signal.SIGTERM])
def test_the_cli_reports_each_save_and_ctrl_c_or_sigterm_exits_0(tmp_path, stop):
    data, cache = _corpus("corroboration2", tmp_path)
    mapping = data / "articles" / f"{EPSILON}.yaml"
    proc = subprocess.Popen(_python("check", "--watch", "--data", str(data), "--cache", str(cache)),
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=ENV)
    watchdog = threading.Timer(WAIT, proc.kill)  # a hang closes the pipes: the reads below fail, not block
    watchdog.start()
    try:
        assert proc.stderr is not None and proc.stdout is not None
        assert "watching" in proc.stderr.readline()
        _edit(mapping, *ANONYMOUS)
        lines = []
        while not (lines and lines[-1].startswith("checked ")):
            line = proc.stdout.readline()
            assert line, "the watcher stopped"
            lines.append(line)
        proc.send_signal(stop)
        assert proc.wait(WAIT) == 0
    finally:
        watchdog.cancel()
        if proc.poll() is None:
            proc.kill()
    assert lines[-1].startswith(f"checked {mapping.name} in ") and "fast" in lines[-1]
    reference = check_result(check_article(mapping, data, cache_dir=cache).report, mapping, data)
    assert "".join(lines[:-1]) == reference.text
