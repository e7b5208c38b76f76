"""laborgraph: news reports on overseas labor -> a verifiable knowledge graph.

The library API, for notebooks and scripts; the ``laborgraph`` command is a
thin layer over these functions::

    from pathlib import Path
    import laborgraph

    corpus = laborgraph.load_corpus(Path("data"))
    dataset = laborgraph.build_dataset(corpus)
    print(laborgraph.serialize(dataset, laborgraph.Format.TURTLE)[:200])
"""

from .build import build_dataset
from .errors import LaborgraphError, MappingError
from .export import Format, serialize, write_atomic
from .load import load_article, load_corpus, load_registry
from .pipeline import build
from .stats import corpus_stats

__version__ = "0.1.0"

__all__ = [
    "Format",
    "LaborgraphError",
    "MappingError",
    "build",
    "build_dataset",
    "corpus_stats",
    "load_article",
    "load_corpus",
    "load_registry",
    "serialize",
    "write_atomic",
]
