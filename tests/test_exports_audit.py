"""Exports as an archivist and a PROV tool use them, on an invented corpus audited with the CLI:
a wire story and its copies, an agency outside the corpus, a same-day tie, a wire update, a
compilation page, documents without outlet or date, odd file names, and an archive index."""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import pytest
from prov.constants import PROV_ATTR_ENTITY, PROV_ATTR_GENERATED_ENTITY, PROV_ATTR_TIME, PROV_ATTR_USED_ENTITY
from prov.model import PROV, ProvActivity, ProvAgent, ProvDerivation, ProvDocument, ProvEntity, ProvGeneration
from typer.testing import CliRunner

from provenance.cli import app
from provenance.export import render, texts_for
from provenance.export.html import render_html
from provenance.export.prov import SERIALIZATIONS, build_document
from provenance.inventory import build_inventory

runner = CliRunner()

FERRY = [
    "Ferry crews at the port of Marrowick walked off the job on Tuesday morning, stranding hundreds of travellers "
    "on both sides of the Skelling Strait as a dispute over night-shift rosters entered its third week.",
    "The Marrowick Seafarers Guild said its members would stay ashore for forty-eight hours unless the operator, "
    "Greyhaven Lines, withdrew a plan to cut the number of deckhands on late crossings from six to four.",
    "\"We have asked for nothing more than the crews we had last winter,\" guild secretary Orla Fenwick told "
    "reporters outside the terminal gates, where a row of idle lorries stretched back towards the ring road.",
    "Greyhaven Lines said in a statement that the new rosters met every safety rule set by the maritime regulator "
    "and that it had offered a one-off payment to staff who agreed to the change before the end of the month.",
    "The company estimated that about two thousand passengers and three hundred freight vehicles would be affected "
    "each day, and advised travellers to check its website before setting out for the harbour.",
    "Local traders warned that a long stoppage would hit the island of Skelling hardest, since almost all of its "
    "fresh food, fuel and post arrives on the morning boat from the mainland.",
    "Talks between the guild and the company are due to resume on Thursday under the chairmanship of an "
    "independent conciliator appointed by the regional transport board.",
]
UPDATE = ("Greyhaven Lines later said it would charter a smaller vessel from a neighbouring operator to carry "
          "medicines and post to Skelling while the strike lasted, and that freight bookings for the weekend had "
          "been suspended.")
BRIDGE = [
    "Engineers inspecting the Tollmere viaduct have found cracks in three of its stone piers, and the county "
    "council has closed the road across it to all vehicles heavier than seven tonnes while repairs are planned.",
    "The viaduct, built in 1871 to carry a branch railway over the Tollmere gorge and converted to road traffic a "
    "century later, is used by about nine thousand vehicles a day according to the council's latest count.",
    "Council roads officer Benedikt Aalto said the cracks were not an immediate danger to cars or pedestrians, "
    "but that heavier loads could widen them quickly during the freezing nights forecast for next week.",
    "Lorries and buses will be sent on a diversion of almost twenty kilometres through the villages of Ashcombe "
    "and Lower Pelling, where residents have already complained about narrow lanes and speeding delivery vans.",
    "A full survey of the structure is expected to take six weeks, after which the council will publish a plan "
    "and an estimate of the cost of strengthening the piers.",
]
LIBRARY = [
    "The trustees of the Quillon Street Library have agreed to open the reading rooms on Sunday afternoons from "
    "next month, reversing a decision taken four years ago to save money on heating and staff.",
    "A petition asking for the change collected more than three thousand signatures in the spring, many of them "
    "from students who said the library was the only quiet place in the district to revise for examinations.",
    "The extra hours will be paid for by a bequest from a former librarian, Mathilde Crane, who left the library "
    "her house and asked that the proceeds be spent on keeping its doors open for as long as possible.",
    "Volunteers from the Friends of Quillon Street will help staff the rooms, and the trustees said they hoped "
    "to add a children's story hour once the new timetable had settled in.",
]
ORCHARD = [
    "A late frost has destroyed much of the blossom in the cider orchards of the Vell valley, and growers say "
    "this autumn's apple harvest could be less than half of last year's.",
    "Temperatures fell to minus five degrees on two consecutive nights last week, just as the early varieties "
    "were coming into flower, and smoke pots lit between the rows did little to protect the trees.",
    "The Vell Valley Growers' Cooperative said it would ask the agriculture ministry for emergency support to "
    "cover the cost of buying in fruit so that its presses could keep running through the winter.",
    "Cider makers in the valley employ about six hundred people, and the cooperative warned that some of its "
    "smaller members might not survive a second poor year in a row.",
]
MARKET = [
    "The covered market in Brindlecombe will close for eighteen months from January while its cast-iron roof is "
    "restored, and the town's forty stallholders will move to a temporary hall on the old bus station site.",
    "The restoration, costing about four million euros, will replace rusted columns, reglaze the roof lanterns "
    "and install heating for the first time since the market opened in 1889.",
    "Stallholders' spokesman Piet Oduya said traders supported the work but feared losing customers during the "
    "move, and asked the town council to waive rents for the first three months in the temporary hall.",
]
EXCERPT = "blogs/excerpt #1 100%.html"
ROUNDUP = 'blogs/roundup, "quoted".txt'
SUD = "papers/süd édition.txt"
TITLE = '=HYPERLINK("http://evil.example","click") <script>alert(1)</script>'


