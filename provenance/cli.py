"""Command line: a thin layer over the library.  The only place that prints or exits.

Exit codes (docs/cli.md):
  0  the command did its work
  2  usage or input error (missing corpus, bad option or parameter, unreadable sidecar or report)
  3  --strict and some input was rejected (the report is still written)
  4  the report could not be written
  130 interrupted (Ctrl-C)
"""

from __future__ import annotations

import functools
import math
import os
import stat
import sys
from pathlib import Path
from typing import Optional

EXIT_OK, EXIT_USAGE, EXIT_STRICT, EXIT_WRITE, EXIT_INTERRUPTED = 0, 2, 3, 4, 130

try:  # loading NumPy, SciPy and Typer takes a moment: Ctrl-C then interrupts a command too
    import typer

    from . import __version__
    from .engines import Engine
    from .errors import ProvenanceError, ReportError
    from .params import REWRITES, default_params, with_overrides
    from .pipeline import AuditOptions, audit
    from .report import build_report, now_iso, write_report
    from .summary import render_summary
except KeyboardInterrupt:
    sys.stderr.write("provenance: interrupted while starting; nothing was written\n")
    raise SystemExit(EXIT_INTERRUPTED) from None

app = typer.Typer(
    add_completion=False,
    pretty_exceptions_enable=False,
    no_args_is_help=True,
    help="Find republished passages in a folder of news articles and trace each to where it first appeared.",
)


def _fail(message: str, code: int = EXIT_USAGE) -> None:
    typer.echo(f"provenance: error: {message}", err=True)
    raise typer.Exit(code)


def _params(values: list[str], rewrites: bool):
    """The shipped defaults, then ``--rewrites``, then each ``--param``."""
    return with_overrides(default_params(), {**(REWRITES if rewrites else {}), **_parse_params(values)})


def _interruptible(after: str):
    """Ctrl-C in a command: say what was and was not written, exit 130 (Typer would exit
    130 without a word). ``after`` is what an interrupted run leaves; a command may name
    what it completed in ``_written``."""
    def wrap(command):
        @functools.wraps(command)
        def run(*args, **kwargs):
            _written.clear()
            try:
                return command(*args, **kwargs)
            except KeyboardInterrupt:
                done = f" after writing {', '.join(_written)}" if _written else ""
                typer.echo(f"provenance: interrupted{done}; {after}", err=True)
                raise typer.Exit(EXIT_INTERRUPTED)
        return run
    return wrap


_written: list[str] = []  # files a running command has completed, for the interruption message


def _parse_params(values: list[str]) -> dict[str, str]:
    out = {}
    for item in values:
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            _fail(f"--param expects KEY=VALUE, got {item!r}")
        out[key.strip()] = value.strip()
    return out


def _inside(path: Path, folder: Path) -> bool:
    try:
        path.resolve().relative_to(folder.resolve())
        return True
    except ValueError:
        return False


def _same_file(a: Path, b: Path) -> bool:
    """Whether two paths name one file: the same resolved path, or the same inode (a hard link)."""
    if a.resolve() == b.resolve():
        return True
    try:
        return os.path.samefile(a, b)
    except OSError:  # one of them does not exist (yet)
        return False


def _spark_uri(corpus: Path) -> bool:
    from .engines.listing import is_uri
    from .engines.spark import corpus_location

    return is_uri(corpus_location(corpus))


def _progress(quiet: bool):
    """A progress line on a terminal; nothing when quiet or when stderr is not a terminal."""
    if quiet or not sys.stderr.isatty():
        return None
    from .parallel import ProgressLine

    return ProgressLine(lambda text: (sys.stderr.write(text), sys.stderr.flush()))


def _version(value: bool) -> None:
    if value:
        typer.echo(f"provenance {__version__}")
        raise typer.Exit()


@app.callback()
def main_callback(
    version: bool = typer.Option(False, "--version", callback=_version, is_eager=True, help="Print the version and exit."),
) -> None:
    """provenance: audit news articles for republished passages."""


@app.command("audit")
@_interruptible("the report and each export are written whole or not at all (a file they would replace is "
                "kept as it was); with --add, the batches of documents already added stay in the index")
