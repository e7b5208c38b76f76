"""The main job as one call: load mappings, build the graph, write every export.

>>> import tempfile
>>> from pathlib import Path
>>> out = Path(tempfile.mkdtemp())
>>> result = build(Path("data"), out)
>>> sorted(p.name for p in result.written)[:2]
['laborgraph.jsonld', 'laborgraph.nt']
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from rdflib import Dataset

from .build import build_dataset
from .export import Format, serialize, write_atomic
from .load import load_corpus
from .model import Corpus
from .stats import Stats, corpus_stats
from .validate import Report, validate_dataset

BUILD_NAME = "laborgraph"
BUILD_FORMATS = (Format.TRIG, Format.TURTLE, Format.JSONLD, Format.NT)


class NotConforming(Exception):
    """The built graph has SHACL violations, so nothing was written."""

    def __init__(self, report: Report) -> None:
        self.report = report
        n = report.counts["Violation"]
        super().__init__(f"{n} SHACL violation(s); nothing was written. Run `laborgraph validate` for "
                         "the list, with file, line and fix for each")


@dataclass(frozen=True)
class BuildResult:
    corpus: Corpus
    dataset: Dataset
    stats: Stats
    report: Report
    written: list[Path] = field(default_factory=list)


def load_and_build(data_dir: Path) -> tuple[Corpus, Dataset]:
    corpus = load_corpus(data_dir)
    return corpus, build_dataset(corpus)


def build(data_dir: Path, out_dir: Path) -> BuildResult:
    """Build ``out_dir/laborgraph.{trig,ttl,jsonld,nt}`` from the mappings in ``data_dir``.

    The graph is validated first and everything is serialised in memory, so an
    input error or a SHACL violation leaves earlier outputs untouched; each file
    is replaced atomically.
    """
    corpus, ds = load_and_build(data_dir)
    report = validate_dataset(ds)
    if not report.conforms:
        raise NotConforming(report)
    texts = {out_dir / f"{BUILD_NAME}{fmt.suffix}": serialize(ds, fmt) for fmt in BUILD_FORMATS}
    for path, text in texts.items():
        write_atomic(path, text)
    return BuildResult(corpus, ds, corpus_stats(corpus, ds), report, sorted(texts))
