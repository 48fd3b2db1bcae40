"""Exports: W3C PROV (read back and compared as records), CSV, HTML (escaping, CSP), CLI."""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
from datetime import datetime, timedelta, timezone
from html.parser import HTMLParser
from pathlib import Path

import pytest
from prov.constants import (
    PROV_ATTR_PLAN,
    PROV_ATTR_ACTIVITY,
    PROV_ATTR_AGENT,
    PROV_ATTR_COLLECTION,
    PROV_ATTR_ENTITY,
    PROV_ATTR_GENERATED_ENTITY,
    PROV_ATTR_STARTTIME,
    PROV_ATTR_TIME,
    PROV_ATTR_USED_ENTITY,
)
from prov.identifier import QualifiedName
from prov.model import (
    PROV,
    ProvActivity,
    ProvAgent,
    ProvAssociation,
    ProvAttribution,
    ProvDerivation,
    ProvDocument,
    ProvEntity,
    ProvGeneration,
    ProvMembership,
    ProvUsage,
)
from typer.testing import CliRunner

from provenance.cli import app
from provenance.errors import ProvenanceError, ReportError
from provenance.export import FORMATS, ExportError, export, render, texts_for
from provenance.export.csv import COLUMNS
from provenance.export.html import CSP, render_html, word_diff
from provenance.export.prov import SERIALIZATIONS, build_document
from provenance.params import default_params
from provenance.pipeline import audit
from provenance.report import build_report

ROOT = Path(__file__).resolve().parent.parent
SCRAPE = ROOT / "fixtures" / "golden" / "rules-credit-and-scrape" / "corpus"
COMPILATION = ROOT / "fixtures" / "golden" / "rules-compilation" / "corpus"
SCRIPT = "<script>window.__pwned=1</script>"
IMG = '<img src=x onerror="window.__pwned=2">'
runner = CliRunner()


def invoke(*args):
    return runner.invoke(app, [str(a) for a in args])


def make_report(corpus: Path) -> tuple[dict, dict[str, str]]:
    result = audit(corpus)
    report = build_report(result, default_params(), corpus=corpus.name, started="2024-05-01T09:00:00Z",
                          finished="2024-05-01T09:00:07Z")
    return report, texts_for(report, result.inventory.documents)


def hostile_corpus(folder: Path) -> Path:
    """The credit-and-scrape corpus with markup in the scraper's copied passage, its
    file name and its outlet name, and a formula as the blog's outlet name."""
    corpus = folder / "hostile"
    shutil.copytree(SCRAPE, corpus)
    text = (corpus / "scraper.txt").read_text(encoding="utf-8")
    needle = "French foreign minister Jean-Marc Ayrault told the meeting"
    assert needle in text
    text = text.replace(needle, f"French foreign minister {SCRIPT} Jean-Marc Ayrault told {IMG} the meeting", 1)
    (corpus / "scraper.txt").unlink()
    (corpus / 'scr"aper<i>.txt').write_text(text, encoding="utf-8")
    (corpus / "metadata.csv").write_text(
        'path,outlet,date\n'
        'blog-excerpt.txt,"=HYPERLINK(""http://x"")",2016-09-27\n'
        '"scr""aper<i>.txt","Content <b onmouseover=""x"">Farm</b>",2016-10-02\n', encoding="utf-8")
    return corpus


@pytest.fixture(scope="module")
def scrape():
    return make_report(SCRAPE)


@pytest.fixture(scope="module")
def compilation():
    return make_report(COMPILATION)


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    return make_report(hostile_corpus(tmp_path_factory.mktemp("corpus")))


def doc_by_path(report: dict, path: str) -> dict:
    return next(d for d in report["documents"] if d["path"] == path)


def passage(report: dict, cluster: dict, path: str) -> str:
    m = next(m for m in cluster["members"] if m["path"] == path)
    return f"passage:{cluster['id']}_{m['document']}_{m['start']}-{m['end']}"


# ---------------------------------------------------------------- PROV


def read_prov(text: str, fmt: str) -> ProvDocument:
    try:
        return ProvDocument.deserialize(content=text, format=SERIALIZATIONS[fmt])
    except NotImplementedError:  # prov 2.x writes PROV-N but cannot read it (reading came with 3.x)
        pytest.skip(f"the installed prov package cannot read {fmt} back (needs prov>=3)")


def parsed(report: dict, fmt: str) -> ProvDocument:
    return read_prov(render(report, fmt), fmt)


def one(record, attr):
    values = record.get_attribute(attr)
    assert len(values) == 1, (record, attr, values)
    return next(iter(values))


def ids(values) -> set[str]:
    return {str(v) for v in values}


def records(doc: ProvDocument, cls) -> list:
    return [r for r in doc.get_records(cls) if type(r) is cls]