def para(xs: list[str]) -> str:
    return "\n\n".join(xs)


def write(root: Path, rel: str, text: str) -> None:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def harbour_corpus(root: Path) -> Path:
    """Every case of the audit brief in one folder (all text invented)."""
    write(root, "wire/ferry.txt", "MARROWICK, April 11 (Reuters) - " + para(FERRY))
    write(root, "wire/ferry-update.txt", "UPDATE 1-Ferry crews strike at Marrowick\n\nMARROWICK, April 11 "
          "(Reuters) - " + para(FERRY[:3] + [UPDATE] + FERRY[3:]))
    write(root, "papers/lakeside post copy.txt", "Ferry strike strands travellers\n\n" + para(FERRY)
          + "\n\nSource: Reuters")
    write(root, SUD, para([s.replace("Tuesday morning", "Tuesday").replace("hundreds of", "many")
                           .replace("forty-eight", "48") for s in FERRY[:6]]) + "\n\n(Reuters)")
    write(root, EXCERPT, (
        f"<html><head><title>{TITLE}</title>"
        '<meta property="og:site_name" content="@Harbour &lt;b&gt;Watch&lt;/b&gt;">'
        '<meta property="article:published_time" content="2023-04-13"></head><body><article>'
        "<h1>What the strike means</h1><p>Our harbour correspondent writes: this week has been chaotic for island "
        "families. Shops on Skelling reported empty shelves by Wednesday and the school canteen switched to a "
        "reduced menu. Here is what the agency reported at the start of the dispute.</p>"
        + "".join(f"<p>{s}</p>" for s in FERRY[1:4])
        + "<p>Readers have written to us in large numbers about the disruption, and we will publish a selection "
        "of their letters in our weekend edition together with a timetable of the emergency crossings, once the "
        "operator confirms them. The island council meets on Friday evening in the parish hall.</p>"
        "</article></body></html>"))
    write(root, "loose/no-meta.txt", para(FERRY[:5]))
    write(root, "papers/bridge-herald.txt", "TOLLMERE, England (AP) — " + para(BRIDGE))
    write(root, "papers/bridge-gazette.txt", "TOLLMERE, England (AP) — " + para(BRIDGE[:4]))
    write(root, "papers/library-a.txt", para(LIBRARY))
    write(root, "papers/library-b.txt", "Library to open on Sundays\n\n" + para(LIBRARY))
    write(root, ROUNDUP, "Island news round-up\n\nApril 14th, 2023 - by admin\n\n"
          "Ferry crews walk out at Marrowick\nReuters\n\nMARROWICK (April 11, 2023) — " + para(FERRY[:4])
          + "\n\nFrost ruins Vell valley blossom\nThe Guardian\n\nVELL (April 9, 2023) — " + para(ORCHARD)
          + "\n\nPosted in accordance with Title 17, Section 107, US Code, for non-profit educational purposes.")
    write(root, "papers/choir.txt", "A choir from the fishing town of Ebbsholm won first prize at the national "
          "folk festival on Saturday, singing three songs collected from net-menders in the nineteenth century.")
    write(root, "metadata.csv", (
        "path,outlet,date,title\n"
        "wire/ferry.txt,Reuters,2023-04-11T08:15+00:00,Ferry crews strike at Marrowick\n"
        "wire/ferry-update.txt,Reuters,2023-04-11T11:40+00:00,UPDATE 1-Ferry crews strike at Marrowick\n"
        'papers/lakeside post copy.txt,Lakeside Post,2023-04-11T15:00+00:00,"=1+2"\n'
        f"{SUD},Süddeutsche Zeitung,2023-04-12,\"+Fähre <script>alert('x')</script>\"\n"
        "papers/bridge-herald.txt,Tollmere Herald,2023-05-03,-Viaduct cracks\n"
        "papers/bridge-gazette.txt,Pelling Gazette,2023-05-04,@viaduct\n"
        "papers/library-a.txt,Quillon Echo,2023-06-01,Library hours\n"
        "papers/library-b.txt,District Courier,2023-06-01,Library to open on Sundays\n"
        '"blogs/roundup, ""quoted"".txt",Island Reposts,2023-04,Round-up\n'
        "papers/choir.txt,Ebbsholm Times,2023,Choir wins\n"))
    return root


