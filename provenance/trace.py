"""Human-readable views for the terminal: a passage's provenance chain, and which
rules fired on a document.  Functions return text; the CLI prints it.

All corpus-derived strings go through ``summary.clean`` (control characters and
escape sequences removed).
"""

from __future__ import annotations

import math
from collections import Counter
from pathlib import Path
from typing import Any, Sequence

from .attribution import attribute
from .cues import CueReader, captured_date
from .errors import ProvenanceError
from .model import Document, SidecarIssue, SidecarRow
from .outlets import Registry
from .rules import RuleSet
from .segments import find_segments
from .summary import SHAPE_ERRORS, check_report, clean, clean_label, malformed, quoted


class DocumentNotFound(ProvenanceError):
    """The document named is not in the report."""

# How a copy matched its source, where that is not by aligning the two texts.
MATCH_NAMES = {"rewritten-brief": "matched as a rewritten brief", "rewritten-tie": "matched as a tied copy's rewrite"}


def _lag(days: float | None) -> str:
    if days is None:
        return "lag unknown"
    if days == 0:
        return "same day"
    return f"+{days:g} day{'s' if days != 1 else ''}"


Texts = dict[tuple[str, str | None], tuple[str, str]]  # (path, record) -> (sha256, extracted text)


def _excerpt(texts: Texts | None, doc: dict[str, Any], start: int, end: int, width: int = 90) -> str | None:
    """The start of a passage, from the audited folder's text of the document when it is the
    one the report was made from (a document of the corpus, with the same bytes)."""
    if not texts or doc.get("collection") is not None:
        return None
    sha, text = texts.get((doc["path"], doc.get("record")), (None, ""))
    if sha != doc.get("sha256"):
        return None
    text = text[start:end]
    return clean(text if len(text) <= width else text[: width - 1] + "…", width)


def registry_entries(items: Any) -> list[tuple[Any, Any, Any, Any]]:
    """An evidence item's ``registry`` as (file, by, match, outlet) for display, the outlet
    None where the match is the outlet's own name; nothing a report's reader cannot use."""
    if not isinstance(items, list):
        return []
    return [(m.get("file"), m.get("by"), m.get("match"), m.get("outlet") if m.get("outlet") != m.get("match") else None)
            for m in items if isinstance(m, dict)]


def registry_note(items: Any, limit: int = 240) -> str:
    """The outlet registry entries an evidence item's outlets were named by, on one line:
    ``registry ./outlets.toml: domain 'valleycourier.example' = Valley Courier``; empty when
    the registry named none."""
    parts = [f"{clean(f, 120)}: {clean(by, 10)} {quoted(match, 60)}" + (f" = {clean(o, 40)}" if o else "")
             for f, by, match, o in registry_entries(items)]
    return clean("registry " + "; ".join(parts), limit) if parts else ""


def find_documents(report: dict[str, Any], key: str) -> list[dict[str, Any]]:
    """The documents ``key`` names, in report order: the one with that id; the record of that
    ``path#record``; or every document read from the file at that path (several for a file
    holding several records: a JSON Lines file, a JSON array, a web archive).  Raises
    DocumentNotFound when it names none."""
    for d in report["documents"]:
        if d["id"] == key:
            return [d]
    found = [d for d in report["documents"] if d.get("record") and key == f"{d['path']}#{d['record']}"]
    found = found or [d for d in report["documents"] if d["path"] == key]
    if not found:
        raise DocumentNotFound(f"{key}: no such document in the report (give its id, its path, or "
                               "path#record for one record of a file holding several)")
    return found


def find_document(report: dict[str, Any], key: str) -> dict[str, Any]:
    """The first document ``key`` names (see ``find_documents``)."""
    return find_documents(report, key)[0]


