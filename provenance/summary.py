"""Human summary of a report, for the terminal.

Corpus text (titles, paths, outlet names) is untrusted: control characters and
terminal escape sequences are removed before anything is printed.
"""

from __future__ import annotations

import re
from typing import Any

from .errors import ReportError
from .model import PAGE_RESOURCE

# what reading a report that lacks a field, or has one of the wrong type, raises
SHAPE_ERRORS = (KeyError, TypeError, AttributeError, IndexError, ValueError)

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2066-\u2069]")
_ESCAPE = re.compile(r"\x1b(\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(\x07|\x1b\\)?|.)")


def clean(text: object, limit: int = 80) -> str:
    """Printable single-line form of untrusted text."""
    s = _ESCAPE.sub("", str(text))
    s = _CONTROL.sub("", s).replace("\n", " ").replace("\t", " ")
    return s if len(s) <= limit else s[: limit - 1] + "…"


_BLANK = re.compile(r"[\s\u2028\u2029]")


def quoted(text: object, limit: int = 80) -> str:
    """``clean`` text between quotes, as it reads: a no-break or thin space is a space,
    not the escape ``repr`` would print."""
    return "'" + _BLANK.sub(" ", clean(text, limit)) + "'"


def _pct(x: float) -> str:
    return f"{x * 100:.0f}%"


def require_fields(report: Any, *fields: str) -> None:
    """Raise ReportError unless ``report`` is a JSON object holding every top-level field."""
    if not isinstance(report, dict):
        raise ReportError("not a provenance report: not a JSON object")
    missing = [f for f in fields if f not in report]
    if missing:
        raise ReportError(f"not a provenance report: missing {', '.join(repr(f) for f in missing)}")


# Every top-level field of a report (docs/report-format.md), the lists and the objects.
REPORT_LISTS = ("documents", "clusters", "rejections")
REPORT_OBJECTS = ("summary", "run", "tool", "sidecar")


def check_report(report: Any) -> None:
    """Raise ReportError unless ``report`` is a whole report written by this tool: a JSON
    object with every top-level field (of the right kind), ``tool.name`` "provenance" and a
    schema version whose major number this tool reads.  What ``summary`` and ``trace``
    check before reading a report (``report.load_report`` has already read it as JSON)."""
    from .report import SCHEMA_VERSION

    require_fields(report, *REPORT_LISTS, *REPORT_OBJECTS, "schema_version")
    wrong = [f"{f!r} is not a list" for f in REPORT_LISTS if not isinstance(report[f], list)]
    wrong += [f"{f!r} is not an object" for f in REPORT_OBJECTS if not isinstance(report[f], dict)]
    if wrong:
        raise ReportError(f"not a provenance report or damaged: {'; '.join(wrong)}")
    name = report["tool"].get("name")
    if name != "provenance":
        raise ReportError(f"not a provenance report: tool.name is {clean(repr(name), 60)}, not 'provenance' "
                          "(a report of another tool)")
    version = str(report["schema_version"])
    if version.split(".")[0] != SCHEMA_VERSION.split(".")[0]:
        raise ReportError(f"report schema version {clean(version, 20)} is not supported "
                          f"(this tool reads {SCHEMA_VERSION})")


def document_label(doc: dict[str, Any]) -> str:
    """How a person is shown a report's document: its path, with ``#record`` for a record of a
    file holding several (``feed.jsonl#line 2``), after ``[index:source]`` for a document
    brought in from an archive index.  Not yet cleaned for the terminal."""
    label = str(doc["path"]) + (f"#{doc['record']}" if doc.get("record") else "")
    return f"[{doc['collection']}] {label}" if doc.get("collection") else label


def clean_label(doc: dict[str, Any], limit: int = 70) -> str:
    """``document_label`` cleaned for the terminal; a long one keeps its end (the file's
    name and record), which tells documents apart, and loses the start of its folders."""
    s = clean(document_label(doc), 10**6)
    return s if len(s) <= limit else "…" + s[-(limit - 1):]


def malformed(exc: BaseException) -> ReportError:
    """The ReportError for a report found to lack a field, or to hold one of the wrong type, while reading it."""
    if isinstance(exc, KeyError):
        detail = f"missing {exc.args[0]!r}" if exc.args else "a field is missing"
    else:
        detail = f"a field has the wrong type or value ({type(exc).__name__}: {exc})"
    return ReportError(f"not a provenance report or damaged: {detail}")


def render_summary(report: dict[str, Any]) -> str:
    """The summary of a report; ReportError when it is not a whole provenance report
    (see ``check_report``) or lacks what the summary shows."""
    check_report(report)
    try:
        return _render_summary(report)
    except SHAPE_ERRORS as exc:
        raise malformed(exc) from None