def invoke(*args):
    result = runner.invoke(app, [str(a) for a in args])
    assert result.exit_code == 0, result.output
    return result


@pytest.fixture(scope="module")
def harbour(tmp_path_factory):
    """(report, folder) of the harbour corpus, audited with the CLI."""
    base = tmp_path_factory.mktemp("harbour")
    corpus = harbour_corpus(base / "harbour")
    invoke("audit", corpus, "-o", base / "report.json", "-q")
    return json.loads((base / "report.json").read_text(encoding="utf-8")), corpus


@pytest.fixture(scope="module")
def indexed(tmp_path_factory):
    """A report of a folder audited against an archive index holding the originals."""
    base = tmp_path_factory.mktemp("indexed")
    old, new = base / "old", base / "new"
    write(old, "old/market.txt", para(MARKET))
    write(old, "old/library.txt", para(LIBRARY[:3]))
    write(old, "metadata.csv", "path,outlet,date\nold/market.txt,Brindlecombe Standard,2022-11-02\n"
          "old/library.txt,Quillon Echo,2023-05-20\n")
    write(new, "new/market-copy.txt", "Market to close\n\n" + para(MARKET))
    write(new, "new/library-copy.txt", para(LIBRARY))
    write(new, "metadata.csv", "path,outlet,date\nnew/market-copy.txt,Coast Weekly,2022-11-09\n"
          "new/library-copy.txt,District Courier,2023-06-01\n")
    invoke("index", "add", old, "--index", base / "archive.db")
    invoke("audit", new, "--index", base / "archive.db", "-o", base / "report.json", "-q")
    return json.loads((base / "report.json").read_text(encoding="utf-8")), new


def doc(report: dict, path: str) -> dict:
    return next(d for d in report["documents"] if d["path"] == path)


def cluster_of(report: dict, path: str, *, status: str = "determined") -> dict:
    return next(c for c in report["clusters"] if c["origin"]["status"] == status
                and any(m["path"] == path for m in c["members"]))


def read_back(report: dict, fmt: str) -> ProvDocument:
    return ProvDocument.deserialize(content=render(report, fmt), format=SERIALIZATIONS[fmt])


