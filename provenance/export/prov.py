"""W3C PROV from a provenance report (docs/exports.md has the mapping).

    document            -> entity doc:<id>, a prov:Collection whose members are its passages
    outlet              -> agent outlet:<slug> (prov:Organization); wasAttributedTo
    publication date    -> wasGeneratedBy(doc, -, time) when stated to the day or finer
    cluster member      -> entity passage:<cluster>/<doc>/<start>-<end>; hadMember(doc, passage)
    chain link          -> wasQuotedFrom (verbatim) or wasDerivedFrom (otherwise) the copy's
                           direct source, else the origin passage, else external:<cluster>
    origin outside      -> entity external:<cluster>, attributed to the cited outlet
    revision citation   -> wasRevisionOf(doc, origin doc) when both are the same outlet
    the audit           -> activity audit:<digest prefix>, used every document, associated
                           with the agent tool:provenance-<version> (prov:SoftwareAgent)

Only the report is read: the export is a pure function of it.
"""

from __future__ import annotations

import json
import re
import unicodedata
from datetime import datetime
from typing import Any

from prov.model import PROV, ProvDocument

NAMESPACES = {
    "provenance": "urn:x-provenance:vocab:",
    "doc": "urn:x-provenance:document:",
    "outlet": "urn:x-provenance:outlet:",
    "passage": "urn:x-provenance:passage:",
    "external": "urn:x-provenance:external:",
    "audit": "urn:x-provenance:audit:",
    "tool": "urn:x-provenance:tool:",
}

SERIALIZATIONS = {"prov-json": "json", "prov-n": "provn", "prov-xml": "xml"}

_FINE_ENOUGH = {"day", "minute", "second"}
# characters XML 1.0 cannot carry, and so no serialisation should
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


def _s(value: Any) -> str:
    return _NOT_XML.sub("\ufffd", str(value))


def _attrs(pairs: dict[str, Any]) -> dict[str, Any]:
    """Attributes with unknown (None) values left out; strings made XML-safe."""
    out: dict[str, Any] = {}
    for key, value in pairs.items():
        if value is None:
            continue
        if isinstance(value, bool):
            value = "true" if value else "false"
        elif isinstance(value, str):
            value = _s(value)
        out[key] = value
    return out


def slug(name: str) -> str:
    """ASCII identifier for an outlet name: "The Guardian" -> "the-guardian"."""
    ascii_ = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")
    s = re.sub(r"[^a-z0-9]+", "-", ascii_.lower()).strip("-")
    return s or "outlet"


def parse_datetime(iso: str | None) -> datetime | None:
    """A report date (ISO 8601 at its stated precision) as a datetime, or None."""
    if not iso:
        return None
    try:
        return datetime.fromisoformat(iso)  # 3.11: dates, minutes, seconds, offsets, "Z"
    except ValueError:
        return None


def passage_id(cluster_id: str, document_id: str, start: int, end: int) -> str:
    return f"passage:{cluster_id}/{document_id}/{start}-{end}"