def audit_command(
    corpus: Path = typer.Argument(..., readable=False, help="Folder of articles to audit (read recursively)."),
    output: Optional[Path] = typer.Option(None, "--output", "-o", readable=False, help="Write the JSON report here (atomically). Without it, print a summary."),
    metadata: Optional[Path] = typer.Option(None, "--metadata", readable=False, help="Sidecar metadata file (CSV or JSON Lines); default: metadata.csv or metadata.jsonl at the corpus root."),
    outlets: list[Path] = typer.Option([], "--outlets", readable=False, help="Extra outlet registry file (TOML); repeatable."),
    rules: list[Path] = typer.Option([], "--rules", readable=False, help="Extra or replacement evidence rules (TOML); repeatable."),
    param: list[str] = typer.Option([], "--param", help="Override a detection parameter, e.g. align.min_span_tokens=25; repeatable."),
    rewrites: bool = typer.Option(False, "--rewrites", help="Propose rewritten copies anywhere in a text, not only in its lead (content-word windows over the whole text); slower."),
    strict: bool = typer.Option(False, "--strict", help="Exit with code 3 when any file, record or sidecar row is rejected (files saved with a page, page-resource, are not counted)."),
    max_file_mb: float = typer.Option(64.0, "--max-file-mb", help="Files larger than this are rejected (too-large) without being read."),
    follow_symlinks: bool = typer.Option(False, "--follow-symlinks", help="Follow symbolic links (loops are detected)."),
    jobs: Optional[int] = typer.Option(None, "--jobs", "-j", help="Processes to use (default: all cores); the report is the same for any number."),
    index: Optional[Path] = typer.Option(None, "--index", readable=False, help="An archive index (SQLite) to audit the corpus against."),
    add: bool = typer.Option(False, "--add", help="With --index: also add the audited documents to the index."),
    source: Optional[str] = typer.Option(None, "--source", help="The corpus's name in the index (default: its folder name)."),
    summary: bool = typer.Option(False, "--summary", help="Print the summary even when writing a report."),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="Print nothing but errors."),
    export: list[str] = typer.Option([], "--export", metavar="FORMAT:FILE",
                                     help="Also write an export (prov-json, prov-n, prov-xml, csv, html) to FILE; repeatable."),
    engine: Engine = typer.Option(Engine.local, "--engine", help="Where the audit runs: local processes, or Apache Spark (needs pyspark and Java); the report is the same."),
    spark_master: Optional[str] = typer.Option(None, "--spark-master", help="With --engine spark: the Spark master (default: $SPARK_MASTER, else local[*])."),
    spark_conf: list[str] = typer.Option([], "--spark-conf", metavar="KEY=VALUE", help="With --engine spark: a Spark setting, e.g. spark.executor.memory=4g; repeatable."),
) -> None:
    """Audit CORPUS: find republished passages, their origins and chains."""
    remote = engine is Engine.spark and _spark_uri(corpus)  # hdfs://, s3a://...: Spark checks it
    if not corpus.exists() and not remote:
        _fail(f"{corpus}: no such folder")
    if not corpus.is_dir() and not remote:
        _fail(f"{corpus}: not a folder")
    if output is not None and _inside(output, corpus):
        _fail(f"{output}: the report would be written inside the corpus folder; choose a path outside {corpus}")
    if not math.isfinite(max_file_mb) or max_file_mb <= 0:
        _fail(f"--max-file-mb must be a positive number of MiB, got {max_file_mb}")
    if jobs is not None and jobs < 1:
        _fail("--jobs must be at least 1")
    if add and index is None:
        _fail("--add needs --index")
    if source is not None and index is None:
        _fail("--source needs --index: it names the corpus in the index")
    if index is not None and _inside(index, corpus):
        _fail(f"{index}: the index would be written inside the corpus folder; choose a path outside {corpus}")
    if engine is not Engine.spark and (spark_master or spark_conf):
        _fail("--spark-master and --spark-conf need --engine spark")
    inputs = _input_files(metadata=metadata, outlets=outlets, rules=rules, index=index)
    if output is not None:
        _check_not_an_input(output, "the report", inputs)
    exports = _parse_exports(export, corpus, output, inputs)
    try:
        params = _params(param, rewrites)
        # a report or export that cannot be written whatever the audit finds fails now, not
        # after an audit of hours
        for what, target in ([("report", output)] if output is not None else []) + \
                [(f"{fmt} export", target) for fmt, target in exports]:
            _check_target_folder(target, what)
        options = AuditOptions(
            params=params,
            metadata=metadata,
            outlet_files=tuple(outlets),
            rule_files=tuple(rules),
            max_file_bytes=int(max_file_mb * 1024 * 1024),
            follow_symlinks=follow_symlinks,
            jobs=jobs,
            index=index,
            add_to_index=add,
            source=source,
        )
        started = now_iso()
        if engine is Engine.spark:
            from .engines.spark import audit_spark, corpus_location, parse_spark_conf

            result = audit_spark(corpus_location(corpus), options, spark_master, conf=parse_spark_conf(spark_conf),
                                 quiet=quiet)
        else:
            result = audit(corpus, options, progress=_progress(quiet))
        finished = now_iso()
    except ProvenanceError as exc:
        _fail(str(exc))
    recorded = {
        "metadata": str(metadata) if metadata else None,
        "outlets": [str(p) for p in outlets],
        "rules": [str(p) for p in rules],
        "param": list(param),  # in the order given: a repeated key takes its last value
        "rewrites": rewrites,
        "strict": strict,
        "max_file_mb": max_file_mb,
        "follow_symlinks": follow_symlinks,
        "index": str(index) if index else None,
        "add": add,
        "source": source,
    }
    # the folder's own name, also for `audit .` or `audit ..` (as the index's default source)
    name = (corpus if remote else corpus.resolve()).name or str(corpus)
    report = build_report(result, params, corpus=name, started=started, finished=finished, options=recorded)
    if output is not None:
        try:
            write_report(report, output)
        except OSError as exc:
            _fail(f"{output}: cannot write report: {exc.strerror or exc}", EXIT_WRITE)
        _written.append(str(output))
    if exports:
        _write_exports(report, exports, {d.path: str(d.text) for d in result.inventory.documents if d.record is None})
    if not quiet and (output is None or summary):
        typer.echo(render_summary(report))
    elif not quiet:
        s = report["summary"]
        typer.echo(f"{output}: {s['documents']} documents, {s['clusters']} clusters, {s['rejections']} rejections")
    from .inventory import input_problems

    problems = input_problems(result.inventory)  # files saved with a page are not problems
    if strict and problems:
        typer.echo(f"provenance: --strict: {problems} input problem(s); see the report's rejections and sidecar issues",
                   err=True)
        raise typer.Exit(EXIT_STRICT)