def relations(doc: ProvDocument, cls, a, b) -> set[tuple[str, str]]:
    return {(str(one(r, a)), str(one(r, b))) for r in records(doc, cls)}


def by_id(doc: ProvDocument, cls) -> dict:
    return {str(r.identifier): r for r in records(doc, cls)}


def is_quotation(rec) -> bool:
    return PROV["Quotation"] in rec.get_asserted_types()


@pytest.mark.parametrize("fmt", ["prov-json", "prov-n", "prov-xml"])
def test_prov_reads_back_as_the_same_records(scrape, compilation, fmt):
    for report, _ in (scrape, compilation):
        assert parsed(report, fmt) == build_document(report)


@pytest.mark.parametrize("fmt", ["prov-json", "prov-n", "prov-xml"])
def test_prov_uncredited_scraper_passage_was_quoted_from_the_origin_passage(scrape, fmt):
    report, _ = scrape
    doc = parsed(report, fmt)
    cluster = report["clusters"][0]
    origin = passage(report, cluster, "guardian-un.html")
    scraper = passage(report, cluster, "scraper.txt")
    blog = passage(report, cluster, "blog-excerpt.txt")
    derivations = {(str(one(r, PROV_ATTR_GENERATED_ENTITY)), str(one(r, PROV_ATTR_USED_ENTITY))): r
                   for r in records(doc, ProvDerivation)}
    assert set(derivations) == {(scraper, origin), (blog, origin)}
    quote = derivations[(scraper, origin)]
    assert is_quotation(quote)
    attrs = {str(k): v for k, v in quote.attributes}
    assert attrs["provenance:credited"] == "uncredited"
    assert attrs["provenance:relation"] == "verbatim"
    assert attrs["provenance:lag_days"] == 6.0
    assert is_quotation(derivations[(blog, origin)])
    assert {str(k): v for k, v in derivations[(blog, origin)].attributes}["provenance:credited"] == "credited"
    # every passage is a member of its document's collection
    members = relations(doc, ProvMembership, PROV_ATTR_COLLECTION, PROV_ATTR_ENTITY)
    for m in cluster["members"]:
        assert (f"doc:{m['document']}", passage(report, cluster, m["path"])) in members
    entities = by_id(doc, ProvEntity)
    assert PROV_TYPE_OF(entities[scraper]) == {"provenance:Passage"}
    assert {str(k): v for k, v in entities[scraper].attributes}["provenance:role"] == "copy"


def PROV_TYPE_OF(rec) -> set[str]:
    types = rec.get_asserted_types()
    assert all(isinstance(t, QualifiedName) for t in types), types
    return {str(t) for t in types}


@pytest.mark.parametrize("fmt", ["prov-json", "prov-n", "prov-xml"])
def test_prov_external_reuters_passage_derives_from_external_entity_attributed_to_reuters(compilation, fmt):
    report, _ = compilation
    doc = parsed(report, fmt)
    reuters = next(c for c in report["clusters"] if c["origin"]["outlet"] == "Reuters")
    assert reuters["origin"]["in_corpus"] is False
    block = passage(report, reuters, "compilation.txt")
    external = f"external:{reuters['id']}"
    derivations = [r for r in records(doc, ProvDerivation) if str(one(r, PROV_ATTR_GENERATED_ENTITY)) == block]
    assert len(derivations) == 1
    assert str(one(derivations[0], PROV_ATTR_USED_ENTITY)) == external
    assert not is_quotation(derivations[0])  # relation cited: derived, not quoted
    assert {str(k): v for k, v in derivations[0].attributes}["provenance:relation"] == "cited"
    entities = by_id(doc, ProvEntity)
    assert PROV_TYPE_OF(entities[external]) == {"provenance:ExternalSource"}
    attributions = relations(doc, ProvAttribution, PROV_ATTR_ENTITY, PROV_ATTR_AGENT)
    assert (external, "outlet:reuters") in attributions
    agents = by_id(doc, ProvAgent)
    assert PROV_TYPE_OF(agents["outlet:reuters"]) == {"prov:Organization"}
    assert {str(k): v for k, v in agents["outlet:reuters"].attributes}["prov:label"] == "Reuters"
    generation = [r for r in records(doc, ProvGeneration) if str(one(r, PROV_ATTR_ENTITY)) == external]
    assert len(generation) == 1 and not generation[0].get_attribute(PROV_ATTR_TIME)  # a day, not midnight
    assert {str(k): v for k, v in generation[0].attributes}["provenance:date"] == "2016-10-28"
    # the Guardian block of the compilation is a near duplicate of the Guardian original: derived
    guardian = next(c for c in report["clusters"] if c["origin"]["outlet"] == "The Guardian")
    g = [r for r in records(doc, ProvDerivation)
         if str(one(r, PROV_ATTR_GENERATED_ENTITY)) == passage(report, guardian, "compilation.txt")]
    assert len(g) == 1 and not is_quotation(g[0])
    assert str(one(g[0], PROV_ATTR_USED_ENTITY)) == passage(report, guardian, "guardian-original.txt")


