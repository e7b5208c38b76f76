"""The validate command and the build's refusal to write a non-conforming graph."""

import json

from click.testing import CliRunner

from laborgraph.cli import main
from laborgraph.validate import validate_dataset

from .conftest import DATA


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


def test_seed_conforms_with_warnings_an_analyst_should_read(dataset):
    report = validate_dataset(dataset)
    assert report.conforms
    warned = {f.claim for f in report.findings if f.severity == "Warning"}
    assert "families-kept-as-hostages" in warned  # hedged 'typically', the only support
    assert "nothing-stops-phone-use" in warned  # one anonymous source, uncorroborated


def test_validate_exit_codes_and_strict():
    assert run("validate", DATA).exit_code == 0
    assert run("validate", "--strict", DATA).exit_code == 1


def test_text_report_groups_by_file_and_claim_with_line_and_fix():
    out = run("validate", DATA).output
    assert out.splitlines()[0] == "articles/2024-07-15-dailynk-military-construction-workers-russia.yaml"
    assert "  claim families-kept-as-hostages" in out
    assert "military-construction-workers-russia.yaml:286: 4 fact(s) rest only on this hedged claim" in out
    assert "fix: " in out
    assert "https://" not in out


def test_json_report_is_machine_readable():
    doc = json.loads(run("validate", "--format", "json", DATA).output)
    assert doc["conforms"] is True
    first = doc["findings"][0]
    assert {"severity", "file", "line", "claim", "message", "fix", "shape", "component"} <= set(first)


def test_violation_exits_1_and_build_writes_nothing(edit_seed, tmp_path):
    path = edit_seed("        destination: russian-far-east\n", "        destination: dprk-authorities\n")
    data = path.parents[1]
    result = run("validate", data)
    assert result.exit_code == 1
    # the finding says what the destination was given (an organization) and which kinds fit (issue 13)
    assert "was given 'North Korean authorities', which is a state authority, organization" in result.output
    assert "destination takes: country or place." in result.output
    built = run("build", "--data", data, "--out", tmp_path / "out")
    assert built.exit_code == 1
    assert "1 SHACL violation(s); nothing was written" in built.stderr
    assert list((tmp_path / "out").glob("laborgraph.*")) == []


def test_rdf_files_from_elsewhere_are_validated(tmp_path):
    out = tmp_path / "out"
    assert run("build", "--data", DATA, "--out", out).exit_code == 0
    assert run("validate", out / "laborgraph.trig").exit_code == 0
    broken = tmp_path / "broken.ttl"
    broken.write_text("<a> <b> .\n")
    result = run("validate", broken)
    assert result.exit_code == 2
    assert result.stderr.startswith(f"error: {broken}: cannot parse turtle")


def test_remote_jsonld_context_is_refused(tmp_path):
    doc = tmp_path / "remote.jsonld"
    doc.write_text('{"@context": "http://example.org/context.jsonld", "@id": "urn:x"}')
    result = run("validate", doc)
    assert result.exit_code == 2
    assert "must be inline" in result.stderr