@app.command("schema")
@_interruptible("nothing was written")
def schema_command() -> None:
    """Print the JSON Schema of the report."""
    from importlib import resources

    typer.echo(resources.files("provenance").joinpath("data/report.schema.json").read_text(encoding="utf-8"), nl=False)


@app.command("summary")
@_interruptible("nothing was written")
def summary_command(report: Path = typer.Argument(..., readable=False, help="A report written by `provenance audit -o`.")) -> None:
    """Print the human summary of a saved report."""
    from .report import load_report

    try:
        data = load_report(report)
    except ProvenanceError as exc:
        _fail(str(exc))
    try:
        text = render_summary(data)
    except ReportError as exc:
        _fail(f"{report}: {exc}")
    typer.echo(text)


index_app = typer.Typer(help="Keep a persistent archive index to audit new material against.", no_args_is_help=True)
app.add_typer(index_app, name="index")


@index_app.command("add")
@_interruptible("the batches of documents added before it stay in the index; run it again to add the rest")
def index_add(
    corpus: Path = typer.Argument(..., readable=False, help="Folder of articles to add to the index."),
    index: Path = typer.Option(..., "--index", readable=False, help="The index file (SQLite); created when missing."),
    source: Optional[str] = typer.Option(None, "--source", help="The corpus's name in the index (default: its folder name)."),
    metadata: Optional[Path] = typer.Option(None, "--metadata", readable=False, help="Sidecar metadata file (CSV or JSON Lines)."),
    outlets: list[Path] = typer.Option([], "--outlets", readable=False, help="Extra outlet registry file (TOML); repeatable."),
    rules: list[Path] = typer.Option([], "--rules", readable=False, help="Extra or replacement evidence rules (TOML); repeatable."),
    param: list[str] = typer.Option([], "--param", help="Override a detection parameter; repeatable."),
    rewrites: bool = typer.Option(False, "--rewrites", help="Fingerprint whole texts for rewritten copies, not only their leads (as audit --rewrites); the index records it."),
    jobs: Optional[int] = typer.Option(None, "--jobs", "-j", help="Processes to use (default: all cores)."),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="Print nothing but errors."),
    engine: Engine = typer.Option(Engine.local, "--engine", help="Where reading and fingerprinting run: local processes, or Apache Spark (needs pyspark and Java)."),
    spark_master: Optional[str] = typer.Option(None, "--spark-master", help="With --engine spark: the Spark master (default: $SPARK_MASTER, else local[*])."),
    spark_conf: list[str] = typer.Option([], "--spark-conf", metavar="KEY=VALUE", help="With --engine spark: a Spark setting; repeatable."),
) -> None:
    """Add CORPUS to the index: unchanged files are skipped, changed ones replaced, records a file no longer holds removed."""
    from .pipeline import index_corpus

    if not corpus.is_dir() and not (engine is Engine.spark and _spark_uri(corpus)):
        _fail(f"{corpus}: {'not a folder' if corpus.exists() else 'no such folder'}")
    if jobs is not None and jobs < 1:
        _fail("--jobs must be at least 1")
    if engine is not Engine.spark and (spark_master or spark_conf):
        _fail("--spark-master and --spark-conf need --engine spark")
    if _inside(index, corpus):
        _fail(f"{index}: the index would be written inside the corpus folder")
    try:
        options = AuditOptions(params=_params(param, rewrites), metadata=metadata,
                               outlet_files=tuple(outlets), rule_files=tuple(rules), jobs=jobs, source=source)
        if engine is Engine.spark:
            from .engines.spark import corpus_location, index_corpus_spark, parse_spark_conf

            stats, inventory = index_corpus_spark(corpus_location(corpus), index, options, spark_master,
                                                  conf=parse_spark_conf(spark_conf), quiet=quiet)
        else:
            stats, inventory = index_corpus(corpus, index, options, progress=_progress(quiet))
    except ProvenanceError as exc:
        _fail(str(exc))
    if not quiet:
        typer.echo(f"{index}: {stats.added} added, {stats.replaced} replaced, {stats.unchanged} unchanged, "
                   f"{stats.removed} removed; {len(inventory.rejections)} rejected")


