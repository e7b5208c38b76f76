"""The progress counter: drawn on a terminal, silent in pipes and with --quiet."""

from __future__ import annotations

import io

from click.testing import CliRunner

from laborgraph.cli import main
from laborgraph.incremental import build
from laborgraph.progress import Progress

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
