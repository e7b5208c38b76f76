"""The second wall: the process that evaluates a query cannot reach the network, whatever the query says.

These tests bypass the parse-level gate on purpose (they call the evaluators
directly) and aim SERVICE at loopback listeners.
"""

import encodings.idna  # noqa: F401 - loaded before a forked child drops to a user who cannot read the stdlib
import os
import socket
import subprocess
import sys

import pyoxigraph
import pytest
from rdflib import Dataset
from rdflib.plugins.sparql.algebra import translateQuery
from rdflib.plugins.sparql.parser import parseQuery

from laborgraph.query.engines import _evaluate, ox_evaluate
from laborgraph.query.results import ResultFormat
from laborgraph.query.sandbox import network_wall, run_forked

from .conftest import ROOT


def _service(url: str) -> str:
    return f"SELECT * WHERE {{ SERVICE <{url}> {{ ?s ?p ?o }} }}"


def test_oxigraph_service_in_the_worker_reaches_nothing(listener, tripwire):
    store = pyoxigraph.Store()
    with pytest.raises(OSError):  # control: in this process the query does call out (and fails on the answer)
        ox_evaluate(store, _service(listener.url), ResultFormat.JSON)
    assert len(listener.hits) == 1
    for url in (listener.url, tripwire.url):
        status, payload = run_forked(ox_evaluate, (store, _service(url), ResultFormat.JSON), 20)
        assert status == "error", payload
    assert len(listener.hits) == 1
    assert tripwire.hits == []


def test_rdflib_service_in_the_worker_reaches_nothing(listener, tripwire):
    query = translateQuery(parseQuery(_service(listener.url)))
    status, payload = run_forked(_evaluate, (Dataset(), query, ResultFormat.JSON), 20)
    assert status == "error" and len(listener.hits) == 0, payload


def test_the_worker_cannot_open_a_socket_to_loopback(listener):
    def connect(port: int) -> str:
        with socket.create_connection(("127.0.0.1", port), timeout=5):
            return "connected"

    status, payload = run_forked(connect, (listener.port,), 20)
    assert status == "error" and len(listener.hits) == 0, payload
    assert network_wall() in ("netns", "userns", "audit-hook")


_PROBE = """
import socket, sys
from laborgraph.query.sandbox import isolate_network, _refuse_network
wall = sys.argv[2]
if wall == "audit-hook":
    sys.addaudithook(_refuse_network)
else:
    wall = isolate_network()
try:
    socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=5)
    print(wall, "connected")
except OSError as exc:
    print(wall, "refused", type(exc).__name__)
"""


def _probe(port: int, wall: str, user: int | None = None) -> str:
    def drop() -> None:
        if user is not None:
            os.setgid(user)
            os.setuid(user)

    out = subprocess.run([sys.executable, "-c", _PROBE, str(port), wall], capture_output=True, text=True,
                         timeout=60, cwd=ROOT, preexec_fn=drop, env={**os.environ, "PYTHONPATH": str(ROOT / "src")})
    return out.stdout.strip() + out.stderr.strip()[-300:]


def _as_user_in_fork(port: int, user: int | None) -> str:
    """Drop to ``user`` in a forked child, isolate it as a query worker would be, and try to connect."""
    from laborgraph.query.sandbox import isolate_network

    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: never returns into pytest
        answer = "crashed"
        try:
            if user is not None:
                os.setgid(user)
                os.setuid(user)
            wall = isolate_network()
            try:
                socket.create_connection(("127.0.0.1", port), timeout=5).close()
                answer = f"{wall} connected"
            except OSError as exc:
                answer = f"{wall} refused {type(exc).__name__}"
        finally:
            os.write(write, answer.encode())
            os._exit(0)
    os.close(write)
    os.waitpid(pid, 0)
    with os.fdopen(read) as f:
        return f.read()


def test_unprivileged_workers_are_walled_off_too(listener):
    """As an ordinary user CLONE_NEWNET alone is refused; a user namespace (or, failing that, the audit hook)
    still stops the connection."""
    answer = _as_user_in_fork(listener.port, 65534 if os.geteuid() == 0 else None)
    assert answer.split()[1] == "refused", answer
    assert len(listener.hits) == 0


def test_the_audit_hook_fallback_refuses_python_sockets(listener):
    answer = _probe(listener.port, "audit-hook")
    assert answer.startswith("audit-hook refused PermissionError"), answer
    assert len(listener.hits) == 0
