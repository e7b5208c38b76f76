"""Stage 1: mapping files -> model. Every input error is raised here, naming file and line.

>>> from pathlib import Path
>>> corpus = load_corpus(Path("tests/fixtures/seed"))
>>> len(corpus.registry.entities) > 0
True
"""

from .context import ARTICLES_DIR, REGISTRY_FILE
from .mapping import article_names, article_paths, load_article, load_corpus
from .registry import load_registry

__all__ = ["ARTICLES_DIR", "REGISTRY_FILE", "article_names", "article_paths", "load_article", "load_corpus",
           "load_registry"]