@pytest.mark.parametrize("fmt", ["prov-json", "prov-n", "prov-xml"])
def test_prov_software_agent_and_audit_activity(scrape, fmt):
    report, _ = scrape
    doc = parsed(report, fmt)
    version = report["tool"]["version"]
    tool = f"tool:provenance-{version}"
    agents = by_id(doc, ProvAgent)
    assert PROV_TYPE_OF(agents[tool]) == {"prov:SoftwareAgent"}
    attrs = {str(k): v for k, v in agents[tool].attributes}
    assert attrs["provenance:version"] == version
    plans = [e for e in by_id(doc, ProvEntity).values() if str(e.identifier).startswith("plan:")]
    assert len(plans) == 1 and PROV_TYPE_OF(plans[0]) == {"prov:Plan"}
    plan = {str(k): v for k, v in plans[0].attributes}
    assert plan["provenance:rules_version"] == report["run"]["rules"]["version"]
    assert plan["provenance:rules_sha256"] == report["run"]["rules"]["sha256"]
    assert json.loads(plan["provenance:parameters"]) == report["run"]["parameters"]
    assert "provenance:parameters" not in attrs  # on the plan: the tool agent is shared by every run
    activity = f"audit:run-{report['run']['inputs']['digest'][:16]}"
    activities = by_id(doc, ProvActivity)
    assert one(activities[activity], PROV_ATTR_STARTTIME) == datetime(2024, 5, 1, 9, 0, tzinfo=timezone.utc)
    assert relations(doc, ProvAssociation, PROV_ATTR_ACTIVITY, PROV_ATTR_AGENT) == {(activity, tool)}
    assert relations(doc, ProvAssociation, PROV_ATTR_ACTIVITY, PROV_ATTR_PLAN) == {(activity, str(plans[0].identifier))}
    used = relations(doc, ProvUsage, PROV_ATTR_ACTIVITY, PROV_ATTR_ENTITY)
    assert used == {(activity, f"doc:{d['id']}") for d in report["documents"]}


@pytest.mark.parametrize("fmt", ["prov-json", "prov-n", "prov-xml"])
def test_prov_documents_are_collections_attributed_to_outlet_agents(scrape, fmt):
    report, _ = scrape
    doc = parsed(report, fmt)
    entities = by_id(doc, ProvEntity)
    agents = by_id(doc, ProvAgent)
    attributions = relations(doc, ProvAttribution, PROV_ATTR_ENTITY, PROV_ATTR_AGENT)
    for d in report["documents"]:
        e = entities[f"doc:{d['id']}"]
        assert PROV_TYPE_OF(e) == {"prov:Collection"}
        attrs = {str(k): v for k, v in e.attributes}
        assert attrs["provenance:path"] == d["path"] and attrs["provenance:sha256"] == d["sha256"]
        (agent,) = [a for (ent, a) in attributions if ent == f"doc:{d['id']}"]
        assert PROV_TYPE_OF(agents[agent]) == {"prov:Organization"}
        assert {str(k): v for k, v in agents[agent].attributes}["prov:label"] == d["outlet"]["name"]
    guardian = doc_by_path(report, "guardian-un.html")
    attrs = {str(k): v for k, v in entities[f"doc:{guardian['id']}"].attributes}
    assert attrs["provenance:title"] == guardian["title"] and attrs["provenance:url"] == guardian["url"]
    gens = {str(one(r, PROV_ATTR_ENTITY)): r for r in records(doc, ProvGeneration)}
    g = gens[f"doc:{guardian['id']}"]
    assert one(g, PROV_ATTR_TIME) == datetime(2016, 9, 26, 10, 0, tzinfo=timezone(timedelta(hours=1)))
    gattrs = {str(k): v for k, v in g.attributes}
    assert gattrs["provenance:date"] == "2016-09-26T10:00:00+01:00" and gattrs["provenance:precision"] == "second"
    blog = doc_by_path(report, "blog-excerpt.txt")
    # a day is not an instant: the generation carries the date, without a time
    assert not gens[f"doc:{blog['id']}"].get_attribute(PROV_ATTR_TIME)
    assert {str(k): v for k, v in gens[f"doc:{blog['id']}"].attributes}["provenance:date"] == "2016-09-27"


def test_prov_month_precision_gives_no_generation_time(scrape):
    report = json.loads(json.dumps(scrape[0]))
    blog = doc_by_path(report, "blog-excerpt.txt")
    blog["published"].update(date="2016-09", precision="month")
    doc = build_document(report)
    assert f"doc:{blog['id']}" not in {str(one(r, PROV_ATTR_ENTITY)) for r in records(doc, ProvGeneration)}
    attrs = {str(k): v for k, v in by_id(doc, ProvEntity)[f"doc:{blog['id']}"].attributes}
    assert attrs["provenance:published"] == "2016-09" and attrs["provenance:precision"] == "month"