@index_app.command("info")
@_interruptible("nothing was written")
def index_info(
    index: Path = typer.Option(..., "--index", readable=False, help="The index file."),
) -> None:
    """Print what an index holds and the parameters it was built with."""
    from .archive import index_info as read_index_info
    from .summary import clean

    try:
        info = read_index_info(index)
    except ProvenanceError as exc:
        _fail(str(exc))
    typer.echo(f"{index}: {info.documents} documents")
    for name, count in info.sources:
        typer.echo(f"  source {clean(name)}: {count}")
    for key in sorted(info.meta):
        typer.echo(f"  {clean(key)} = {clean(info.meta[key])}")


rules_app = typer.Typer(help="List, check and explain the evidence rules.", no_args_is_help=True)
app.add_typer(rules_app, name="rules")


@rules_app.command("list")
@_interruptible("nothing was written")
def rules_list(
    rules: list[Path] = typer.Option([], "--rules", readable=False, help="Also load these rule files; repeatable."),
) -> None:
    """List every rule: id, where it looks, what it concludes."""
    from .rules import load_rules

    try:
        rule_set = load_rules(rules)
    except ProvenanceError as exc:
        _fail(str(exc))
    typer.echo(f"rule set {rule_set.version}: {len(rule_set.rules)} rules from {', '.join(rule_set.files)}")
    for r in rule_set.rules:
        state = "" if r.enabled else " (disabled)"
        typer.echo(f"  {r.id:26s} {r.source:8s} {r.role:10s} p{r.priority:<3d} {r.description}{state}")


@rules_app.command("check")
@_interruptible("nothing was written")
def rules_check(file: Path = typer.Argument(..., readable=False, help="A rule file (TOML) to validate.")) -> None:
    """Validate a rule file: every problem with its file, rule id and field."""
    from .rules import check_rule_file, load_rules

    try:
        checked = check_rule_file(file)
        load_rules([file])  # also valid together with the shipped rules
    except ProvenanceError as exc:
        _fail(str(exc))
    typer.echo(f"{file}: {len(checked)} rule(s), all valid")


