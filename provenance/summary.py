"""Human summary of a report, for the terminal.

Corpus text (titles, paths, outlet names) is untrusted: control characters and
terminal escape sequences are removed before anything is printed.
"""

from __future__ import annotations

import re
from typing import Any

from .errors import ReportError

# what reading a report that lacks a field, or has one of the wrong type, raises
SHAPE_ERRORS = (KeyError, TypeError, AttributeError, IndexError, ValueError)

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2066-\u2069]")
_ESCAPE = re.compile(r"\x1b(\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(\x07|\x1b\\)?|.)")


def clean(text: object, limit: int = 80) -> str:
    """Printable single-line form of untrusted text."""
    s = _ESCAPE.sub("", str(text))
    s = _CONTROL.sub("", s).replace("\n", " ").replace("\t", " ")
    return s if len(s) <= limit else s[: limit - 1] + "…"


def _pct(x: float) -> str:
    return f"{x * 100:.0f}%"


def require_fields(report: Any, *fields: str) -> None:
    """Raise ReportError unless ``report`` is a JSON object holding every top-level field."""
    if not isinstance(report, dict):
        raise ReportError("not a provenance report: not a JSON object")
    missing = [f for f in fields if f not in report]
    if missing:
        raise ReportError(f"not a provenance report: missing {', '.join(repr(f) for f in missing)}")


def malformed(exc: BaseException) -> ReportError:
    """The ReportError for a report found to lack a field, or to hold one of the wrong type, while reading it."""
    if isinstance(exc, KeyError):
        detail = f"missing {exc.args[0]!r}" if exc.args else "a field is missing"
    else:
        detail = f"a field has the wrong type or value ({type(exc).__name__}: {exc})"
    return ReportError(f"not a provenance report or damaged: {detail}")


def render_summary(report: dict[str, Any]) -> str:
    """The summary of a report; ReportError when the report lacks what it shows."""
    require_fields(report, "documents", "summary", "run", "tool", "rejections", "sidecar")
    try:
        return _render_summary(report)
    except SHAPE_ERRORS as exc:
        raise malformed(exc) from None


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
            label = d["path"] + (f"#{d['record']}" if d.get("record") else "")
            lines.append(f"  {clean(label, 60)}  [{clean(d['outlet']['name'] or 'outlet unknown', 30)}, "
                         f"{d['published']['date'] or 'date unknown'}]  {d['derivation'].replace('_', ' ')} "
                         f"({_pct(d['reused_fraction'])})")
            origins: dict[str, int] = {}
            for p in d["passages"]:
                o = p["origin"]
                if o["status"] != "determined" or o["document"] == d["id"]:
                    continue
                if o["document"] is not None and o["document"] in docs:
                    src = docs[o["document"]]
                    where = f"[{src['collection']}] " if src.get("collection") else ""
                    name = (f"{where}{clean(src['path'], 50)} ({clean(o['outlet'] or 'outlet unknown', 30)}, "
                            f"{o['date'] or 'undated'})")
                else:
                    name = f"{clean(o['outlet'] or 'unknown source', 40)} ({o['date'] or 'undated'}), not in corpus"
                origins[name] = origins.get(name, 0) + (p["end"] - p["start"])
            for name, _chars in sorted(origins.items(), key=lambda kv: (-kv[1], kv[0])):
                lines.append(f"      from {name}")
    shared = [d for d in audited if d["derivation"] == "non_derived" and d["shared_fraction"] > 0]
    if shared:
        lines.append("")
        lines.append("Documents sharing text whose origin is their own or undetermined:")
        for d in sorted(shared, key=lambda d: d["path"]):
            lines.append(f"  {clean(d['path'], 60)}  shares {_pct(d['shared_fraction'])} of its text")
    if report["rejections"]:
        lines.append("")
        lines.append("Rejected input:")
        for code, n in s["rejections_by_code"].items():
            lines.append(f"  {code}: {n}")
        for r in report["rejections"][:20]:
            rec = f"#{r['record']}" if r.get("record") else ""
            lines.append(f"    {clean(r['path'] + rec, 60)}: {clean(r['reason'], 100)}")
        if len(report["rejections"]) > 20:
            lines.append(f"    ... and {len(report['rejections']) - 20} more (see the report)")
    issues = report["sidecar"]["issues"]
    if issues:
        lines.append("")
        lines.append(f"Sidecar issues ({len(issues)}):")
        for i in issues[:10]:
            lines.append(f"  line {i['line']}: {i['code']}: {clean(i['reason'], 100)}")
    return "\n".join(lines)
