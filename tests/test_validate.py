"""The validate command and the build's refusal to write a non-conforming graph."""

import json
import re

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
    given = re.search(r"was given 'North Korean authorities', which is an? ([^;]*);", result.output)
    assert given, result.output  # the kinds it is, in the engine's GROUP_CONCAT order (SPARQL leaves it open)
    assert {"state authority", "organization"} <= set(re.split(r", | or ", given.group(1)))
    takes = re.search(r"destination takes: (\w+) or (\w+)\.", result.output)
    assert takes and {takes.group(1), takes.group(2)} == {"country", "place"}, result.output
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


SH = "http://www.w3.org/ns/shacl#"


def shacl_report(turtle: str) -> tuple[bool, int]:
    """The one sh:ValidationReport's conforms value and its number of results (fails on zero or two reports)."""
    from rdflib import Graph, URIRef
    from rdflib.namespace import RDF

    g = Graph().parse(data=turtle, format="turtle")
    reports = list(g.subjects(RDF.type, URIRef(SH + "ValidationReport")))
    assert len(reports) == 1, f"{len(reports)} sh:ValidationReport nodes"
    conforms = list(g.objects(reports[0], URIRef(SH + "conforms")))
    assert len(conforms) == 1
    results = list(g.objects(reports[0], URIRef(SH + "result")))
    assert len(results) == len(list(g.subjects(RDF.type, URIRef(SH + "ValidationResult"))))
    for r in results:  # what SHACL requires of every result
        for prop in ("focusNode", "resultSeverity", "sourceConstraintComponent", "sourceShape"):
            assert len(list(g.objects(r, URIRef(SH + prop)))) == 1, prop
    return conforms[0].toPython(), len(results)


def test_turtle_report_in_folder_mode_is_one_report_with_conforms_as_shacl_defines():
    result = run("validate", "--format", "turtle", DATA)
    assert result.exit_code == 0  # laborgraph's verdict: warnings allowed
    conforms, results = shacl_report(result.output)
    assert results > 0 and conforms is False  # the seed has warnings: SHACL says it does not conform
    assert result.output == run("validate", "--format", "turtle", DATA).output


def test_turtle_report_in_file_mode(tmp_path):
    out = tmp_path / "out"
    assert run("build", "--data", DATA, "--out", out).exit_code == 0
    result = run("validate", "--format", "turtle", out / "laborgraph.trig")
    assert result.exit_code == 0
    conforms, results = shacl_report(result.output)
    assert results > 0 and conforms is False
    empty = tmp_path / "nothing-to-check.ttl"
    empty.write_text("<https://example.org/a> <https://example.org/b> <https://example.org/c> .\n")
    result = run("validate", "--format", "turtle", empty)
    assert result.exit_code == 0
    assert shacl_report(result.output) == (True, 0)


def test_turtle_report_of_a_violation_names_the_check(tmp_path):
    """A quality-control query's finding is a result too, with an IRI for its source."""
    from laborgraph.validate import Finding, report_graph

    finding = Finding("Violation", "fact without claim", "see queries/checks/x.rq", "f.yaml", 3, None,
                      "https://w3id.org/laborgraph/id/entity/x", "queries/checks/fact-without-claim-violation.rq",
                      "check")
    conforms, results = shacl_report(report_graph([finding]).serialize(format="turtle"))
    assert (conforms, results) == (False, 1)
    assert "id/check/fact-without-claim-violation" in report_graph([finding]).serialize(format="turtle")
