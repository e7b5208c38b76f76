"""The command line, in-process: exit codes, outputs, help, and docs coverage."""

import json

import pytest
from click.testing import CliRunner
from rdflib import Dataset

from laborgraph.cli import main

from .conftest import DATA, ROOT


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


def test_build_writes_the_four_files(tmp_path):
    result = run("build", "--data", DATA, "--out", tmp_path)
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in tmp_path.glob("laborgraph.*")) == [
        "laborgraph.jsonld", "laborgraph.nt", "laborgraph.trig", "laborgraph.ttl"]
    assert "33 claims" in result.output


def test_failed_build_keeps_previous_outputs(tmp_path, edit_seed):
    out = tmp_path / "out"
    path = edit_seed("sent hundreds of new workers", "sent thousands of new workers")
    good = run("build", "--data", DATA, "--out", out)
    assert good.exit_code == 0
    before = {p.name: p.read_bytes() for p in out.glob("laborgraph.*")}
    bad = run("build", "--data", path.parents[1], "--out", out)
    assert bad.exit_code == 2
    assert {p.name: p.read_bytes() for p in out.glob("laborgraph.*")} == before


@pytest.mark.parametrize("fmt", ["turtle", "nt", "nquads"])
def test_export_to_stdout_parses(fmt, tmp_path):
    result = run("export", "--data", DATA, "--format", fmt, "--cache", tmp_path / "cache")
    assert result.exit_code == 0
    parsed = Dataset().parse(data=result.output, format=fmt)
    assert len(parsed) > 2000 if fmt != "nquads" else sum(len(g) for g in parsed.graphs()) > 2000


def test_export_to_file(tmp_path):
    target = tmp_path / "g.jsonld"
    assert run("export", "--data", DATA, "--format", "json-ld", "-o", target, "--cache", tmp_path / "c").exit_code == 0
    assert json.loads(target.read_text())["@graph"]


@pytest.mark.parametrize(("fmt", "suffix"), [("trig", ".trig"), ("turtle", ".ttl"), ("json-ld", ".jsonld"),
                                             ("nt", ".nt")])
def test_export_streams_the_same_bytes_as_a_combined_build(fmt, suffix, tmp_path):
    assert run("build", "--data", DATA, "--out", tmp_path / "out", "--layout", "combined").exit_code == 0
    target = tmp_path / f"export{suffix}"
    assert run("export", "--data", DATA, "--format", fmt, "-o", target,
               "--cache", tmp_path / "out" / ".cache").exit_code == 0
    assert target.read_bytes() == (tmp_path / "out" / f"laborgraph{suffix}").read_bytes()


def test_stats_json_counts(tmp_path):
    result = run("stats", "--data", DATA, "--format", "json")
    counts = json.loads(result.output)
    assert counts["articles"] == 1 and counts["claims"] == 33
    assert counts["triples"] > 2000


def test_missing_data_folder_is_bad_input(tmp_path):
    result = run("build", "--data", tmp_path / "nope", "--out", tmp_path / "out")
    assert result.exit_code == 2
    assert "registry not found" in result.stderr


def _commands():
    return sorted(main.commands)


@pytest.mark.parametrize("name", _commands())
def test_every_command_has_help_and_is_in_the_readme(name):
    result = run(name, "--help")
    assert result.exit_code == 0
    assert main.commands[name].help, f"{name} has no help text"
    assert f"laborgraph {name}" in (ROOT / "README.md").read_text()