def attrs(record) -> dict:
    return {str(k): v for k, v in record.attributes}


def of_type(doc: ProvDocument, cls) -> list:
    return [r for r in doc.get_records(cls) if type(r) is cls]


def test_the_corpus_holds_every_case(harbour, indexed):
    report, _ = harbour
    rules = {c["origin"]["rule"] for c in report["clusters"]}
    assert {"undetermined", "wire-dateline", "cited-origin"} <= rules
    relations = {l["relation"] for c in report["clusters"] for l in c["chain"]}
    assert {"verbatim", "near_duplicate", "cited"} <= relations
    assert doc(report, "loose/no-meta.txt")["outlet"]["name"] is None
    assert any(ci["role"] == "revision" for ci in doc(report, "wire/ferry-update.txt")["citations"])
    assert {d["collection"] for d in indexed[0]["documents"]} == {None, "index:old"}


# ---------------------------------------------------------------- PROV

NCNAME = re.compile(r"^[A-Za-z_][A-Za-z0-9._-]*$")


def test_prov_identifiers_are_xml_qualified_names(harbour, indexed):
    """PROV-XML writes identifiers as xsd:QName: a local part must be an NCName (no '/', no leading digit)."""
    for report in (harbour[0], indexed[0]):
        document = build_document(report)
        for record in document.get_records():
            if record.identifier is not None:
                assert NCNAME.match(record.identifier.localpart), record.identifier
            for _, value in record.formal_attributes:
                if value is not None and hasattr(value, "localpart"):
                    assert NCNAME.match(value.localpart), value


def test_prov_xml_validates_against_the_w3c_schema(harbour, indexed):
    etree = pytest.importorskip("lxml.etree")
    import prov

    xsd = Path(prov.__file__).parent / "tests" / "schemas" / "prov.xsd"
    if not xsd.exists():
        pytest.skip("the installed prov package does not ship the PROV-XML schema")
    schema = etree.XMLSchema(etree.parse(str(xsd)))
    for report in (harbour[0], indexed[0]):
        tree = etree.fromstring(render(report, "prov-xml").encode("utf-8"))
        assert schema.validate(tree), [e.message for e in schema.error_log][:3]


def test_prov_outlet_and_tool_names_stay_qualified_names(harbour):
    report = json.loads(json.dumps(harbour[0]))
    doc(report, "papers/choir.txt")["outlet"]["name"] = "7 Islands Radio"
    report["tool"]["version"] = "0.1.0+local.3"
    names = {str(r.identifier) for r in of_type(build_document(report), ProvAgent)}
    assert "outlet:_7-islands-radio" in names and "tool:provenance-0.1.0-local.3" in names
    assert all(NCNAME.match(n.split(":", 1)[1]) for n in names)


@pytest.mark.parametrize("fmt", ["prov-json", "prov-n", "prov-xml"])
def test_prov_a_day_is_not_written_as_midnight(harbour, fmt):
    """A date known to the day has no time of day: its generation carries the date, not an instant."""
    report, _ = harbour
    document = read_back(report, fmt)
    gens = {str(next(iter(g.get_attribute(PROV_ATTR_ENTITY)))): g for g in of_type(document, ProvGeneration)}
    sud = gens[f"doc:{doc(report, SUD)['id']}"]
    assert not sud.get_attribute(PROV_ATTR_TIME)
    assert attrs(sud)["provenance:date"] == "2023-04-12" and attrs(sud)["provenance:precision"] == "day"
    wire = gens[f"doc:{doc(report, 'wire/ferry.txt')['id']}"]
    assert str(next(iter(wire.get_attribute(PROV_ATTR_TIME))).isoformat()) == "2023-04-11T08:15:00+00:00"
    guardian = next(c for c in report["clusters"] if c["origin"]["outlet"] == "The Guardian")
    external = gens[f"external:{guardian['id']}"]
    assert not external.get_attribute(PROV_ATTR_TIME) and attrs(external)["provenance:date"] == "2023-04-09"