def _copied_by(report: dict[str, Any]) -> dict[str, set[str]]:
    """For each document that is the origin of a cluster, the other documents copying it."""
    out: dict[str, set[str]] = {}
    for c in report["clusters"]:
        origin = c["origin"].get("document")
        if c["origin"]["status"] == "determined" and origin:
            out.setdefault(origin, set()).update(m["document"] for m in c["members"] if m["document"] != origin)
    return out


def _render_summary(report: dict[str, Any]) -> str:
    s = report["summary"]
    inputs = report["run"]["inputs"]
    docs = {d["id"]: d for d in report["documents"]}
    lines = [
        f"provenance {report['tool']['version']}: audited {clean(report['run']['corpus'])}",
        f"  files seen: {inputs['files_seen']}  documents: {s['documents']}  "
        f"rejected: {s['rejections']}  sidecar: {clean(report['sidecar']['path'] or 'none')}",
        f"  reuse clusters: {s['clusters']} ({s['undetermined_origins']} with undetermined origin)",
        f"  derivation: {s['derivation']['wholly_derived']} wholly, {s['derivation']['partially_derived']} partially, "
        f"{s['derivation']['non_derived']} not derived",
    ]
    audited = [d for d in report["documents"] if d.get("collection") is None]
    if inputs.get("archive_documents"):
        lines.append(f"  compared with {inputs['archive_documents']} indexed document(s) sharing fingerprints")
    derived = [d for d in audited if d["derivation"] != "non_derived"]
    if derived:
        lines.append("")
        lines.append("Republished documents (share of text from elsewhere, and where it first appeared):")
        for d in sorted(derived, key=lambda d: (-d["reused_fraction"], d["path"])):
            lines.append(f"  {clean_label(d)}  [{clean(d['outlet']['name'] or 'outlet unknown', 30)}, "
                         f"{d['published']['date'] or 'date unknown'}]  {d['derivation'].replace('_', ' ')} "
                         f"({_pct(d['reused_fraction'])})")
            origins: dict[str, int] = {}
            for p in d["passages"]:
                o = p["origin"]
                if o["status"] != "determined" or o["document"] == d["id"]:
                    continue
                if o["document"] is not None and o["document"] in docs:
                    src = docs[o["document"]]
                    name = (f"{clean_label(src)} ({clean(o['outlet'] or 'outlet unknown', 30)}, "
                            f"{o['date'] or 'undated'})")
                else:
                    name = f"{clean(o['outlet'] or 'unknown source', 40)} ({o['date'] or 'undated'}), not in corpus"
                origins[name] = origins.get(name, 0) + (p["end"] - p["start"])
            for name, _chars in sorted(origins.items(), key=lambda kv: (-kv[1], kv[0])):
                lines.append(f"      from {name}")
    shared = [d for d in audited if d["derivation"] == "non_derived" and d["shared_fraction"] > 0]
    copied_by = _copied_by(report)
    origins = [d for d in shared if copied_by.get(d["id"])]
    if origins:
        lines.append("")
        lines.append("Originals in the corpus (text that first appeared here and was republished):")
        for d in sorted(origins, key=lambda d: d["path"]):  # a file's records stay in their order
            n = len(copied_by[d["id"]])
            lines.append(f"  {clean_label(d)}  [{clean(d['outlet']['name'] or 'outlet unknown', 30)}, "
                         f"{d['published']['date'] or 'date unknown'}]  republished by {n} document{'s' * (n != 1)}")
    others = [d for d in shared if not copied_by.get(d["id"])]
    if others:
        lines.append("")
        lines.append("Documents sharing text whose first appearance is undetermined:")
        for d in sorted(others, key=lambda d: d["path"]):
            lines.append(f"  {clean_label(d)}  shares {_pct(d['shared_fraction'])} of its text")
    if report["rejections"]:
        lines.append("")
        lines.append("Rejected input:")
        # each code's rejections under its count, the first 20 in all; the files saved with
        # a page last, so that they never hide an input problem
        shown = 0
        for code, n in sorted(s["rejections_by_code"].items(), key=lambda item: item[0] == PAGE_RESOURCE):
            lines.append(f"  {clean(code)}: {n}")
            for r in (r for r in report["rejections"] if r.get("code") == code):
                if shown == 20:
                    break
                lines.append(f"    {clean_label(r)}: {clean(r['reason'], 100)}")
                shown += 1
        if len(report["rejections"]) > shown:
            lines.append(f"    ... and {len(report['rejections']) - shown} more (see the report)")
    issues = report["sidecar"]["issues"]
    if issues:
        lines.append("")
        lines.append(f"Sidecar issues ({len(issues)}):")
        for i in issues[:10]:
            lines.append(f"  line {i['line']}: {i['code']}: {clean(i['reason'], 100)}")
    return "\n".join(lines)
