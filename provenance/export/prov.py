"""W3C PROV from a provenance report (docs/exports.md has the mapping).

    document            -> entity doc:<id>, a prov:Collection whose members are its passages
    outlet              -> agent outlet:<slug> (prov:Organization); wasAttributedTo
    publication date    -> wasGeneratedBy(doc, -, time) when stated to the day or finer; the
                           time only when the date has a time of day
    cluster member      -> entity passage:<cluster>_<doc>_<start>-<end>; hadMember(doc, passage)
    chain link          -> wasQuotedFrom (verbatim) or wasDerivedFrom (otherwise) the copy's
                           direct source, else the origin passage, else external:<cluster>
    origin outside      -> entity external:<cluster>, attributed to the cited outlet
    revision citation   -> wasRevisionOf(doc, origin doc) when both are the same outlet
    the audit           -> activity audit:run-<digest prefix>, used every document, associated
                           with the agent tool:provenance-<version> (prov:SoftwareAgent)

Identifiers are NCNames after their prefix, so that PROV-XML (where they are xsd:QName)
can hold them as PROV-N and PROV-JSON do.  Only the report is read: the export is a
pure function of it.
"""

from __future__ import annotations

import hashlib
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
    "plan": "urn:x-provenance:plan:",
}

SERIALIZATIONS = {"prov-json": "json", "prov-n": "provn", "prov-xml": "xml"}

_FINE_ENOUGH = {"day", "minute", "second"}
_TIMED = {"minute", "second"}  # precisions that state a time of day
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
    """ASCII identifier for an outlet name: "The Guardian" -> "the-guardian".  A leading
    digit gets a "_" before it, so the name stays an XML QName (PROV-XML)."""
    ascii_ = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")
    s = re.sub(r"[^a-z0-9]+", "-", ascii_.lower()).strip("-")
    return ("_" + s if s[:1].isdigit() else s) or "outlet"


def _local(text: str) -> str:
    """A string as the local part of an identifier valid in PROV-N and PROV-XML (an NCName)."""
    s = re.sub(r"[^A-Za-z0-9._-]+", "-", text).strip("-.")
    return ("_" + s if not s[:1].isalpha() else s) if s else "_"


def parse_datetime(iso: str | None) -> datetime | None:
    """A report date (ISO 8601 at its stated precision) as a datetime, or None."""
    if not iso:
        return None
    try:
        return datetime.fromisoformat(iso)  # 3.11: dates, minutes, seconds, offsets, "Z"
    except ValueError:
        return None


def passage_id(cluster_id: str, document_id: str, start: int, end: int) -> str:
    """``passage:<cluster>_<document>_<start>-<end>``: no "/", which PROV-XML identifiers cannot hold."""
    return f"passage:{cluster_id}_{document_id}_{start}-{end}"


def _json(value: Any) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False)


class _Outlets:
    """One agent per outlet name, its id the name's slug; names that share a slug ("Süd
    Post" and "Sud Post") each add a digest of the name, so that an outlet's id does not
    depend on which of them a report names first, nor on what else it names."""

    def __init__(self, doc: ProvDocument, report: dict[str, Any]):
        self.doc = doc
        self.ids: dict[str, str] = {}
        self.kind: dict[str, Any] = {}
        names: set[str] = set()
        for d in report["documents"]:
            if d["outlet"]["name"]:
                self.kind.setdefault(d["outlet"]["name"], d["outlet"].get("kind"))
                names.add(d["outlet"]["name"])
        names.update(c["origin"]["outlet"] for c in report["clusters"] if c["origin"].get("outlet"))
        by_slug: dict[str, set[str]] = {}
        for name in names:
            by_slug.setdefault(slug(name), set()).add(name)
        self.shared = {s for s, group in by_slug.items() if len(group) > 1}

    def agent(self, name: str | None) -> str | None:
        if not name:
            return None
        if name not in self.ids:
            s = slug(name)
            if s in self.shared:
                s += "-" + hashlib.sha256(name.encode("utf-8")).hexdigest()[:8]
            self.ids[name] = f"outlet:{s}"
            self.doc.agent(self.ids[name], _attrs({
                "prov:type": PROV["Organization"],
                "prov:label": name,
                "provenance:name": name,
                "provenance:kind": self.kind.get(name),
            }))
        return self.ids[name]


