"""One cross-process lock per build cache (and output folder), so two commands never interleave.

Every command that reads or writes the cache (build, validate, query, serve, push,
export) holds it exclusively: each may update entries and the on-disk Oxigraph
store, and Oxigraph's store admits one opener at a time. A second command waits
(saying so on stderr) and gives up after ``LABORGRAPH_LOCK_TIMEOUT`` seconds
(default 300) with exit code 2. The lock is ``fcntl.flock`` on a file named after
the folder's real path in a per-user folder under the system's temporary folder:
taking it creates nothing in the output folder (a failed first build leaves no
trace), deleting the cache never deletes it, and the kernel releases it when its
holder dies, even by SIGKILL. Commands of different users, or on different
machines sharing a network folder, do not see each other's locks.

Within one process the lock is re-entrant (``build`` holds it around ``refresh``).
Forked build workers close their copy of the descriptor without unlocking.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import os
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

from ..errors import LaborgraphError

TIMEOUT_ENV = "LABORGRAPH_LOCK_TIMEOUT"
DEFAULT_TIMEOUT = 300.0
POLL = 0.05

_held: dict[str, tuple[int, int]] = {}  # lock file -> (descriptor, depth), for this process


class Busy(LaborgraphError):
    """Another laborgraph command kept the folder for longer than the timeout."""


def lock_file(folder: Path) -> Path:
    """The lock file guarding ``folder`` (which need not exist yet)."""
    real = os.path.realpath(folder)
    name = hashlib.sha256(real.encode("utf-8", "surrogatepass")).hexdigest()[:32]
    return Path(tempfile.gettempdir()) / f"laborgraph-locks-{os.getuid()}" / f"{name}.lock"


def _timeout() -> float:
    raw = os.environ.get(TIMEOUT_ENV, "")
    try:
        return float(raw) if raw else DEFAULT_TIMEOUT
    except ValueError:
        raise LaborgraphError(f"{TIMEOUT_ENV}={raw!r} is not a number of seconds") from None


def _acquire(path: Path, folder: Path, timeout: float) -> int:
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o666)
    deadline = time.monotonic() + timeout
    told = False
    while True:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return fd
        except BlockingIOError:
            pass
        if time.monotonic() >= deadline:
            os.close(fd)
            raise Busy(f"{folder}: another laborgraph command is still "
                       f"using it after {timeout:g} s; try again when it has finished (or raise {TIMEOUT_ENV})")
        if not told:
            print(f"waiting for another laborgraph command using {folder} "
                  f"(up to {timeout:g} s) ...", file=sys.stderr, flush=True)
            told = True
        time.sleep(POLL)


@contextlib.contextmanager
def locked(*folders: Path) -> Iterator[None]:
    """Hold the locks of ``folders`` (in the given order; the same folder twice counts once)."""
    with contextlib.ExitStack() as stack:
        seen: set[Path] = set()
        for folder in folders:
            path = lock_file(folder)
            if path not in seen:
                seen.add(path)
                stack.enter_context(_one(path, folder))
        yield


@contextlib.contextmanager
def _one(path: Path, folder: Path) -> Iterator[None]:
    key = str(path)
    if key in _held:
        fd, depth = _held[key]
        _held[key] = (fd, depth + 1)
    else:
        _held[key] = (_acquire(path, folder, _timeout()), 1)
    try:
        yield
    finally:
        fd, depth = _held[key]
        if depth > 1:
            _held[key] = (fd, depth - 1)
        else:
            del _held[key]
            os.close(fd)  # closing the last descriptor releases the flock


def forget_inherited() -> None:
    """In a forked child: close the inherited lock descriptors without unlocking the parent's locks."""
    for fd, _ in _held.values():
        with contextlib.suppress(OSError):
            os.close(fd)
    _held.clear()
