"""Exports of a provenance report: W3C PROV (JSON, PROV-N, XML), CSV and HTML.

Each export is a pure function of the report (and, for HTML, the corpus text) and
is written atomically: a temporary file in the target's folder, then a rename, so
the target is either the complete export or untouched.  See docs/exports.md.
"""

from __future__ import annotations

from pathlib import Path

from ..files import write_atomic
from typing import Any, Iterable

from ..errors import ReportError

FORMATS = ("prov-json", "prov-n", "prov-xml", "csv", "html")


class ExportError(ReportError):
    """An export cannot be made: an unknown format, or a report missing fields it needs."""


def render(report: dict[str, Any], fmt: str, texts: dict[str, str] | None = None) -> str:
    """The export as text; raises ExportError for an unknown format or an incomplete report."""
    if fmt not in FORMATS:
        raise ExportError(f"unknown export format {fmt!r}; choose one of: {', '.join(FORMATS)}")
    try:
        if fmt == "csv":
            from .csv import render_csv

            return render_csv(report)
        if fmt == "html":
            from .html import render_html

            return render_html(report, texts)
        from .prov import render_prov

        return render_prov(report, fmt)
    except (KeyError, TypeError, AttributeError, IndexError) as exc:
        raise ExportError(f"the report is incomplete or malformed, cannot export it as {fmt} "
                          f"({type(exc).__name__}: {exc})") from None


def export(report: dict[str, Any], fmt: str, path: Path, texts: dict[str, str] | None = None) -> None:
    """Write ``report`` as ``fmt`` (one of FORMATS) to ``path``, atomically.

    ``texts`` maps document path -> extracted text; only the HTML export uses it,
    to show passages side by side.  Raises ExportError (a ReportError) for an
    unknown format, OSError when the file cannot be written.
    """
    text = render(report, fmt, texts)  # fails before anything is written
    write_atomic(text, path)


def texts_for(report: dict[str, Any], documents: Iterable[Any]) -> dict[str, str]:
    """Corpus texts for the HTML export: path -> text of single-record documents
    whose bytes are the ones the report was made from (same path and sha256).
    Documents brought in from an archive index (``collection`` set) are not the
    corpus's and get no text."""
    audited = {d["path"]: d["sha256"] for d in report.get("documents", ())
               if not d.get("record") and d.get("collection") is None}
    return {d.path: d.text for d in documents if d.record is None and audited.get(d.path) == d.sha256}


__all__ = ["FORMATS", "ExportError", "export", "render", "texts_for", "write_atomic"]
