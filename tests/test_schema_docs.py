"""The report's JSON Schema and docs/report-format.md describe the same report.

The schema (provenance/data/report.schema.json) is the machine-readable contract,
the document the human one; these tests keep them from drifting apart and check
that the schema accepts a well-formed report and rejects a malformed one.
"""

from __future__ import annotations

import copy
import json
import re
import tomllib
from importlib import resources
from pathlib import Path
from typing import Any, Iterator

import pytest
from jsonschema import Draft202012Validator

DOC = Path(__file__).resolve().parent.parent / "docs" / "report-format.md"


# --------------------------------------------------------------------------
# Helpers
# --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def schema() -> dict[str, Any]:
    text = resources.files("provenance").joinpath("data/report.schema.json").read_text(encoding="utf-8")
    return json.loads(text)


@pytest.fixture(scope="module")
def doc_text() -> str:
    return DOC.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def validator(schema) -> Draft202012Validator:
    return Draft202012Validator(schema)


def _resolve(schema: dict, node: dict) -> dict:
    """Follow local ``$ref`` chains, keeping the referring node's own keywords."""
    seen = set()
    while "$ref" in node:
        ref = node["$ref"]
        assert ref.startswith("#/"), f"only local references are expected, got {ref}"
        assert ref not in seen, f"reference loop at {ref}"
        seen.add(ref)
        target: Any = schema
        for part in ref[2:].split("/"):
            target = target[part]
        node = {**target, **{k: v for k, v in node.items() if k != "$ref"}}
    return node


def _alternatives(schema: dict, node: dict) -> list[dict]:
    """The node itself plus the (resolved) branches of anyOf/oneOf."""
    node = _resolve(schema, node)
    out = [node]
    for key in ("anyOf", "oneOf"):
        for branch in node.get(key, ()):
            out.extend(_alternatives(schema, branch))
    return out


def walk_properties(schema: dict, node: dict | None = None, path: str = "") -> Iterator[tuple[str, dict]]:
    """Every property as (dotted path, its schema); array items add ``[]``; ``$ref`` is followed."""
    node = schema if node is None else node
    for alt in _alternatives(schema, node):
        for name, sub in alt.get("properties", {}).items():
            child = f"{path}.{name}" if path else name
            yield child, sub
            for inner in _alternatives(schema, sub):
                if "items" in inner:
                    yield from walk_properties(schema, inner["items"], child + "[]")
                elif "properties" in inner:
                    yield from walk_properties(schema, inner, child)


def schema_paths(schema: dict) -> set[str]:
    return {p for p, _ in walk_properties(schema)}


def walk_objects(schema: dict, node: Any, where: str = "#") -> Iterator[tuple[str, dict]]:
    """Every subschema that declares ``properties`` (anywhere, including $defs and conditions)."""
    if isinstance(node, dict):
        if "properties" in node and node.get("type") == "object":
            yield where, node
        for key, value in node.items():
            yield from walk_objects(schema, value, f"{where}/{key}")
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from walk_objects(schema, value, f"{where}/{i}")


_TABLE_ROW = re.compile(r"^\|(.*)\|\s*$")


def doc_table_paths(text: str) -> list[str]:
    """First-column backticked paths of every ``| field | type | meaning |`` table."""
    paths: list[str] = []
    in_field_table = False
    for line in text.splitlines():
        m = _TABLE_ROW.match(line.strip())
        if not m:
            in_field_table = False
            continue
        cells = [c.strip() for c in m.group(1).split("|")]
        if [c.lower() for c in cells[:3]] == ["field", "type", "meaning"]:
            in_field_table = True
            continue
        if not in_field_table or set(cells[0]) <= set("-: "):
            continue
        found = re.findall(r"`([^`]+)`", cells[0])
        assert found, f"a field table row without a backticked path: {line!r}"
        paths.extend(found)
    return paths


def doc_code_list(text: str, marker: str) -> list[str]:
    """Codes in the first column of the table between ``<!-- marker ... -->`` and ``<!-- end of marker -->``."""
    m = re.search(rf"<!--\s*{re.escape(marker)}\b.*?-->(.*?)<!--\s*end of {re.escape(marker)}\s*-->", text, re.S)
    assert m, f"the doc has no list marked {marker}"
    codes = []
    for line in m.group(1).splitlines():
        row = _TABLE_ROW.match(line.strip())
        if row:
            first = row.group(1).split("|")[0]
            codes += re.findall(r"`([^`]+)`", first)
    return codes


def _enum_at(schema: dict, path: str) -> list:
    for p, sub in walk_properties(schema):
        if p == path:
            return [v for alt in _alternatives(schema, sub) for v in alt.get("enum", ())]
    raise KeyError(path)


# --------------------------------------------------------------------------
# A hand-built report
# --------------------------------------------------------------------------

SHA_A = "a" * 64
SHA_B = "0123456789abcdef" * 4
DOC_A = "d-" + SHA_A[:16]
DOC_B = "d-" + SHA_B[:16]
CLUSTER = "c-0123456789ab"