def _generated(doc: ProvDocument, entity_id: str, iso: str | None, precision: str | None) -> None:
    """Publication as a generation, when the date is stated to the day or finer.  Its time
    is given only when the report states a time of day: a day is not midnight, and writing
    it so would order a same-day copy or revision before a source stated to the minute."""
    when = parse_datetime(iso)
    if precision not in _FINE_ENOUGH or when is None:
        return
    doc.wasGeneratedBy(entity_id, None, when if precision in _TIMED else None, other_attributes=_attrs({
        "provenance:date": iso, "provenance:precision": precision}))


def _documents(doc: ProvDocument, documents: list[dict[str, Any]], outlets: _Outlets) -> None:
    for d in documents:
        did = f"doc:{d['id']}"
        published = d["published"]
        doc.collection(did, _attrs({
            "prov:label": d["path"] + (f"#{d['record']}" if d.get("record") else ""),
            "provenance:path": d["path"],
            "provenance:record": d.get("record"),
            "provenance:collection": d.get("collection"),
            "provenance:sha256": d["sha256"],
            "provenance:characters": d.get("characters"),
            "provenance:format": d.get("format"),
            "provenance:encoding": d.get("encoding"),
            "provenance:captured": d.get("captured"),
            "provenance:title": d.get("title"),
            "provenance:url": d.get("url"),
            "provenance:published": published["date"],
            "provenance:precision": published["precision"],
            "provenance:derivation": d.get("derivation"),
            "provenance:reused_fraction": d.get("reused_fraction"),
        }))
        agent = outlets.agent(d["outlet"]["name"])
        if agent:
            doc.wasAttributedTo(did, agent)
        _generated(doc, did, published["date"], published["precision"])


def _decision(origin: dict[str, Any]) -> dict[str, Any]:
    """The origin rule, its confidence and reason: how sure the report is of the origin."""
    return {"provenance:rule": origin.get("rule"), "provenance:confidence": origin.get("confidence"),
            "provenance:reason": origin.get("reason")}


def _passages(doc: ProvDocument, c: dict[str, Any]) -> list[str]:
    """A cluster's members as passages of their documents; the origin passage (every passage
    when the origin is undetermined) carries the origin decision."""
    origin = c["origin"]
    roles = {origin["member"]: "origin"} if origin.get("member") is not None else {}
    for link in c["chain"]:
        roles.setdefault(link["member"], "copy")
    undetermined = origin["status"] != "determined"
    pids = []
    for i, m in enumerate(c["members"]):
        pid = passage_id(c["id"], m["document"], m["start"], m["end"])
        role = roles.get(i, "member")
        doc.entity(pid, _attrs({
            "prov:type": doc.valid_qualified_name("provenance:Passage"),
            "provenance:cluster": c["id"],
            "provenance:document": m["document"],
            "provenance:start": m["start"],
            "provenance:end": m["end"],
            "provenance:role": role,
            **(_decision(origin) if role == "origin" or undetermined else {}),
        }))
        doc.hadMember(f"doc:{m['document']}", pid)
        pids.append(pid)
    return pids


def _external(doc: ProvDocument, c: dict[str, Any], outlets: _Outlets) -> str | None:
    """The entity of an origin outside the corpus, attributed to the cited outlet; None otherwise."""
    origin = c["origin"]
    if origin["status"] != "determined" or origin.get("in_corpus") is not False:
        return None
    external = f"external:{c['id']}"
    doc.entity(external, _attrs({
        "prov:type": doc.valid_qualified_name("provenance:ExternalSource"),
        "prov:label": f"original of {c['id']} outside the corpus",
        "provenance:outlet": origin.get("outlet"),
        "provenance:date": origin.get("date"),
        **_decision(origin),
    }))
    agent = outlets.agent(origin.get("outlet"))
    if agent:
        doc.wasAttributedTo(external, agent)
    _generated(doc, external, origin.get("date"), _precision_of(origin.get("date")))
    return external