def test_prov_revision_of_same_outlet_origin(scrape):
    report = json.loads(json.dumps(scrape[0]))
    guardian = doc_by_path(report, "guardian-un.html")
    scraper = doc_by_path(report, "scraper.txt")
    blog = doc_by_path(report, "blog-excerpt.txt")
    # the scraper page, pretend: a later revision by the Guardian itself
    scraper["outlet"]["name"] = "The Guardian"
    for d in (scraper, blog):
        d["citations"].append({"rule": "text.updated", "role": "revision", "relation": None, "outlets": [],
                               "date": None, "date_note": None, "url": None, "start": 0, "end": 5,
                               "location": "chars 0-5", "text": "Updated", "confidence": "medium"})
    for fmt in ("prov-json", "prov-n", "prov-xml"):
        doc = parsed(report, fmt)
        revisions = {(str(one(r, PROV_ATTR_GENERATED_ENTITY)), str(one(r, PROV_ATTR_USED_ENTITY)))
                     for r in records(doc, ProvDerivation) if PROV["Revision"] in r.get_asserted_types()}
        # the blog is another outlet: no revision
        assert revisions == {(f"doc:{scraper['id']}", f"doc:{guardian['id']}")}


def test_prov_types_are_qualified_names_and_hostile_strings_survive(hostile):
    report, _ = hostile
    for fmt in ("prov-json", "prov-n", "prov-xml"):
        doc = parsed(report, fmt)
        for rec in doc.get_records():
            for t in rec.get_asserted_types():
                assert isinstance(t, QualifiedName), (fmt, rec, t)
        labels = {v for a in records(doc, ProvAgent) for k, v in a.attributes if str(k) == "prov:label"}
        assert 'Content <b onmouseover="x">Farm</b>' in labels
        paths = {v for e in records(doc, ProvEntity) for k, v in e.attributes if str(k) == "provenance:path"}
        assert 'scr"aper<i>.txt' in paths


# ---------------------------------------------------------------- CSV


def csv_rows(report: dict) -> tuple[list[str], list[dict]]:
    reader = csv.reader(io.StringIO(render(report, "csv"), newline=""))
    rows = list(reader)
    return rows[0], [dict(zip(rows[0], r)) for r in rows[1:]]


def test_csv_rows_and_columns(scrape, compilation):
    header, rows = csv_rows(scrape[0])
    assert tuple(header) == COLUMNS
    assert [(r["path"], r["credited"]) for r in rows] == [("blog-excerpt.txt", "credited"),
                                                          ("scraper.txt", "uncredited")]
    scraper = rows[1]
    cluster = scrape[0]["clusters"][0]
    link = cluster["chain"][1]
    assert scraper == {
        "document": link["document"], "path": "scraper.txt", "outlet": "Content Farm Daily",
        "date": "2016-10-02", "start": str(link["start"]), "end": str(link["end"]),
        "origin_document": cluster["origin"]["document"], "origin_path": "guardian-un.html",
        "origin_outlet": "The Guardian", "origin_date": "2016-09-26T10:00:00+01:00", "in_corpus": "true",
        "lag_days": "6.0", "relation": "verbatim", "similarity": "1.0", "match": "alignment", "credited": "uncredited",
        "cluster": cluster["id"], "origin_rule": "explicit-pointer", "origin_confidence": "medium",
        "collection": "", "origin_collection": "",
    }
    header, rows = csv_rows(compilation[0])
    assert tuple(header) == COLUMNS and len(rows) == 2
    guardian, reuters = rows
    assert guardian["origin_path"] == "guardian-original.txt" and guardian["relation"] == "near_duplicate"
    assert reuters["origin_outlet"] == "Reuters" and reuters["in_corpus"] == "false"
    assert reuters["origin_document"] == "" and reuters["origin_path"] == ""
    assert reuters["relation"] == "cited" and reuters["similarity"] == "" and reuters["lag_days"] == "2.0"
    assert reuters["origin_rule"] == "cited-origin" and reuters["outlet"] == ""


def test_csv_quotes_corpus_text_and_defuses_formulas(hostile):
    _, rows = csv_rows(hostile[0])
    by_path = {r["path"]: r for r in rows}
    assert by_path["blog-excerpt.txt"]["outlet"] == "'" + '=HYPERLINK("http://x")'
    assert by_path['scr"aper<i>.txt']["outlet"] == 'Content <b onmouseover="x">Farm</b>'


@pytest.mark.parametrize("value", ["=1+2", "\uff1d1+2", "\uff0bcmd", "\uff0d2", "\uff20SUM(A1)", "  =1+2",
                                   "\u3000=1+2", "\n@x", "\t1"])
