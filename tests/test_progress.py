"""The progress counter: drawn on a terminal, silent in pipes and with --quiet."""

from __future__ import annotations

import http.server
import io
import os
import pty
import re
import subprocess
import sys
import threading

import pytest
from click.testing import CliRunner

from laborgraph.cli import main
from laborgraph.incremental import build
from laborgraph.progress import Progress
from laborgraph.query.push import Target, push_documents

from .conftest import DATA


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_counter_is_drawn_on_a_terminal_and_ends_its_line(tmp_path):
    screen = Terminal()
    progress = Progress("building", stream=screen)
    build(DATA, tmp_path / "out", progress=progress)
    progress.done()
    assert screen.getvalue().startswith("\rbuilding [")
    assert screen.getvalue().endswith("] 1/1\n")


def test_counter_is_silent_off_a_terminal_and_when_disabled():
    for progress in (Progress("x", stream=io.StringIO()), Progress("x", stream=Terminal(), enabled=False)):
        progress(1, 2)
        progress(2, 2)
        progress.done()
        assert progress.stream.getvalue() == ""


def test_build_output_has_no_progress_in_a_pipe(tmp_path):
    result = CliRunner().invoke(main, ["--quiet", "build", "--data", str(DATA), "--out", str(tmp_path / "o")])
    assert result.exit_code == 0
    assert "\r" not in result.output and "[#" not in result.stderr


class _Store(http.server.BaseHTTPRequestHandler):
    """A Graph Store that accepts every PUT (a real HTTP server on loopback)."""

    def do_PUT(self) -> None:  # the name http.server dispatches to
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        self.send_response(201)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def store_url():
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Store)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/store"
    server.shutdown()
    server.server_close()


DOCS = [(f"urn:g:{i}", b"<urn:a> <urn:b> <urn:c> .\n", 1) for i in range(3)]


def test_push_counts_graphs_on_a_terminal_and_is_silent_elsewhere(store_url):
    screen, pipe = Terminal(), io.StringIO()
    for stream in (screen, pipe):
        progress = Progress("pushed graphs", stream=stream)
        push_documents(DOCS, Target(store_url), progress=progress, total=4)  # one graph was empty
        progress.done()
    assert screen.getvalue().startswith("\rpushed graphs [")
    assert screen.getvalue().endswith("] 4/4\n")  # the empty graph had nothing to send
    assert pipe.getvalue() == ""


def _stderr_on_a_pseudo_terminal(args: list[str]) -> str:
    """Run the CLI with stderr on a pseudo-terminal (stdout a pipe); what the terminal received."""
    master, slave = pty.openpty()
    env = {**os.environ, "COLUMNS": "100"}
    try:
        subprocess.run([sys.executable, "-m", "laborgraph.cli", *args], stdout=subprocess.PIPE, stderr=slave,
                       env=env, timeout=600, check=True)
    finally:
        os.close(slave)
    out = b""
    while True:
        try:
            chunk = os.read(master, 65536)
        except OSError:  # EIO: the terminal is closed and drained
            break
        if not chunk:
            break
        out += chunk
    os.close(master)
    return out.decode("utf-8", "replace")


def test_the_cli_draws_progress_on_a_pseudo_terminal_unless_quiet(tmp_path):
    shown = _stderr_on_a_pseudo_terminal(["build", "--data", str(DATA), "--out", str(tmp_path / "a")])
    assert "building changed articles [" in shown and "1/1" in shown
    quiet = _stderr_on_a_pseudo_terminal(["--quiet", "build", "--data", str(DATA), "--out", str(tmp_path / "b")])
    assert "[#" not in quiet and "building changed articles" not in quiet
    validated = _stderr_on_a_pseudo_terminal(["validate", str(DATA), "--cache", str(tmp_path / "c")])
    assert "validating changed articles [" in validated and "1/1" in validated


def test_the_push_command_draws_pushed_graphs_on_a_pseudo_terminal(tmp_path, store_url):
    shown = _stderr_on_a_pseudo_terminal(["push", "--data", str(DATA), "--graph-store", store_url,
                                          "--cache", str(tmp_path / "cache")])
    assert re.search(r"pushed graphs \[#+\] 3/3", shown), shown
