"""The ``laborgraph`` command: a thin click layer over the library.

Long: one short click command per verb (about twenty), each a few lines over a library call;
splitting it would spread click over several modules, which the architecture rules forbid.

Exit codes come from one map, ``errors.ExitCode``: 0 success, 1 the data does not
conform, 2 bad input or usage, 3 internal error (traceback only with ``--debug``).
"""

from __future__ import annotations

import functools
import json
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from .errors import ExitCode, LaborgraphError
from .formats import Format, Layout, QueryStore, choices

DATA = click.option("--data", "data_dir", type=click.Path(path_type=Path), default=lambda: _default_data(),
                    show_default="data or $LABORGRAPH_DATA", help="Folder holding entities.yaml and articles/.")


def _default_data() -> Path:
    """The data folder when --data is not given: $LABORGRAPH_DATA (the tests point it at their
    seed fixture, so no command run in a test reads data/) or ./data."""
    return Path(os.environ.get("LABORGRAPH_DATA", "data"))


REPORT_HINT = "this is a bug in laborgraph; run again with --debug and report the traceback"


def _fails_cleanly(func: Callable[..., Any]) -> Callable[..., Any]:
    """One line on stderr and the exit code of the one map (errors.ExitCode); never a traceback
    unless ``--debug`` was given."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except LaborgraphError as exc:
            click.echo(f"error: {exc}", err=True)
            sys.exit(int(exc.exit_code))
        except (click.exceptions.Exit, click.ClickException, SystemExit, KeyboardInterrupt):
            raise
        except BaseException as exc:
            if _debug():
                raise
            if isinstance(exc, OSError) and exc.filename is not None:
                # a file the user named cannot be read or written (a folder, no permission, disk full)
                click.echo(f"error: {exc.filename2 or exc.filename}: {exc.strerror or exc}", err=True)
                sys.exit(int(ExitCode.BAD_INPUT))
            if isinstance(exc, MemoryError):
                click.echo("error: out of memory; the input is too large for this machine", err=True)
                sys.exit(int(ExitCode.BAD_INPUT))
            from concurrent.futures import BrokenExecutor  # here: the CLI's start-up stays light

            if isinstance(exc, BrokenExecutor):  # the kernel's OOM killer, or a signal from outside
                click.echo("error: a worker process was killed (out of memory, or by a signal); nothing was "
                           "written; run again, with --jobs 1 to use less memory", err=True)
                sys.exit(int(ExitCode.INTERNAL))
            summary = " ".join(str(exc).split())[:200]
            click.echo(f"error: internal error: {type(exc).__name__}: {summary} ({REPORT_HINT})", err=True)
            sys.exit(int(ExitCode.INTERNAL))

    return wrapper


def _progress(label: str) -> Any:
    """The terminal counter for a long step: on stderr when it is a TTY, unless --quiet."""
    from .progress import Progress

    ctx = click.get_current_context(silent=True)
    root = ctx.find_root() if ctx is not None else None
    quiet = bool(root is not None and root.obj and root.obj.get("quiet"))
    return Progress(label, enabled=False if quiet else None)


def _debug() -> bool:
    ctx = click.get_current_context(silent=True)
    root = ctx.find_root() if ctx is not None else None
    return bool(root is not None and root.obj and root.obj.get("debug"))


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="laborgraph")
@click.option("--debug", is_flag=True, help="Show Python tracebacks for internal errors (for bug reports).")
@click.option("-q", "--quiet", is_flag=True, help="No progress counter on the terminal (it is never shown in pipes).")
@click.pass_context
def main(ctx: click.Context, debug: bool, quiet: bool) -> None:
    """Build, check and export a knowledge graph of reporting on North Korean overseas labor.

    Exit codes: 0 success, 1 the data does not conform, 2 bad input or usage,
    3 internal error.
    """
    ctx.obj = {"debug": debug, "quiet": quiet}


CACHE = click.option(
    "--cache", "cache_dir", type=click.Path(path_type=Path),
    default=lambda: Path(os.environ.get("LABORGRAPH_CACHE", "build/.cache")),
    show_default="build/.cache or $LABORGRAPH_CACHE",
    help="Build cache shared with `laborgraph build`: unchanged articles are not rebuilt.")

REFERENCE = click.option(
    "--reference", is_flag=True,
    help="Validate articles with pySHACL (the reference engine) instead of the compiled shapes; "
         "same findings, several times slower.")


@main.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("--format", "fmt", type=click.Choice(["text", "json", "turtle"]), default="text",
              show_default=True, help="text for people, json for tools, turtle for the raw SHACL report.")
@click.option("--strict", is_flag=True, help="Fail (exit 1) on warnings too.")
@CACHE
@REFERENCE
@_fails_cleanly
def validate(paths: tuple[Path, ...], fmt: str, strict: bool, cache_dir: Path, reference: bool) -> None:
    """Validate mapping folders (default data/ or $LABORGRAPH_DATA) or RDF files against the SHACL shapes.

    Exit 0 when the data conforms (warnings allowed unless --strict), 1 when it
    does not, 2 on bad input.
    """
    from .incremental import validate_paths

    progress = _progress("validating changed articles")
    try:
        report = validate_paths(list(paths) or [_default_data()], cache_dir, reference=reference, progress=progress)
    finally:
        progress.done()
    text = {"text": report.as_text, "json": report.as_json, "turtle": report.as_turtle}[fmt]()
    click.echo(text, nl=False)
    failed = not report.conforms or (strict and report.counts["Warning"] > 0)
    sys.exit(1 if failed else 0)


@main.command()
@DATA
@click.option("--out", "out_dir", type=click.Path(path_type=Path), default=Path("build"),
              show_default=True, help="Folder for the graph files.")
@click.option("--cache", "cache_dir", type=click.Path(path_type=Path), default=None,
              help="Build cache folder (default OUT/.cache); safe to delete.")
@click.option("--jobs", type=int, default=None, help="Processes for validating changed articles (default: all cores).")
@click.option("--layout", type=click.Choice(choices(Layout)), default=Layout.AUTO.value, show_default=True,
              help="combined: OUT/laborgraph.{trig,ttl,jsonld,nt}; split: one file per article graph in "
                   "OUT/graphs/, only changed ones rewritten; auto: split once the combined N-Triples "
                   "would pass 50 MB.")
@click.option("--allow-empty", is_flag=True,
              help="Build even when articles/ holds no mappings (otherwise refused: it would replace the outputs "
                   "with an empty graph).")
@REFERENCE
@click.option("--watch", is_flag=True,
              help="Stay up: build, then rebuild whenever a mapping, a text file or the registry is saved "
                   "(only what changed); Ctrl-C stops.")
@_fails_cleanly
def build(data_dir: Path, out_dir: Path, cache_dir: Path | None, jobs: int | None, layout: str,
          allow_empty: bool, reference: bool, watch: bool) -> None:
    """Build and validate the graph from mapping files; write TriG, Turtle, JSON-LD and N-Triples.

    Nothing is written when the graph has SHACL violations (exit 1). Rebuilds are
    incremental: only changed articles are mapped and validated again. With --watch,
    prints the same after each save, and the time it took, until Ctrl-C (exit 0).
    """
    if watch:
        from .incremental.buildwatch import Options

        _watch_builds(data_dir, out_dir, cache_dir, Options(jobs, layout, allow_empty, reference))
        return
    from .incremental import build as run

    progress = _progress("building changed articles")
    try:
        result = run(data_dir, out_dir, cache_dir=cache_dir, jobs=jobs, layout=layout, progress=progress,
                     allow_empty=allow_empty, reference=reference)
    finally:
        progress.done()
    _built(result, out_dir)


def _built(result: Any, out_dir: Path) -> None:
    """What `build` says of a build (``BuildResult``): the look-alike warnings, the counts, the files written."""
    for finding in result.lookalikes:  # not report.findings: an edit's build reads the corpus findings only if asked
        click.echo(f"warning: {finding.location()}: {finding.message}", err=True)
    s = result.stats
    click.echo(f"built {s.articles} article(s), {s.claims} claims, {s.triples} triples "
               f"({result.cache_hits} from cache, {result.cache_misses} rebuilt)")
    if result.layout is Layout.SPLIT:
        click.echo(f"  layout split: one file per graph and syntax in {out_dir / 'graphs'} "
                   f"({len(result.written)} written, the rest unchanged); "
                   "`laborgraph export` writes one combined file")
    else:
        for path in result.written:
            click.echo(f"  wrote {path}")


@main.command()
@DATA
@click.option("--format", "fmt", type=click.Choice([*choices(Format), "ftm"]),
              default="turtle", show_default=True,
              help="Output syntax; ftm: FollowTheMoney entities as JSON lines (needs laborgraph[ftm]).")
@click.option("-o", "--output", type=click.Path(path_type=Path), default=None,
              help="File to write (atomically); standard output if omitted.")
@CACHE
@_fails_cleanly
def export(data_dir: Path, fmt: str, output: Path | None, cache_dir: Path) -> None:
    """Export the graph built from mappings as one document in one RDF syntax.

    Streamed from the build cache (articles not in it are built first), so large
    corpora export without the graph in memory. N-Quads goes through rdflib; ftm
    (FollowTheMoney entities for Aleph and OpenSanctions-style tools) through the
    deployment network.
    """
    from .export import serialize, write_atomic

    if fmt in ("nquads", "ftm"):
        from .build import load_and_build
        from .export.ftm import ftm_entities

        ds = load_and_build(data_dir)[1]
        text = ftm_entities(ds) if fmt == "ftm" else serialize(ds, Format.from_name(fmt))
        if output is None:
            click.echo(text, nl=False)
        else:
            write_atomic(output, text)
        return
    from .incremental import stream_document, with_entries, write_document

    syntax = Format.from_name(fmt).key
    progress = _progress("building changed articles")
    try:
        if output is None:
            sys.stdout.flush()
            with_entries(data_dir, lambda entries: stream_document(sys.stdout.buffer, syntax, entries),
                         cache_dir=cache_dir, progress=progress)
        else:
            with_entries(data_dir, lambda entries: write_document(output, syntax, entries), cache_dir=cache_dir,
                         progress=progress)
    finally:
        progress.done()


@main.command()
@DATA
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text",
              show_default=True, help="Output format.")
@_fails_cleanly
def stats(data_dir: Path, fmt: str) -> None:
    """Count articles, claims, entities and triples."""
    from .build import load_and_build
    from .export.stats import corpus_stats

    s = corpus_stats(*load_and_build(data_dir))
    click.echo(json.dumps(s.as_dict(), indent=2) if fmt == "json" else s.as_text())


@main.command()
@click.argument("query_or_file")
@DATA
@click.option("--graph", "graph_file", type=click.Path(path_type=Path), default=None,
              help="Query an RDF file (e.g. build/laborgraph.trig) instead of building from --data.")
@click.option("--format", "fmt", type=click.Choice(["table", "csv", "tsv", "json", "turtle"]),
              default="table", show_default=True,
              help="table/csv/tsv/json (SPARQL 1.1 results JSON) for SELECT; RDF for CONSTRUCT/DESCRIBE.")
@click.option("--timeout", type=float, default=10.0, show_default=True, help="Seconds before the query is stopped.")
@click.option("--engine", type=click.Choice(["oxigraph", "rdflib"]), default="oxigraph", show_default=True,
              help="oxigraph: the build cache's graphs, kept up to date article by article (see --store); "
                   "rdflib: the in-memory graph.")
@click.option("--store", "store", type=click.Choice(choices(QueryStore)), default=QueryStore.AUTO.value,
              show_default=True,
              help="memory: an in-memory Oxigraph snapshot loaded from the cache (about 1.5 s per million "
                   "triples; several times faster per query); disk: the cache's on-disk store (no load, little "
                   "memory); auto: memory up to 10 million triples, disk above.")
@click.option("--memory", is_flag=True, hidden=True, help="Same as --store memory (kept for old scripts).")
@CACHE
@_fails_cleanly
def query(query_or_file: str, data_dir: Path, graph_file: Path | None, fmt: str, timeout: float,
          engine: str, store: str, memory: bool, cache_dir: Path) -> None:
    """Run a SPARQL query (text, a .rq file, or a library name such as cq01) over the graph.

    SERVICE, FROM and updates are refused; the project's prefixes are predeclared.
    By default the query runs on Oxigraph over the build cache's graphs, brought up
    to date first (only changed articles are rebuilt); with --graph FILE the file is
    loaded straight into a fresh store instead.
    """
    from .query import ResultFormat, check_query, resolve_query

    text = resolve_query(query_or_file)
    check_query(text)  # refuse before spending time on loading
    result_format = ResultFormat(fmt)
    if engine == "oxigraph":
        from .query import run_store_query, store_from_file

        if graph_file is not None:
            result = run_store_query(store_from_file(graph_file), text, fmt=result_format, timeout=timeout)
        else:
            from .incremental import with_query_store

            result = with_query_store(data_dir, lambda s: run_store_query(s, text, fmt=result_format,
                                                                           timeout=timeout),
                                      cache_dir=cache_dir, store=QueryStore.MEMORY if memory else store)
    else:
        from .query import query_dataset, run_query

        if graph_file is not None:
            from .rdfinput import read_rdf

            ds = read_rdf(graph_file)
        else:
            from .build import load_and_build

            ds = load_and_build(data_dir)[1]
        result = run_query(query_dataset(ds), text, fmt=result_format, timeout=timeout)
    click.echo(result.text, nl=False)


@main.command()
def queries() -> None:
    """List the library of analyst queries (queries/reports/) with their questions."""
    from .query import library

    for q in library():
        click.echo(f"{q.name}\n  {q.title}\n  {q.question}\n  columns: {q.columns}")


@main.command()
@DATA
@click.option("--view", type=click.Choice(["deployment", "rdf"]), default="deployment", show_default=True,
              help="deployment: actors, groups, places, events; rdf: every triple as an edge.")
@click.option("--format", "fmt", type=click.Choice(["graphml", "gexf", "json", "csv"]), default="graphml",
              show_default=True, help="json is networkx node-link; csv writes <stem>.nodes.csv and <stem>.edges.csv.")
@click.option("-o", "--output", type=click.Path(path_type=Path), required=True, help="File to write (atomically).")
@_fails_cleanly
def network(data_dir: Path, view: str, fmt: str, output: Path) -> None:
    """Export the worker-deployment network (or the RDF graph) for Gephi, Cytoscape or networkx."""
    from .build import load_and_build
    from .export import write_atomic
    from .export.network import write_network

    for path, text in write_network(load_and_build(data_dir)[1], view=view, fmt=fmt, output=output).items():
        write_atomic(path, text)
        click.echo(f"wrote {path}")


@main.command()
@DATA
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True,
              help="Output format.")
@_fails_cleanly
def analyze(data_dir: Path, fmt: str) -> None:
    """Degree and betweenness (brokers), components, and a summary per worker group."""
    from .build import load_and_build
    from .export.network import analysis_text, deployment_network
    from .export.network import analyze as run

    result = run(deployment_network(load_and_build(data_dir)[1]))
    click.echo(json.dumps(result, indent=2, ensure_ascii=False) if fmt == "json" else analysis_text(result), nl=False)


@main.command()
@DATA
@click.option("--format", "fmt", type=click.Choice(["html", "svg", "png"]), default="html", show_default=True,
              help="html: interactive page that works offline; svg/png: static figure for reports.")
@click.option("-o", "--output", type=click.Path(path_type=Path), required=True, help="File to write (atomically).")
@_fails_cleanly
def viz(data_dir: Path, fmt: str, output: Path) -> None:
    """Draw the worker-deployment network: an offline HTML page, or an SVG/PNG figure."""
    from .build import load_and_build
    from .export import write_atomic, write_atomic_bytes
    from .export.network import deployment_network
    from .export.viz import to_figure, to_html

    net = deployment_network(load_and_build(data_dir)[1])
    if fmt == "html":
        write_atomic(output, to_html(net))
    else:
        write_atomic_bytes(output, to_figure(net, fmt))
    click.echo(f"wrote {output}")


@main.command()
@DATA
@click.option("--graph", "graph_file", type=click.Path(path_type=Path), default=None,
              help="Serve an RDF file (e.g. build/laborgraph.trig) or a split build's graphs/ folder.")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to bind (loopback by default).")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(0, 65535), help="Port to listen on.")
@click.option("--timeout", default=10.0, show_default=True, type=float, help="Seconds a query may run.")
@click.option("--max-results", default=10_000, show_default=True, type=int, help="Most rows or triples returned.")
@click.option("--cors", "cors", default=None, metavar="ORIGIN",
              help="Let web pages from ORIGIN (e.g. http://localhost:3000, or *) query from a browser; "
                   "off by default (no CORS headers).")
@CACHE
@_fails_cleanly
def serve(data_dir: Path, graph_file: Path | None, host: str, port: int, timeout: float, max_results: int,
          cors: str | None, cache_dir: Path) -> None:
    """Serve the graph as a read-only SPARQL 1.1 endpoint (/sparql) with an offline query page (/).

    It serves an in-memory snapshot: of --graph (a file or a split build's folder), or
    of the build from --data, loaded from the build cache (so builds can go on meanwhile).
    """
    from .query.serve import ServeOptions, serve_forever

    if graph_file is not None:
        from .query import store_from_file

        store = store_from_file(graph_file)
    else:
        from .incremental import memory_store

        store = memory_store(data_dir, cache_dir=cache_dir)
    serve_forever(store, ServeOptions(host, port, timeout, max_results, cors), lambda line: click.echo(line, err=True))


@main.command()
@DATA
@click.option("--endpoint", default=None, help="SPARQL endpoint URL; the Graph Store URL is derived from it.")
@click.option("--graph-store", default=None, help="Graph Store Protocol URL (overrides what --endpoint implies).")
@click.option("--graph-param", default=None, help="Query parameter naming the graph (default: graph; "
              "graph-uri for Virtuoso's crud endpoints).")
@click.option("--user", default=None, help="User name (HTTP digest or basic auth).")
@click.option("--password", default=None, help="Password.")
@click.option("--dry-run", is_flag=True, help="Say what would be pushed; send nothing.")
@click.option("--timeout", type=float, default=300.0, show_default=True,
              help="Seconds the whole push may take; each request must be answered within min(60, S) seconds.")
@CACHE
@_fails_cleanly
def push(data_dir: Path, endpoint: str | None, graph_store: str | None, graph_param: str | None,
         user: str | None, password: str | None, dry_run: bool, timeout: float, cache_dir: Path) -> None:
    """Load the build into a remote store, one named graph per article (a re-push replaces, never duplicates).

    Each graph's Turtle comes from the build cache (articles not in it are built first).
    """
    from .incremental import graph_documents, with_entries
    from .query.push import push_documents, target_for

    target = target_for(endpoint, graph_store, user, password, graph_param, timeout=timeout)
    progress, pushed = _progress("building changed articles"), _progress("pushed graphs")

    def send(entries: list[Any]) -> Any:
        progress.done()
        return push_documents(graph_documents(entries), target, dry_run=dry_run, progress=pushed, total=len(entries))

    try:
        report = with_entries(data_dir, send, cache_dir=cache_dir, progress=progress)
    finally:
        progress.done()
        pushed.done()
    click.echo(f"{'dry run: ' if dry_run else ''}{target.graph_store}")
    click.echo(report.as_text(dry_run), nl=False)


@main.command("new")
@click.argument("text_file", type=click.Path(path_type=Path, exists=True, dir_okay=False))
@click.option("--outlet", required=True, help="The outlet's id in entities.yaml (type Outlet).")
@click.option("--published", required=True, help="Publication date, YYYY-MM-DD or YYYY-MM-DDTHH:MM.")
@click.option("--url", default=None, help="Where the article was published.")
@click.option("--title", default=None, help="The headline as printed (also names the file).")
@click.option("--slug", default=None, help="Words for the file name (default: from the title or TEXT_FILE).")
@click.option("--analyst", default=None, help="Your id under `analysts:` (default: the first one).")
@DATA
@_fails_cleanly
def new(text_file: Path, outlet: str, published: str, url: str | None, title: str | None, slug: str | None,
        analyst: str | None, data_dir: Path) -> None:
    """Start a mapping: copy TEXT_FILE into articles/ and write a skeleton with one claim stub per sentence.

    Each stub's quote is its sentence, exactly; comments give the sentence's character
    offsets and the registry entities it names. Delete or merge stubs, then fill `states`.
    """
    from .authoring import new_mapping

    mapping, copy = new_mapping(text_file, data_dir, outlet=outlet, published=published, slug=slug, title=title,
                                url=url, analyst=analyst)
    click.echo(f"wrote {mapping}\ncopied the text to {copy}")


@main.command()
@click.argument("query", required=False, default="")
@DATA
@click.option("--limit", default=20, show_default=True, help="Most entities listed.")
@_fails_cleanly
def entities(query: str, data_dir: Path, limit: int) -> None:
    """Search the registry and every article's own entities by id, label or alias (fuzzy).

    Refer to an entity that exists instead of declaring it again; each line says where it
    is declared (file:line) and whether it is in the registry or local to one article.
    """
    from .authoring import entity_index

    for entity, _score in entity_index(data_dir).search(query, limit=limit):
        click.echo(entity.describe())


@main.command()
@click.argument("mappings", nargs=-1, metavar="[MAPPING]...",
                type=click.Path(path_type=Path, exists=True, dir_okay=False))
@click.option("--data", "data_dir", type=click.Path(path_type=Path), default=None,
              help="The data folder (default: the one holding MAPPING's articles/ folder; with --watch and no "
                   "MAPPING, data or $LABORGRAPH_DATA).")
@click.option("--watch", is_flag=True,
              help="Stay up: check each article again whenever its mapping or text file is saved "
                   "(only the MAPPINGs given, if any); Ctrl-C stops.")
@CACHE
@_fails_cleanly
def check(mappings: tuple[Path, ...], data_dir: Path | None, watch: bool, cache_dir: Path) -> None:
    """Validate one article mapping and report it, fast: the rest of the corpus comes from the cache.

    Prints the article's findings and look-alike entity warnings; exit 0 when the
    article conforms, 1 when it has violations, 2 on bad input. With --watch, prints
    that report and the time it took after each save, until Ctrl-C (exit 0).
    """
    from .authoring.check import check_result, data_dir_of

    if watch:
        _watch_checks(mappings, data_dir, cache_dir)
        return
    if len(mappings) != 1:
        raise click.UsageError("give one MAPPING (or --watch)")
    from .incremental.check import check_article

    data_dir = data_dir_of(mappings[0], data_dir)
    checked = check_article(mappings[0], data_dir, cache_dir=cache_dir)
    result = check_result(checked.report, mappings[0], data_dir, warnings=checked.warnings)
    for line in result.warnings:
        click.echo(f"warning: {line}", err=True)
    click.echo(result.text, nl=False)
    sys.exit(0 if result.conforms else 1)


def _watch_builds(data_dir: Path, out_dir: Path, cache_dir: Path | None, options: Any) -> None:
    """`build --watch`: build's report and one timing line per rebuild, until Ctrl-C; bad input goes on."""
    from .incremental.buildwatch import watch_builds
    from .load import ARTICLES_DIR

    if not (data_dir / ARTICLES_DIR).is_dir():
        raise click.UsageError(f"{data_dir}: no articles/ folder to watch (give --data)")
    ready = _Told(f"watching {data_dir} (Ctrl-C to stop)")
    _stop_on_sigterm()
    try:
        for done in watch_builds(data_dir, out_dir, cache_dir=cache_dir, options=options, ready=ready):
            if done.result is None:
                click.echo(f"error: {done.error}", err=True)
            else:
                _built(done.result, out_dir)
            what = f"{len(done.changed)} changed" if done.changed else "start"
            click.echo(f"{'rebuilt' if done.result is not None else 'nothing written'} in {done.seconds:.3f} s "
                       f"(CPU {done.cpu:.3f} s, {what}{', every key' if done.rescanned else ''})")
    except KeyboardInterrupt:
        pass  # the way to stop: exit 0


def _watch_checks(mappings: tuple[Path, ...], data_dir: Path | None, cache_dir: Path) -> None:
    """`check --watch`: one report and one timing line per check, until Ctrl-C."""
    from .authoring.check import check_result, data_dir_of
    from .incremental.watch import watch_checks
    from .load import ARTICLES_DIR

    data_dir = data_dir_of(mappings[0], data_dir) if mappings else (data_dir or _default_data())
    if not (data_dir / ARTICLES_DIR).is_dir():
        raise click.UsageError(f"{data_dir}: no articles/ folder to watch (give --data)")
    ready = _Told(f"watching {data_dir} (Ctrl-C to stop)")
    _stop_on_sigterm()
    try:
        for done in watch_checks(data_dir, cache_dir=cache_dir, files=mappings, ready=ready):
            if done.checked is None:
                click.echo(f"error: {done.error}", err=True)
                how = "bad input"
            else:
                result = check_result(done.checked.report, done.mapping, data_dir, warnings=done.checked.warnings)
                for line in result.warnings:
                    click.echo(f"warning: {line}", err=True)
                click.echo(result.text, nl=False)
                how = "fast" if done.checked.fast else "full refresh"
            click.echo(f"checked {done.mapping.name} in {done.seconds:.3f} s (CPU {done.cpu:.3f} s, {how}"
                       f"{', every key' if done.rescanned else ''})")
    except KeyboardInterrupt:
        pass  # the way to stop: exit 0


def _stop_on_sigterm() -> None:
    """SIGTERM ends the watch as Ctrl-C does, with exit 0: how a supervisor or a script stops it (a job a
    shell script starts in the background inherits SIGINT ignored, so Ctrl-C's signal cannot)."""
    import signal

    def stop(signum: int, frame: object) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, stop)