@rules_app.command("explain")
@_interruptible("nothing was written")
def rules_explain(
    document: Path = typer.Argument(..., readable=False, help="An article file (text, HTML, JSON, XML, WARC or ARC) to explain."),
    rules: list[Path] = typer.Option([], "--rules", readable=False, help="Also load these rule files; repeatable."),
    outlets: list[Path] = typer.Option([], "--outlets", readable=False, help="Extra outlet registry file; repeatable."),
    metadata: Optional[Path] = typer.Option(None, "--metadata", readable=False, help="The corpus's sidecar metadata file (CSV or JSON Lines), whose row for DOCUMENT is read as audit reads it; its paths are relative to its folder."),
) -> None:
    """Show which rules fire on DOCUMENT, on which text, and the outlet and date they decide."""
    from .outlets import load_registry
    from .readers import read_file
    from .rules import load_rules
    from .sidecar import described, load_sidecar, relative_inside, row_for
    from .inventory import PAGE_RESOURCE, saved_page_of
    from .trace import explain_document

    try:
        rule_set = load_rules(rules)
        registry = load_registry(outlets)
    except ProvenanceError as exc:
        _fail(str(exc))
    data = _read_regular_file(document)
    page = saved_page_of(document)
    if page is not None:  # explained all the same: it was asked for by name
        typer.echo(f"{document}: note: in the folder of the saved page {page}; an audit of a folder holding both "
                   f"rejects it ({PAGE_RESOURCE}) and does not read it", err=True)
    rel, rows, sidecar_path, issues = document.name, {}, None, ()
    if metadata is not None:
        root = metadata.resolve().parent
        rel = relative_inside(root, document.resolve())
        if rel is None:
            _fail(f"{document}: not inside {root}, the folder of {metadata}, to which its paths are relative")
        try:
            sidecar = load_sidecar(root, metadata, {rel})
        except ProvenanceError as exc:
            _fail(str(exc))
        rows, sidecar_path, issues = {r.path: r for r in sidecar.rows}, sidecar.path, sidecar.issues
    docs, rejections = read_file(rel, data)
    for r in rejections:
        typer.echo(f"{document}{'#' + r.record if r.record else ''}: rejected ({r.code}): {r.reason}", err=True)
    if not docs:
        raise typer.Exit(EXIT_USAGE)
    typer.echo("\n\n".join(explain_document(described(d, row_for(rows, d)), rule_set, registry, row_for(rows, d),
                                              sidecar_path, [i for i in issues if i.path == d.label])
                             for d in docs))


def _read_regular_file(path: Path) -> bytes:
    """The bytes of a regular file; exit 2 for anything else (a folder, a FIFO, a device),
    which could otherwise block or never end.  Opened without blocking, then checked."""
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0))
    except OSError as exc:
        _fail(f"{path}: cannot read: {exc.strerror or exc}")
    mode = os.fstat(fd).st_mode
    if not stat.S_ISREG(mode):
        os.close(fd)
        if stat.S_ISDIR(mode):
            _fail(f"{path}: is a folder, not a file; give one article file (audit reads folders)")
        _fail(f"{path}: not a regular file (a pipe, socket or device); give one article file")
    with os.fdopen(fd, "rb") as fh:
        try:
            return fh.read()
        except OSError as exc:
            _fail(f"{path}: cannot read: {exc.strerror or exc}")


@app.command("trace")
@_interruptible("nothing was written")
def trace_command(
    report: Path = typer.Argument(..., readable=False, help="A report written by `provenance audit -o`."),
    document: Optional[str] = typer.Argument(None, help="A document id or path; default: every document with passages."),
    corpus: Optional[Path] = typer.Option(None, "--corpus", readable=False, help="The audited folder, to quote each passage's text."),
) -> None:
    """For each passage of a document: where it first appeared, who copied it when, credited or not, and why."""
    from .report import load_report
    from .trace import trace_report

    try:
        data = load_report(report)
    except ProvenanceError as exc:
        _fail(str(exc))
    try:
        text = trace_report(data, document, corpus)
    except ReportError as exc:
        _fail(f"{report}: {exc}")
    except ProvenanceError as exc:
        _fail(str(exc))
    typer.echo(text)


# ---------------------------------------------------------------- exports (docs/exports.md)


def _input_files(**options) -> list[tuple[str, Path]]:
    """(option, file) for every file an audit reads that a written file must not replace."""
    out = []
    for name, value in options.items():
        for p in value if isinstance(value, (list, tuple)) else [value]:
            if p is not None:
                out.append((f"--{name}", Path(p)))
    return out


def _check_not_an_input(target: Path, what: str, inputs: list[tuple[str, Path]]) -> None:
    for option, path in inputs:
        if _same_file(target, path):
            _fail(f"{target}: {what} would overwrite the {option} file read by this command; choose another path")


