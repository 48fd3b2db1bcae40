"""Human-readable views for the terminal: a passage's provenance chain, and which
rules fired on a document.  Functions return text; the CLI prints it.

All corpus-derived strings go through ``summary.clean`` (control characters and
escape sequences removed).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from .attribution import attribute
from .cues import CueReader, captured_date
from .errors import ProvenanceError
from .model import Document
from .outlets import Registry
from .rules import RuleSet
from .segments import find_segments
from .summary import SHAPE_ERRORS, clean, malformed, require_fields


class DocumentNotFound(ProvenanceError):
    """The document named is not in the report."""


def _lag(days: float | None) -> str:
    if days is None:
        return "lag unknown"
    if days == 0:
        return "same day"
    return f"+{days:g} day{'s' if days != 1 else ''}"


def _excerpt(texts: dict[str, str] | None, path: str, start: int, end: int, width: int = 90) -> str | None:
    if not texts or path not in texts:
        return None
    text = texts[path][start:end]
    return clean(text if len(text) <= width else text[: width - 1] + "…", width)


def find_document(report: dict[str, Any], key: str) -> dict[str, Any]:
    for d in report["documents"]:
        if key in (d["id"], d["path"]) or (d.get("record") and key == f"{d['path']}#{d['record']}"):
            return d
    raise DocumentNotFound(f"{key}: no such document in the report (give its id or its path)")


def trace_document(report: dict[str, Any], doc: dict[str, Any], texts: dict[str, str] | None = None) -> str:
    by_id = {d["id"]: d for d in report["documents"]}
    clusters = {c["id"]: c for c in report["clusters"]}
    label = doc["path"] + (f"#{doc['record']}" if doc.get("record") else "")
    lines = [f"{clean(label)}  [{clean(doc['outlet']['name'] or 'outlet unknown', 40)}, "
             f"{doc['published']['date'] or 'date unknown'}]  {doc['derivation'].replace('_', ' ')}, "
             f"{doc['reused_fraction'] * 100:.0f}% of its words from elsewhere"]
    if not doc["passages"]:
        lines.append("  no passage of this document is shared with another document or cites an outside source")
    for p in doc["passages"]:
        c = clusters[p["cluster"]]
        o = c["origin"]
        lines.append("")
        lines.append(f"  passage chars {p['start']}-{p['end']} ({p['role']}, cluster {c['id']}, "
                     f"{len(c['members'])} member(s))")
        ex = _excerpt(texts, doc["path"], p["start"], p["end"])
        if ex:
            lines.append(f"    “{ex}”")
        if o["status"] != "determined":
            lines.append(f"    first appeared: undetermined: {clean(o['reason'], 200)}")
        elif o["in_corpus"]:
            src = by_id[o["document"]]
            lines.append(f"    first appeared: {clean(src['path'], 60)} ({clean(o['outlet'] or 'outlet unknown', 40)}, "
                         f"{o['date'] or 'undated'})")
        else:
            lines.append(f"    first appeared: {clean(o['outlet'] or 'an outside source', 40)} "
                         f"({o['date'] or 'date not stated'}), outside the corpus")
        if o["status"] == "determined":
            lines.append(f"    why: {o['rule']} ({o['confidence']} confidence): {clean(o['reason'], 240)}")
            for e in o["evidence"][:4]:
                lines.append(f"      evidence: {e['rule']} at {clean(e['location'], 40)}: {clean(e['text'], 80)!r}")
            for conflict in o["conflicts"]:
                lines.append(f"      conflict: {clean(conflict, 200)}")
        for link in c["chain"]:
            mark = "  <- this document" if link["document"] == doc["id"] else ""
            sim = f" {link['similarity']:.2f}" if link["similarity"] is not None else ""
            src = ""
            if link["source"] and link["source"]["document"] != o.get("document"):
                src = f", taken from {clean(by_id[link['source']['document']]['path'], 40)}"
            lines.append(f"    copied: {link['date'] or 'undated'} ({_lag(link['lag_days'])}) {clean(link['path'], 50)}"
                         f" [{link['relation']}{sim}{src}] {link['credited']}: {clean(link['credit_reason'], 100)}{mark}")
    return "\n".join(lines)


def trace_report(report: dict[str, Any], key: str | None = None, corpus: Path | None = None) -> str:
    """The trace of one document (``key``: id or path) or of every document with passages.
    Raises DocumentNotFound, or ReportError when the report lacks what the trace shows."""
    require_fields(report, "documents", "clusters")
    texts = None
    if corpus is not None:
        from .inventory import build_inventory

        texts = {d.path: d.text for d in build_inventory(corpus).documents if d.record is None}
    try:
        if key is not None:
            return trace_document(report, find_document(report, key), texts)
        docs = [d for d in report["documents"] if d["passages"]]
        if not docs:
            return "no document in this report shares or cites republished text"
        return "\n\n".join(trace_document(report, d, texts) for d in docs)
    except SHAPE_ERRORS as exc:
        raise malformed(exc) from None


def explain_document(doc: Document, rules: RuleSet, registry: Registry) -> str:
    """Which rules fired on one document, on which text, and what was decided."""
    cues = CueReader(rules, registry).read(doc)
    segments = find_segments(doc.text, cues)
    att = attribute(cues, segments, registry, captured_date(doc))
    lines = [f"{clean(doc.label)} ({doc.format}, {len(doc.text)} characters)",
             f"  {len(cues)} rule match(es) of {len(rules.enabled())} enabled rules"]
    for c in cues:
        result = ", ".join(c.outlets) if c.outlets else ""
        if c.date is not None:
            result = (result + " " if result else "") + c.date.iso
        lines.append(f"  {c.rule} [{c.role}] at {clean(c.location, 30)}: {clean(c.text, 70)!r}"
                     + (f" -> {clean(result, 60)}" if result else ""))
        if c.date_note:
            lines.append(f"      note: {clean(c.date_note, 120)}")
    lines.append("")
    lines.append(f"  outlet: {clean(att.outlet or 'undetermined', 50)}"
                 + (f" (by {att.outlet_evidence[0].rule})" if att.outlet_evidence else ""))
    lines.append(f"  date: {att.date.iso if att.date else 'undetermined'}"
                 + (f" (by {att.date_evidence[0].rule}, {att.date.precision} precision)" if att.date else ""))
    for conflict in att.conflicts:
        lines.append(f"  conflict: {clean(conflict, 200)}")
    if any(c.role == "reposter" for c in cues):
        lines.append("  the page reposts other outlets' material (fair-use notice)")
    for s in segments:
        lines.append(f"  block chars {s.start}-{s.end}: {clean(s.title or '(untitled)', 60)!r} cites "
                     f"{clean(s.outlet or 'no outlet', 40)}, {s.date.iso if s.date else 'no date'}")
    return "\n".join(lines)
