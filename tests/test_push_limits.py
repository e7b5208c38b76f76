"""push gives up on a stalled or hung store in bounded time (issue 11): real slow servers on loopback."""

import socket
import threading
import time

import pytest
from click.testing import CliRunner

from laborgraph.cli import main
from laborgraph.query.push import PushError, Target, push_documents, target_for

from .conftest import DATA

DOCS = [("urn:g:1", b"<urn:a> <urn:b> <urn:c> .\n", 1), ("urn:g:2", b"<urn:a> <urn:b> <urn:d> .\n", 1)]


class Trickle:
    """Reads a request, then answers one byte every ``every`` seconds (at most ``limit`` bytes)."""

    def __init__(self, every: float = 0.5, limit: int = 40) -> None:
        self.sock = socket.create_server(("127.0.0.1", 0))
        self.url = f"http://127.0.0.1:{self.sock.getsockname()[1]}/store"
        self.every, self.limit, self.requests = every, limit, 0
        threading.Thread(target=self._loop, daemon=True).start()

    def _loop(self) -> None:
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            threading.Thread(target=self._answer, args=(conn,), daemon=True).start()

    def _answer(self, conn: socket.socket) -> None:
        self.requests += 1
        answer = b"HTTP/1.1 201 Created\r\nContent-Length: 0\r\n\r\n" + b" " * self.limit
        with conn:
            try:
                conn.settimeout(5)
                conn.recv(65536)
                for byte in answer[: self.limit]:
                    conn.sendall(bytes([byte]))
                    time.sleep(self.every)
            except OSError:
                return


@pytest.fixture
def trickle():
    srv = Trickle()
    yield srv
    srv.sock.close()


def test_a_stalled_transfer_fails_in_about_the_request_timeout(trickle):
    started = time.monotonic()
    with pytest.raises(PushError, match=r"no complete answer within 1 s .*gave up after 1 attempts"):
        push_documents(DOCS, Target(trickle.url, retries=0, timeout=1.0, total=60.0))
    assert time.monotonic() - started < 3.0  # a socket timeout alone would wait for all 20 s of bytes


def test_the_whole_push_is_bounded(trickle):
    started = time.monotonic()
    with pytest.raises(PushError, match=r"push stopped after 2.5 s \(--timeout\)"):
        push_documents(DOCS, Target(trickle.url, retries=10, backoff=0.1, timeout=1.0, total=2.5))
    assert time.monotonic() - started < 4.0


def test_a_silent_server_is_bounded_too():
    silent = socket.create_server(("127.0.0.1", 0))  # accepts into the backlog, never answers
    try:
        started = time.monotonic()
        target = Target(f"http://127.0.0.1:{silent.getsockname()[1]}/store", retries=1, backoff=0.1,
                        timeout=0.5, total=30.0)
        with pytest.raises(PushError, match="gave up after 2 attempts"):
            push_documents(DOCS, target)
        assert time.monotonic() - started < 3.0
    finally:
        silent.close()


def test_timeout_option_sets_both_bounds():
    target = target_for(None, "http://127.0.0.1:9/store", None, None, timeout=20)
    assert (target.total, target.timeout) == (20, 20)
    assert target_for(None, "http://127.0.0.1:9/store", None, None).total == 300
    with pytest.raises(PushError, match="positive"):
        target_for(None, "http://127.0.0.1:9/store", None, None, timeout=0)


def test_push_command_gives_up_cleanly(trickle, tmp_path):
    result = CliRunner().invoke(main, ["push", "--data", str(DATA), "--graph-store", trickle.url, "--timeout", "2",
                                       "--cache", str(tmp_path / "cache")])
    assert result.exit_code == 2, result.output
    assert result.stderr.startswith("error: ") and result.stderr.count("\n") == 1
    assert "Traceback" not in result.output


@pytest.mark.parametrize(("url", "words"), [
    ("http://[::1/store", "not a usable URL"),
    ("http://127.0.0.1:99999/store", "not a usable URL"),
    ("ftp://127.0.0.1/store", "is not an http(s) URL"),
    ("http:///store", "is not an http(s) URL"),
])
def test_malformed_store_urls_are_one_clean_line(url, words):
    result = CliRunner().invoke(main, ["push", "--data", str(DATA), "--graph-store", url, "--dry-run"])
    assert result.exit_code == 2 and words in result.stderr, result.output