def _evidence(rule: str, source: str, value: str, precision: str | None = None) -> dict:
    return {"rule": rule, "source": source, "location": "metadata.csv:2", "text": value, "value": value,
            "precision": precision, "confidence": "high"}


def _text_evidence(rule: str, text: str, value: str, start: int, registry: list | None = None) -> dict:
    out = {"rule": rule, "source": "text", "location": f"chars {start}-{start + len(text)}", "text": text,
           "value": value, "precision": None, "confidence": "high"}
    if registry:
        out["registry"] = copy.deepcopy(registry)  # each report its own: tests change them
    return out


# Example Wire as a user outlet file describes it, and its alias in a dateline
EXAMPLE_WIRE = [{"file": "./outlets.toml", "outlet": "Example Wire", "by": "alias", "match": "EW"}]


def _citation(rule: str, role: str, text: str, start: int | None, *, outlets: tuple = (), relation=None,
              date=None, date_note=None, url=None, location: str | None = None) -> dict:
    return {"rule": rule, "role": role, "relation": relation, "outlets": list(outlets), "date": date,
            "date_note": date_note, "url": url, "start": start, "end": None if start is None else start + len(text),
            "location": location or f"chars {start}-{start + len(text)}", "text": text, "confidence": "high"}


def _parameters() -> dict:
    text = resources.files("provenance").joinpath("data/defaults.toml").read_text(encoding="utf-8")
    return tomllib.loads(text)


def minimal_report() -> dict:
    """One document with one passage, citations and a segment, one cluster with one credited chain link,
    one rejection, one sidecar issue."""
    origin_ref = {"document": DOC_A, "outlet": "Example Wire", "date": "2020-01-02T10:00+00:00",
                  "in_corpus": True, "status": "determined"}
    source_ref = {"document": DOC_A, "outlet": "Example Wire", "date": "2020-01-02T10:00+00:00"}
    return {
        "schema_version": "1.4",
        "tool": {"name": "provenance", "version": "0.1.0"},
        "run": {
            "corpus": "corpus",
            "started": "2024-01-01T00:00:00Z",
            "finished": "2024-01-01T00:00:01Z",
            "parameters": _parameters(),
            "rules": {"version": "2026.11.1", "files": ["rules.toml", "/home/me/more-rules.toml"], "count": 28,
                      "sha256": "e" * 64},
            "outlets": {"files": ["outlets.toml", "./outlets.toml"], "count": 40, "sha256": "f" * 64},
            "options": {"strict": False, "param": []},
            "libraries": {"python": "3.11.9", "datasketch": "1.6.5"},
            "inputs": {
                "files_seen": 3,
                "documents": 1,
                "archive_documents": 0,
                "files_with_documents": 1,
                "rejected_files": 1,
                "rejected_records": 0,
                "encodings": {"utf-8": 1},
                "skipped_records": {},
                "digest": "f" * 64,
            },
            "stats": {"windows": 4, "candidate_pairs": 1, "quotation_spans": 0},
        },
        "summary": {
            "documents": 1,
            "rejections": 1,
            "rejections_by_code": {"binary": 1},
            "sidecar_issues": 1,
            "clusters": 1,
            "undetermined_origins": 0,
            "derivation": {"wholly_derived": 0, "partially_derived": 1, "non_derived": 0},
        },
        "documents": [{
            "id": DOC_B,
            "path": "news/story.html",
            "collection": None,
            "captured": None,
            "record": None,
            "sha256": SHA_B,
            "format": "html",
            "encoding": "utf-8",
            "title": "A story",
            "url": "https://news.example.org/2020/01/03/story",
            "characters": 500,
            "outlet": {"name": "Example News", "kind": "newspaper",
                       "evidence": [_evidence("sidecar.outlet", "sidecar", "Example News")]},
            "published": {"date": "2020-01-03", "precision": "day",
                          "evidence": [_evidence("url.path-date", "url", "2020-01-03", "day")]},
            "conflicts": [],
            "reposter": True,
            "citations": [
                _citation("meta.canonical", "pointer", "https://wire.example.org/a", None, relation="republication",
                          outlets=("Example Wire",), url="https://wire.example.org/a",
                          location="html:link[rel=canonical]"),
                _citation("text.dateline.wire", "dateline", "MOSCOW, Jan 2 (EW) -", 10,
                          outlets=("Example Wire",), relation="copy", date="2020-01-02",
                          date_note="yearless date 'Jan 2' resolved against the anchor 2020-01-03"),
                _citation("text.fair-use", "reposter", "fair use", 480),
            ],
            "segments": [{
                "start": 0, "end": 470, "title": "A story", "outlet": "Example Wire", "date": "2020-01-02",
                "evidence": [_text_evidence("text.dateline.wire", "MOSCOW, Jan 2 (EW) -", "Example Wire", 10,
                                            EXAMPLE_WIRE)],
                "credits": [_text_evidence("text.credit.contributed", "Example Wire contributed to this report",
                                           "Example Wire", 420)],
            }],
            "reused_fraction": 0.4,
            "shared_fraction": 0.4,
            "derivation": "partially_derived",
            "passages": [{
                "start": 10, "end": 210, "cluster": CLUSTER, "similarity": 0.9,
                "relation": "near_duplicate", "match": "alignment", "role": "copy", "origin": dict(origin_ref),
                "source": dict(source_ref),
            }],
        }],
        "clusters": [{
            "id": CLUSTER,
            "size": 2,
            "members": [
                {"document": DOC_A, "path": "wire/a.txt", "record": None, "start": 0, "end": 195, "similarity": 0.9,
                 "verbatim": False},
                {"document": DOC_B, "path": "news/story.html", "record": None, "start": 10, "end": 210,
                 "similarity": 0.9, "verbatim": False},
            ],
            "origin": {
                **origin_ref,
                "member": 0,
                "rule": "earliest-date",
                "confidence": "high",
                "reason": "earliest publication date (2020-01-02T10:00+00:00) among 2 documents sharing this text",
                "evidence": [{**_evidence("meta.published", "json-ld", "2020-01-02T10:00+00:00", "minute"),
                              "document": DOC_A}],
                "conflicts": [],
            },
            "chain": [{
                "member": 1, "credited": "credited", "credit_reason": "names Example Wire",
                "credit_evidence": [_text_evidence("text.dateline.wire", "MOSCOW, Jan 2 (EW) -",
                                                   "Example Wire", 10, EXAMPLE_WIRE)],
                "document": DOC_B, "path": "news/story.html", "record": None, "start": 10, "end": 210,
                "date": "2020-01-03", "lag_days": 1.0, "relation": "near_duplicate", "similarity": 0.9, "match": "alignment",
                "source_member": 0, "source": dict(source_ref),
            }],
        }],
        "rejections": [{"path": "img/photo.txt", "record": None, "code": "binary",
                        "reason": "file contains NUL bytes: binary data, not text"}],
        "sidecar": {
            "path": "metadata.csv",
            "rows": 1,
            "issues": [{"line": 3, "path": "missing.txt", "code": "sidecar-unknown-path",
                        "reason": "no file missing.txt in the corpus"}],
        },
    }


