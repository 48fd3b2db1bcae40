"""Command line: a thin layer over the library.  The only place that prints or exits.

Exit codes (docs/cli.md):
  0  the command did its work
  2  usage or input error (missing corpus, bad option or parameter, unreadable sidecar or report)
  3  --strict and some input was rejected (the report is still written)
  4  the report could not be written
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Optional

import typer

from . import __version__
from .errors import ProvenanceError
from .params import default_params, with_overrides
from .pipeline import AuditOptions, audit
from .report import build_report, now_iso, write_report
from .summary import render_summary

EXIT_OK, EXIT_USAGE, EXIT_STRICT, EXIT_WRITE = 0, 2, 3, 4

app = typer.Typer(
    add_completion=False,
    pretty_exceptions_enable=False,
    no_args_is_help=True,
    help="Find republished passages in a folder of news articles and trace each to where it first appeared.",
)


def _fail(message: str, code: int = EXIT_USAGE) -> None:
    typer.echo(f"provenance: error: {message}", err=True)
    raise typer.Exit(code)


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
def audit_command(
    corpus: Path = typer.Argument(..., help="Folder of articles to audit (read recursively)."),
    output: Optional[Path] = typer.Option(None, "--output", "-o", help="Write the JSON report here (atomically). Without it, print a summary."),
    metadata: Optional[Path] = typer.Option(None, "--metadata", help="Sidecar metadata file (CSV or JSON Lines); default: metadata.csv or metadata.jsonl at the corpus root."),
    outlets: list[Path] = typer.Option([], "--outlets", help="Extra outlet registry file (TOML); repeatable."),
    param: list[str] = typer.Option([], "--param", help="Override a detection parameter, e.g. align.min_span_tokens=25; repeatable."),
    strict: bool = typer.Option(False, "--strict", help="Exit with code 3 when any file, record or sidecar row is rejected."),
    max_file_mb: float = typer.Option(64.0, "--max-file-mb", help="Files larger than this are rejected (too-large) without being read."),
    follow_symlinks: bool = typer.Option(False, "--follow-symlinks", help="Follow symbolic links (loops are detected)."),
    summary: bool = typer.Option(False, "--summary", help="Print the summary even when writing a report."),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="Print nothing but errors."),
) -> None:
    """Audit CORPUS: find republished passages, their origins and chains."""
    if not corpus.exists():
        _fail(f"{corpus}: no such folder")
    if not corpus.is_dir():
        _fail(f"{corpus}: not a folder")
    if output is not None and _inside(output, corpus):
        _fail(f"{output}: the report would be written inside the corpus folder; choose a path outside {corpus}")
    if max_file_mb <= 0:
        _fail("--max-file-mb must be positive")
    try:
        params = with_overrides(default_params(), _parse_params(param))
        options = AuditOptions(
            params=params,
            metadata=metadata,
            outlet_files=tuple(outlets),
            max_file_bytes=int(max_file_mb * 1024 * 1024),
            follow_symlinks=follow_symlinks,
        )
        started = now_iso()
        result = audit(corpus, options)
        finished = now_iso()
    except ProvenanceError as exc:
        _fail(str(exc))
    recorded = {
        "metadata": str(metadata) if metadata else None,
        "outlets": [str(p) for p in outlets],
        "param": sorted(param),
        "strict": strict,
        "max_file_mb": max_file_mb,
        "follow_symlinks": follow_symlinks,
    }
    report = build_report(result, params, corpus=corpus.name or str(corpus), started=started,
                          finished=finished, options=recorded)
    if output is not None:
        try:
            write_report(report, output)
        except OSError as exc:
            _fail(f"{output}: cannot write report: {exc.strerror or exc}", EXIT_WRITE)
    if not quiet and (output is None or summary):
        typer.echo(render_summary(report))
    elif not quiet:
        s = report["summary"]
        typer.echo(f"{output}: {s['documents']} documents, {s['clusters']} clusters, {s['rejections']} rejections")
    problems = len(result.inventory.rejections) + len(result.inventory.sidecar.issues)
    if strict and problems:
        typer.echo(f"provenance: --strict: {problems} input problem(s); see the report's rejections and sidecar issues",
                   err=True)
        raise typer.Exit(EXIT_STRICT)


@app.command("schema")
def schema_command() -> None:
    """Print the JSON Schema of the report."""
    from importlib import resources

    typer.echo(resources.files("provenance").joinpath("data/report.schema.json").read_text(encoding="utf-8"), nl=False)


@app.command("summary")
def summary_command(report: Path = typer.Argument(..., help="A report written by `provenance audit -o`.")) -> None:
    """Print the human summary of a saved report."""
    from .report import load_report

    try:
        data = load_report(report)
    except ProvenanceError as exc:
        _fail(str(exc))
    typer.echo(render_summary(data))


def main() -> None:
    try:
        app()
    except KeyboardInterrupt:
        typer.echo("provenance: interrupted; no report was written", err=True)
        sys.exit(130)


if __name__ == "__main__":  # pragma: no cover
    main()