def test_csv_defuses_a_formula_in_any_form_a_spreadsheet_reads(value):
    from provenance.export.csv import _text
    assert _text(value) == "'" + value


@pytest.mark.parametrize("value", ["Reuters", "1+2", "a=b", " Harbour Watch", "Daily"])
def test_csv_leaves_ordinary_text_as_it_is(value):
    from provenance.export.csv import _text
    assert _text(value) == value


# ---------------------------------------------------------------- HTML


class Tags(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def handle_startendtag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data):
        self.text.append(data)


def parse_html(page: str) -> Tags:
    p = Tags()
    p.feed(page)
    p.close()
    return p


def test_html_escapes_corpus_text_and_runs_nothing(hostile):
    report, texts = hostile
    copies = [texts[m["path"]][m["start"]:m["end"]] for c in report["clusters"] for m in c["members"]
              if m["path"] == 'scr"aper<i>.txt']
    assert any(SCRIPT in c and IMG in c for c in copies)  # the payloads are in the copied passage
    page = render_html(report, texts)
    assert "<script" not in page.lower()
    assert "&lt;script&gt;window.__pwned=1&lt;/script&gt;" in page
    assert "&lt;img src=x onerror=&quot;window.__pwned=2&quot;&gt;" in page
    assert "Content &lt;b onmouseover=&quot;x&quot;&gt;Farm&lt;/b&gt;" in page
    assert "scr&quot;aper&lt;i&gt;.txt" in page
    tags = parse_html(page)
    names = {t for t, _ in tags.tags}
    assert not names & {"script", "img", "iframe", "object", "embed", "link", "base", "form", "b", "i"}
    for tag, attrs in tags.tags:
        assert not any(a.startswith("on") for a in attrs), (tag, attrs)
        assert "src" not in attrs
        if "href" in attrs:
            assert attrs["href"].startswith("#"), attrs  # in-page links only: no network
    text = "".join(tags.text)
    assert SCRIPT in text and IMG in text  # shown to the reader, as text


def test_html_has_csp_and_is_self_contained(scrape):
    page = render_html(*scrape)
    metas = [a for t, a in parse_html(page).tags if t == "meta"]
    csp = [a["content"] for a in metas if (a.get("http-equiv") or "").lower() == "content-security-policy"]
    assert csp == [CSP]
    assert csp[0].startswith("default-src 'none'; style-src 'unsafe-inline'; img-src data:")
    assert "http://" not in page and "https://www.theguardian.com" in page  # the URL only as text
    assert "@import" not in page and "url(" not in page


def test_html_structure_clusters_chain_credit_and_diff(scrape, compilation):
    report, texts = scrape
    page = render_html(report, texts)
    tags = parse_html(page)
    ids = {a.get("id") for _, a in tags.tags}
    assert {"overview", "documents", "timeline", "clusters", "rejections"} <= ids
    cluster = report["clusters"][0]
    assert cluster["id"] in ids
    assert "⚠ UNCREDITED" in page and 'class="badge credited"' in page
    assert 'class="copy uncredited"' in page
    assert 'style="width:98.9%"' in page  # scraper.txt's reused_fraction as a bar
    assert "Jean-Marc Ayrault" in page  # passage text, side by side
    assert "words not in this copy" in page  # the blog excerpt: rest of the origin summarised
    report2, texts2 = compilation
    page2 = render_html(report2, texts2)
    assert "<mark>" in page2 or "<ins>" in page2  # the compilation's edits are highlighted
    assert "outside the corpus" in page2 and "Reuters" in page2
    timeline = page2.split('id="timeline"', 1)[1].split("</section>", 1)[0]
    assert timeline.index("2016-10-20T07:30:00+01:00") < timeline.index("2016-10-28")


def test_html_without_texts_shows_offsets_only(scrape):
    report, texts = scrape
    page = render_html(report, None)
    assert "Jean-Marc Ayrault" not in page
    assert "chars 0–2185" in page and "corpus text not supplied" in page  # the whole text, its full stop too
    changed = dict(texts)
    changed["scraper.txt"] = changed["scraper.txt"] + " appended later"
    page = render_html(report, changed)
    assert "differs from the one audited" in page


def test_word_diff_marks_words():
    left, right = word_diff("the cat sat on the mat", "the dog sat on a mat today")
    assert left == "the <del>cat</del> sat on <del>the</del> mat"
    assert right == "the <mark>dog</mark> sat on <mark>a</mark> mat <ins>today</ins>"
    left, right = word_diff("a <b> c", "a <b> c")
    assert left == right == "a &lt;b&gt; c"


# ---------------------------------------------------------------- export() and the CLI


def test_export_unknown_format_raises_named_error_and_writes_nothing(scrape, tmp_path):
    with pytest.raises(ExportError) as exc:
        export(scrape[0], "pdf", tmp_path / "x.pdf")
    assert isinstance(exc.value, ReportError) and isinstance(exc.value, ProvenanceError)
    assert "prov-json" in str(exc.value)
    assert list(tmp_path.iterdir()) == []