def external_origin_report(rule: str = "cited-origin") -> dict:
    """The minimal report's document as the only member of a cluster whose origin is an outlet outside the
    corpus: a determined origin without a document, and a `cited` chain link without a similarity."""
    report = minimal_report()
    external = {"document": None, "outlet": "The Guardian", "date": "2020-01-01", "in_corpus": False,
                "status": "determined"}
    evidence = [_text_evidence("text.outlet-line", "The Guardian", "The Guardian", 0)]
    report["documents"][0]["passages"][0].update(similarity=None, relation="cited", role="copy",
                                                 origin=dict(external), source=None)
    report["clusters"][0].update(
        size=1,
        members=[{"document": DOC_B, "path": "news/story.html", "record": None, "start": 10, "end": 210,
                  "similarity": 0.0, "verbatim": False}],
        origin={**external, "member": None, "rule": rule, "confidence": "high",
                "reason": "a block of this page cites The Guardian (2020-01-01) as its source; the original is "
                          "not in the corpus",
                "evidence": [{**e, "document": DOC_B} for e in evidence], "conflicts": []},
        chain=[{"member": 0, "credited": "credited", "credit_reason": "names The Guardian",
                "credit_evidence": evidence, "document": DOC_B, "path": "news/story.html", "record": None,
                "start": 10, "end": 210, "date": "2020-01-03", "lag_days": 2.0, "relation": "cited", "match": None,
                "similarity": None, "source_member": None, "source": None}],
    )
    return report


def _errors(validator: Draft202012Validator, report: dict) -> list[str]:
    return [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in validator.iter_errors(report)]


def _objects_in(value: Any, where: tuple = ()) -> Iterator[tuple[tuple, dict]]:
    if isinstance(value, dict):
        yield where, value
        for k, v in value.items():
            yield from _objects_in(v, where + (k,))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            yield from _objects_in(v, where + (i,))


def _get(report: dict, where: tuple) -> Any:
    node: Any = report
    for k in where:
        node = node[k]
    return node


# The one optional field (docs/report-format.md, Schema): an evidence object's outlet registry
# entries, present only when the registry named an outlet of its value.
OPTIONAL = {"registry"}

# Objects whose keys are data (free-form maps), not fields.
FREE_MAPS = {("run", "options"), ("run", "libraries"), ("run", "stats"), ("run", "inputs", "encodings"),
             ("run", "inputs", "skipped_records"),
             ("summary", "rejections_by_code")}


# --------------------------------------------------------------------------
# (a) the schema is a valid draft 2020-12 schema, built as documented
# --------------------------------------------------------------------------


def test_schema_is_valid_draft_2020_12(schema):
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    Draft202012Validator.check_schema(schema)


