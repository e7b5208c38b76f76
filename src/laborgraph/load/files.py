"""Read input files safely: plain files only, of bounded size, never hanging, never a traceback.

A mapping folder may hold anything: a folder named ``x.yaml``, a FIFO or a
symlink to ``/dev/zero`` (reading either never ends), a text of gigabytes.
Every input is opened without blocking, checked to be a regular file with
``fstat`` (so a symlink is judged by what it points to, at the moment it is
read) and read up to a limit; every failure is a :class:`MappingError` naming
the file.

>>> import tempfile, os
>>> folder = tempfile.mkdtemp()
>>> read_bytes(folder, 10)
Traceback (most recent call last):
...
laborgraph.errors.MappingError: ...: not a regular file (a folder); only plain files are read
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from ..errors import LaborgraphError, MappingError

REGISTRY_FILE = "entities.yaml"
ARTICLES_DIR = "articles"
TEXT_LIMIT_ENV = "LABORGRAPH_MAX_TEXT_BYTES"
DEFAULT_TEXT_LIMIT = 20 * 2**20  # 20 MB: a long report is ~100 KB; the quote search is linear in the text


def article_names(data_dir: Path) -> list[str]:
    """The mapping files' names in ``data_dir/articles``, in name order (``article_paths`` without
    a pathlib object each: 10,000 of them cost 0.05 s of an edit)."""
    try:
        return sorted(n for n in os.listdir(data_dir / ARTICLES_DIR) if n.endswith(".yaml") and not n.startswith("."))
    except OSError:
        return []


def text_limit() -> int:
    """Most bytes an article text may have (``LABORGRAPH_MAX_TEXT_BYTES``, default 20 MB)."""
    raw = os.environ.get(TEXT_LIMIT_ENV, "")
    try:
        return int(raw) if raw else DEFAULT_TEXT_LIMIT
    except ValueError:
        raise LaborgraphError(f"{TEXT_LIMIT_ENV}={raw!r} is not a number of bytes") from None


_KINDS = ((stat.S_ISDIR, "a folder"), (stat.S_ISFIFO, "a pipe"), (stat.S_ISCHR, "a device"),
          (stat.S_ISBLK, "a device"), (stat.S_ISSOCK, "a socket"))


def shown(path: str | Path) -> str:
    """A path as one printable line (a name may end in a newline)."""
    text = str(path)
    return text if text.isprintable() else repr(text)[1:-1]


def read_bytes(path: str | Path, limit: int, display: str | None = None, what: str = "file") -> bytes:
    """The bytes of ``path``, a regular file of at most ``limit`` bytes."""
    name = shown(display or path)
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
    except OSError as exc:
        raise MappingError(name, None, f"cannot read {what}: {exc.strerror}") from None
    try:
        mode = os.fstat(fd).st_mode
        if not stat.S_ISREG(mode):
            kind = next((k for test, k in _KINDS if test(mode)), "not a plain file")
            raise MappingError(name, None, f"not a regular file ({kind}); only plain files are read")
        size = os.fstat(fd).st_size
        if size > limit:
            raise MappingError(name, None, f"{what} is {size:,} bytes; {what}s are limited to {limit:,} bytes")
        chunks, total = [], 0
        while True:  # read to the end, not to st_size: the file may grow while it is read
            chunk = os.read(fd, min(1 << 20, limit + 1 - total))
            if not chunk:
                break
            chunks.append(chunk)
            total += len(chunk)
            if total > limit:
                raise MappingError(name, None, f"{what} grew past the limit of {limit:,} bytes while read")
        return b"".join(chunks)
    except MemoryError:
        raise MappingError(name, None, f"{what} is too large to read on this machine") from None
    except OSError as exc:
        raise MappingError(name, None, f"cannot read {what}: {exc.strerror}") from None
    finally:
        os.close(fd)
