"""Fixes found reviewing the recaptures, cards, registry evidence, dating and sidecar
address changes: linear work on large pages and long chains, odd date values, and the
schema's account of where a document's address comes from. All text is invented."""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path

from typer.testing import CliRunner

from provenance.cli import app
from provenance.dates import compare_dates
from provenance.model import DateValue
from provenance.readers import html as html_reader
from provenance.readers import read_file
from provenance.trace import find_document, trace_document

STORY = ("<p>The river authority of Olsby said on Monday that the old swing bridge would stay shut "
         "for nine weeks while divers replace the rusted pivot bearings under the central pier.</p>")


def test_article_cards_are_set_aside_in_one_pass_however_many(monkeypatch):
    """A page of many cards beside a story in a <div>: each card is looked up among the
    cards dropped, not the cards counted again for each one (quadratic on a large page)."""
    built = []

    class CountingSet(set):
        def __init__(self, *args):
            built.append(1)
            super().__init__(*args)

    monkeypatch.setattr(html_reader, "set", CountingSet, raising=False)
    cards = "".join(f'<article><a href="/s{i}">Card {i}</a></article>' for i in range(400))
    page = f'<html><body><div class="story">{STORY * 60}</div><div class="more">{cards}</div></body></html>'
    [doc], _ = read_file("page.html", page.encode())
    assert doc.text.startswith("The river authority of Olsby") and "Card 7" not in doc.text
    assert len(built) < 40


class _Link(dict):
    """A chain link that counts how often its document is looked at."""

    reads = 0

    def __getitem__(self, key):
        if key == "document":
            _Link.reads += 1
        return super().__getitem__(key)


def test_trace_looks_at_a_long_chain_once_per_link(tmp_path: Path):
    corpus = tmp_path / "c"
    corpus.mkdir()
    body = ("The harbour authority of Skarvik suspended all night-time container handling on Tuesday after a "
            "gantry crane folded onto a loading berth, injuring two dock workers and blocking the main channel "
            "for several hours, the authority said in a statement issued before dawn.")
    for k in range(3):
        (corpus / f"copy-{k}.txt").write_text(f"Edition {k}.\n\n{body}\n", encoding="utf-8")
    (corpus / "metadata.csv").write_text("path,outlet,date\ncopy-0.txt,Skarvik Post,2024-03-05\n"
                                         "copy-1.txt,Orrby News,2024-03-06\ncopy-2.txt,Coast Daily,2024-03-07\n",
                                         encoding="utf-8")
    out = tmp_path / "r.json"
    assert CliRunner().invoke(app, ["audit", str(corpus), "-o", str(out), "-q"]).exit_code == 0
    report = json.loads(out.read_text(encoding="utf-8"))
    [cluster] = report["clusters"]
    cluster["chain"] = [_Link(cluster["chain"][-1]) for _ in range(600)]  # one copy, as a long chain
    _Link.reads = 0
    text = trace_document(report, find_document(report, "copy-0.txt"))
    assert text.count("copied:") == 600
    assert _Link.reads < 20 * 600


def test_a_day_stated_with_an_offset_is_compared_not_a_crash():
    # values built outside the date parser (an evidence value read back) may give a day an offset
    zoned_day = DateValue("2020-03-01+02:00", "day")
    assert compare_dates(zoned_day, DateValue("2020-03-02", "day")) == -1
    assert compare_dates(DateValue("2020-03-02T10:00", "minute"), zoned_day) == 1
    assert compare_dates(zoned_day, DateValue("2020-03-01", "day")) == 0
    # the ordinary reading is unchanged: a time with an offset against a zone-less day
    assert compare_dates(DateValue("2020-03-01T23:30-05:00", "minute", tz=True), DateValue("2020-03-02", "day")) is None
    assert compare_dates(DateValue("2020-03-01T12:00+00:00", "minute", tz=True), DateValue("2020-03-03", "day")) == -1


def test_the_schema_says_a_document_address_and_title_may_come_from_the_sidecar():
    schema = json.loads(resources.files("provenance").joinpath("data/report.schema.json").read_text(encoding="utf-8"))
    fields = schema["properties"]["documents"]["items"]["properties"]
    for name in ("url", "title"):
        assert "sidecar" in fields[name]["description"], name


def _audit(corpus: Path, tmp_path: Path) -> dict:
    out = tmp_path / "r.json"
    result = CliRunner().invoke(app, ["audit", str(corpus), "-o", str(out), "-q"])
    assert result.exit_code == 0, result.output
    return json.loads(out.read_text(encoding="utf-8"))


def test_a_page_address_of_its_own_is_cited_as_url_when_the_sidecar_gives_the_same(tmp_path: Path):
    address = "https://www.theguardian.com/world/2016/oct/20/breakwater"
    corpus = tmp_path / "c"
    corpus.mkdir()
    (corpus / "page.html").write_text(
        f'<html><head><link rel="canonical" href="{address}"></head><body><article>{STORY}</article></body></html>',
        encoding="utf-8")
    (corpus / "story.txt").write_text("The river authority of Olsby said on Monday that the old swing bridge "
                                      "would stay shut for nine weeks.\n", encoding="utf-8")
    (corpus / "metadata.csv").write_text(f"path,url\npage.html,{address}\nstory.txt,{address}-2\n",
                                         encoding="utf-8")
    docs = {d["path"]: d for d in _audit(corpus, tmp_path)["documents"]}
    [own] = [e for e in docs["page.html"]["outlet"]["evidence"] if e["rule"] == "url.domain"]
    assert own["location"] == "url"  # read from the page itself
    [given] = [e for e in docs["story.txt"]["outlet"]["evidence"] if e["rule"] == "url.domain"]
    assert given["location"] == "metadata.csv:3"  # the sidecar gave the text file its address