def trace_document(report: dict[str, Any], doc: dict[str, Any], texts: Texts | None = None) -> str:
    by_id = {d["id"]: d for d in report["documents"]}
    clusters = {c["id"]: c for c in report["clusters"]}

    def named(ref: dict[str, Any], limit: int) -> str:
        """A chain link or a document id's document, by its label (path#record)."""
        target = by_id.get(ref.get("document")) if isinstance(ref, dict) else None
        return clean_label(target or ref, limit)

    lines = [f"{clean_label(doc, 80)}  [{clean(doc['outlet']['name'] or 'outlet unknown', 40)}, "
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
        ex = _excerpt(texts, doc, p["start"], p["end"])
        if ex:
            lines.append(f"    “{ex}”")
        if o["status"] != "determined":
            lines.append(f"    first appeared: undetermined: {clean(o['reason'], 200)}")
        elif o["in_corpus"]:
            src = by_id[o["document"]]
            lines.append(f"    first appeared: {clean_label(src)} ({clean(o['outlet'] or 'outlet unknown', 40)}, "
                         f"{o['date'] or 'undated'})")
        else:
            lines.append(f"    first appeared: {clean(o['outlet'] or 'an outside source', 40)} "
                         f"({o['date'] or 'date not stated'}), outside the corpus")
        if o["status"] == "determined":
            lines.append(f"    why: {o['rule']} ({o['confidence']} confidence): {clean(o['reason'], 240)}")
            for e in o["evidence"][:4]:
                read_in = by_id.get(e.get("document") or "")
                where = f"{clean_label(read_in)} {clean(e['location'], 40)}" if read_in else clean(e["location"], 40)
                note = registry_note(e.get("registry"))
                lines.append(f"      evidence: {e['rule']} at {where}: {quoted(e['text'], 80)}"
                             + (f" [{note}]" if note else ""))
            for conflict in o["conflicts"]:
                lines.append(f"      conflict: {clean(conflict, 200)}")
        per_document = Counter(link["document"] for link in c["chain"])  # one pass: chains can be long
        twice = {d for d, n in per_document.items() if n > 1}
        for link in c["chain"]:
            mark = "  <- this document" if link["document"] == doc["id"] else ""
            part = ""
            if link["document"] in twice:  # one copy holding two parts of the text: which part
                m = c["members"][link["member"]]
                part = f" chars {m['start']}-{m['end']}"
            sim = f" {link['similarity']:.2f}" if link["similarity"] is not None else ""
            if link.get("match") in MATCH_NAMES:  # matched by its words, not by a run of them
                sim += f", {MATCH_NAMES[link['match']]}"
            src = ""
            if link["source"] and link["source"]["document"] != o.get("document"):
                src = f", taken from {clean_label(by_id[link['source']['document']], 50)}"
            lines.append(f"    copied: {link['date'] or 'undated'} ({_lag(link['lag_days'])}) {named(link, 60)}{part}"
                         f" [{link['relation']}{sim}{src}] {link['credited']}: {clean(link['credit_reason'], 100)}{mark}")
    return "\n".join(lines)


def _corpus_texts(report: dict[str, Any], corpus: Path) -> Texts:
    """The audited folder read again, with the size limit and symbolic-link choice of the audit."""
    from .inventory import DEFAULT_MAX_FILE_BYTES, build_inventory

    opts = report["run"].get("options")
    opts = opts if isinstance(opts, dict) else {}
    max_mb = opts.get("max_file_mb")
    limit = (int(max_mb * 1024 * 1024) if isinstance(max_mb, (int, float)) and not isinstance(max_mb, bool)
             and math.isfinite(max_mb) and max_mb > 0 else DEFAULT_MAX_FILE_BYTES)
    inventory = build_inventory(corpus, max_file_bytes=limit, follow_symlinks=bool(opts.get("follow_symlinks", False)))
    return {(d.path, d.record): (d.sha256, str(d.text)) for d in inventory.documents}


def trace_report(report: dict[str, Any], key: str | None = None, corpus: Path | None = None) -> str:
    """The trace of the documents ``key`` names (an id, a path or path#record; a path of a
    file holding several documents names each of them), or of every document with passages.
    Raises DocumentNotFound, or ReportError when the report is not a whole provenance report
    (``summary.check_report``) or lacks what the trace shows."""
    check_report(report)
    try:
        docs = find_documents(report, key) if key is not None else None
    except SHAPE_ERRORS as exc:
        raise malformed(exc) from None
    texts = _corpus_texts(report, corpus) if corpus is not None else None
    try:
        if docs is None:
            docs = [d for d in report["documents"] if d["passages"]]
            if not docs:
                return "no document in this report shares or cites republished text"
        traces = [trace_document(report, d, texts) for d in docs]
        if key is not None and len(docs) > 1:
            traces.insert(0, f"{clean(key, 200)}: {len(docs)} documents; each is traced below "
                             "(give path#record or an id for one)")
        return "\n\n".join(traces)
    except SHAPE_ERRORS as exc:
        raise malformed(exc) from None


def explain_document(doc: Document, rules: RuleSet, registry: Registry, row: SidecarRow | None = None,
                     sidecar_path: str | None = None, issues: Sequence[SidecarIssue] = ()) -> str:
    """Which rules fired on one document (with its sidecar row, when given), on which
    text, and what was decided.  ``issues`` are the sidecar's complaints about the rows
    naming this document: a date the audit dropped explains an undetermined date."""
    cues = CueReader(rules, registry).read(doc, row, sidecar_path)
    segments = find_segments(doc.text, cues)
    att = attribute(cues, segments, registry, captured_date(doc))
    lines = [f"{clean(doc.label)} ({doc.format}, {len(doc.text)} characters)",
             f"  {len(cues)} rule match(es) of {len(rules.enabled())} enabled rules"]
    for issue in issues:
        lines.append(f"  sidecar issue at {clean(sidecar_path or 'the sidecar', 40)}:{issue.line} ({issue.code}): "
                     f"{clean(issue.reason, 120)}")
    for c in cues:
        result = ", ".join(c.outlets) if c.outlets else ""
        if c.date is not None:
            result = (result + " " if result else "") + c.date.iso
        lines.append(f"  {c.rule} [{c.role}] at {clean(c.location, 30)}: {quoted(c.text, 70)}"
                     + (f" -> {clean(result, 60)}" if result else ""))
        if c.date_note:
            lines.append(f"      note: {clean(c.date_note, 120)}")
    lines.append("")
    named = registry_note([{"file": m.file, "outlet": m.outlet, "by": m.by, "match": m.match}
                           for m in att.outlet_evidence[0].registry if m.outlet == att.outlet][:1]
                          ) if att.outlet_evidence else ""
    lines.append(f"  outlet: {clean(att.outlet or 'undetermined', 50)}"
                 + (f" (by {att.outlet_evidence[0].rule}{'; ' + named if named else ''})"
                    if att.outlet_evidence else ""))
    lines.append(f"  date: {att.date.iso if att.date else 'undetermined'}"
                 + (f" (by {att.date_evidence[0].rule}, {att.date.precision} precision)" if att.date else ""))
    for conflict in att.conflicts:
        lines.append(f"  conflict: {clean(conflict, 200)}")
    if any(c.role == "reposter" for c in cues):
        lines.append("  the page reposts other outlets' material (fair-use notice)")
    for s in segments:
        lines.append(f"  block chars {s.start}-{s.end}: {quoted(s.title or '(untitled)', 60)} cites "
                     f"{clean(s.outlet or 'no outlet', 40)}, {s.date.iso if s.date else 'no date'}")
    return "\n".join(lines)