def test_every_object_is_closed_and_every_field_required(schema):
    optional_in = set()
    for where, node in walk_objects(schema, schema):
        if "/if" in where or "/then" in where or "/else" in where:
            continue  # conditions constrain fields already declared
        assert node.get("additionalProperties") is False, f"{where}: additionalProperties must be false"
        optional = OPTIONAL & set(node["properties"])
        if optional:
            optional_in.add(where)
        assert sorted(node.get("required", [])) == sorted(set(node["properties"]) - optional), \
            f"{where}: every field but {sorted(OPTIONAL)} is required"
    # only evidence objects have the optional field; date evidence names no outlet, so not it
    assert optional_in == {"#/$defs/evidence", "#/$defs/origin_evidence"}


def test_every_property_has_a_description(schema):
    missing = [p for p, sub in walk_properties(schema) if not str(sub.get("description", "")).strip()]
    assert not missing, f"properties without a description: {missing}"


def test_parameters_match_defaults_toml(schema):
    defaults = _parameters()
    params = _resolve(schema, schema["properties"]["run"])["properties"]["parameters"]
    assert sorted(params["properties"]) == sorted(defaults)
    for section, keys in defaults.items():
        assert sorted(params["properties"][section]["properties"]) == sorted(keys), section


# --------------------------------------------------------------------------
# (b) the schema and docs/report-format.md name the same fields
# --------------------------------------------------------------------------


def test_every_schema_path_is_documented(schema, doc_text):
    backticked = set(re.findall(r"`([^`]+)`", doc_text))
    in_tables = set(doc_table_paths(doc_text))
    paths = schema_paths(schema)
    assert len(paths) > 100  # the walk reached every part of the report
    assert not sorted(paths - backticked), "schema fields missing from docs/report-format.md"
    assert not sorted(paths - in_tables), "schema fields missing from the doc's field tables"


def test_every_documented_path_is_in_the_schema(schema, doc_text):
    documented = doc_table_paths(doc_text)
    assert documented, "the doc has no | field | type | meaning | tables"
    unknown = sorted(set(documented) - schema_paths(schema))
    assert not unknown, f"the doc's tables name fields the schema does not have: {unknown}"


def test_code_lists_in_doc_match_schema(schema, doc_text):
    assert doc_code_list(doc_text, "rejection-codes") == _enum_at(schema, "rejections[].code")
    assert doc_code_list(doc_text, "sidecar-issue-codes") == _enum_at(schema, "sidecar.issues[].code")
    summary_keys = _resolve(schema, schema["properties"]["summary"])["properties"]["rejections_by_code"]
    assert summary_keys["propertyNames"]["enum"] == _enum_at(schema, "rejections[].code")


def test_doc_example_is_valid(validator, doc_text):
    blocks = re.findall(r"```json\n(.*?)```", doc_text, re.S)
    assert blocks, "the doc has no JSON example"
    for block in blocks:
        fragment = json.loads(block)
        report = minimal_report()
        for key, value in fragment.items():
            report[key] = value
        assert _errors(validator, report) == []


# --------------------------------------------------------------------------
# (c) a hand-built report validates; a broken one does not
# --------------------------------------------------------------------------


def test_minimal_report_is_valid(validator):
    assert _errors(validator, minimal_report()) == []


def test_undetermined_origin_is_valid(validator):
    report = minimal_report()
    undetermined = {"document": None, "outlet": None, "date": None, "in_corpus": None, "status": "undetermined"}
    report["documents"][0]["passages"][0].update(role="member", origin=dict(undetermined), source=None)
    report["clusters"][0]["origin"].update(undetermined, member=None, rule="undetermined", confidence="low",
                                           reason="no publication date for wire/a.txt", evidence=[])
    report["clusters"][0]["chain"] = []
    assert _errors(validator, report) == []


def test_every_field_of_every_object_is_required(validator):
    base = minimal_report()
    checked = 0
    for where, obj in _objects_in(base):
        if where in FREE_MAPS:
            continue
        for key in list(obj):
            report = copy.deepcopy(base)
            del _get(report, where)[key]
            if key in OPTIONAL:
                assert _errors(validator, report) == [], f"{'/'.join(map(str, where + (key,)))} is optional"
                continue
            assert _errors(validator, report), f"removing {'/'.join(map(str, where + (key,)))} went unnoticed"
            checked += 1
    assert checked > 100


def test_unknown_fields_are_rejected_everywhere(validator):
    base = minimal_report()
    for where, _obj in _objects_in(base):
        if where in FREE_MAPS:
            continue
        report = copy.deepcopy(base)
        _get(report, where)["unexpected"] = 1
        assert _errors(validator, report), f"an unknown field in /{'/'.join(map(str, where))} went unnoticed"


