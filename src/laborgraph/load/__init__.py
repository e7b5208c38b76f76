"""Stage 1: mapping files -> model. Every input error is raised here, naming file and line.

Names are imported on first use (PEP 562): ``laborgraph query`` reads ``files`` alone (file
names, the safe reader), without the loader's modules and the rdflib they import.

>>> from pathlib import Path
>>> corpus = load_corpus(Path("tests/fixtures/seed"))
>>> len(corpus.registry.entities) > 0
True
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..lazy import lazy_names

if TYPE_CHECKING:
    from .files import ARTICLES_DIR, REGISTRY_FILE, article_names
    from .mapping import article_paths, load_article, load_corpus
    from .registry import load_registry

_HOME = {**dict.fromkeys(("ARTICLES_DIR", "REGISTRY_FILE", "article_names"), "files"),
         **dict.fromkeys(("article_paths", "load_article", "load_corpus"), "mapping"), "load_registry": "registry"}


__getattr__ = lazy_names(__name__, _HOME)


__all__ = ["ARTICLES_DIR", "REGISTRY_FILE", "article_names", "article_paths", "load_article", "load_corpus",
           "load_registry"]
