"""The provenance report: a JSON document built from an ``AuditResult``.

Field names and meanings are fixed (docs/report-format.md, and the JSON Schema
in data/report.schema.json) so that other tools can read reports.  Everything
but ``run.started`` and ``run.finished`` is a pure function of the corpus and
the options, so two runs give the same bytes apart from those two timestamps.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import platform
from datetime import datetime, timezone
from importlib import metadata as importlib_metadata
from pathlib import Path
from typing import Any
from urllib.parse import urljoin

from . import __version__
from .addresses import norm_url, own_address
from .documents import document_ids
from .errors import ReportError
from .files import write_atomic_chunks
from .model import AuditResult, Cluster, DateValue, Evidence, Origin
from .origin import relation_of
from .params import Params

SCHEMA_VERSION = "1.4"
LIBRARIES = ("datasketch", "numpy", "lxml", "python-dateutil", "typer", "warcio", "prov")


def library_versions() -> dict[str, str]:
    out = {"python": platform.python_version()}
    for name in LIBRARIES:
        try:
            out[name] = importlib_metadata.version(name)
        except importlib_metadata.PackageNotFoundError:
            out[name] = "not installed"
    return out


def _date(d: DateValue | None) -> str | None:
    return d.iso if d else None


def _evidence(e: Evidence, **more: Any) -> dict[str, Any]:
    """An evidence object; ``more`` adds fields (an origin's ``document``).  ``registry``
    is written only when the registry named an outlet of the value."""
    out = {
        "rule": e.rule,
        "source": e.source,
        "location": e.location,
        "text": e.text,
        "value": e.value,
        "precision": e.precision,
        "confidence": e.confidence,
        **more,
    }
    if e.registry:
        out["registry"] = [{"file": m.file, "outlet": m.outlet, "by": m.by, "match": m.match} for m in e.registry]
    return out


def _origin_ref(origin: Origin, cluster: Cluster, ids: list[str]) -> dict[str, Any]:
    """The short origin record carried by each passage."""
    doc = cluster.members[origin.member].doc if origin.member is not None else None
    return {
        "document": ids[doc] if doc is not None else None,
        "outlet": origin.outlet,
        "date": _date(origin.date),
        "in_corpus": origin.in_corpus if origin.determined else None,
        "status": "determined" if origin.determined else "undetermined",
    }


CITATION_ROLES = ("dateline", "byline", "credit", "pointer", "reposter", "revision", "citation")


def _is_citation(c, doc) -> bool:
    """A cue listed among the document's citations (docs/report-format.md, Citations): every
    cue of a citation role that names an outlet (whichever, the document's own included, as
    an agency's dateline on its own story), every pointer but one to the document's own URL
    (a canonical link or ``isBasedOn`` to another page, whether or not its domain is a
    registered outlet; "originally appeared in"), and every reposting notice and revision
    marker.  Left out: a pointer to the page's own URL (the page itself, not an original),
    and a cue that names no outlet, as a dated dateline giving only a date (a compilation
    block's is in its segment's evidence)."""
    if c.role not in CITATION_ROLES:
        return False
    if c.role in ("reposter", "revision"):
        return True
    if c.role == "pointer":
        own = own_address(doc)
        target = c.url or (c.text if c.source != "text" else None)  # a structured link may be relative
        if own is None or not target:
            return True
        try:
            return norm_url(urljoin(doc.url, target)) != own
        except ValueError:  # not a URL that can be read (an unclosed IPv6 bracket): not the page's own
            return True
    return bool(c.outlets)


def _citation(c) -> dict[str, Any]:
    """A cue that names or points at an outlet or a page, or marks reposting or a revision."""
    return {
        "rule": c.rule,
        "role": c.role,
        "relation": c.relation,
        "outlets": list(c.outlets),
        "date": _date(c.date),
        "date_note": c.date_note,
        "url": c.url,
        "start": c.start,
        "end": c.end,
        "location": c.location,
        "text": c.text,
        "confidence": c.confidence,
    }


def _segment(g) -> dict[str, Any]:
    return {
        "start": g.start,
        "end": g.end,
        "title": g.title,
        "outlet": g.outlet,
        "date": _date(g.date),
        "evidence": [_evidence(c.evidence()) for c in g.cues],
        "credits": [_evidence(c.evidence()) for c in g.credits],
    }


def outlets_record(result: AuditResult) -> dict[str, Any]:
    """The outlet registry the audit named outlets with: its files, entries and digest."""
    reg = result.registry
    if reg is None:
        return {"files": [], "count": 0, "sha256": None}
    return {"files": list(reg.files), "count": len(reg.outlets), "sha256": reg.digest()}


def rules_record(result: AuditResult) -> dict[str, Any]:
    rs = result.rules
    if rs is None:
        return {"version": None, "files": [], "count": 0, "sha256": None}
    return {"version": rs.version, "files": list(rs.files), "count": len(rs.rules), "sha256": rs.digest()}


def inputs_digest(result: AuditResult) -> str:
    h = hashlib.sha256()
    inv = result.inventory
    lines = sorted({f"{d.path}\t{d.record or ''}\t{d.sha256}" for d in inv.documents}
                   | {f"{r.path}\t{r.record or ''}\t{r.code}" for r in inv.rejections})
    for line in lines:
        h.update(line.encode("utf-8", "backslashreplace") + b"\n")
    return h.hexdigest()


def build_report(result: AuditResult, params: Params, *, corpus: str, started: str, finished: str,
                 options: dict[str, Any] | None = None) -> dict[str, Any]:
    inv = result.inventory
    docs = tuple(inv.documents) + tuple(d for _source, d in result.archive)
    collection = [None] * len(inv.documents) + [f"index:{source}" for source, _d in result.archive]
    ids = document_ids(docs)
    passages: dict[int, list[dict[str, Any]]] = {i: [] for i in range(len(docs))}
    clusters_out = []
    for c in result.clusters:
        link_of = {l.member: l for l in c.chain}
        ref = _origin_ref(c.origin, c, ids)

        def source_ref(link, c=c):
            if link is None or link.source is None:
                return None
            src = c.members[link.source]
            att = result.attributions[src.doc]
            return {"document": ids[src.doc], "outlet": att.outlet, "date": _date(att.date)}

        for i, m in enumerate(c.members):
            link = link_of.get(i)
            relation = link.relation if link else relation_of(m.similarity, m.verbatim, params.near_duplicate)
            similarity = link.similarity if link else m.similarity
            role = "origin" if i == c.origin.member else ("copy" if link else "member")
            passages[m.doc].append({
                "start": m.start,
                "end": m.end,
                "cluster": c.id,
                "similarity": similarity,
                "relation": relation,
                "match": link.match if link else None,
                "role": role,
                "origin": dict(ref),
                "source": source_ref(link),
            })
        clusters_out.append({
            "id": c.id,
            "size": len({m.doc for m in c.members}),
            "members": [{"document": ids[m.doc], "path": docs[m.doc].path, "record": docs[m.doc].record,
                         "start": m.start, "end": m.end, "similarity": m.similarity, "verbatim": m.verbatim}
                        for m in c.members],
            "origin": {
                **ref,
                "member": c.origin.member,
                "rule": c.origin.rule,
                "confidence": c.origin.confidence,
                "reason": c.origin.reason,
                "evidence": [_evidence(e, document=ids[e.document] if e.document is not None else None)
                             for e in c.origin.evidence],
                "conflicts": list(c.origin.conflicts),
            },
            "chain": [{
                "member": l.member,
                "credited": l.credited,
                "credit_reason": l.credit_reason,
                "credit_evidence": [_evidence(e) for e in l.credit_evidence],
                "document": ids[c.members[l.member].doc],
                "path": docs[c.members[l.member].doc].path,
                "record": docs[c.members[l.member].doc].record,
                "start": c.members[l.member].start,
                "end": c.members[l.member].end,
                "date": _date(l.date),
                "lag_days": l.lag_days,
                "relation": l.relation,
                "similarity": l.similarity,
                "match": l.match,
                "source_member": l.source,
                "source": source_ref(l),
            } for l in c.chain],
        })
    def cues_of(i: int) -> tuple:
        return result.cues[i] if result.cues else ()

    def segments_of(i: int) -> tuple:
        return result.segments[i] if result.segments else ()

    documents_out = []
    for i, d in enumerate(docs):
        att = result.attributions[i]
        res = result.results[i]
        documents_out.append({
            "id": ids[i],
            "path": d.path,
            "collection": collection[i],
            "record": d.record,
            "sha256": d.sha256,
            "format": d.format,
            "encoding": d.encoding,
            "title": d.title,
            "url": d.url,
            "characters": len(d.text),
            "outlet": {"name": att.outlet, "kind": att.outlet_kind,
                       "evidence": [_evidence(e) for e in att.outlet_evidence]},
            "published": {"date": _date(att.date), "precision": att.date.precision if att.date else None,
                          "evidence": [_evidence(e) for e in att.date_evidence]},
            "captured": _date(att.captured),
            "conflicts": list(att.conflicts),
            "reposter": any(c.role == "reposter" for c in cues_of(i)),
            "citations": [_citation(c) for c in cues_of(i) if _is_citation(c, d)],
            "segments": [_segment(g) for g in segments_of(i)],
            "reused_fraction": res.reused_fraction,
            "shared_fraction": res.shared_fraction,
            "derivation": res.derivation,
            "passages": sorted(passages[i], key=lambda p: (p["start"], p["end"], p["cluster"])),
        })
    sidecar = inv.sidecar
    rejected_files = {r.path for r in inv.rejections if r.record is None}
    return {
        "schema_version": SCHEMA_VERSION,
        "tool": {"name": "provenance", "version": __version__},
        "run": {
            "corpus": corpus,
            "started": started,
            "finished": finished,
            "parameters": params.as_sections(),
            "rules": rules_record(result),
            "outlets": outlets_record(result),
            "options": options or {},
            "libraries": library_versions(),
            "inputs": {
                "files_seen": inv.files_seen,
                "documents": len(inv.documents),
                "archive_documents": len(result.archive),
                "files_with_documents": len({d.path for d in inv.documents}),
                "rejected_files": len(rejected_files),
                "rejected_records": sum(1 for r in inv.rejections if r.record is not None),
                "encodings": dict(sorted(inv.encodings)),
                "skipped_records": dict(sorted(inv.skipped_records)),
                "digest": inputs_digest(result),
            },
            "stats": {k: v for k, v in result.stats.items() if k != "seconds"},
        },
        "summary": _summary(documents_out, clusters_out, inv),
        "documents": documents_out,
        "clusters": clusters_out,
        "rejections": [{"path": r.path, "record": r.record, "code": r.code, "reason": r.reason}
                       for r in inv.rejections],
        "sidecar": {
            "path": sidecar.path,
            "rows": len(sidecar.rows),
            "issues": [{"line": s.line, "path": s.path, "code": s.code, "reason": s.reason} for s in sidecar.issues],
        },
    }


def _summary(documents: list[dict], clusters: list[dict], inv) -> dict[str, Any]:
    """Counts over the audited corpus (documents brought in from an index are not counted)."""
    documents = [d for d in documents if d["collection"] is None]
    derivations = {"wholly_derived": 0, "partially_derived": 0, "non_derived": 0}
    for d in documents:
        derivations[d["derivation"]] += 1
    codes: dict[str, int] = {}
    for r in inv.rejections:
        codes[r.code] = codes.get(r.code, 0) + 1
    return {
        "documents": len(documents),
        "rejections": len(inv.rejections),
        "rejections_by_code": dict(sorted(codes.items())),
        "sidecar_issues": len(inv.sidecar.issues),
        "clusters": len(clusters),
        "undetermined_origins": sum(1 for c in clusters if c["origin"]["status"] == "undetermined"),
        "derivation": derivations,
    }


def now_iso() -> str:
    return datetime.now(timezone.utc).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def dumps(report: dict[str, Any]) -> str:
    return json.dumps(report, ensure_ascii=False, indent=2, sort_keys=False) + "\n"


def write_report(report: dict[str, Any], path: Path) -> None:
    """Write atomically: a temporary file in the same folder, then a rename.  The
    JSON is encoded piece by piece as it is written (the same bytes as ``dumps``),
    never held whole in memory: a 100,000-document report is hundreds of megabytes."""
    encoder = json.JSONEncoder(ensure_ascii=False, indent=2, sort_keys=False)
    write_atomic_chunks(itertools.chain(encoder.iterencode(report), ("\n",)), path)


def load_report(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except OSError as exc:
        raise ReportError(f"{path}: cannot read report: {exc.strerror}") from None
    except json.JSONDecodeError as exc:
        raise ReportError(f"{path}: not a JSON report: {exc}") from None
    if not isinstance(data, dict) or data.get("schema_version") is None:
        raise ReportError(f"{path}: not a provenance report (no schema_version)")
    if str(data["schema_version"]).split(".")[0] != SCHEMA_VERSION.split(".")[0]:
        raise ReportError(f"{path}: report schema version {data['schema_version']} is not supported "
                          f"(this tool reads {SCHEMA_VERSION})")
    return data
