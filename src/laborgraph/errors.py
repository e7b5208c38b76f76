"""Input errors that name the file and line an analyst has to fix."""

from __future__ import annotations

from pathlib import Path


class LaborgraphError(Exception):
    """Base class: every error the CLI turns into a one-line message and exit code 2."""


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