def build_document(report: dict[str, Any]) -> ProvDocument:
    doc = ProvDocument()
    for prefix, uri in NAMESPACES.items():
        doc.add_namespace(prefix, uri)
    documents = report["documents"]
    by_id = {d["id"]: d for d in documents}

    # outlets: one agent per distinct name, slugs made unique in order of appearance
    outlet_ids: dict[str, str] = {}
    used_slugs: set[str] = set()
    outlet_kind: dict[str, str | None] = {}

    def outlet_agent(name: str | None) -> str | None:
        if not name:
            return None
        if name not in outlet_ids:
            base = s = slug(name)
            n = 2
            while s in used_slugs:
                s, n = f"{base}-{n}", n + 1
            used_slugs.add(s)
            outlet_ids[name] = f"outlet:{s}"
            doc.agent(outlet_ids[name], _attrs({
                "prov:type": PROV["Organization"],
                "prov:label": name,
                "provenance:name": name,
                "provenance:kind": outlet_kind.get(name),
            }))
        return outlet_ids[name]

    for d in documents:
        name = d["outlet"]["name"]
        if name and name not in outlet_kind:
            outlet_kind[name] = d["outlet"].get("kind")

    def generated(entity_id: str, iso: str | None, precision: str | None) -> None:
        when = parse_datetime(iso) if precision in _FINE_ENOUGH else None
        if when is not None:
            doc.wasGeneratedBy(entity_id, None, when, other_attributes=_attrs({
                "provenance:date": iso, "provenance:precision": precision}))

    # documents
    for d in documents:
        did = f"doc:{d['id']}"
        published = d["published"]
        doc.collection(did, _attrs({
            "prov:label": d["path"] + (f"#{d['record']}" if d.get("record") else ""),
            "provenance:path": d["path"],
            "provenance:record": d.get("record"),
            "provenance:collection": d.get("collection"),
            "provenance:sha256": d["sha256"],
            "provenance:title": d.get("title"),
            "provenance:url": d.get("url"),
            "provenance:published": published["date"],
            "provenance:precision": published["precision"],
            "provenance:derivation": d.get("derivation"),
            "provenance:reused_fraction": d.get("reused_fraction"),
        }))
        agent = outlet_agent(d["outlet"]["name"])
        if agent:
            doc.wasAttributedTo(did, agent)
        generated(did, published["date"], published["precision"])

    # passages, membership, chains, outside origins
    for c in report["clusters"]:
        cid = c["id"]
        members = c["members"]
        pids = [passage_id(cid, m["document"], m["start"], m["end"]) for m in members]
        origin = c["origin"]
        roles = {}
        if origin.get("member") is not None:
            roles[origin["member"]] = "origin"
        for link in c["chain"]:
            roles.setdefault(link["member"], "copy")
        for i, (m, pid) in enumerate(zip(members, pids)):
            doc.entity(pid, _attrs({
                "prov:type": doc.valid_qualified_name("provenance:Passage"),
                "provenance:cluster": cid,
                "provenance:document": m["document"],
                "provenance:start": m["start"],
                "provenance:end": m["end"],
                "provenance:role": roles.get(i, "member"),
            }))
            doc.hadMember(f"doc:{m['document']}", pid)
        external = None
        if origin["status"] == "determined" and origin.get("in_corpus") is False:
            external = f"external:{cid}"
            doc.entity(external, _attrs({
                "prov:type": doc.valid_qualified_name("provenance:ExternalSource"),
                "prov:label": f"original of {cid} outside the corpus",
                "provenance:outlet": origin.get("outlet"),
                "provenance:date": origin.get("date"),
                "provenance:rule": origin.get("rule"),
                "provenance:confidence": origin.get("confidence"),
                "provenance:reason": origin.get("reason"),
            }))
            agent = outlet_agent(origin.get("outlet"))
            if agent:
                doc.wasAttributedTo(external, agent)
            generated(external, origin.get("date"), _precision_of(origin.get("date")))
        for link in c["chain"]:
            if link.get("source_member") is not None:
                target = pids[link["source_member"]]
            elif origin.get("member") is not None:
                target = pids[origin["member"]]
            elif external is not None:
                target = external
            else:  # pragma: no cover - a chain exists only for a determined origin
                continue
            attributes = _attrs({
                "provenance:relation": link["relation"],
                "provenance:similarity": link.get("similarity"),
                "provenance:lag_days": link.get("lag_days"),
                "provenance:credited": link.get("credited"),
            })
            copy = pids[link["member"]]
            if link["relation"] == "verbatim":
                doc.wasQuotedFrom(copy, target, other_attributes=attributes)
            else:
                doc.wasDerivedFrom(copy, target, other_attributes=attributes)

    # revisions: a document citing a revision, of an origin document of the same outlet
    revised: set[tuple[str, str]] = set()
    for d in documents:
        if not any(ci.get("role") == "revision" for ci in d.get("citations", ())):
            continue
        outlet = d["outlet"]["name"]
        for p in d.get("passages", ()):
            o = p["origin"]
            other = by_id.get(o.get("document") or "")
            if (other is None or other["id"] == d["id"] or not outlet
                    or other["outlet"]["name"] != outlet or (d["id"], other["id"]) in revised):
                continue
            revised.add((d["id"], other["id"]))
            doc.wasRevisionOf(f"doc:{d['id']}", f"doc:{other['id']}")

    # the audit and the tool that ran it
    run = report["run"]
    version = report["tool"]["version"]
    tool = f"tool:provenance-{version}"
    rules = run.get("rules") or {}
    doc.agent(tool, _attrs({
        "prov:type": PROV["SoftwareAgent"],
        "prov:label": f"provenance {version}",
        "provenance:version": version,
        "provenance:rules_version": rules.get("version"),
        "provenance:rules_sha256": rules.get("sha256"),
        "provenance:parameters": json.dumps(run.get("parameters", {}), sort_keys=True, ensure_ascii=False),
    }))
    digest = run.get("inputs", {}).get("digest") or "unknown"
    audit = f"audit:{digest[:16]}"
    doc.activity(audit, parse_datetime(run.get("started")), parse_datetime(run.get("finished")), _attrs({
        "prov:type": doc.valid_qualified_name("provenance:Audit"),
        "prov:label": f"audit of {run.get('corpus')}",
        "provenance:corpus": run.get("corpus"),
        "provenance:inputs_digest": run.get("inputs", {}).get("digest"),
        "provenance:schema_version": report.get("schema_version"),
    }))
    doc.wasAssociatedWith(audit, tool)
    for d in documents:
        doc.used(audit, f"doc:{d['id']}")
    return doc


def _precision_of(iso: str | None) -> str | None:
    """Precision of an ISO date as the report writes it (no padding)."""
    if not iso:
        return None
    if "T" not in iso:
        return {4: "year", 7: "month", 10: "day"}.get(len(iso))
    clock = re.split(r"[+\-Z]", iso.split("T", 1)[1], maxsplit=1)[0]
    return "second" if clock.count(":") >= 2 else "minute"


def render_prov(report: dict[str, Any], fmt: str) -> str:
    """``fmt`` is prov-json, prov-n or prov-xml."""
    text = build_document(report).serialize(format=SERIALIZATIONS[fmt])
    return text if text.endswith("\n") else text + "\n"
