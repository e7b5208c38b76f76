"""`laborgraph check FILE`: one article's findings out of a corpus report, and its look-alike entities.

The corpus report comes from the incremental engine (``incremental.check.check_article``), which
builds only the edited article and re-evaluates the corpus rules only where it reaches, so
checking it costs a fraction of a second on a large corpus (the CLI passes the report in:
this layer sits below the engine and never imports it).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..validate import Report
from .entities import MEMO_FILE, duplicate_warnings


@dataclass(frozen=True)
class CheckResult:
    """What `check` prints: the article's findings as text, look-alike warnings, and the verdict."""

    text: str
    warnings: list[str]
    conforms: bool


def data_dir_of(mapping: Path, given: Path | None) -> Path:
    """The data folder: the one given, else the parent of the mapping's ``articles/`` folder."""
    if given is not None:
        return given
    return mapping.resolve().parent.parent


def mapping_file(mapping: Path, data_dir: Path) -> str:
    """The mapping's path as findings name it (relative to the data folder)."""
    path, root = mapping.resolve(), data_dir.resolve()
    return path.relative_to(root).as_posix() if path.is_relative_to(root) else path.name


def article_report(report: Report, mapping: Path, data_dir: Path) -> Report:
    """The findings located in ``mapping`` (corpus-wide rules included when they point there)."""
    rel = mapping_file(mapping, data_dir)
    return Report([f for f in report.findings if f.file == rel])


def check_result(report: Report, mapping: Path, data_dir: Path, *, cache_dir: Path | None = None,
                 warnings: list[str] | None = None) -> CheckResult:
    """The article's part of ``report`` plus entity look-alike warnings, ready to print.

    ``warnings``, when given, are the look-alike warnings as ``duplicate_warnings`` gives them:
    pass ``incremental.check_article(...).warnings``, which the cache keeps current per article
    (as `laborgraph check` does). Otherwise they are computed here from every mapping's file,
    with ``cache_dir``'s memo for the other articles' entities (``entity_index``): the same
    warnings, but a read of the whole corpus (about 0.9 s more at 10,000 synthetic articles).
    """
    mine = article_report(report, mapping, data_dir)
    text = mine.as_text() if mine.findings else f"{mapping_file(mapping, data_dir)}: conforms, no findings\n"
    if warnings is None:
        memo = cache_dir / MEMO_FILE if cache_dir is not None else None
        warnings = duplicate_warnings(data_dir, only=mapping, memo=memo)
    return CheckResult(text, warnings, mine.conforms)
