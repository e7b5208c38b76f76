"""Evaluate queries in a forked worker that has no network and is killed at the time limit.

The parse-level gate (:mod:`.safety`) is the first wall. This is the second:
the worker process enters a network namespace of its own before it evaluates,
so even a SERVICE call the gate missed finds no interface but an unconfigured
loopback. Oxigraph sends SERVICE requests from Rust, where Python cannot see
them, so only the kernel can stop them. What the worker gets, best first:

- ``netns``: ``unshare(CLONE_NEWNET)``, when the process may (root, CAP_SYS_ADMIN);
- ``userns``: ``unshare(CLONE_NEWUSER | CLONE_NEWNET)``, unprivileged where the
  kernel allows user namespaces (most Linux desktops and servers);
- ``audit-hook``: elsewhere (macOS, locked-down containers) a Python audit hook
  refuses ``socket.connect``, ``socket.getaddrinfo`` and friends. It stops
  rdflib, which runs in Python, but not Oxigraph's Rust HTTP client: there the
  parse-level gate is the only wall. ``network_wall()`` says which one applies.

rdflib and Oxigraph's Python API have no query timeout either, so a runaway
query is stopped by ending the process that runs it.
"""

from __future__ import annotations

import ctypes
import functools
import multiprocessing
import os
import sys
from typing import Any

from ..errors import LaborgraphError

CLONE_NEWUSER = 0x10000000
CLONE_NEWNET = 0x40000000
_NETWORK_EVENTS = frozenset({"socket.connect", "socket.getaddrinfo", "socket.gethostbyname",
                             "socket.gethostbyname_ex", "socket.gethostbyaddr", "socket.sendto",
                             "socket.sendmsg", "urllib.Request"})


class QueryTimeout(LaborgraphError):
    """The query ran past its time limit and was stopped."""


def _unshare(flags: int) -> bool:
    unshare = getattr(os, "unshare", None)  # Python 3.12+
    try:
        if unshare is not None:
            unshare(flags)
            return True
        libc = ctypes.CDLL(None, use_errno=True)
        return bool(libc.unshare(flags) == 0)
    except (OSError, AttributeError):
        return False


def _refuse_network(event: str, args: tuple[Any, ...]) -> None:
    if event in _NETWORK_EVENTS:
        raise PermissionError(f"network access is refused in the query worker ({event})")


def isolate_network() -> str:
    """Cut this process off the network, as well as the platform allows; returns how (see module doc).

    Call it only in a process that exists to evaluate a query: it cannot be undone.
    """
    if sys.platform.startswith("linux"):
        if _unshare(CLONE_NEWNET):
            return "netns"
        if _unshare(CLONE_NEWUSER | CLONE_NEWNET):
            return "userns"
    sys.addaudithook(_refuse_network)
    return "audit-hook"


@functools.cache
def network_wall() -> str:
    """Which wall a query worker on this machine gets: netns, userns or audit-hook (probed once)."""
    ctx = multiprocessing.get_context("fork")
    parent, child = ctx.Pipe(duplex=False)
    proc = ctx.Process(target=_probe, args=(child,), daemon=True)
    proc.start()
    child.close()
    try:
        return parent.recv() if parent.poll(10) else "audit-hook"
    except EOFError:
        return "audit-hook"
    finally:
        proc.join(timeout=5)
        parent.close()


def _probe(conn: Any) -> None:
    conn.send(isolate_network())
    conn.close()


def _call(conn: Any, fn: Any, args: tuple[Any, ...]) -> None:
    try:
        isolate_network()
        conn.send(("ok", fn(*args)))
    except SyntaxError as exc:
        conn.send(("syntax", str(exc)))
    except LaborgraphError as exc:
        conn.send(("refused", str(exc)))
    except Exception as exc:  # reported to the parent as a clean error
        conn.send(("error", f"{type(exc).__name__}: {' '.join(str(exc).split())[:500]}"))
    finally:
        conn.close()


def run_forked(fn: Any, args: tuple[Any, ...], timeout: float) -> tuple[str, Any]:
    """``fn(*args)`` in a forked, network-less process killed after ``timeout`` s.

    Returns ("ok" | "syntax" | "refused" | "error", payload).
    """
    ctx = multiprocessing.get_context("fork")
    parent, child = ctx.Pipe(duplex=False)
    proc = ctx.Process(target=_call, args=(child, fn, args), daemon=True)
    proc.start()
    child.close()
    try:
        if not parent.poll(timeout):
            proc.kill()
            raise QueryTimeout(f"query stopped after {timeout:g} s (raise --timeout, or narrow the query)")
        try:
            answer: tuple[str, Any] = parent.recv()
        except EOFError:
            return "error", "the query worker ended without an answer"
        return answer
    finally:
        proc.join(timeout=5)
        parent.close()