def test_export_is_atomic_and_cleans_up_on_failure(scrape, tmp_path, monkeypatch):
    target = tmp_path / "out.csv"
    target.write_text("previous", encoding="utf-8")

    def broken(src, dst):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", broken)
    with pytest.raises(OSError):
        export(scrape[0], "csv", target)
    assert [p.name for p in tmp_path.iterdir()] == ["out.csv"]
    assert target.read_text(encoding="utf-8") == "previous"
    monkeypatch.undo()
    export(scrape[0], "csv", target)
    assert target.read_text(encoding="utf-8").startswith("document,path,")
    assert [p.name for p in tmp_path.iterdir()] == ["out.csv"]


def test_cli_export_each_format(tmp_path):
    report_path = tmp_path / "report.json"
    assert invoke("audit", SCRAPE, "-o", report_path, "-q").exit_code == 0
    report = json.loads(report_path.read_text(encoding="utf-8"))
    out = tmp_path / "out"
    out.mkdir()
    names = {"prov-json": "r.prov.json", "prov-n": "r.provn", "prov-xml": "r.prov.xml", "csv": "r.csv",
             "html": "r.html"}
    for fmt in FORMATS:
        args = ["export", report_path, "--format", fmt, "-o", out / names[fmt]]
        if fmt == "html":
            args += ["--corpus", SCRAPE]
        result = invoke(*args)
        assert result.exit_code == 0, result.output
    assert sorted(p.name for p in out.iterdir()) == sorted(names.values())  # no temporary files left
    for fmt in ("prov-json", "prov-n", "prov-xml"):
        doc = read_prov((out / names[fmt]).read_text(encoding="utf-8"), fmt)
        assert doc == build_document(report)
    assert (out / "r.csv").read_text(encoding="utf-8").count("\n") == 3
    page = (out / "r.html").read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>") and "Jean-Marc Ayrault" in page


def test_cli_audit_writes_exports(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    result = invoke("audit", COMPILATION, "-o", out / "report.json", "-q",
                    "--export", f"html:{out / 'page.html'}", "--export", f"prov-n:{out / 'graph.provn'}",
                    "--export", f"csv:{out / 'rows.csv'}")
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in out.iterdir()) == ["graph.provn", "page.html", "report.json", "rows.csv"]
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    doc = read_prov((out / "graph.provn").read_text(encoding="utf-8"), "prov-n")
    assert doc == build_document(report)
    page = (out / "page.html").read_text(encoding="utf-8")
    assert "Putin" in page  # the texts of the audit itself, side by side
    # without -o: exports only
    result = invoke("audit", COMPILATION, "-q", "--export", f"csv:{out / 'only.csv'}")
    assert result.exit_code == 0 and (out / "only.csv").exists()


def test_cli_unknown_format_exits_2_listing_formats(tmp_path):
    report_path = tmp_path / "report.json"
    assert invoke("audit", SCRAPE, "-o", report_path, "-q").exit_code == 0
    result = invoke("export", report_path, "--format", "pdf", "-o", tmp_path / "x.pdf")
    assert result.exit_code == 2
    assert all(f in result.output for f in FORMATS)
    result = invoke("audit", SCRAPE, "--export", f"pdf:{tmp_path / 'y.pdf'}")
    assert result.exit_code == 2 and "prov-json" in result.output
    result = invoke("audit", SCRAPE, "--export", "html")
    assert result.exit_code == 2 and "FORMAT:FILE" in result.output
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report.json"]


def test_cli_refuses_export_inside_corpus(tmp_path):
    corpus = tmp_path / "corpus"
    shutil.copytree(SCRAPE, corpus)
    before = sorted(p.name for p in corpus.rglob("*"))
    report_path = tmp_path / "report.json"
    assert invoke("audit", corpus, "-o", report_path, "-q").exit_code == 0
    result = invoke("export", report_path, "--format", "html", "-o", corpus / "page.html", "--corpus", corpus)
    assert result.exit_code == 2 and "inside the corpus" in result.output
    result = invoke("audit", corpus, "--export", f"csv:{corpus / 'sub' / '..' / 'rows.csv'}")
    assert result.exit_code == 2 and "inside the corpus" in result.output
    assert sorted(p.name for p in corpus.rglob("*")) == before
    # nor over the report itself
    result = invoke("export", report_path, "--format", "csv", "-o", report_path)
    assert result.exit_code == 2 and "would overwrite the report file read by this command" in result.output
    assert json.loads(report_path.read_text(encoding="utf-8"))["schema_version"]


