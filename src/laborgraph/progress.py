"""A counter on the terminal for long steps (building many articles), and silence everywhere else.

It writes to stderr only when stderr is a terminal, so logs, pipes and tests see nothing; the
CLI's ``--quiet`` turns it off on a terminal too. Redraws are throttled to ``EVERY`` seconds.

>>> import io
>>> p = Progress("building", stream=io.StringIO())   # not a TTY: silent
>>> p(1, 10); p.done(); p.stream.getvalue()
''
"""

from __future__ import annotations

import sys
import time
from typing import TextIO

EVERY = 0.1
WIDTH = 24


class Progress:
    """Callable as ``progress(done, total)``; ``done()`` ends the line."""

    def __init__(self, label: str, *, stream: TextIO | None = None, enabled: bool | None = None) -> None:
        self.label = label
        self.stream = stream if stream is not None else sys.stderr
        self.enabled = self.stream.isatty() if enabled is None else enabled
        self._last = 0.0
        self._drawn = False

    def line(self, done: int, total: int) -> str:
        """The text drawn for ``done`` of ``total``.

        >>> Progress("building", enabled=False).line(3, 12)
        'building [######..................] 3/12'
        """
        filled = WIDTH * done // total if total else WIDTH
        return f"{self.label} [{'#' * filled}{'.' * (WIDTH - filled)}] {done}/{total}"

    def __call__(self, done: int, total: int) -> None:
        if not self.enabled:
            return
        now = time.monotonic()
        if done < total and now - self._last < EVERY:
            return
        self._last = now
        self.stream.write("\r" + self.line(done, total))
        self.stream.flush()
        self._drawn = True

    def done(self) -> None:
        if self.enabled and self._drawn:
            self.stream.write("\n")
            self.stream.flush()
            self._drawn = False