class _Told:
    """Says ``line`` on stderr when first set (``watch_checks``' ready: changes are watched from then on)."""

    def __init__(self, line: str) -> None:
        self.line, self.done = line, False

    def set(self) -> None:
        if not self.done:
            click.echo(self.line, err=True)
            self.done = True


@main.command()
@click.option("--format", "fmt", type=click.Choice(["table", "sparql"]), default="table", show_default=True,
              help="table: prefix and namespace; sparql: PREFIX lines to paste elsewhere.")
def prefixes(fmt: str) -> None:
    """List the prefixes every query may use without declaring them (lg, lgid, schema, prov ...)."""
    from .vocab import PREFIXES

    for prefix, ns in PREFIXES.items():
        click.echo(f"PREFIX {prefix}: <{ns}>" if fmt == "sparql" else f"{prefix:8} {ns}")


@main.command("ontology-docs")
@click.option("-o", "--output", type=click.Path(path_type=Path), default=None,
              help="File to write; standard output if omitted.")
@_fails_cleanly
def ontology_docs(output: Path | None) -> None:
    """Generate the ontology reference page (Markdown) from ontology/."""
    from .export import write_atomic
    from .export.docs import ontology_markdown

    text = ontology_markdown()
    if output is None:
        click.echo(text, nl=False)
    else:
        write_atomic(output, text)


if __name__ == "__main__":
    main()