@pytest.mark.parametrize("where, value", [
    (("documents", 0, "id"), "d-XYZ"),
    (("documents", 0, "sha256"), "A" * 64),
    (("documents", 0, "passages", 0, "cluster"), "c-123"),
    (("documents", 0, "passages", 0, "start"), -1),
    (("documents", 0, "passages", 0, "similarity"), 1.5),
    (("documents", 0, "reused_fraction"), -0.1),
    (("documents", 0, "derivation"), "derived"),
    (("documents", 0, "published", "date"), "2020-13-01"),
    (("documents", 0, "published", "date"), "03/01/2020"),
    (("documents", 0, "published", "precision"), "hour"),
    (("documents", 0, "outlet", "evidence", 0, "rule"), "Meta Guess"),
    (("documents", 0, "outlet", "evidence", 0, "rule"), "x"),
    (("clusters", 0, "origin", "evidence", 0, "rule"), "-text.dateline"),
    (("clusters", 0, "chain", 0, "credited"), "yes"),
    (("clusters", 0, "chain", 0, "credit_reason"), None),
    (("clusters", 0, "chain", 0, "credit_evidence", 0, "source"), "mtime"),
    (("clusters", 0, "chain", 0, "similarity"), None),
    (("documents", 0, "passages", 0, "similarity"), None),
    (("documents", 0, "reposter"), "yes"),
    (("documents", 0, "citations", 0, "role"), "publisher"),
    (("documents", 0, "citations", 0, "relation"), "inspiration"),
    (("documents", 0, "citations", 0, "outlets"), "Example Wire"),
    (("documents", 0, "citations", 0, "confidence"), "certain"),
    (("documents", 0, "citations", 1, "date"), "Jan 2"),
    (("documents", 0, "citations", 1, "start"), -1),
    (("documents", 0, "citations", 1, "end"), None),
    (("documents", 0, "citations", 0, "end"), 5),
    (("documents", 0, "segments", 0, "end"), None),
    (("documents", 0, "segments", 0, "date"), "20 January 2020"),
    (("documents", 0, "segments", 0, "credits", 0, "rule"), "Text Credit"),
    (("run", "rules", "sha256"), "not-a-digest"),
    (("run", "rules", "count"), -1),
    (("run", "rules", "files"), "rules.toml"),
    (("documents", 0, "outlet", "evidence", 0, "source"), "mtime"),
    (("clusters", 0, "chain", 0, "relation"), "similar"),
    (("clusters", 0, "chain", 0, "member"), -1),
    (("clusters", 0, "chain", 0, "source_member"), "0"),
    (("clusters", 0, "chain", 0, "source", "document"), "wire/a.txt"),
    (("clusters", 0, "chain", 0, "source", "date"), "yesterday"),
    (("clusters", 0, "members", 0, "record"), 3),
    (("documents", 0, "passages", 0, "source", "outlet"), 1),
    (("run", "parameters", "quotation", "min_share"), 1.5),
    (("run", "parameters", "quotation", "max_tokens"), 0),
    (("summary", "sidecar_issues"), -1),
    (("clusters", 0, "origin", "rule"), "first-seen"),
    (("rejections", 0, "code"), "weird"),
    (("sidecar", "issues", 0, "code"), "sidecar-weird"),
    (("run", "parameters", "derivation", "wholly"), 2),
    (("run", "stats", "windows"), "4"),
    (("run", "libraries", "python"), 3.11),
    (("run", "started"), "yesterday"),
])
def test_bad_values_are_rejected(validator, where, value):
    report = minimal_report()
    _get(report, where[:-1])[where[-1]] = value
    assert _errors(validator, report)


@pytest.mark.parametrize("date", ["2016", "2016-10", "2016-10-20", "2016-10-20T14:30", "2016-10-20T14:30:05",
                                  "2016-10-20T14:30+01:00", "2016-10-20T14:30:05-05:00"])
def test_dates_at_every_precision_are_accepted(validator, date):
    report = minimal_report()
    report["documents"][0]["published"]["date"] = date
    report["clusters"][0]["chain"][0]["date"] = date
    assert _errors(validator, report) == []


@pytest.mark.parametrize("where, value", [
    (("documents", 0, "segments", 0, "evidence", 0, "registry"), []),
    (("documents", 0, "segments", 0, "evidence", 0, "registry"), EXAMPLE_WIRE[0]),
    (("documents", 0, "segments", 0, "evidence", 0, "registry", 0, "by"), "guess"),
    (("documents", 0, "segments", 0, "evidence", 0, "registry", 0, "file"), ""),
    (("documents", 0, "segments", 0, "evidence", 0, "registry", 0, "outlet"), None),
    (("clusters", 0, "chain", 0, "credit_evidence", 0, "registry", 0, "match"), 3),
    # date evidence names no outlet: it has no registry
    (("documents", 0, "published", "evidence", 0, "registry"), EXAMPLE_WIRE),
])
def test_bad_registry_entries_are_rejected(validator, where, value):
    report = minimal_report()
    _get(report, where[:-1])[where[-1]] = value
    assert _errors(validator, report)


def test_registry_entries_are_optional_on_outlet_and_origin_evidence(validator):
    report = minimal_report()
    domain = [{"file": "outlets.toml", "outlet": "Example News", "by": "domain", "match": "example.org"},
              {"file": "/home/me/more.toml", "outlet": "Example Wire", "by": "name", "match": "Example Wire"}]
    report["documents"][0]["outlet"]["evidence"][0]["registry"] = domain
    report["clusters"][0]["origin"]["evidence"][0]["registry"] = domain[:1]
    assert _errors(validator, report) == []
    del report["documents"][0]["segments"][0]["evidence"][0]["registry"]
    assert _errors(validator, report) == []
    report["clusters"][0]["origin"]["evidence"][0]["registry"][0]["entry"] = "example.org"
    assert _errors(validator, report)


