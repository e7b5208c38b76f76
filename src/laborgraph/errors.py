"""Errors an analyst can act on, and the one map from outcomes to exit codes.

Exit codes (pySHACL's convention, extended): 0 success, 1 the data does not
conform, 2 bad input or usage (the message names the file and line), 3 an
internal error (a bug: a short message and a hint to report it; the traceback
only with ``--debug``).
"""

from __future__ import annotations

import enum
from pathlib import Path


class ExitCode(enum.IntEnum):
    OK = 0
    NOT_CONFORMING = 1
    BAD_INPUT = 2
    INTERNAL = 3


class LaborgraphError(Exception):
    """Base class: every error the CLI turns into a one-line message and exit code 2."""

    exit_code = ExitCode.BAD_INPUT


class UsageError(LaborgraphError):
    """An option or argument laborgraph cannot use (an unknown format name, a bad limit)."""


class MappingError(LaborgraphError):
    """A problem in a mapping file, located at ``path:line``.

    >>> str(MappingError("data/a.yaml", 7, "unknown entity 'rusia'"))
    "data/a.yaml:7: unknown entity 'rusia'"
    """

    def __init__(self, path: str | Path, line: int | None, message: str) -> None:
        self.path = str(path)
        self.line = line
        self.message = message
        where = f"{self.path}:{line}" if line else self.path
        super().__init__(f"{where}: {message}")

    def __reduce__(self) -> tuple[type, tuple[str, int | None, str]]:
        """Survive the trip back from a build worker process."""
        return (type(self), (self.path, self.line, self.message))


class NotConforming(LaborgraphError):
    """The built graph has SHACL violations, so nothing was written."""

    exit_code = ExitCode.NOT_CONFORMING

    def __init__(self, violations: int) -> None:
        self.violations = violations
        super().__init__(f"{violations} SHACL violation(s); nothing was written. Run `laborgraph validate` "
                         "for the list, with file, line and fix for each")

    def __reduce__(self) -> tuple[type, tuple[int]]:
        return (type(self), (self.violations,))
