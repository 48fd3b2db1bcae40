"""A sidecar row's ``url`` and ``title`` describe a document that has none of its own:
the report shows them, a pointer to that address names the document, and the URL
rules cite the sidecar row.  A document's own address and title are kept."""

from __future__ import annotations

import json
from pathlib import Path

from provenance.model import Document, SidecarRow
from provenance.pipeline import AuditOptions, audit
from provenance.report import build_report
from provenance.params import default_params
from provenance.sidecar import described

BODY = ("The harbour authority in Quillmouth said on Tuesday that the northern breakwater would stay closed "
        "until engineers had inspected every block of its seaward face, after a winter storm shifted two of "
        "the largest units by more than a metre. Fishing crews were told to use the southern channel, which "
        "adds forty minutes to each trip, and the ferry to Sandray will run from the old pier until further "
        "notice. The authority's chief engineer, Maren Holt, said repairs could take until the end of May "
        "and would cost at least two million crowns, to be shared with the regional council.")
ADDRESS = "https://quillmouth-tidings.example/2021/03/02/breakwater/"


def _page(extra_head: str = "", based_on: str | None = None) -> str:
    ld = {"@type": "NewsArticle", "headline": "Breakwater closed"}
    if based_on:
        ld["isBasedOn"] = based_on
    return (f"<html><head><title>Breakwater closed</title>{extra_head}"
            f"<script type=\"application/ld+json\">{json.dumps(ld)}</script></head>"
            f"<body><article><h1>Breakwater closed</h1><p>{BODY}</p></article></body></html>")


def _report(corpus: Path) -> dict:
    result = audit(corpus, AuditOptions(jobs=1))
    return build_report(result, default_params(), corpus="c", started="", finished="")


def _docs(report: dict) -> dict[str, dict]:
    return {d["path"]: d for d in report["documents"]}


def test_a_pointer_to_an_address_given_only_in_the_sidecar_names_that_document(tmp_path: Path):
    (tmp_path / "original.txt").write_text(BODY + "\n", encoding="utf-8")
    (tmp_path / "copy.html").write_text(_page(based_on="https://www.quillmouth-tidings.example/2021/03/02/breakwater"),
                                        encoding="utf-8")
    (tmp_path / "metadata.csv").write_text(
        f"path,url,title\noriginal.txt,{ADDRESS},Quillmouth breakwater to stay shut\n", encoding="utf-8")
    report = _report(tmp_path)
    docs = _docs(report)
    assert docs["original.txt"]["url"] == ADDRESS
    assert docs["original.txt"]["title"] == "Quillmouth breakwater to stay shut"
    [cluster] = report["clusters"]
    # neither is dated: only the pointer can say which is the original
    assert cluster["origin"]["rule"] == "explicit-pointer"
    assert cluster["origin"]["document"] == docs["original.txt"]["id"]
    assert docs["copy.html"]["derivation"] == "wholly_derived"
    assert docs["original.txt"]["derivation"] == "non_derived"


def test_a_document_keeps_its_own_address_and_title(tmp_path: Path):
    own = "https://copycat.example/breakwater"
    (tmp_path / "page.html").write_text(_page(f'<link rel="canonical" href="{own}">'), encoding="utf-8")
    (tmp_path / "metadata.csv").write_text(
        "path,url,title\npage.html,https://elsewhere.example/x,Another title\n", encoding="utf-8")
    doc = _docs(_report(tmp_path))["page.html"]
    assert doc["url"] == own and doc["title"] == "Breakwater closed"


def test_url_rules_cite_the_sidecar_row_that_gave_the_address(tmp_path: Path):
    (tmp_path / "story.txt").write_text(BODY + "\n", encoding="utf-8")
    (tmp_path / "metadata.csv").write_text(
        "path,url\nstory.txt,https://www.theguardian.com/world/2016/oct/20/breakwater\n", encoding="utf-8")
    doc = _docs(_report(tmp_path))["story.txt"]
    assert doc["url"] == "https://www.theguardian.com/world/2016/oct/20/breakwater"
    assert doc["outlet"]["name"] == "The Guardian"
    [ev] = [e for e in doc["outlet"]["evidence"] if e["rule"] == "url.domain"]
    assert ev["location"] == "metadata.csv:2"
    assert doc["published"]["date"] == "2016-10-20"
    assert all(e["location"] == "metadata.csv:2" for e in doc["published"]["evidence"] if e["source"] == "url")


def test_described_fills_only_what_is_missing():
    doc = Document(path="a.txt", record=None, sha256="0" * 64, text="x", format="text", encoding="utf-8",
                   title=None, url=None, metadata=())
    row = SidecarRow(path="a.txt", url="https://a.example/1", title="T")
    assert described(doc, None) is doc
    filled = described(doc, row)
    assert (filled.url, filled.title, filled.text) == ("https://a.example/1", "T", "x")
    own = described(filled, SidecarRow(path="a.txt", url="https://b.example/2", title="U"))
    assert (own.url, own.title) == ("https://a.example/1", "T")
    assert described(doc, SidecarRow(path="a.txt", outlet="Courier")) is doc