def test_copy_without_direct_source_is_valid(validator):
    report = minimal_report()
    report["documents"][0]["passages"][0]["source"] = None
    report["clusters"][0]["chain"][0].update(source_member=None, source=None)
    assert _errors(validator, report) == []


def test_chain_source_and_source_member_go_together(validator):
    report = minimal_report()
    report["clusters"][0]["chain"][0]["source"] = None
    assert _errors(validator, report)  # source_member names a source
    report = minimal_report()
    report["clusters"][0]["chain"][0]["source_member"] = None
    assert _errors(validator, report)  # a source without its member


@pytest.mark.parametrize("role", ["origin", "member"])
def test_only_copies_have_a_source(validator, role):
    report = minimal_report()
    report["documents"][0]["passages"][0]["role"] = role
    assert _errors(validator, report)
    report["documents"][0]["passages"][0]["source"] = None
    assert _errors(validator, report) == []


def test_run_inputs_has_no_sidecar(validator):
    report = minimal_report()
    report["run"]["inputs"]["sidecar"] = "metadata.csv"  # removed: the path is in sidecar.path
    assert _errors(validator, report)


@pytest.mark.parametrize("rule", ["rule.custom", "my_rules.byline-2", "x1"])
def test_user_rule_ids_are_accepted(validator, rule):
    report = minimal_report()
    report["documents"][0]["outlet"]["evidence"][0]["rule"] = rule
    report["documents"][0]["citations"][0]["rule"] = rule
    report["clusters"][0]["chain"][0]["credit_evidence"][0]["rule"] = rule
    assert _errors(validator, report) == []


def test_run_rules_without_a_rule_set_is_valid(validator):
    report = minimal_report()
    report["run"]["rules"] = {"version": None, "files": [], "count": 0, "sha256": None}
    assert _errors(validator, report) == []


@pytest.mark.parametrize("rule", ["explicit-pointer", "wire-dateline", "cited-origin"])
def test_external_origin_with_cited_link_is_valid(validator, rule):
    assert _errors(validator, external_origin_report(rule)) == []


@pytest.mark.parametrize("rule", ["earliest-date", "earliest-date-wire-tiebreak", "earliest-date-revision-tiebreak"])
def test_date_rules_decide_only_origins_in_the_corpus(validator, rule):
    assert _errors(validator, external_origin_report(rule))
    report = minimal_report()
    report["clusters"][0]["origin"]["rule"] = rule
    assert _errors(validator, report) == []


def test_cited_origin_is_outside_the_corpus(validator):
    report = minimal_report()
    report["clusters"][0]["origin"]["rule"] = "cited-origin"
    assert _errors(validator, report)


@pytest.mark.parametrize("where, value", [
    (("clusters", 0, "origin", "document"), DOC_A),  # outside the corpus, yet a document
    (("clusters", 0, "origin", "member"), 0),  # outside the corpus, yet a member
    (("clusters", 0, "origin", "in_corpus"), None),  # determined origins say where they are
    (("clusters", 0, "origin", "in_corpus"), True),  # in the corpus without a document
    (("documents", 0, "passages", 0, "origin", "document"), DOC_A),
    (("documents", 0, "passages", 0, "origin", "in_corpus"), None),
    (("documents", 0, "passages", 0, "origin", "in_corpus"), True),
    (("clusters", 0, "chain", 0, "similarity"), 0.9),  # cited: nothing to measure against
    (("clusters", 0, "chain", 0, "source_member"), 0),  # cited: no source in the corpus
    (("documents", 0, "passages", 0, "similarity"), 0.9),
    (("documents", 0, "passages", 0, "role"), "member"),  # only a copy is cited
    (("clusters", 0, "origin", "rule"), "first-seen"),
])
def test_external_origin_constraints(validator, where, value):
    report = external_origin_report()
    _get(report, where[:-1])[where[-1]] = value
    assert _errors(validator, report)


def test_in_corpus_origin_needs_its_member(validator):
    report = minimal_report()
    report["clusters"][0]["origin"]["member"] = None
    assert _errors(validator, report)


def test_only_credited_copies_have_credit_evidence(validator):
    for status in ("uncredited", "unknown"):
        report = minimal_report()
        report["clusters"][0]["chain"][0].update(credited=status, credit_reason="no credit")
        assert _errors(validator, report), status
        report["clusters"][0]["chain"][0]["credit_evidence"] = []
        assert _errors(validator, report) == [], status
    report = minimal_report()
    report["clusters"][0]["chain"][0]["credit_evidence"] = []  # published by the owed outlet itself
    assert _errors(validator, report) == []


def test_undetermined_status_requires_null_origin(validator):
    report = minimal_report()
    report["documents"][0]["passages"][0]["origin"]["status"] = "undetermined"
    assert _errors(validator, report)  # document and in_corpus are still set


# --------------------------------------------------------------------------
# (d) what report.build_report actually writes validates too
# --------------------------------------------------------------------------


