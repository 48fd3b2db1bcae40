"""Golden corpora: each folder under fixtures/golden holds corpus/ and expected.json.

Adding a case means adding a folder; the expectations are verified results
(clusters by member paths, origins, chain relations, derivations), never
MinHash estimates.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from provenance.pipeline import AuditOptions, audit
from provenance.report import build_report
from provenance.tokens import CLOSING_MARKS, OPENING_MARKS, word_bounds

GOLDEN = Path(__file__).resolve().parent.parent / "fixtures" / "golden"
CASES = sorted(p.name for p in GOLDEN.iterdir() if (p / "expected.json").is_file())


def run(case: str) -> dict:
    result = audit(GOLDEN / case / "corpus", AuditOptions())
    from provenance.params import default_params

    return build_report(result, default_params(), corpus=case, started="s", finished="f")


@pytest.fixture(scope="module", params=CASES)
def case(request):
    expected = json.loads((GOLDEN / request.param / "expected.json").read_text(encoding="utf-8"))
    return request.param, expected, run(request.param)


def test_counts(case):
    _name, expected, report = case
    assert report["summary"]["documents"] == expected["documents"]
    assert report["summary"]["rejections"] == expected["rejections"]


def test_clusters_origins_and_chains(case):
    _name, expected, report = case
    docs = {d["id"]: d["path"] for d in report["documents"]}
    got = []
    for c in report["clusters"]:
        o = c["origin"]
        entry = {
            "members": sorted({m["path"] for m in c["members"]}),
            "origin": docs.get(o["document"]) if o["document"] else None,
            "origin_rule": o["rule"],
            "chain": {l["path"]: l["relation"] for l in c["chain"]},
            "origin_outlet": o["outlet"],
            "origin_date": o["date"],
            "in_corpus": o["in_corpus"],
            "credited": {l["path"]: l["credited"] for l in c["chain"]},
            "conflicts": bool(o["conflicts"]),
        }
        got.append(entry)
    want = sorted(expected["clusters"], key=lambda c: (c["members"], c.get("origin_outlet") or ""))
    got.sort(key=lambda c: (c["members"], c["origin_outlet"] or ""))
    assert len(got) == len(want), [g["members"] for g in got]
    for g, w in zip(got, want):
        # every key the expectation states must hold; keys it leaves out are not pinned
        assert set(w) <= set(g), set(w) - set(g)  # a misspelt expectation must not pass unchecked
        assert {k: g[k] for k in w} == w, g


def test_derivations(case):
    _name, expected, report = case
    got = {d["path"]: d["derivation"] for d in report["documents"]}
    assert got == expected["derivation"]


def test_chain_starts_after_origin_and_lags_are_consistent(case):
    _name, _expected, report = case
    for c in report["clusters"]:
        if c["origin"]["status"] != "determined":
            assert c["chain"] == [] and c["origin"]["document"] is None
            continue
        assert all(l["document"] != c["origin"]["document"] for l in c["chain"])
        lags = [l["lag_days"] for l in c["chain"] if l["lag_days"] is not None]
        assert lags == sorted(lags) and all(x >= 0 for x in lags)


def test_passage_offsets_point_at_shared_text(case):
    name, _expected, report = case
    from provenance.pipeline import audit as _audit

    docs = {d.path: d for d in _audit(GOLDEN / name / "corpus").inventory.documents}
    for d in report["documents"]:
        text = docs[d["path"]].text
        for p in d["passages"]:
            assert 0 <= p["start"] < p["end"] <= len(text)
            assert not text[p["start"]].isspace() and not text[p["end"] - 1].isspace()
            if p["relation"] != "cited":  # aligned spans run from a shared word to a shared word,
                # with the quotation marks, brackets and full stop attached to them
                inner = str(text[p["start"]:p["end"]]).lstrip(OPENING_MARKS).rstrip(CLOSING_MARKS)
                assert inner and inner[0].isalnum() and inner[-1].isalnum()
                assert p["end"] - p["start"] - len(inner) <= 6
    # and the text is shared: most of a passage's words are in another member of its cluster
    def words(path, start, end):  # the tool's words: an ideograph or kana is one
        text = str(docs[path].text[start:end]).lower()
        return {text[s:e] for s, e in zip(*(b.tolist() for b in word_bounds(text)))}

    path_of = {d["id"]: d["path"] for d in report["documents"]}
    for c in report["clusters"]:
        spans = [(path_of[m["document"]], m["start"], m["end"]) for m in c["members"]]
        if len({path for path, _, _ in spans}) < 2:
            continue  # a block citing an origin outside the corpus: nothing to compare with
        for path, start, end in spans:
            mine = words(path, start, end)
            best = max(len(mine & words(*other)) for other in spans if other[0] != path)
            assert best >= 0.5 * len(mine), (path, start, end)


def test_origin_evidence_names_the_document_it_was_read_from(case):
    """Each observation behind an origin names a member document, and its text lies
    there at its location (chars START-END)."""
    name, _expected, report = case
    from provenance.pipeline import audit as _audit

    texts = {d.label: str(d.text) for d in _audit(GOLDEN / name / "corpus").inventory.documents}
    label = {d["id"]: d["path"] + (f"#{d['record']}" if d.get("record") else "") for d in report["documents"]}
    seen = 0
    for c in report["clusters"]:
        members = {m["document"] for m in c["members"]}
        for e in c["origin"]["evidence"]:
            assert e["document"] in members, (c["id"], e)
            seen += 1
            where = re.fullmatch(r"chars (\d+)-(\d+)", e["location"])
            if where:
                start, end = int(where[1]), int(where[2])
                assert texts[label[e["document"]]][start:end] == e["text"], (c["id"], e)
        if c["origin"]["rule"] == "earliest-date":
            assert {e["document"] for e in c["origin"]["evidence"]} == {c["origin"]["document"]}
    assert seen or not report["clusters"]