def test_prov_a_same_day_revision_is_not_generated_before_its_original(harbour):
    """An update dated only to the day must not be placed at midnight, before the story it revises."""
    report = json.loads(json.dumps(harbour[0]))
    update = doc(report, "wire/ferry-update.txt")
    update["published"].update(date="2023-04-11", precision="day")
    document = build_document(report)
    revisions = [r for r in of_type(document, ProvDerivation) if PROV["Revision"] in r.get_asserted_types()]
    assert [str(next(iter(r.get_attribute(PROV_ATTR_GENERATED_ENTITY)))) for r in revisions] == [f"doc:{update['id']}"]
    times = {str(next(iter(g.get_attribute(PROV_ATTR_ENTITY)))): g.get_attribute(PROV_ATTR_TIME)
             for g in of_type(document, ProvGeneration)}
    assert times[f"doc:{update['id']}"] == set()


def test_prov_revision_only_for_a_copy_of_the_same_outlet(harbour):
    """A document sharing a passage only as a member (not a copy) does not revise the origin."""
    report = json.loads(json.dumps(harbour[0]))
    update = doc(report, "wire/ferry-update.txt")
    for p in update["passages"]:
        p["role"], p["source"] = "member", None
    cid = update["passages"][0]["cluster"]
    cluster = next(c for c in report["clusters"] if c["id"] == cid)
    cluster["chain"] = [l for l in cluster["chain"] if l["document"] != update["id"]]
    revisions = [r for r in of_type(build_document(report), ProvDerivation)
                 if PROV["Revision"] in r.get_asserted_types()]
    assert revisions == []


def test_prov_run_record_is_complete(harbour):
    """PREMIS-style: what ran, with which configuration, on which inputs, with what outcome."""
    report, _ = harbour
    document = read_back(report, "prov-json")
    run = report["run"]
    (plan,) = [e for e in of_type(document, ProvEntity) if str(e.identifier).startswith("plan:")]
    t = attrs(plan)
    assert t["provenance:rules_sha256"] == run["rules"]["sha256"]
    assert json.loads(t["provenance:rules_files"]) == run["rules"]["files"]
    assert t["provenance:outlets_sha256"] == run["outlets"]["sha256"]
    assert json.loads(t["provenance:outlets_files"]) == run["outlets"]["files"]
    (activity,) = of_type(document, ProvActivity)
    a = attrs(activity)
    assert json.loads(a["provenance:options"]) == run["options"]
    assert json.loads(a["provenance:libraries"]) == run["libraries"]
    assert json.loads(a["provenance:inputs"]) == run["inputs"]
    assert json.loads(a["provenance:summary"]) == report["summary"]
    assert a["provenance:sidecar"] == "metadata.csv"
    entities = {str(e.identifier): e for e in of_type(document, ProvEntity)}
    for d in report["documents"]:
        e = attrs(entities[f"doc:{d['id']}"])
        assert (e["provenance:characters"], e["provenance:format"], e["provenance:encoding"]) == (
            d["characters"], d["format"], d["encoding"])


def test_prov_origin_passages_carry_the_origin_decision(harbour):
    """How sure the origin is travels with it: rule, confidence and reason, also when undetermined."""
    report, _ = harbour
    entities = {str(e.identifier): attrs(e) for e in of_type(read_back(report, "prov-n"), ProvEntity)}
    ferry = cluster_of(report, "wire/ferry.txt")
    m = ferry["members"][ferry["origin"]["member"]]
    origin = entities[f"passage:{ferry['id']}_{m['document']}_{m['start']}-{m['end']}"]
    assert origin["provenance:role"] == "origin"
    assert (origin["provenance:rule"], origin["provenance:confidence"], origin["provenance:reason"]) == (
        ferry["origin"]["rule"], ferry["origin"]["confidence"], ferry["origin"]["reason"])
    tie = cluster_of(report, "papers/library-a.txt", status="undetermined")
    for m in tie["members"]:
        e = entities[f"passage:{tie['id']}_{m['document']}_{m['start']}-{m['end']}"]
        assert e["provenance:rule"] == "undetermined" and e["provenance:reason"] == tie["origin"]["reason"]
    copy = ferry["members"][ferry["chain"][0]["member"]]
    assert "provenance:rule" not in entities[f"passage:{ferry['id']}_{copy['document']}_{copy['start']}-{copy['end']}"]