def test_build_report_output_is_valid(validator):
    from provenance.model import (Attribution, AuditResult, Cluster, DateValue, Document, DocumentResult,
                                  Evidence, Inventory, Link, Member, Origin, Rejection, Sidecar, SidecarIssue,
                                  SidecarRow)
    from provenance.cues import Cue
    from provenance.outlets import Match
    from provenance.params import default_params
    from provenance.report import build_report
    from provenance.rules import load_rules
    from provenance.segments import Segment

    wire = Document(path="wire/a.txt", record=None, sha256=SHA_A, text="x" * 300, format="text", encoding="utf-8")
    news = Document(path="news/b.jsonl", record="line 1", sha256=SHA_B, text="y" * 400, format="jsonl",
                    encoding="utf-8", title="B", url="https://news.example.org/b")
    wire_date = DateValue("2020-01-02T10:00+00:00", "minute", tz=True)
    news_date = DateValue("2020-01-03", "day")
    date_ev = Evidence("sidecar.date", "sidecar", "metadata.csv:2", "2020-01-02 10:00Z", wire_date.iso, "minute", "high")
    outlet_ev = Evidence("sidecar.outlet", "sidecar", "metadata.csv:2", "Example Wire", "Example Wire", None, "high")
    atts = (
        Attribution("Example Wire", "wire", (outlet_ev,), wire_date, (date_ev,)),
        Attribution(None, None, (), news_date, (Evidence("url.path-date", "url", "url", "/2020/01/03",
                                                         news_date.iso, "day", "medium"),),
                    conflicts=("date: a says '2020-01-03' but b says '2020-01-04'",)),
    )
    origin = Origin(member=0, outlet="Example Wire", date=wire_date, in_corpus=True, rule="earliest-date",
                    confidence="high", reason="earliest", evidence=(date_ev, outlet_ev))
    determined = Cluster(id=CLUSTER,
                         members=(Member(0, 0, 200, 1.0, True), Member(0, 205, 240, 0.9, False),
                                  Member(1, 50, 250, 1.0, True)),
                         origin=origin, chain=(Link(2, news_date, 1.0, "verbatim", 1.0, source=0, credited="uncredited",
                                                    credit_reason="no credit naming Example Wire"),))
    undetermined = Cluster(id="c-ba9876543210", members=(Member(0, 250, 290, 0.7, False), Member(1, 300, 380, 0.7, False)),
                           origin=Origin(None, None, None, False, "undetermined", "low", "tie"))
    # The news page is a compilation: one block cites The Guardian, which is not in the corpus.
    outlet_line = Cue("text.outlet-line", "byline", "text", "chars 300-312", "The Guardian", ("The Guardian",),
                      start=300, end=312, confidence="medium",
                      registry=(Match("The Guardian", "outlets.toml", "name", "The Guardian"),))
    dateline = Cue("text.dateline.dated", "dateline", "text", "chars 313-345", "LONDON (January 1, 2020) —",
                   date=DateValue("2020-01-01", "day"), start=313, end=345, confidence="high")
    yearless = Cue("text.dateline.wire", "dateline", "text", "chars 20-44", "MOSCOW, Jan 2 (Reuters) -", ("Reuters",),
                   date_note="yearless date 'Jan 2' left unresolved: no anchor date for this document",
                   start=20, end=44, relation="copy", confidence="high")
    credit = Cue("text.credit.contributed", "credit", "text", "chars 350-390", "Reuters contributed to this report",
                 ("Reuters",), start=350, end=390, relation="contribution", confidence="high")
    canonical = Cue("meta.canonical", "pointer", "html-meta", "html:link[rel=canonical]", "https://news.example.org/b",
                    url="https://news.example.org/b", relation="republication", confidence="high")
    notice = Cue("text.fair-use", "reposter", "text", "chars 395-403", "fair use", start=395, end=403, confidence="high")
    own = Cue("url.domain", "publisher", "url", "url", "news.example.org", ("Example News",))
    segment = Segment(300, 394, "A Guardian story", "The Guardian", dateline.date, (outlet_line, dateline), (credit,))
    external = Cluster(id="c-0a0a0a0a0a0a", members=(Member(1, 300, 394, 0.0, False),),
                       origin=Origin(None, "The Guardian", dateline.date, False, "cited-origin", "high",
                                     "a block cites The Guardian", evidence=(outlet_line.evidence(), dateline.evidence())),
                       chain=(Link(0, news_date, 2.0, "cited", None, credited="credited",
                                   credit_evidence=(outlet_line.evidence(),), credit_reason="names The Guardian"),))
    inventory = Inventory(
        documents=(wire, news),
        rejections=(Rejection("x.bin", "unsupported-format", "not an article"),
                    Rejection("news/b.jsonl", "invalid-json", "not valid JSON", "line 2")),
        sidecar=Sidecar("metadata.csv", rows=(SidecarRow("wire/a.txt", "Example Wire", "2020-01-02 10:00Z", line=2),),
                        issues=(SidecarIssue(3, "sidecar-unknown-path", "no file c.txt", "c.txt"),)),
        files_seen=4,
        encodings=(("utf-8", 2),),
    )
    result = AuditResult(inventory, atts, (determined, undetermined, external),
                         (DocumentResult(0, 0.0, 0.9, "non_derived"), DocumentResult(1, 0.7, 0.9, "partially_derived")),
                         {"windows": 10, "candidate_pairs": 1, "seconds": {"inventory": 0.1}},
                         cues=((), (own, canonical, yearless, outlet_line, dateline, credit, notice)),
                         segments=((), (segment,)))
    report = build_report(result, default_params(), corpus="corpus", started="2024-01-01T00:00:00Z",
                          finished="2024-01-01T00:00:02Z", options={"strict": True})
    assert _errors(validator, report) == []
    assert _errors(validator, json.loads(json.dumps(report))) == []

    wire_passages, news_passages = (d["passages"] for d in report["documents"])
    assert [(p["role"], p["source"]) for p in wire_passages] == [("origin", None), ("member", None), ("member", None)]
    copy_passage = news_passages[0]
    assert copy_passage["role"] == "copy"
    assert copy_passage["source"] == {"document": DOC_A, "outlet": "Example Wire", "date": wire_date.iso}
    (link,) = report["clusters"][0]["chain"]
    assert (link["member"], link["path"], link["record"], link["source_member"]) == (2, "news/b.jsonl", "line 1", 0)
    assert link["source"] == copy_passage["source"]
    assert report["clusters"][0]["members"][2]["record"] == "line 1"
    assert report["summary"]["sidecar_issues"] == 1
    assert "sidecar" not in report["run"]["inputs"]
    assert set(report["run"]["parameters"]["quotation"]) == {"max_tokens", "min_share"}

    # The cues, segments and the external origin.
    assert report["run"]["rules"] == {"version": None, "files": [], "count": 0, "sha256": None}
    wire_doc, news_doc = report["documents"]
    assert (wire_doc["reposter"], wire_doc["citations"], wire_doc["segments"]) == (False, [], [])
    assert news_doc["reposter"] is True
    # cues naming another outlet, and the reposting notice; not the publisher cue, and not
    # cues that name no outlet (a canonical link without a known outlet, a bare dated dateline)
    assert [c["rule"] for c in news_doc["citations"]] == [r for r in (
        "meta.canonical", "text.dateline.wire", "text.outlet-line", "text.dateline.dated",
        "text.credit.contributed", "text.fair-use") if r in {c["rule"] for c in news_doc["citations"]}]
    assert {"text.dateline.wire", "text.fair-use"} <= {c["rule"] for c in news_doc["citations"]}
    assert all(c["outlets"] or c["role"] in ("reposter", "revision") for c in news_doc["citations"])
    by_rule = {c["rule"]: c for c in news_doc["citations"]}
    assert by_rule["text.dateline.wire"]["date"] is None and "unresolved" in by_rule["text.dateline.wire"]["date_note"]
    (seg,) = news_doc["segments"]
    assert (seg["outlet"], seg["date"], [e["rule"] for e in seg["credits"]]) == (
        "The Guardian", "2020-01-01", ["text.credit.contributed"])
    cited = next(c for c in report["clusters"] if c["origin"]["rule"] == "cited-origin")
    assert (cited["origin"]["document"], cited["origin"]["member"], cited["origin"]["in_corpus"]) == (None, None, False)
    assert (cited["chain"][0]["relation"], cited["chain"][0]["similarity"], cited["chain"][0]["credited"]) == (
        "cited", None, "credited")
    # the outlet line named The Guardian through the registry; the sidecar and the dateline did not
    assert cited["origin"]["evidence"][0]["registry"] == [
        {"file": "outlets.toml", "outlet": "The Guardian", "by": "name", "match": "The Guardian"}]
    assert list(cited["origin"]["evidence"][0])[-2:] == ["document", "registry"]
    assert "registry" not in cited["origin"]["evidence"][1]
    assert cited["chain"][0]["credit_evidence"][0]["registry"] == cited["origin"]["evidence"][0]["registry"]
    assert "registry" not in wire_doc["outlet"]["evidence"][0]
    cited_passage = next(p for p in news_doc["passages"] if p["cluster"] == cited["id"])
    assert (cited_passage["role"], cited_passage["relation"], cited_passage["similarity"]) == ("copy", "cited", None)
    assert report["clusters"][0]["chain"][0]["credited"] == "uncredited"

    # With the rule set recorded.
    rules = load_rules()
    with_rules = build_report(AuditResult(inventory, atts, result.clusters, result.results, {}, result.cues,
                                          result.segments, rules),
                              default_params(), corpus="corpus", started="2024-01-01T00:00:00Z",
                              finished="2024-01-01T00:00:02Z")
    assert _errors(validator, with_rules) == []
    recorded = with_rules["run"]["rules"]
    assert recorded["files"][0] == "rules.toml" and recorded["count"] == len(rules.rules)
    assert re.fullmatch(r"[0-9a-f]{64}", recorded["sha256"]) and recorded["version"] == rules.version
