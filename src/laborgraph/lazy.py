"""Package names imported on first use (PEP 562), so a command imports only the modules it needs.

``laborgraph query`` reads ``load.files`` without the loader (and the rdflib it imports), and
``laborgraph check`` imports ``incremental.check`` without the build job and the layouts.
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Callable
from typing import Any


def lazy_names(package: str, home: dict[str, str]) -> Callable[[str], Any]:
    """A module ``__getattr__`` for ``package``: each name in ``home`` from the submodule it names,
    imported on first use and then kept in the package like any other attribute."""

    def attribute(name: str) -> Any:
        if name not in home:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        value = getattr(importlib.import_module(f".{home[name]}", package), name)
        setattr(sys.modules[package], name, value)
        return value

    return attribute
