"""Files laborgraph ships: the ontology, the shapes, the query library and the page assets.

They live at the top of the repository (``ontology/``, ``shapes/``, ``queries/``)
and reach the package through links under ``resources/``, so an editable
checkout and an installed wheel find them the same way, through
``importlib.resources``. ``LABORGRAPH_ONTOLOGY`` and ``LABORGRAPH_SHAPES``
point at other folders (for trying out a change to the ontology or shapes).

>>> (ontology_dir() / "laborgraph.ttl").is_file()
True
"""

from __future__ import annotations

import os
import re
from importlib import resources
from pathlib import Path


def package_dir() -> Path:
    """The installed package's folder (its code is part of every cache key)."""
    return Path(str(resources.files("laborgraph")))


def _resource(*parts: str) -> Path:
    return package_dir().joinpath("resources", *parts)


def ontology_dir() -> Path:
    """The ontology's Turtle files (or ``$LABORGRAPH_ONTOLOGY``)."""
    env = os.environ.get("LABORGRAPH_ONTOLOGY")
    return Path(env) if env else _resource("ontology")


def shapes_dir() -> Path:
    """The SHACL shapes (``*.ttl`` per article, ``corpus/*.ttl`` corpus-wide), or ``$LABORGRAPH_SHAPES``."""
    env = os.environ.get("LABORGRAPH_SHAPES")
    return Path(env) if env else _resource("shapes")


def reports_dir() -> Path:
    """The analyst query library (``cq*.rq``)."""
    return _resource("queries", "reports")


def checks_dir() -> Path:
    """The QC queries that must return no rows (``*-violation.rq``)."""
    return _resource("queries", "checks")


def asset(name: str) -> bytes:
    """A page asset (``viz.js``, ``query.html`` ...)."""
    return _resource(name).read_bytes()


def rq_header(text: str, key: str) -> str:
    """A ``# key: value`` line from the comment header of a .rq file.

    >>> rq_header("# title: Deployments\\nSELECT * {}", "title")
    'Deployments'
    """
    m = re.search(rf"^# {key}:\s*(.+)$", text, re.M)
    return m.group(1).strip() if m else ""
