"""No document loading, anywhere: JSON-LD contexts by URL or file and @import are refused at any depth (issue 11).

Remote contexts aim at the session's loopback tripwire; a private listener and
a file that must not be opened show that rdflib alone would fetch them.
"""

import contextlib
import json
import socket
import threading

import pytest
from click.testing import CliRunner
from rdflib import Graph

from laborgraph.cli import main
from laborgraph.errors import LaborgraphError
from laborgraph.query import store_from_file
from laborgraph.rdfinput import DocumentLoadingRefused, read_rdf, refuse_document_loading


def documents(url: str) -> dict[str, object]:
    return {
        "top level": {"@context": url, "@id": "http://e/a"},
        "in a list": {"@context": [{"p": "http://e/p"}, url], "@id": "http://e/a"},
        "nested node": {"@id": "http://e/a", "http://e/p": {"@context": url, "@id": "http://e/b"}},
        "in @graph": {"@graph": [{"@id": "http://e/a", "http://e/p": [{"@context": url, "@id": "http://e/b"}]}]},
        "property-scoped": {"@context": {"p": {"@id": "http://e/p", "@context": url}},
                            "@id": "http://e/a", "p": {"@id": "http://e/b"}},
        "type-scoped": {"@context": {"T": {"@id": "http://e/T", "@context": [url]}}, "@type": "T"},
        "@import": {"@context": {"@import": url, "p": "http://e/p"}, "@id": "http://e/a", "p": "x"},
        "nested @import": {"@id": "http://e/a", "http://e/p": {"@context": {"@version": 1.1, "@import": url}}},
    }


@pytest.mark.parametrize("case", list(documents("u")))
def test_contexts_by_reference_are_refused_at_any_depth(case, tripwire, tmp_path):
    path = tmp_path / "doc.jsonld"
    path.write_text(json.dumps(documents(tripwire.url + "ctx")[case]))
    with pytest.raises(LaborgraphError, match="contexts by URL or file and @import are refused"):
        read_rdf(path)
    result = CliRunner().invoke(main, ["validate", str(path)])
    assert result.exit_code == 2 and "refused" in result.stderr
    with pytest.raises(LaborgraphError, match="refused"):
        store_from_file(path)  # what `query --graph` and `serve --graph` load
    assert tripwire.hits == []


def test_file_contexts_are_refused(tmp_path):
    secret = tmp_path / "ctx.jsonld"
    secret.write_text(json.dumps({"@context": {"p": "http://e/leaked"}}))
    path = tmp_path / "doc.jsonld"
    path.write_text(json.dumps({"@id": "http://e/a", "http://e/q": {"@context": secret.as_uri(), "p": "x"}}))
    with pytest.raises(LaborgraphError, match="refused"):
        read_rdf(path)


def _accept_into(srv: socket.socket, hits: list) -> None:
    """Record any connection to the listener; closing it at the test's end ends the wait."""
    with contextlib.suppress(OSError):
        hits.append(srv.accept())


def test_the_loader_wall_holds_without_the_document_check(tmp_path):
    """Even a caller that skips our check and hands rdflib the document gets no fetch and no file read."""
    hits = []
    srv = socket.create_server(("127.0.0.1", 0))
    threading.Thread(target=_accept_into, args=(srv, hits), daemon=True).start()
    url = f"http://127.0.0.1:{srv.getsockname()[1]}/ctx"
    secret = tmp_path / "ctx.jsonld"
    secret.write_text(json.dumps({"@context": {"p": "http://e/leaked"}}))
    refuse_document_loading()
    try:
        for doc in (documents(url)["nested node"], documents(secret.as_uri())["property-scoped"]):
            with pytest.raises(DocumentLoadingRefused):
                Graph().parse(data=json.dumps(doc), format="json-ld")
        assert hits == []
    finally:
        srv.close()


def test_inline_contexts_still_work(tmp_path):
    path = tmp_path / "doc.jsonld"
    path.write_text(json.dumps({"@context": {"p": {"@id": "http://e/p", "@context": {"q": "http://e/q"}}},
                                "@id": "http://e/a", "p": {"@id": "http://e/b", "q": "x"}}))
    assert len(read_rdf(path)) == 2


def test_deep_json_is_a_clean_error(tmp_path):
    path = tmp_path / "deep.jsonld"
    path.write_text("[" * 200_000 + "]" * 200_000)
    result = CliRunner().invoke(main, ["validate", str(path)])
    assert result.exit_code == 2 and "nested" in result.stderr and "Traceback" not in result.output


def test_only_regular_files_are_read(tmp_path):
    import os

    os.mkfifo(tmp_path / "pipe.ttl")
    with pytest.raises(LaborgraphError, match="not a regular file"):
        read_rdf(tmp_path / "pipe.ttl")
    with pytest.raises(LaborgraphError, match="not a regular file"):
        store_from_file(tmp_path / "pipe.ttl")