def test_prov_derivations_are_the_report_chains_and_nothing_else(harbour):
    report, _ = harbour
    document = read_back(report, "prov-xml")
    links = {(str(next(iter(r.get_attribute(PROV_ATTR_GENERATED_ENTITY)))),
              str(next(iter(r.get_attribute(PROV_ATTR_USED_ENTITY))))): r
             for r in of_type(document, ProvDerivation) if PROV["Revision"] not in r.get_asserted_types()}
    expected = {}
    for c in report["clusters"]:
        pid = [f"passage:{c['id']}_{m['document']}_{m['start']}-{m['end']}" for m in c["members"]]
        for l in c["chain"]:
            source = l["source_member"] if l["source_member"] is not None else c["origin"]["member"]
            expected[(pid[l["member"]], pid[source] if source is not None else f"external:{c['id']}")] = l
    assert set(links) == set(expected)
    for key, l in expected.items():
        assert (PROV["Quotation"] in links[key].get_asserted_types()) == (l["relation"] == "verbatim")


# ---------------------------------------------------------------- CSV


def csv_rows(report: dict) -> list[dict]:
    text = render(report, "csv")
    rows = list(csv.DictReader(io.StringIO(text, newline="")))
    return rows


def test_csv_lists_the_passages_of_undetermined_origins(harbour):
    """The CSV says 'undetermined' rather than leaving shared passages out."""
    report, _ = harbour
    rows = csv_rows(report)
    tie = cluster_of(report, "papers/library-a.txt", status="undetermined")
    mine = [r for r in rows if r["cluster"] == tie["id"]]
    assert [(r["path"], r["start"], r["end"]) for r in mine] == [
        (m["path"], str(m["start"]), str(m["end"])) for m in tie["members"]]
    for r in mine:
        assert r["origin_rule"] == "undetermined" and r["origin_confidence"] == "low"
        assert r["origin_document"] == r["origin_outlet"] == r["in_corpus"] == r["relation"] == ""
        assert r["credited"] == ""
    assert len(rows) == sum(len(c["chain"]) for c in report["clusters"]) + len(tie["members"])


def test_csv_rows_are_the_report_exactly(harbour):
    report, _ = harbour
    rows = [r for r in csv_rows(report) if r["origin_rule"] != "undetermined"]
    links = [(c, l) for c in report["clusters"] for l in c["chain"]]
    assert len(rows) == len(links)
    for row, (c, l) in zip(rows, links):
        assert (row["document"], row["start"], row["end"], row["cluster"]) == (
            l["document"], str(l["start"]), str(l["end"]), c["id"])
    by_path = {r["path"]: r for r in rows}
    assert by_path[EXCERPT]["outlet"] == "'@Harbour <b>Watch</b>"  # a formula defused
    assert ROUNDUP in by_path and SUD in by_path


def test_csv_says_which_collection_a_document_came_from(indexed):
    """With --index an origin can be a document of another corpus: its path alone would send the
    reader to the audited folder."""
    report, _ = indexed
    rows = csv_rows(report)
    assert rows and all(r["collection"] == "" for r in rows)
    assert {r["origin_path"] for r in rows} == {"old/market.txt", "old/library.txt"}
    assert {r["origin_collection"] for r in rows} == {"index:old"}


# ---------------------------------------------------------------- HTML


