"""Real SPARQL servers for the tests, started on free loopback ports and stopped by PID.

Oxigraph's server comes from the PyPI package ``oxigraph`` (a test dependency);
Virtuoso from Debian's ``virtuoso-opensource``, which ``./dev test`` installs.
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode

VIRTUOSO_INI = Path("/etc/virtuoso-opensource-7/virtuoso.ini")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(url: str, seconds: float, proc: subprocess.Popen) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"server exited early with code {proc.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=2) as r:
                if r.status < 500:
                    return
        except urllib.error.HTTPError as exc:
            if exc.code < 500:
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"{url} did not answer within {seconds} s")


def stop(proc: subprocess.Popen) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=15)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


@dataclass(frozen=True)
class Server:
    name: str
    query_url: str
    graph_store: str
    user: str | None = None
    password: str | None = None

    def select(self, query: str, timeout: float = 60) -> dict:
        import json

        request = urllib.request.Request(
            self.query_url, data=urlencode({"query": query}).encode(), method="POST",
            headers={"Accept": "application/sparql-results+json",
                     "Content-Type": "application/x-www-form-urlencoded"})
        try:
            with urllib.request.urlopen(request, timeout=timeout) as r:
                return json.loads(r.read())
        except urllib.error.HTTPError as exc:  # the server's own words say what it could not run
            body = exc.read().decode("utf-8", "replace")
            detail = body[:300] + (" ... " + body[-300:] if len(body) > 600 else body[300:])
            raise AssertionError(f"{self.query_url} answered HTTP {exc.code}: {detail}") from None


@contextmanager
def oxigraph_server(workdir: Path) -> Iterator[Server]:
    exe = shutil.which("oxigraph") or str(Path(os.sys.executable).parent / "oxigraph")
    port = free_port()
    proc = subprocess.Popen([exe, "serve", "--location", str(workdir / "oxigraph"), "--bind", f"127.0.0.1:{port}",
                             "--union-default-graph", "--timeout-s", "30"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_for(f"http://127.0.0.1:{port}/query?query=ASK%7B%7D", 30, proc)
        yield Server("oxigraph", f"http://127.0.0.1:{port}/query", f"http://127.0.0.1:{port}/store")
    finally:
        stop(proc)


@contextmanager
def virtuoso_server(workdir: Path, password: str = "lgtest") -> Iterator[Server]:
    if not VIRTUOSO_INI.exists() or not shutil.which("virtuoso-t"):
        raise RuntimeError("Virtuoso is missing: run ./dev test, which installs Debian's virtuoso-opensource")
    db = workdir / "virtuoso"
    db.mkdir()
    isql_port, http_port = free_port(), free_port()
    ini = VIRTUOSO_INI.read_text()
    ini = ini.replace("/var/lib/virtuoso-opensource-7/db", str(db))
    ini = re.sub(r"(?m)^(\[Parameters\][^\[]*?ServerPort\s*=\s*)\S+", rf"\g<1>127.0.0.1:{isql_port}", ini)
    ini = re.sub(r"(?m)^(\[HTTPServer\][^\[]*?ServerPort\s*=\s*)\S+", rf"\g<1>127.0.0.1:{http_port}", ini)
    (db / "virtuoso.ini").write_text(ini)
    proc = subprocess.Popen(["virtuoso-t", "+foreground", "+configfile", str(db / "virtuoso.ini")], cwd=db,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_for(f"http://127.0.0.1:{http_port}/sparql?query=ASK%7B%7D", 120, proc)
        subprocess.run(["isql-vt", f"127.0.0.1:{isql_port}", "dba", "dba",
                        f"EXEC=USER_SET_PASSWORD('dba','{password}');"], check=True, capture_output=True, timeout=60)
        yield Server("virtuoso", f"http://127.0.0.1:{http_port}/sparql",
                     f"http://127.0.0.1:{http_port}/sparql-graph-crud-auth", "dba", password)
    finally:
        stop(proc)