def test_cli_export_errors(tmp_path):
    report_path = tmp_path / "report.json"
    assert invoke("audit", SCRAPE, "-o", report_path, "-q").exit_code == 0
    result = invoke("export", report_path, "--format", "csv", "-o", tmp_path / "missing" / "x.csv")
    assert result.exit_code == 4
    result = invoke("export", tmp_path / "nope.json", "--format", "csv", "-o", tmp_path / "x.csv")
    assert result.exit_code == 2
    result = invoke("export", report_path, "--format", "html", "-o", tmp_path / "x.html", "--corpus",
                    tmp_path / "no-such-folder")
    assert result.exit_code == 2
    broken = tmp_path / "broken.json"
    broken.write_text('{"schema_version": "1.0"}', encoding="utf-8")
    result = invoke("export", broken, "--format", "csv", "-o", tmp_path / "x.csv")
    assert result.exit_code == 2 and "not a provenance report: missing 'documents'" in result.output
    # a report of another tool is refused as summary and trace refuse it
    foreign = tmp_path / "foreign.json"
    data = json.loads(report_path.read_text(encoding="utf-8"))
    data["tool"]["name"] = "other"
    foreign.write_text(json.dumps(data), encoding="utf-8")
    result = invoke("export", foreign, "--format", "csv", "-o", tmp_path / "x.csv")
    assert result.exit_code == 2 and "a report of another tool" in result.output
    assert sorted(p.name for p in tmp_path.iterdir()) == ["broken.json", "foreign.json", "report.json"]


def test_cli_export_html_with_changed_corpus_shows_offsets(tmp_path):
    corpus = tmp_path / "corpus"
    shutil.copytree(SCRAPE, corpus)
    report_path = tmp_path / "report.json"
    assert invoke("audit", corpus, "-o", report_path, "-q").exit_code == 0
    (corpus / "scraper.txt").write_text("rewritten since the audit", encoding="utf-8")
    page_path = tmp_path / "page.html"
    assert invoke("export", report_path, "--format", "html", "-o", page_path, "--corpus", corpus).exit_code == 0
    page = page_path.read_text(encoding="utf-8")
    assert "changed since the audit" in page  # its bytes changed: text not used
    assert "Jean-Marc Ayrault" in page  # the unchanged files still are


def test_html_gives_no_corpus_text_to_documents_from_an_archive_index(scrape):
    report = json.loads(json.dumps(scrape[0]))
    texts = scrape[1]
    scraper = doc_by_path(report, "scraper.txt")
    scraper["collection"] = "index:old-crawl"  # an indexed document with the same path as a corpus file
    page = render_html(report, texts)
    assert "a document of index:old-crawl, not of the audited folder" in page
    assert "scraper.txt" not in texts_for(report, audit(SCRAPE).inventory.documents)


def test_word_diff_ignores_case_and_punctuation_like_detection():
    from provenance.export.html import word_diff

    left, right = word_diff("Russia tells UN it will pause bombing.", "Russia Tells UN It Will Pause Bombing")
    assert "<del>" not in left and "<mark>" not in right and "<ins>" not in right


# ---------------------------------------------------------------- citations (docs/report-format.md, Citations)