def copy_article(page: str, cluster_id: str, path: str) -> str:
    for part in page.split('<article class="copy')[1:]:
        if part.split(">", 1)[0].find(f'id="{cluster_id}-copy-') >= 0 and f">{path}<" in part.split("</header>")[0]:
            return part.split("</article>", 1)[0]
    raise AssertionError(f"no copy {path} in {cluster_id}")


def test_html_compares_a_copy_with_its_direct_source_when_the_original_is_outside(harbour):
    """The copy's relation and similarity were measured against its source in the corpus: show it."""
    report, corpus = harbour
    texts = texts_for(report, build_inventory(corpus).documents)
    page = render_html(report, texts)
    ap = next(c for c in report["clusters"] if c["origin"]["outlet"] == "Associated Press")
    gazette = copy_article(page, ap["id"], "papers/bridge-gazette.txt")
    assert "nothing to compare with" not in gazette
    assert "direct source · papers/bridge-herald.txt" in gazette
    assert gazette.count("Council roads officer Benedikt Aalto") == 2  # both sides
    herald = copy_article(page, ap["id"], "papers/bridge-herald.txt")
    assert "nothing to compare with" in herald  # no source in the corpus: nothing indeed
    n = 1 + next(i for i, l in enumerate(ap["chain"]) if l["path"] == "papers/bridge-herald.txt")
    row = page.split(f'href="#{ap["id"]}-copy-{n}"', 1)[1].split("</tr>", 1)[0]
    assert "measured against the origin" not in row and "outside the corpus" in row


def test_html_timeline_orders_times_by_the_instant(harbour):
    report = json.loads(json.dumps(harbour[0]))
    determined = [c for c in report["clusters"] if c["origin"]["status"] == "determined"]
    # 23:00 at UTC-5 is 04:00 UTC the next day: after 01:00 UTC on that day
    determined[0]["origin"]["date"] = "2023-04-11T23:00-05:00"
    determined[1]["origin"]["date"] = "2023-04-12T01:00+00:00"
    page = render_html(report, None)
    timeline = page.split('id="timeline"', 1)[1].split("</section>", 1)[0]
    assert timeline.index("2023-04-12T01:00+00:00") < timeline.index("2023-04-11T23:00-05:00")


def test_html_keeps_joiners_that_spell_words(harbour):
    """ZWNJ and ZWJ shape letters in Persian, Indic scripts and emoji: they are neither control
    nor bidirectional-override characters, and removing them misspells the text."""
    report = json.loads(json.dumps(harbour[0]))
    word = "می\u200cخواهم"  # Persian: 'I want', spelt with a zero-width non-joiner
    family = "\U0001F469\u200d\U0001F467"
    doc(report, "papers/choir.txt")["title"] = f"{word} {family}"
    tie = cluster_of(report, "papers/library-a.txt", status="undetermined")
    m = tie["members"][0]
    n = doc(report, m["path"])["characters"]
    page = render_html(report, {m["path"]: (f"{word} {family} \u202e" + "y" * n)[:n]})
    assert f"{word} {family}" in page.split('id="documents"', 1)[1].split("</section>", 1)[0]
    assert f"{word} {family} y" in page  # the passage text, its override removed
    assert "\u202e" not in page


def test_html_names_the_collection_of_an_archive_document(indexed):
    report, _ = indexed
    page = render_html(report, None)
    timeline = page.split('id="timeline"', 1)[1].split("</section>", 1)[0]
    assert timeline.count("index:old") == 2


def test_prov_audit_uses_only_the_documents_of_the_audited_corpus(indexed):
    """An indexed document brought in for comparison is described, not an input of this run."""
    from prov.model import ProvUsage

    report, _ = indexed
    used = {str(dict(r.formal_attributes)[PROV_ATTR_ENTITY]) for r in of_type(build_document(report), ProvUsage)}
    inputs = {f"doc:{d['id']}" for d in report["documents"] if not d["collection"]}
    archived = {f"doc:{d['id']}" for d in report["documents"] if d["collection"]}
    assert archived and used == inputs
