"""A cache that can be trusted, quote offsets that mean one thing, inputs read within limits.

Each test here failed on the code before the safety work (issue 11).
"""

from __future__ import annotations

import os
import time
import unicodedata
from pathlib import Path

import pyoxigraph
import pytest

from laborgraph.errors import LaborgraphError, MappingError
from laborgraph.incremental import build, refresh, with_corpus_store
from laborgraph.incremental.cache import FORMAT, content_digest
from laborgraph.incremental.index import Index
from laborgraph.incremental.lock import Busy, locked
from laborgraph.load import load_corpus, quotes
from laborgraph.load.mapping import decode_text

from .conftest import SEED


def outputs(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.glob("laborgraph.*"))}


def clean_build(data: Path, tmp: Path) -> dict[str, bytes]:
    build(data, tmp / "clean", cache_dir=tmp / "clean-cache")
    return outputs(tmp / "clean")


def seed_entry(cache: Path) -> Path:
    (entry,) = (cache / "articles" / SEED).iterdir()
    return entry


# ---------------------------------------------------------------- checksums


@pytest.mark.parametrize("chunk", ["nt", "trig", "jsonld"])
def test_truncated_cache_entry_is_rebuilt_not_copied(scratch_data, tmp_path, chunk, capsys):
    build(scratch_data, tmp_path / "out")
    path = seed_entry(tmp_path / "out" / ".cache") / f"graph.{chunk}"
    os.truncate(path, path.stat().st_size // 2)
    again = build(scratch_data, tmp_path / "out")
    assert again.cache_misses == 1
    assert "damaged cache entry" in capsys.readouterr().err
    written = outputs(tmp_path / "out")
    assert written == clean_build(scratch_data, tmp_path)
    pyoxigraph.parse(written["laborgraph.nt"], format=pyoxigraph.RdfFormat.N_TRIPLES)


def test_flipped_byte_in_an_entry_is_caught(scratch_data, tmp_path):
    build(scratch_data, tmp_path / "out")
    path = seed_entry(tmp_path / "out" / ".cache") / "graph.ttl"
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0x01  # same size, same mtime granularity: only a checksum sees it
    path.write_bytes(bytes(data))
    build(scratch_data, tmp_path / "out")
    assert outputs(tmp_path / "out") == clean_build(scratch_data, tmp_path)


def test_damaged_store_is_rebuilt_with_a_notice(scratch_data, tmp_path, capsys):
    cache = tmp_path / "cache"
    refresh(scratch_data, cache_dir=cache)
    ssts = list((cache / "store").glob("*.sst"))
    assert ssts
    for sst in ssts:
        os.truncate(sst, sst.stat().st_size // 2)
    rows = with_corpus_store(scratch_data, lambda store: len(list(store.quads_for_pattern(None, None, None))),
                             cache_dir=cache)
    err = capsys.readouterr().err
    assert "the query store" in err and "damaged; rebuilt it" in err and "safe to delete" in err
    assert err.count("\n") == 1
    assert rows > 0


def test_store_open_elsewhere_is_never_deleted(scratch_data, tmp_path):
    cache = tmp_path / "cache"
    refresh(scratch_data, cache_dir=cache)
    index = Index(cache, FORMAT)
    index.forget_store()  # no manifest: the old code deleted the store folder on any open failure
    index.close()
    marker = cache / "store" / "IDENTITY"
    held = pyoxigraph.Store(str(cache / "store"))  # a script holding the store, outside laborgraph's lock
    try:
        import subprocess
        import sys

        run = subprocess.run([sys.executable, "-c", "import sys, pathlib; from laborgraph.incremental import refresh;"
                              "refresh(pathlib.Path(sys.argv[1]), cache_dir=pathlib.Path(sys.argv[2]))",
                              str(scratch_data), str(cache)], capture_output=True, text=True, timeout=300)
        assert marker.is_file()
        assert run.returncode != 0
        assert "open in another program" in run.stderr
    finally:
        del held


# ---------------------------------------------------------------- the lock


def test_second_command_waits_then_gives_up_with_exit_2(scratch_data, tmp_path, monkeypatch):
    import subprocess
    import sys

    cache = tmp_path / "out" / ".cache"
    env = {**os.environ, "LABORGRAPH_LOCK_TIMEOUT": "1"}
    with locked(cache):
        run = subprocess.run([sys.executable, "-m", "laborgraph.cli", "build", "--data", str(scratch_data),
                              "--out", str(tmp_path / "out")], capture_output=True, text=True, env=env, timeout=300)
    assert run.returncode == 2, run.stderr
    lines = run.stderr.strip().splitlines()
    assert lines[0].startswith("waiting for another laborgraph command using")
    assert lines[-1].startswith(f"error: {cache}: another laborgraph command is still using it")
    assert "Traceback" not in run.stderr
    assert not (tmp_path / "out" / "laborgraph.nt").exists()


def test_lock_is_reentrant_and_exclusive_across_processes(tmp_path, monkeypatch):
    import subprocess
    import sys

    monkeypatch.setenv("LABORGRAPH_LOCK_TIMEOUT", "0.2")
    probe = ("import sys, pathlib; from laborgraph.incremental.lock import locked\n"
             "with locked(pathlib.Path(sys.argv[1])): pass")
    with locked(tmp_path / "c"), locked(tmp_path / "c"):
        busy = subprocess.run([sys.executable, "-c", probe, str(tmp_path / "c")], capture_output=True, text=True)
    free = subprocess.run([sys.executable, "-c", probe, str(tmp_path / "c")], capture_output=True, text=True)
    assert busy.returncode != 0 and "Busy" in busy.stderr
    assert free.returncode == 0, free.stderr
    with pytest.raises(LaborgraphError, match="not a number"):
        monkeypatch.setenv("LABORGRAPH_LOCK_TIMEOUT", "soon")
        with locked(tmp_path / "d"):
            pass
    assert Busy.exit_code == 2


# ---------------------------------------------------------------- stale entries


def test_text_field_with_a_comment_still_keys_the_cache(scratch_data, tmp_path):
    mapping = scratch_data / "articles" / f"{SEED}.yaml"
    mapping.write_text(mapping.read_text().replace(f"text: {SEED}.txt", f"text: {SEED}.txt  # the article"))
    build(scratch_data, tmp_path / "out")
    text = scratch_data / "articles" / f"{SEED}.txt"
    text.write_text(text.read_text().replace("construction", "kitchen"))
    with pytest.raises(MappingError, match="quote not found"):
        build(scratch_data, tmp_path / "out")


@pytest.mark.parametrize("spelling", ["'{}'", '"{}"', "{}   # c", "{{}}"])
def test_content_digest_follows_the_text_field_however_written(tmp_path, spelling):
    (tmp_path / "a.txt").write_text("one")
    value = spelling.format("a.txt") if spelling != "{{}}" else None
    body = f"article:\n  text: {value}\n" if value else "article: {label: x, text: a.txt}\n"
    mapping = tmp_path / "m.yaml"
    mapping.write_text(body)
    before, name = content_digest(mapping)
    (tmp_path / "a.txt").write_text("two")
    assert name == "a.txt"
    assert content_digest(mapping)[0] != before


@pytest.mark.parametrize("name", ["/dev/zero", "../a.txt", "sub/a.txt"])
def test_content_digest_never_reads_a_refused_text(tmp_path, name):
    mapping = tmp_path / "d" / "m.yaml"
    mapping.parent.mkdir()
    mapping.write_text(f"article:\n  text: {name}\n")
    assert content_digest(mapping)[1] is None  # returns at once; the old code read /dev/zero forever


# ---------------------------------------------------------------- quote offsets


def _variant(scratch_data: Path, transform) -> list:
    text = scratch_data / "articles" / f"{SEED}.txt"
    text.write_bytes(transform(text.read_bytes()))
    (article,) = load_corpus(scratch_data).articles
    decoded = decode_text(text.read_bytes())
    with open(text, encoding="utf-8-sig", newline="") as fh:
        assert fh.read() == decoded  # the documented way to read the file
    spans = [(q, decoded[q.start:q.end]) for c in article.claims for q in c.quotes]
    assert spans
    return spans


@pytest.mark.parametrize("name,transform", [
    ("crlf", lambda b: b.replace(b"\n", b"\r\n")),
    ("cr", lambda b: b.replace(b"\n", b"\r")),
    ("bom", lambda b: b"\xef\xbb\xbf" + b),
    ("bom+crlf", lambda b: b"\xef\xbb\xbf" + b.replace(b"\n", b"\r\n")),
])
def test_quote_offsets_index_the_file_as_documented(scratch_data, name, transform):
    for quote, span in _variant(scratch_data, transform):
        assert span == quote.text
        assert quotes.normalise(span) == quotes.normalise(quote.text)


def test_quote_offsets_with_nfd_text_and_nfc_mapping(scratch_data):
    mapping = scratch_data / "articles" / f"{SEED}.yaml"
    mapping.write_text(mapping.read_text().replace("Russia", unicodedata.normalize("NFC", "Russiä")))
    nfd = unicodedata.normalize("NFD", "Russiä").encode()
    spans = _variant(scratch_data, lambda b: b.replace(b"Russia", nfd))
    assert any(nfd.decode() in span for _, span in spans)
    for quote, span in spans:
        assert span == quote.text
        assert unicodedata.normalize("NFC", span).count("ä") == unicodedata.normalize("NFC", quote.text).count("ä")


@pytest.mark.parametrize("text,quote", [
    ("Caf\u0065\u0301 open", "Caf\u00e9"),  # NFD text, NFC quote
    ("Caf\u00e9 open", "Cafe\u0301"),  # NFC text, NFD quote
    ("\u1100\u1161\u11a8 x", "\uac01"),  # conjoining Hangul jamo vs the composed syllable
])
def test_find_matches_across_normal_forms_without_cutting_a_character(text, quote):
    (start, end), = quotes.find_all(text, quote)
    assert unicodedata.normalize("NFC", text[start:end]) == unicodedata.normalize("NFC", quote)


def test_a_match_never_ends_inside_a_composed_character():
    assert quotes.find_all("Cafe\u0301", "Cafe") == []


# ---------------------------------------------------------------- input limits


def test_deep_yaml_is_one_clean_error(scratch_data):
    path = scratch_data / "articles" / f"{SEED}.yaml"
    path.write_text("article: " + "[" * 10_000 + "]" * 10_000 + "\n")
    with pytest.raises(MappingError, match="nested too deeply"):
        load_corpus(scratch_data)


@pytest.mark.parametrize("kind", ["folder", "fifo", "devzero"])
def test_only_regular_files_are_read(scratch_data, kind):
    path = scratch_data / "articles" / "2024-07-16-dailynk-odd-one.yaml"
    if kind == "folder":
        path.mkdir()
    elif kind == "fifo":
        os.mkfifo(path)
    else:
        path.symlink_to("/dev/zero")
    with pytest.raises(MappingError, match=r"not a regular file|outside the data folder"):
        load_corpus(scratch_data)


@pytest.mark.parametrize("name", ["/etc/hostname", "../entities.yaml", "/dev/zero"])
def test_text_outside_the_folder_is_refused_before_reading(scratch_data, name):
    path = scratch_data / "articles" / f"{SEED}.yaml"
    path.write_text(path.read_text().replace(f"text: {SEED}.txt", f"text: {name}"))
    with pytest.raises(MappingError, match="beside the mapping"):
        load_corpus(scratch_data)


def test_text_over_the_limit_is_refused(scratch_data, monkeypatch):
    monkeypatch.setenv("LABORGRAPH_MAX_TEXT_BYTES", "1000")
    with pytest.raises(MappingError, match="article texts are limited to 1,000 bytes"):
        load_corpus(scratch_data)


def test_file_name_with_a_newline_is_refused(scratch_data):
    (scratch_data / "articles" / f"{SEED}.yaml").rename(scratch_data / "articles" / f"{SEED}\n.yaml")
    with pytest.raises(MappingError, match="file name must be") as info:
        load_corpus(scratch_data)
    assert "\n" not in str(info.value)


# ---------------------------------------------------------------- empty corpus


def test_build_of_no_articles_keeps_previous_outputs(scratch_data, tmp_path):
    build(scratch_data, tmp_path / "out")
    before = outputs(tmp_path / "out")
    for path in (scratch_data / "articles").iterdir():
        path.unlink()
    with pytest.raises(LaborgraphError, match="--allow-empty"):
        build(scratch_data, tmp_path / "out")
    assert outputs(tmp_path / "out") == before
    build(scratch_data, tmp_path / "out", allow_empty=True)
    assert outputs(tmp_path / "out") != before


def _age_chunks(cache: Path, seconds: int = 3600) -> None:
    old = time.time_ns() - seconds * 10**9
    for chunk in (cache / "articles").glob("*/*/graph.*"):
        os.utime(chunk, ns=(old, old))


def test_an_old_unchanged_entry_is_not_hashed_again_and_a_rewritten_one_is(scratch_data, tmp_path, monkeypatch):
    """Chunks are hashed again only when their size, mtime or inode changed (or were racy when recorded)."""
    import hashlib

    cache = tmp_path / "out" / ".cache"
    build(scratch_data, tmp_path / "out")
    _age_chunks(cache)  # every entry's, so none is within the racy window of its recording
    build(scratch_data, tmp_path / "out")  # changed mtimes: hashed, recorded as they are now
    calls: list[str] = []
    real = hashlib.file_digest
    monkeypatch.setattr(hashlib, "file_digest", lambda fh, name: calls.append(fh.name) or real(fh, name))
    assert build(scratch_data, tmp_path / "out").cache_hits >= 1 and calls == []
    path = seed_entry(cache) / "graph.ttl"
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0x01  # same size; the write gives it a new mtime
    path.write_bytes(bytes(data))
    again = build(scratch_data, tmp_path / "out")
    assert again.cache_misses == 1 and any(c.endswith("graph.ttl") for c in calls)
    assert outputs(tmp_path / "out") == clean_build(scratch_data, tmp_path)