def citations_report() -> dict:
    """A report built from invented cues of every kind the citations rule tells apart."""
    from provenance.cues import Cue
    from provenance.model import (Attribution, AuditResult, DateValue, Document, DocumentResult, Inventory,
                                  MetaField, Sidecar)

    def page(path: str, url: str | None, *meta: tuple[str, str]) -> Document:
        return Document(path=path, record=None, sha256=f"{len(path):064x}", text="z" * 400, format="html",
                        encoding="utf-8", url=url,
                        metadata=tuple(MetaField(k, v, f"html:{k}") for k, v in meta))

    docs = (
        Document(path="wire/ferry.txt", record=None, sha256="a" * 64, text="y" * 400, format="text",
                 encoding="utf-8"),
        page("news/copy.html", "https://lakeside.example/ferry",
             ("url", "https://lakeside.example/ferry"),
             ("canonical_url", "https://riverton-gazette.example/2021/03/02/ferry")),
        page("news/self.html", "https://holm-courier.example/news/fete",
             ("url", "https://holm-courier.example/news/fete"), ("canonical_url", "/news/fete")),
        page("news/no-address.html", "https://northfield.example/library",
             ("canonical_url", "https://northfield.example/library")),
    )
    wire = "Example Wire"
    cues = (
        (Cue("sidecar.outlet", "publisher", "sidecar", "metadata.csv:2", wire, (wire,)),
         Cue("text.dateline.wire", "dateline", "text", "chars 0-22", "LONDON (Example Wire) -", (wire,),
             start=0, end=22, relation="copy", confidence="high"),
         Cue("text.dateline.dated", "dateline", "text", "chars 30-60", "LONDON (January 1, 2020) —",
             date=DateValue("2020-01-01", "day"), start=30, end=60, confidence="high"),
         Cue("text.byline.staff", "byline", "text", "chars 70-90", "By Example Wire Staff", (wire,),
             start=70, end=90, confidence="high")),
        (Cue("meta.site-name", "publisher", "html-meta", "html:site_name", "Lakeside Post", ("Lakeside Post",)),
         Cue("meta.canonical", "pointer", "html-meta", "html:canonical_url",
             "https://riverton-gazette.example/2021/03/02/ferry",
             url="https://riverton-gazette.example/2021/03/02/ferry", relation="republication", confidence="high"),
         Cue("meta.is-based-on", "pointer", "json-ld", "jsonld[0].isBasedOn",
             "http://www.Lakeside.example/ferry/?from=rss#top", url="http://www.Lakeside.example/ferry/?from=rss#top",
             relation="republication", confidence="high"),
         Cue("text.republished", "pointer", "text", "chars 10-60", "This article originally appeared in the Gazette",
             ("Riverton Gazette",), start=10, end=60, relation="republication", confidence="high"),
         Cue("text.revision", "revision", "text", "chars 0-9", "UPDATE 1-", start=0, end=9, confidence="high")),
        (Cue("meta.canonical", "pointer", "html-meta", "html:canonical_url", "/news/fete",
             relation="republication", confidence="high"),
         Cue("meta.canonical", "pointer", "html-meta", "html:canonical_url",
             "http://www.holm-courier.example/news/fete/", url="http://www.holm-courier.example/news/fete/",
             relation="republication", confidence="high"),
         Cue("text.fair-use", "reposter", "text", "chars 300-340", "Title 17 U.S.C. Section 107", start=300,
             end=340, confidence="high")),
        (Cue("meta.canonical", "pointer", "html-meta", "html:canonical_url", "https://northfield.example/library",
             url="https://northfield.example/library", relation="republication", confidence="high"),),
    )
    atts = (Attribution(wire, "wire", (), None, ()), Attribution("Lakeside Post", None, (), None, ()),
            Attribution("Holm Courier", None, (), None, ()), Attribution(None, None, (), None, ()))
    inventory = Inventory(documents=docs, rejections=(), sidecar=Sidecar("metadata.csv"), files_seen=4)
    result = AuditResult(inventory, atts, (), tuple(DocumentResult(i, 0.0, 0.0, "non_derived") for i in range(4)),
                         {}, cues=cues, segments=((), (), (), ()))
    return build_report(result, default_params(), corpus="corpus", started="2024-05-01T09:00:00Z",
                        finished="2024-05-01T09:00:07Z")


def test_citations_list_every_cue_naming_an_outlet_or_pointing_at_another_page():
    from jsonschema import Draft202012Validator

    from provenance import __file__ as package

    report = citations_report()
    cited = {d["path"]: [(c["rule"], c["outlets"], c["url"]) for c in d["citations"]] for d in report["documents"]}
    # the agency's own dateline and byline on its own story are listed; its publisher cue and a
    # dateline that names no outlet are not
    assert cited["wire/ferry.txt"] == [("text.dateline.wire", ["Example Wire"], None),
                                       ("text.byline.staff", ["Example Wire"], None)]
    # a canonical link to an unregistered domain is listed (no outlet, its URL); isBasedOn naming
    # the page's own URL (other scheme, www., case, query, fragment, final /) is not
    assert cited["news/copy.html"] == [
        ("meta.canonical", [], "https://riverton-gazette.example/2021/03/02/ferry"),
        ("text.republished", ["Riverton Gazette"], None),
        ("text.revision", [], None)]
    # a canonical link to the page's own URL, relative or absolute, is not listed; the notice is
    assert cited["news/self.html"] == [("text.fair-use", [], None)]
    assert report["documents"][2]["reposter"] is True
    # a page stating no URL of its own but its canonical link: the link is listed
    assert cited["news/no-address.html"] == [("meta.canonical", [], "https://northfield.example/library")]
    schema = json.loads((Path(package).parent / "data" / "report.schema.json").read_text(encoding="utf-8"))
    assert [e.message for e in Draft202012Validator(schema).iter_errors(report)] == []


def test_outlets_sharing_a_slug_get_ids_that_do_not_depend_on_their_order():
    from provenance.export.prov import NAMESPACES, _Outlets, slug

    def ids(names):
        report = {"documents": [{"outlet": {"name": n, "kind": None}} for n in names], "clusters": []}
        doc = ProvDocument()
        for prefix, uri in NAMESPACES.items():
            doc.add_namespace(prefix, uri)
        outlets = _Outlets(doc, report)
        return {n: outlets.agent(n) for n in names}

    a = ids(["Süd Post", "Sud Post", "Reuters"])
    b = ids(["Reuters", "Sud Post", "Süd Post"])
    assert a == b and len(set(a.values())) == 3
    assert a["Reuters"] == "outlet:reuters" and a["Süd Post"].startswith("outlet:" + slug("Süd Post") + "-")