def _check_target_folder(target: Path, what: str) -> None:
    """Exit 4 when ``target`` cannot be written whatever is put in it: it is a folder, or the
    folder it would go in does not exist or is not a folder."""
    if target.is_dir():
        _fail(f"{target}: cannot write {what}: it is a folder", EXIT_WRITE)
    parent = target.parent
    if not parent.is_dir():
        _fail(f"{target}: cannot write {what}: {'not a folder' if parent.exists() else 'no such folder'}: {parent}",
              EXIT_WRITE)


def _check_export_target(target: Path, corpus: Optional[Path], taken: list[Path]) -> None:
    if corpus is not None and _inside(target, corpus):
        _fail(f"{target}: the export would be written inside the corpus folder; choose a path outside {corpus}")
    if any(target.resolve() == t.resolve() for t in taken):
        _fail(f"{target}: already written by this command (the report or another export); choose another path")


def _parse_exports(values: list[str], corpus: Path, output: Optional[Path],
                   inputs: list[tuple[str, Path]] = ()) -> list[tuple[str, Path]]:
    """--export FORMAT:FILE values, checked before the audit starts."""
    from .export import FORMATS

    out: list[tuple[str, Path]] = []
    for item in values:
        fmt, sep, file = item.partition(":")
        fmt = fmt.strip()
        if not sep or not fmt or not file:
            _fail(f"--export expects FORMAT:FILE (FORMAT one of: {', '.join(FORMATS)}), got {item!r}")
        if fmt not in FORMATS:
            _fail(f"--export: unknown format {fmt!r}; choose one of: {', '.join(FORMATS)}")
        target = Path(file)
        _check_not_an_input(target, "the export", inputs)
        _check_export_target(target, corpus, ([output] if output is not None else []) + [p for _, p in out])
        out.append((fmt, target))
    return out


def _write_exports(report: dict, exports: list[tuple[str, Path]], texts: Optional[dict[str, str]],
                   source: Optional[Path] = None) -> None:
    """Write each export; ``source`` is the report file they are made from, named in the
    error when that report lacks what an export needs."""
    from .export import export as write_export

    for fmt, target in exports:
        try:
            write_export(report, fmt, target, texts)
        except ProvenanceError as exc:
            _fail(f"{source}: {exc}" if source is not None else str(exc))
        except OSError as exc:
            _fail(f"{target}: cannot write {fmt} export: {exc.strerror or exc}", EXIT_WRITE)
        _written.append(str(target))


@app.command("export")
@_interruptible("the export was not written (a file it would replace is kept as it was)")
def export_command(
    report: Path = typer.Argument(..., readable=False, help="A report written by `provenance audit -o`."),
    fmt: str = typer.Option(..., "--format", metavar="FORMAT",
                            help="prov-json, prov-n, prov-xml (W3C PROV), csv (one row per republished or undetermined passage) or html."),
    output: Path = typer.Option(..., "--output", "-o", readable=False, help="Write the export here (atomically)."),
    corpus: Optional[Path] = typer.Option(None, "--corpus", readable=False,
                                          help="The audited folder: show passage texts side by side in the HTML export."),
) -> None:
    """Export a saved report as W3C PROV, CSV or a self-contained HTML page."""
    from .export import FORMATS, texts_for
    from .inventory import build_inventory
    from .report import load_report
    from .summary import check_report

    if fmt not in FORMATS:
        _fail(f"unknown format {fmt!r}; choose one of: {', '.join(FORMATS)}")
    _check_not_an_input(output, "the export", [("report", report)])
    _check_export_target(output, corpus, [])
    try:
        data = load_report(report)
    except ProvenanceError as exc:
        _fail(str(exc))
    try:
        check_report(data)
    except ReportError as exc:  # name the report, as summary and trace do
        _fail(f"{report}: {exc}")
    try:
        texts = None
        if corpus is not None:
            opts = data.get("run", {}).get("options") or {}
            max_mb = opts.get("max_file_mb")
            inventory = build_inventory(
                corpus,
                max_file_bytes=int(max_mb * 1024 * 1024)
                if isinstance(max_mb, (int, float)) and math.isfinite(max_mb) and max_mb > 0
                else 64 * 1024 * 1024,
                follow_symlinks=bool(opts.get("follow_symlinks", False)))
            texts = texts_for(data, inventory.documents)
    except ProvenanceError as exc:
        _fail(str(exc))
    _write_exports(data, [(fmt, output)], texts, source=report)


def main() -> None:
    app()


if __name__ == "__main__":  # pragma: no cover
    main()