def _chain(doc: ProvDocument, c: dict[str, Any], pids: list[str], external: str | None) -> None:
    """Each copy quoted from (verbatim) or derived from its direct source, else the origin."""
    origin = c["origin"]
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
            "provenance:match": link.get("match"),
            "provenance:lag_days": link.get("lag_days"),
            "provenance:credited": link.get("credited"),
        })
        copy = pids[link["member"]]
        if link["relation"] == "verbatim":
            doc.wasQuotedFrom(copy, target, other_attributes=attributes)
        else:
            doc.wasDerivedFrom(copy, target, other_attributes=attributes)


def _revisions(doc: ProvDocument, documents: list[dict[str, Any]]) -> None:
    """A document citing a revision revises the origin documents of its copied passages that
    are of the same outlet.  Only copies: a passage shared as a member was not taken from the origin."""
    by_id = {d["id"]: d for d in documents}
    revised: set[tuple[str, str]] = set()
    for d in documents:
        outlet = d["outlet"]["name"]
        if not outlet or not any(ci.get("role") == "revision" for ci in d.get("citations", ())):
            continue
        for p in d.get("passages", ()):
            other = by_id.get(p["origin"].get("document") or "")
            if (p.get("role") != "copy" or other is None or other["id"] == d["id"]
                    or other["outlet"]["name"] != outlet or (d["id"], other["id"]) in revised):
                continue
            revised.add((d["id"], other["id"]))
            doc.wasRevisionOf(f"doc:{d['id']}", f"doc:{other['id']}")


def _audit(doc: ProvDocument, report: dict[str, Any]) -> None:
    """The run, PREMIS-style: the tool and its configuration, when, on which inputs, with what outcome."""
    run = report["run"]
    version = report["tool"]["version"]
    tool = f"tool:{_local(f'provenance-{version}')}"
    rules = run.get("rules") or {}
    outlets = run.get("outlets") or {}
    doc.agent(tool, _attrs({
        "prov:type": PROV["SoftwareAgent"],
        "prov:label": f"provenance {version}",
        "provenance:version": version,
    }))
    # The configuration this run followed, as a plan of its own: every run of one version
    # shares the tool agent, and two runs' documents merged must not give it two settings.
    configuration = {
        "provenance:rules_version": rules.get("version"),
        "provenance:rules_sha256": rules.get("sha256"),
        "provenance:rules_files": _json(rules["files"]) if "files" in rules else None,
        "provenance:outlets_sha256": outlets.get("sha256"),
        "provenance:outlets_files": _json(outlets["files"]) if "files" in outlets else None,
        "provenance:parameters": _json(run.get("parameters", {})),
    }
    digest = hashlib.sha256(_json(configuration).encode("utf-8")).hexdigest()[:16]
    plan = f"plan:config-{digest}"
    doc.entity(plan, _attrs({"prov:type": PROV["Plan"], "prov:label": "audit configuration", **configuration}))
    inputs = run.get("inputs", {})
    audit = f"audit:{_local('run-' + (inputs.get('digest') or 'unknown')[:16])}"
    doc.activity(audit, parse_datetime(run.get("started")), parse_datetime(run.get("finished")), _attrs({
        "prov:type": doc.valid_qualified_name("provenance:Audit"),
        "prov:label": f"audit of {run.get('corpus')}",
        "provenance:corpus": run.get("corpus"),
        "provenance:inputs_digest": inputs.get("digest"),
        "provenance:schema_version": report.get("schema_version"),
        "provenance:options": _json(run["options"]) if "options" in run else None,
        "provenance:libraries": _json(run["libraries"]) if "libraries" in run else None,
        "provenance:inputs": _json(inputs) if inputs else None,
        "provenance:sidecar": (report.get("sidecar") or {}).get("path"),
        "provenance:summary": _json(report["summary"]) if "summary" in report else None,
    }))
    doc.wasAssociatedWith(audit, tool, plan)
    for d in report["documents"]:
        if not d.get("collection"):  # a document brought in from an archive index is no input of this run
            doc.used(audit, f"doc:{d['id']}")


def build_document(report: dict[str, Any]) -> ProvDocument:
    doc = ProvDocument()
    for prefix, uri in NAMESPACES.items():
        doc.add_namespace(prefix, uri)
    documents = report["documents"]
    outlets = _Outlets(doc, report)
    _documents(doc, documents, outlets)
    for c in report["clusters"]:
        pids = _passages(doc, c)
        _chain(doc, c, pids, _external(doc, c, outlets))
    _revisions(doc, documents)
    _audit(doc, report)
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
